"""trade.gov CSL parser on a real excerpt of the April 2022 consolidated.csv (23 rows, one
per CSL source plus named Entity List, SDN, DPL entries) and its hand-made JSON twin."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from stopship.errors import InputError
from stopship.model import Address, Entity, Identifier
from stopship.sources import ParseReport, get_source

FIXTURES = Path(__file__).parents[2] / "fixtures" / "lists" / "us_trade_csl"
CSV = FIXTURES / "consolidated.csv"
JSON = FIXTURES / "consolidated.json"
HEADER = CSV.read_text("utf-8").splitlines()[0]


def parse(*files: Path, strict: bool = False) -> tuple[list[Entity], ParseReport]:
    report = ParseReport(strict=strict)
    return list(get_source("us_trade_csl").parse(list(files), report)), report


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.id: e for e in entities}


def test_every_csl_source_becomes_its_own_list():
    entities, report = parse(CSV)
    assert report.rows_read[str(CSV)] == 23
    assert dict(report.entities) == {
        "us_bis_el": 3, "us_bis_meu": 1, "us_bis_uvl": 1, "us_bis_dpl": 1,
        "us_ofac_sdn": 7, "us_state_isn": 1, "us_state_dtc": 1, "us_ofac_ssi": 1,
        "us_ofac_cap": 2, "us_ofac_cmic": 1, "us_ofac_plc": 1, "us_ofac_fse": 1,
        "us_ofac_nsmbs": 1,
    }
    assert len(entities) == 22
    # The CAP list repeats BANK OF KUNLUN (15268) with only its source_list_url changed.
    assert [(s.line, s.field, s.reason) for s in report.skipped] == [(19, "_id", "duplicate id")]


def test_entity_list_license_requirement_federal_register_and_footnote_3():
    e = by_id(parse(CSV)[0])["us_bis_el:4398d33e9e93c7477af39f1e0bfffc13ddd47bcc"]
    assert e.caption == "140 Repair Plant JSC"
    assert e.schema == "organization"
    assert e.flags == {
        "license_requirement": "For all items subject to the EAR. (See §§734.9(g),3 "
                               "746.8(a)(3), and 744.21(b) of the EAR.)",
        "license_policy": "Policy of denial.",
        "federal_register": "87 FR 20299",
        "start_date": "2022-04-07",
        "meu": True,
        "schema_inferred": True,
    }
    assert e.listed_on == "2022-04-07"
    assert [(n.value, n.kind) for n in e.names] == [
        ("140 Repair Plant JSC", "primary"),
        ("Open Joint Stock Company 140 Repair Plant", "alias"),
        ("JSC 140 Repair Plant", "alias"),  # the list's "; and " joiner is dropped
    ]
    assert e.addresses == [Address("19 Luysi Chalovskoy St., Borisov, 222512, BY", country="BY")]
    assert e.provenance is not None and e.provenance.file == "consolidated.csv"
    assert e.provenance.line == 5 and len(e.provenance.sha256) == 64


def test_section_744_21_policy_alone_is_not_footnote_3():
    entities = parse(CSV)[0]
    kron = next(e for e in entities if e.caption == "AO Kronshtadt")
    assert kron.flags["license_policy"] == "Policy of denial. See §§ 746.8(b) and 744.21(e)."
    assert "meu" not in kron.flags
    center = by_id(entities)["us_bis_el:14b2dc922b62ff49cb9d3c6a18a8afb217f4d610"]
    assert center.flags["license_requirement"] == "All items subject to the EAR."
    assert center.flags["license_policy"] == "See §744.4(d) of this part."
    assert "meu" not in center.flags


def test_meu_list_entries_are_flagged():
    meu = [e for e in parse(CSV)[0] if e.list_id == "us_bis_meu"]
    assert [(e.caption, e.flags["meu"], e.flags["federal_register"]) for e in meu] == [
        ("AECC Aero Science & Technology Co. Ltd.", True, "85 FR 83799")
    ]


def test_denied_persons_entry():
    e = by_id(parse(CSV)[0])["us_bis_dpl:deb7a1d5743a85c354ca1a2c7f2664e2104b32d7"]
    assert e.caption == "I. ASH"
    assert e.schema == "organization" and e.flags["schema_inferred"] is True
    assert e.flags["start_date"] == "2003-06-19"
    assert e.flags["end_date"] == "2056-06-29"
    assert e.flags["standard_order"] == "Y"
    assert e.flags["federal_register"] == (
        "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07")
    assert e.remarks == "FEDERAL REGISTER NOTICE UPDATED"
    assert e.addresses[0].country == "US"


def test_sdn_russian_company_ids():
    e = by_id(parse(CSV)[0])["us_ofac_sdn:35891"]
    assert e.caption == "JOINT STOCK COMPANY NATIONAL HELICOPTER CENTER MIL AND KAMOV"
    assert e.schema == "organization" and "schema_inferred" not in e.flags
    assert e.flags["source_entity_number"] == "35891"
    assert e.programs == ["RUSSIA-EO14024"]
    assert e.identifiers == [
        Identifier("registration", "1027739032969", "RU", "Registration Number"),
        Identifier("tax_id", "7718016666", "RU", "Tax ID No."),
    ]
    assert [(d.role, d.value) for d in e.dates] == [("incorporated", "1947")]
    assert e.remarks == "(Linked To: VERTOLETY ROSSII AO)"
    assert [(c.code, c.role) for c in e.countries] == [("RU", "address")]


def test_sdn_okpo_and_websites():
    e = by_id(parse(CSV)[0])["us_ofac_sdn:34337"]
    assert Identifier("okpo", "15110384", "RU", "Government Gazette Number") in e.identifiers
    assert e.properties["website"] == ["www.rdif.ru", "www.investinrussia.com"]
    assert ("incorporated", "2017-04-11") in [(d.role, d.value) for d in e.dates]


def test_sdn_person_passport_with_issue_and_expiry():
    e = by_id(parse(CSV)[0])["us_ofac_sdn:17291"]
    assert e.schema == "person"
    assert Identifier("passport", "K475336", "JO",
                      "Passport; issued 2009-08-31; expires 2014-08-30") in e.identifiers
    assert Identifier("national_id", "28940000602", "QA", "National ID No.") in e.identifiers
    assert [(d.role, d.value) for d in e.dates] == [("birth", "1989-07-13")]
    assert ("JO", "nationality") in [(c.code, c.role) for c in e.countries]


def test_vessel_and_aircraft():
    found = by_id(parse(CSV)[0])
    vessel = found["us_ofac_sdn:31920"]
    assert vessel.schema == "vessel"
    assert Identifier("imo", "8770261", None, "Vessel Registration Identification") in (
        vessel.identifiers)
    assert vessel.properties["call_sign"] == ["UDQB"]
    assert ("RU", "flag") in [(c.code, c.role) for c in vessel.countries]
    plane = found["us_ofac_sdn:35302"]
    assert plane.schema == "aircraft"
    assert Identifier("aircraft_tail", "M-IABU", None, "Aircraft Tail Number") in plane.identifiers
    assert ("built", "2008-09-17") in [(d.role, d.value) for d in plane.dates]
    assert plane.properties["aircraft_model"] == ["Airbus A340-300"]


def test_one_ofac_entry_on_three_lists_keeps_one_id_per_list():
    ids = {e.id for e in parse(CSV)[0] if e.native_id == "18725"}
    assert ids == {"us_ofac_sdn:18725", "us_ofac_ssi:18725", "us_ofac_cap:18725"}


def _without_provenance(entity: Entity) -> dict:
    data = entity.to_dict(with_provenance=False)
    # The JSON splits addresses into parts the CSV has flattened; the text is the same.
    data["addresses"] = [{"full": a["full"], "country": a.get("country")}
                         for a in data["addresses"]]
    return data


def test_json_feed_gives_the_same_entities_as_the_csv():
    from_json, report = parse(JSON)
    assert report.skipped == []
    csv_entities = by_id(parse(CSV)[0])
    assert len(from_json) == 4
    for entity in from_json:
        assert _without_provenance(entity) == _without_provenance(csv_entities[entity.id])
    helicopter = by_id(from_json)["us_ofac_sdn:35891"]
    assert helicopter.addresses[0].city == "Moscow"
    assert helicopter.provenance is not None and helicopter.provenance.line == 4


def test_gzip_input_is_read_transparently(tmp_path: Path):
    packed = tmp_path / "consolidated.csv.gz"
    with open(CSV, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    plain, _ = parse(CSV)
    unpacked, _ = parse(packed)
    assert [e.content_hash() for e in unpacked] == [e.content_hash() for e in plain]
    assert unpacked[0].provenance is not None
    assert unpacked[0].provenance.file == "consolidated.csv"


def test_loading_twice_gives_identical_ids_and_content():
    first, second = parse(CSV)[0], parse(CSV)[0]
    assert [(e.id, e.content_hash()) for e in first] == [(e.id, e.content_hash()) for e in second]


def test_missing_column_names_file_line_and_field(tmp_path: Path):
    bad = tmp_path / "consolidated.csv"
    bad.write_text(HEADER.replace("_id,", "id_,") + "\n", "utf-8")
    with pytest.raises(InputError) as err:
        parse(bad)
    assert (err.value.location.file, err.value.location.line, err.value.location.field) == (
        str(bad), 1, "_id")


BAD_ROWS = [
    # (row text, field, reason)
    ('x1,Entity List (EL) - Bureau of Industry and Security,,,,,,', None,
     "row has 8 cells, the header has 29"),
    ("x2,Some New List (SNL) - Agency" + "," * 27, "source",
     "unknown CSL source 'Some New List (SNL) - Agency'"),
    ("x3,Entity List (EL) - Bureau of Industry and Security,,,,  " + "," * 23, "name",
     "empty name"),
    ("x4,Specially Designated Nationals (SDN) - Treasury Department,1,Spaceship,,Z" + "," * 23,
     "type", "unknown CSL type 'Spaceship'"),
]


@pytest.mark.parametrize(("row", "field", "reason"), BAD_ROWS)
def test_bad_rows_are_reported_with_line_and_field(tmp_path: Path, row, field, reason):
    good = CSV.read_text("utf-8").splitlines()[1]
    path = tmp_path / "consolidated.csv"
    path.write_text("\n".join([HEADER, good, row, good.replace("deb7a1", "000000")]) + "\n")
    entities, report = parse(path)
    assert len(entities) == 2
    assert [(s.file, s.line, s.field, s.reason) for s in report.skipped] == [
        (str(path), 3, field, reason)]
    with pytest.raises(InputError) as err:
        parse(path, strict=True)
    assert (err.value.location.line, err.value.location.field) == (3, field)


def test_bad_encoding_skips_only_that_row(tmp_path: Path):
    lines = CSV.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"Repair", b"Rep\xe4ir")  # a latin-1 byte in a UTF-8 file
    path = tmp_path / "consolidated.csv"
    path.write_bytes(b"\n".join(lines))
    entities, report = parse(path)
    assert len(entities) == 21
    assert [(s.line, s.reason) for s in report.skipped] == [
        (5, "invalid UTF-8 byte sequence"), (19, "duplicate id")]


def test_truncated_json_is_refused_with_its_line(tmp_path: Path):
    path = tmp_path / "consolidated.json"
    path.write_text(JSON.read_text("utf-8")[:2000], "utf-8")
    with pytest.raises(InputError) as err:
        parse(path)
    assert err.value.location.file == str(path)
    assert err.value.location.line is not None and err.value.location.line > 10


def _open_quote_variants() -> list[tuple[str, bytes, int, str]]:
    """The fixture with a quote left open: (case, file content, line, field of the quote)."""
    data = CSV.read_bytes()
    cut = data[:data.index(b"ShuLong Road") + len(b"ShuLong Road")]  # a download cut short
    lines = data.splitlines(keepends=True)
    del lines[18]  # the duplicate id, which strict would refuse first
    unclosed = b"".join(lines[:-1] + [lines[-1].rstrip(b'"\n') + b"\n"])
    return [("cut in a quoted address", cut, 10, "addresses"),
            ("last field never closed", unclosed, 23, "ids"),
            ("header never closed", b'_id,"source,name\nx1,Entity List (EL),Z\n', 1, "column 2")]


@pytest.mark.parametrize(("case", "data", "line", "field"), _open_quote_variants())
@pytest.mark.parametrize("strict", [False, True])
def test_unterminated_quote_is_an_error_naming_file_line_field(tmp_path: Path, case: str,
                                                               data: bytes, line: int,
                                                               field: str, strict: bool):
    path = tmp_path / "consolidated.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match="unterminated quote") as err:
        parse(path, strict=strict)
    assert (err.value.location.file, err.value.location.line, err.value.location.field) == (
        str(path), line, field)
    assert f"line {line}" in err.value.message


def test_quoted_fields_across_lines_still_read(tmp_path: Path):
    lines = CSV.read_text("utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",Scientific Studies", ',"Scientific\nStudies')
    lines[2] = lines[2].replace("Center Employee,", 'Center Employee",')
    path = tmp_path / "consolidated.csv"
    path.write_text("".join(lines), "utf-8")
    entities, report = parse(path)
    assert len(entities) == 22
    assert not [s for s in report.skipped if s.reason != "duplicate id"]
    found = by_id(entities)
    assert found["us_ofac_sdn:21944"].properties["title"] == [
        "Scientific Studies and Research Center Employee"]
    after = found["us_ofac_sdn:17291"].provenance
    assert after is not None and after.line == 5  # the row after the two-line record


@pytest.mark.parametrize("strict", [False, True])
def test_a_quote_closed_by_a_stray_quote_refuses_the_file(tmp_path: Path, strict: bool):
    header, row = CSV.read_text("utf-8").splitlines(keepends=True)[0::2][:2]
    row = row.replace('"\'ABBAS, Rim"', "'ABBAS Rim").replace('""', "")  # no quotes left
    rows = [row.replace("21944", str(21944 + i)) for i in range(4)]
    # the title of the first row opens a quote; a stray quote in the fourth closes it, so
    # the two rows between sit inside that title (the csv module raises nothing)
    rows[0] = rows[0].replace(",Scientific Studies", ',"Scientific Studies')
    rows[3] = rows[3].replace(",SY,", ',S"Y,', 1)
    path = tmp_path / "consolidated.csv"
    path.write_text(header + "".join(rows), "utf-8")
    with pytest.raises(InputError, match="holds rows of their own") as err:
        parse(path, strict=strict)
    assert (err.value.location.file, err.value.location.line, err.value.location.field) == (
        str(path), 2, "title")
    assert "lines 2-5 were read as one record" in err.value.message
