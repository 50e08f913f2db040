"""FollowTheMoney import on a small OpenSanctions-shaped sample of real list entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopship.errors import InputError
from stopship.model import Address, Identifier
from stopship.sources import ParseReport, get_source

SAMPLE = Path(__file__).parents[2] / "fixtures" / "lists" / "ftm" / "entities.ftm.json"


def parse(path: Path, list_id: str | None = None, strict: bool = False):
    report = ParseReport(strict=strict)
    kwargs = {"list_id": list_id} if list_id else {}
    return list(get_source("ftm", **kwargs).parse([path], report)), report


def test_parties_imported_other_schemas_counted():
    entities, report = parse(SAMPLE, "os_sample")
    assert [(e.id, e.schema) for e in entities] == [
        ("os_sample:ofac-35891", "organization"),
        ("os_sample:ofac-34337", "organization"),
        ("os_sample:ofac-17291", "person"),
        ("os_sample:ofac-31920", "vessel"),
        ("os_sample:ofac-35302", "aircraft"),
        ("os_sample:bis-el-5th-shipyard", "organization"),
    ]
    assert report.rows_read[str(SAMPLE)] == 9
    assert [(s.line, s.field, s.reason) for s in report.skipped] == [
        (7, "schema", "schema Sanction is not a list entity"),
        (9, "schema", "schema Ownership is not a list entity"),
    ]


def test_russian_company_ids_and_resolved_address():
    company = parse(SAMPLE)[0][0]
    assert company.list_id == "ftm"
    assert company.identifiers == [
        Identifier("inn", "7718016666"), Identifier("ogrn", "1027739032969"),
        Identifier("tax_id", "7718016666"), Identifier("registration", "1027739032969"),
    ]
    assert company.addresses == [Address(
        "1, Bolshaya Pionerskaya, Moscow, 115054, RU", street="1, Bolshaya Pionerskaya",
        city="Moscow", postal_code="115054", country="RU")]
    assert [(c.code, c.role) for c in company.countries] == [("RU", "country"),
                                                            ("RU", "registration")]
    assert company.remarks == "(Linked To: VERTOLETY ROSSII AO)"
    assert company.properties["ftm_datasets"] == ["us_ofac_sdn"]
    assert company.provenance is not None and company.provenance.line == 1


def test_person_vessel_aircraft_fields():
    found = {e.native_id: e for e in parse(SAMPLE)[0]}
    person = found["ofac-17291"]
    assert [(n.value, n.kind) for n in person.names][2:] == [
        ("'Umar al-Qatari", "weak"), ("'Umar al-Tayyar", "weak")]
    assert Identifier("passport", "K475336") in person.identifiers
    assert [(d.role, d.value) for d in person.dates] == [("birth", "1989-07-13")]
    vessel = found["ofac-31920"]
    assert Identifier("imo", "8770261") in vessel.identifiers
    assert ("RU", "flag") in [(c.code, c.role) for c in vessel.countries]
    plane = found["ofac-35302"]
    assert plane.identifiers == [Identifier("aircraft_tail", "M-IABU"),
                                 Identifier("aircraft_serial", "955")]


def test_bad_lines_reported_with_line_and_strict_mode(tmp_path: Path):
    good = SAMPLE.read_text("utf-8").splitlines()[2]
    path = tmp_path / "bad.ftm.json"
    path.write_bytes("\n".join([
        good, '{"id": "x", "schema": "Person", "properties": {"name": ',
        '{"id": "", "schema": "Person", "properties": {"name": ["A"]}}',
        '{"id": "y", "schema": "Person", "properties": {"alias": ["B"]}}',
        good]).encode() + b"\n\xff\xfe\n")
    entities, report = parse(path)
    assert len(entities) == 1
    assert sorted((s.line, s.field or "", s.reason) for s in report.skipped) == [
        (2, "", "invalid JSON: Expecting value"),
        (3, "id", "empty id"),
        (4, "properties.name", "no name"),
        (5, "id", "duplicate id"),
        (6, "", "invalid UTF-8 byte sequence"),
    ]
    with pytest.raises(InputError) as err:
        parse(path, strict=True)
    assert (err.value.location.file, err.value.location.line) == (str(path), 2)


def test_gzip_and_idempotence(tmp_path: Path):
    import gzip

    packed = tmp_path / "entities.ftm.json.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    plain = [(e.id, e.content_hash()) for e in parse(SAMPLE)[0]]
    assert [(e.id, e.content_hash()) for e in parse(packed)[0]] == plain
    assert [(e.id, e.content_hash()) for e in parse(SAMPLE)[0]] == plain
