"""Vendor layouts onto the canonical trade record; bad rows are counted, never lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopship.engines import open_engine
from stopship.errors import ConfigError, InputError
from stopship.intelligence.ingest import ingest, load_vendor_mapping
from stopship.intelligence.reference import INTEL

VENDOR_CSV = """DECL_LINE_ID;DECL_DATE;POLUCHATEL;INN_POLUCHATELYA;OTPRAVITEL;ADRES_OTPRAVITELYA;STRANA_OTPRAVITELYA;STRANA_PROISKHOZHDENIYA;STRANA_OTPRAVLENIYA;TNVED;TOVARNY_ZNAK;OPISANIE;KOLICHESTVO;EDINITSA;STOIMOST_USD
10702010/010322/0001;01.03.2022;OOO "Vektor";7707083893;HONG KONG XINHE LTD;Room 5, Kowloon;HK;US;HK;8542 31 900 0;Texas Instruments;Microcontrollers;1000;PCS;12500.50
10702010/010322/0002;31.02.2022;OOO "Vektor";7707083893;HONG KONG XINHE LTD;Room 5, Kowloon;HK;US;HK;8542310000;Intel;CPU;10;PCS;1800
10702010/010322/0003;02.03.2022;OOO "Vektor";7707083893;;Room 5, Kowloon;HK;US;HK;8542310000;Intel;CPU;10;PCS;1800
10702010/010322/0004;03.03.2022;OOO "Vektor";7707083893;XINHE;Room 5;HK;US;HK;85;Intel;CPU;10;PCS;1800
"""


def test_vendor_mapping_renames_casts_and_counts_rejects(tmp_path: Path) -> None:
    path = tmp_path / "decl.csv"
    path.write_text(VENDOR_CSV, encoding="utf-8")
    mapping = load_vendor_mapping(INTEL / "mappings" / "example_vendor_ru_customs.yaml")
    engine = open_engine()
    try:
        report = ingest(engine, [path], mapping)
        rows = engine.sql("SELECT * FROM records").to_pylist()
    finally:
        engine.close()
    assert report.rows_read == 4 and report.rows_kept == 1
    assert report.rejected == {"no_record_id": 0, "bad_date": 1, "no_seller": 1,
                               "bad_hs_code": 1, "bad_value": 0}
    row = rows[0]
    assert row["hs_code"] == "8542319000"        # spaces removed
    assert row["importer_country"] == "RU"       # constant from the mapping
    assert str(row["date"]) == "2022-03-01"      # DD.MM.YYYY parsed
    assert row["value_usd"] == pytest.approx(12500.50)


def test_missing_vendor_column_names_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "decl.csv"
    path.write_text("DECL_LINE_ID;DECL_DATE\n1;01.01.2023\n", encoding="utf-8")
    mapping = load_vendor_mapping(INTEL / "mappings" / "example_vendor_ru_customs.yaml")
    engine = open_engine()
    try:
        with pytest.raises(InputError) as err:
            ingest(engine, [path], mapping)
    finally:
        engine.close()
    assert err.value.location.file == str(path)
    assert err.value.location.field == "POLUCHATEL"


@pytest.mark.parametrize("body, key", [
    ("columns: {record_id: a, date: b, seller_name: c, hs_code: d, value_usd: e, colour: f}",
     "columns.colour"),
    ("columns: {record_id: a, date: b}", "columns"),
    ("format: xml\ncolumns: {record_id: a, date: b, seller_name: c, hs_code: d, value_usd: e}",
     "format"),
    ("columns: [a, b]", "columns"),
])
def test_bad_mapping_is_a_config_error_naming_the_key(tmp_path: Path, body: str, key: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_vendor_mapping(path)
    assert err.value.location.field == key and err.value.location.file == str(path)


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    engine = open_engine()
    try:
        with pytest.raises(InputError):
            ingest(engine, [tmp_path / "nope.parquet"])
    finally:
        engine.close()


def test_weapons_evidence_file(tmp_path: Path) -> None:
    from stopship.intelligence.ingest import load_weapons_evidence
    path = tmp_path / "found.csv"
    path.write_text("manufacturer,part_number,hs_code,weapon_system,date\n"
                    "Texas Instruments,TMS320F28335,8542.31,Kh-101,2023-05-01\n"
                    ",ADSP-BF533,854239,Orlan-10,2022-09-01\n", encoding="utf-8")
    found = load_weapons_evidence(path)
    assert found.brands == {"texas instruments"}
    assert found.hs6 == {"854231", "854239"}
    assert len(found.rows) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("manufacturer,hs_code\n,12\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_weapons_evidence(bad)
    assert err.value.location.line == 2
    with pytest.raises(InputError):
        load_weapons_evidence(tmp_path / "missing.csv")


def test_generator_top_folder_reads_its_records_subfolder(tmp_path: Path) -> None:
    from stopship.intelligence.generate import generate
    from stopship.intelligence.ingest import expand_inputs, trade_inputs
    top = tmp_path / "gen"
    generate(2_000, 3, top, chunk_rows=1_000)
    assert (top / "truth").is_dir()           # CSVs beside records/ that are not trade records
    paths, notes = trade_inputs([top])
    assert paths == [top / "records"]
    assert len(notes) == 1 and str(top / "records") in notes[0]
    files = expand_inputs([top])
    assert files and all(p.parent == top / "records" and p.suffix == ".parquet" for p in files)
    engine = open_engine()
    try:
        report = ingest(engine, [top])
    finally:
        engine.close()
    assert report.rows_read == 2_000


@pytest.mark.parametrize("content", [None, "notes.txt"])
def test_folder_without_trade_records_names_folder_and_what_was_expected(
        tmp_path: Path, content: str | None) -> None:
    from stopship.intelligence.ingest import expand_inputs
    folder = tmp_path / "empty"
    folder.mkdir()
    if content:
        (folder / content).write_text("not trade records", encoding="utf-8")
    with pytest.raises(InputError) as err:
        expand_inputs([folder])
    assert err.value.location.file == str(folder)
    assert ".parquet" in err.value.message and ".csv" in err.value.message
    assert "records/" in err.value.message       # says what a generator folder looks like
