"""Mapping-driven tabular lists: the shipped eCFR mappings on real excerpts, a letter list
in CSV and XLSX, and bad rows reported with file, line and field."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from stopship.errors import ConfigError, InputError
from stopship.model import Address, Entity
from stopship.sources import ParseReport, get_source
from stopship.sources.tabular.parser import MAPPINGS, TabularSource, stable_id

FIXTURES = Path(__file__).parents[2] / "fixtures" / "lists"
ECFR = FIXTURES / "us_bis_ecfr"
LETTER = FIXTURES / "letters" / "supplier_list.csv"


def parse(mapping: Path, *files: Path, strict: bool = False) -> tuple[list[Entity], ParseReport]:
    report = ParseReport(strict=strict)
    source = get_source("tabular", mapping=mapping)
    return list(source.parse(list(files), report)), report


def named(entities: list[Entity], name: str) -> list[Entity]:
    return [e for e in entities if e.caption == name]


def test_ecfr_entity_list_license_requirement_and_footnote_3():
    entities, report = parse(MAPPINGS / "us_bis_el.yaml", ECFR / "bis_entity_list.json")
    assert report.skipped == [] and len(entities) == 8
    assert {e.list_id for e in entities} == {"us_bis_el"}
    shipyard = named(entities, "5th Shipyard")[0]
    assert shipyard.flags == {
        "schema_inferred": True,
        "federal_register": "87 FR 20299, 4/7/22",
        "license_requirement": "All items subject to the EAR. (See §§ 734.9(g),3 "
                               "746.8(a)(3), and 744.21(b) of the EAR)",
        "meu": True,
    }
    assert [n.value for n in shipyard.names] == [
        "5th Shipyard", "5-y Sudoremontnyy Zavod", "5 SRZ", "JSC GF 5 SRZ JSC TsS Zvezdochka"]
    assert [(c.code, c.role) for c in shipyard.countries] == [("RU", "country")]
    geomir = named(entities, "AO Geomir")[0]  # the "734.9(g)3," spelling of footnote 3
    assert geomir.flags["meu"] is True
    divi = named(entities, "3DiVi OOO")[0]
    assert "meu" not in divi.flags
    assert divi.flags["license_requirement"] == (
        "For all items subject to the EAR. (See § 744.11 of the EAR)")
    assert divi.addresses == [
        Address("64-d Lenin Ave., 6th floor, Chelyabinsk, 454080, Russia", country="RU"),
        Address("48 Prospekt Makeeva, Miass, Chelyabinskaya Oblast, 4563200, Russia",
                country="RU"),
    ]


def test_ecfr_addresses_split_and_alternate_address_pointer_kept():
    entities, _ = parse(MAPPINGS / "us_bis_el.yaml", ECFR / "bis_entity_list.json")
    afghan = [e for e in named(entities, "Abdul Satar Ghoura") if e.countries[0].code == "AF"][0]
    assert [a.full for a in afghan.addresses] == [
        "501, 5th Floor, Amanullah Sancharaki Market Opp Chaman E Huzuri, Kabul, Afghanistan",
        "Flat No. 41 Block No. 24 Macroyan 3, Kabul, Afghanistan",
    ]
    assert afghan.properties["address_note"] == ["(See alternate addresses under Pakistan)."]
    # Two distinct entries share name and country; the address keeps their ids apart.
    wong = named(entities, "Wong Yung Fai")
    assert len(wong) == 2 and wong[0].id != wong[1].id


def test_meu_mapping_flags_every_entry():
    entities, _ = parse(MAPPINGS / "us_bis_meu.yaml", ECFR / "bis_meu.json")
    assert [(e.list_id, e.caption, e.flags["meu"]) for e in entities] == [
        ("us_bis_meu", "Academy of Aerospace Solid Propulsion Technology (AASPT)", True),
        ("us_bis_meu", "AECC Aero Science & Technology Co. Ltd.", True),
    ]
    assert entities[1].remarks == "Subordinate institution of Aero-Engine Company of China"
    assert entities[1].flags["federal_register"] == "85 FR 83799, 12/23/2020"


def test_dpl_mapping_and_exact_duplicate_rows():
    entities, report = parse(MAPPINGS / "us_bis_dpl.yaml", ECFR / "bis_dpl.json")
    assert len(entities) == 5
    adt = entities[0]
    assert (adt.list_id, adt.caption, adt.listed_on) == (
        "us_bis_dpl", "ADT ANALOG AND DIGITAL TECHNIK", "1981-09-10")
    assert adt.flags["denial"] == "Type of denial: Standard"
    assert adt.flags["federal_register"] == "46 F.R. 46154 9/17/81 and 46 F.R. 19290 3/30/81"
    assert adt.addresses == [Address("8019 NIEDERSEEON, HOUSE 21, DE", country="DE")]
    # The DPL lists PHOTOMASKING once per address (two entities); NEI-CHIEN CHU's two
    # rows are identical, so the second is reported, not loaded twice.
    assert len(named(entities, "PHOTOMASKING SERVICES LTD.")) == 2
    assert [(s.line, s.reason) for s in report.skipped] == [(6, "duplicate id")]


def test_letter_list_records_letter_type_and_received_date():
    entities, report = parse(MAPPINGS / "letter_list.yaml", LETTER)
    assert report.rows_read[str(LETTER)] == 6 and len(entities) == 6
    yildiz = entities[0]
    assert yildiz.flags == {"letter_type": "supplier_list", "letter_received": "2024-07-15"}
    assert [n.value for n in yildiz.names[1:]] == [
        "Ag Yildiz Cargo", "Ag Yildiz Gayrimenkul", "Yildiz Company", "Yildiz Shipping Company"]
    assert yildiz.countries[0].code == "TR"
    assert yildiz.native_id == stable_id(yildiz.caption, "TR")
    hk = entities[5]
    assert hk.countries[0].code == "CN" and hk.addresses[0].country == "HK"
    assert entities[3].caption == "Bold Bridge International, LLC"
    assert entities[3].provenance is not None and entities[3].provenance.line == 5


def test_loading_twice_gives_identical_ids():
    first = [e.id for e in parse(MAPPINGS / "letter_list.yaml", LETTER)[0]]
    second = [e.id for e in parse(MAPPINGS / "letter_list.yaml", LETTER)[0]]
    assert first == second and len(set(first)) == 6


def test_xlsx_and_gzip_inputs(tmp_path: Path):
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(LETTER.open(encoding="utf-8")):
        sheet.append(row)
    book.save(tmp_path / "letter.xlsx")
    mapping = tmp_path / "letter.yaml"
    mapping.write_text((MAPPINGS / "letter_list.yaml").read_text("utf-8")
                       .replace("format: csv", "format: xlsx"), "utf-8")
    from_csv = parse(MAPPINGS / "letter_list.yaml", LETTER)[0]
    from_xlsx = parse(mapping, tmp_path / "letter.xlsx")[0]
    assert [e.content_hash() for e in from_xlsx] == [e.content_hash() for e in from_csv]
    packed = tmp_path / "bis_meu.json.gz"
    packed.write_bytes(gzip.compress((ECFR / "bis_meu.json").read_bytes()))
    assert len(parse(MAPPINGS / "us_bis_meu.yaml", packed)[0]) == 2


def _write(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "letter.csv"
    path.write_bytes(LETTER.read_bytes().splitlines()[0] + b"\n" + body)
    return path


BAD_ROWS = [
    # (row, field, reason)
    (b',Alias,Turkey,"Somewhere"\n', "name", "empty name"),
    (b'Extra Co,A,Turkey,Addr,surplus\n', None, "row has 5 cells, the header has 4"),
    (b'Bad \xe9ncoding Ltd,,Turkey,Addr\n', None, "invalid utf-8 byte sequence"),
    (b'Profflab LLC,Again,Kyrgyzstan,Other address\n', "id", "duplicate id"),
]


@pytest.mark.parametrize(("row", "field", "reason"), BAD_ROWS)
def test_bad_rows_are_skipped_with_file_line_field(tmp_path: Path, row, field, reason):
    good = b"Profflab LLC,Profflab OSOO,Kyrgyzstan,Bishkek\n"
    path = _write(tmp_path, good + row + b"Last Co,,Armenia,Yerevan\n")
    entities, report = parse(MAPPINGS / "letter_list.yaml", path)
    assert [e.caption for e in entities] == ["Profflab LLC", "Last Co"]
    assert [(s.file, s.line, s.field, s.reason) for s in report.skipped] == [
        (str(path), 3, field, reason)]
    assert report.rows_read[str(path)] == 3
    with pytest.raises(InputError) as err:
        parse(MAPPINGS / "letter_list.yaml", path, strict=True)
    assert (err.value.location.file, err.value.location.line) == (str(path), 3)


UNTERMINATED = [
    # (rows after the header, line and field of the open quote): the quote swallows the rest
    (b'Profflab LLC,Profflab OSOO,Kyrgyzstan,"Bishkek\n', 2, "address"),
    (b'Profflab LLC,Profflab OSOO,Kyrgyzstan,"Bishkek', 2, "address"),
    (b'Profflab LLC,,Kyrgyzstan,Bishkek\nLast Co,,Armenia,"Yerevan, Armenia.\n', 3, "address"),
    (b'Profflab LLC,,Kyrgyzstan,"Bishkek\nLast Co,,Armenia,Yerevan\n', 2, "address"),
    (b'Profflab LLC,"Profflab\nOSOO",Kyrgyzstan,Bishkek\nLast Co,,"Armenia,Yerevan\n', 4,
     "country"),
]


@pytest.mark.parametrize(("body", "line", "field"), UNTERMINATED)
@pytest.mark.parametrize("strict", [False, True])
def test_unterminated_quote_is_an_error_naming_file_line_field(tmp_path: Path, body: bytes,
                                                               line: int, field: str,
                                                               strict: bool):
    path = _write(tmp_path, body)
    with pytest.raises(InputError, match="unterminated quote") as err:
        parse(MAPPINGS / "letter_list.yaml", path, strict=strict)
    assert (err.value.location.file, err.value.location.line, err.value.location.field) == (
        str(path), line, field)


def test_closed_quotes_across_lines_and_lenient_quotes_still_read(tmp_path: Path):
    path = _write(tmp_path, b'"Profflab\nLLC",,Kyrgyzstan,"Bishkek ""Centre"""\n'
                            b'Last "Co",,Armenia,"Yerevan" Centre\n'
                            b'Final Co,,Armenia,""\n')
    entities, report = parse(MAPPINGS / "letter_list.yaml", path)
    assert [e.caption for e in entities] == ["Profflab LLC", 'Last "Co"', "Final Co"]
    assert [a.full for a in entities[1].addresses] == ["Yerevan Centre"]
    assert not report.skipped


def test_missing_column_is_refused_naming_it(tmp_path: Path):
    path = tmp_path / "letter.csv"
    path.write_text("name,alias,country,address\nX,,Turkey,Y\n", "utf-8")
    with pytest.raises(InputError) as err:
        parse(MAPPINGS / "letter_list.yaml", path)
    assert (err.value.location.line, err.value.location.field) == (1, "aliases")


def test_json_record_that_is_not_an_object_is_skipped_with_its_index(tmp_path: Path):
    path = tmp_path / "meu.json"
    path.write_text('{"entities": [{"name": "A", "aliases": [], "country": "China", '
                    '"address": "x", "federal_register": null, "effective_date": null, '
                    '"notes": null}, 42]}', "utf-8")
    entities, report = parse(MAPPINGS / "us_bis_meu.yaml", path)
    assert len(entities) == 1
    assert [(s.line, s.reason) for s in report.skipped] == [(2, "record is not a JSON object")]


def test_tabular_source_needs_a_mapping():
    with pytest.raises(ConfigError):
        TabularSource()
