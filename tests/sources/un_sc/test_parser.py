"""UN Security Council Consolidated List parser on a real excerpt of the list generated on
2026-02-27: five individuals and two entities, with the original bytes (UTF-8)."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopship.errors import InputError
from stopship.model import Address, Entity, Identifier, Name
from stopship.sources import ParseReport, get_source
from stopship.sources.un_sc.parser import detect_script

FIXTURE = Path(__file__).parents[2] / "fixtures" / "lists" / "un_sc" / "consolidated.xml"

SOURCE = get_source("un_sc")  # stateless: one instance serves every test


def parse(path: Path, strict: bool = False) -> tuple[list[Entity], ParseReport]:
    report = ParseReport(strict=strict)
    return list(SOURCE.parse([path], report)), report


@pytest.fixture(scope="module")
def parsed() -> tuple[dict[str, Entity], ParseReport]:
    entities, report = parse(FIXTURE)
    return {e.native_id: e for e in entities}, report


def test_counts(parsed):
    entities, report = parsed
    assert list(entities) == ["CDi.001", "CDi.030", "IQi.001", "QDi.001", "QDi.363",
                              "KPe.001", "QDe.168"]
    assert [e.schema for e in entities.values()].count("person") == 5
    assert report.rows_read[str(FIXTURE)] == 7
    assert dict(report.entities) == {"un_sc": 7}
    assert report.skipped == []


CASES: list[tuple[str, str, Any]] = [
    # Original-script names, exactly as the UN writes them.
    ("QDi.001", "original", [("محمد صلاح الدين عبدالحليم زيدان", "Arab")]),
    ("IQi.001", "original", [("صدام حسين التكريتي", "Arab")]),
    ("QDi.363", "original", [("Абдурахманов Магомед Магомедзакирович", "Cyrl")]),
    ("QDe.168", "original", [("Катиба ат-Таухид валь-Джихад", "Cyrl")]),
    ("QDi.001", "caption", "MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE"),
    # Aliases with the list's quality: Good -> alias, Low -> weak.
    ("QDi.001", "aliases", [
        Name("Sayf-Al Adl", "alias", "Latn", quality="Good"),
        Name("Muhamad Ibrahim Makkawi", "alias", "Latn", quality="Good"),
        Name("Ibrahim al-Madani", "weak", "Latn", quality="Low"),
        Name("Saif Al-'Adil", "weak", "Latn", quality="Low"),
        Name("Seif al Adel", "weak", "Latn", quality="Low"),
    ]),
    ("QDe.168", "aliases", [
        Name("JANNAT OSHIKLARI", "alias", "Latn", quality="a.k.a."),
        Name("Jama`at al-Tawhid wal-Jihad", "alias", "Latn", quality="a.k.a."),
        Name("JANNAT OSHIKLARI", "former", "Latn", quality="f.k.a."),
    ]),
    ("QDi.001", "dates", [("birth", "1963-04-11"), ("birth", "1960-04-11")]),
    ("CDi.001", "dates", [("birth", "1971")]),
    ("CDi.030", "dates", [("birth", "1973"), ("birth", "1974")]),  # BETWEEN 1973 and 1974
    ("QDi.001", "countries", [("EG", "birth"), ("EG", "nationality")]),
    ("CDi.001", "countries", [("RW", "address"), ("CD", "nationality")]),
    ("QDi.001", "place_of_birth", ["Monufia Governate, Egypt"]),
    # Documents: the type decides the scheme, ISSUING_COUNTRY the country.
    ("QDi.363", "identifiers", [
        Identifier("passport", "515458008", None,
                   "Passport; Russian foreign travel passport number; expires 30 May 2017"),
        Identifier("national_id", "8200203535", "RU",
                   "National Identification Number; national passport number"),
    ]),
    ("QDi.363", "countries", [("TR", "address"), ("SY", "address"), ("RU", "birth"),
                              ("RU", "nationality")]),
    ("QDi.363", "dates", [("birth", "1974-11-24")]),
    ("QDi.001", "programs", ["Al-Qaida"]),
    ("QDi.001", "listed_on", "2001-01-25"),
    ("QDi.001", "flags", {"dataid": "113219", "version": "1", "list_type": ["UN List"],
                          "last_day_updated": ["2010-12-16", "2013-07-24", "2017-02-15",
                                               "2019-03-29", "2019-05-01", "2022-11-08"]}),
    ("CDi.001", "gender", ["male"]),
    ("KPe.001", "schema", "organization"),
    ("KPe.001", "addresses", [Address("Central District, Pyongyang, Democratic People's "
                                      "Republic of Korea", "Central District", "Pyongyang",
                                      None, None, "KP")]),
    ("KPe.001", "remarks", "Primary arms dealer and main exporter of goods and equipment "
                           "related to ballistic missiles and conventional weapons."),
]


def fact(entity: Entity, what: str) -> Any:
    if what == "original":
        return [(n.value, n.script) for n in entity.names if n.kind == "original"]
    if what == "aliases":
        return [n for n in entity.names if n.kind not in ("primary", "original")]
    if what == "dates":
        return [(d.role, d.value) for d in entity.dates]
    if what == "countries":
        return [(c.code, c.role) for c in entity.countries]
    if what in ("place_of_birth", "gender"):
        return entity.properties.get(what)
    return getattr(entity, what)


@pytest.mark.parametrize(("ref", "what", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_real_entries(parsed, ref, what, expected):
    entities, _ = parsed
    assert fact(entities[ref], what) == expected


def test_provenance_gives_the_record_line(parsed):
    entities, _ = parsed
    lines = FIXTURE.read_text("utf-8").splitlines()
    prov = entities["QDi.001"].provenance
    assert prov is not None
    assert prov.file == "consolidated.xml"
    assert prov.sha256 == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert lines[prov.line - 1].strip() == "<INDIVIDUAL>"
    assert "<REFERENCE_NUMBER>QDi.001<" in "".join(lines[prov.line - 1: prov.line + 12])


def test_gzip_input_equals_plain_input(tmp_path):
    packed = tmp_path / "consolidated.xml.gz"
    with open(FIXTURE, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    plain, _ = parse(FIXTURE)
    zipped, _ = parse(packed)
    assert [e.to_dict(with_provenance=False) for e in zipped] == \
        [e.to_dict(with_provenance=False) for e in plain]
    assert [e.provenance.line for e in zipped if e.provenance] == \
        [e.provenance.line for e in plain if e.provenance]


def test_parsing_twice_gives_identical_entities():
    first, _ = parse(FIXTURE)
    second, _ = parse(FIXTURE)
    assert [e.to_dict() for e in first] == [e.to_dict() for e in second]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol4;</FIRST_NAME>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST SYSTEM "http://example.invalid/evil.dtd">
<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>
"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_unsafe_xml_is_refused_naming_the_file(tmp_path, payload):
    path = tmp_path / "consolidated.xml"
    path.write_bytes(payload)
    with pytest.raises(InputError) as err:
        parse(path)
    assert err.value.location.file == str(path)
    assert err.value.location.line == 2
    assert "refused unsafe XML" in err.value.message


def test_truncated_xml_names_file_and_line(tmp_path):
    data = FIXTURE.read_bytes()
    cut = data[: data.index(b"<REFERENCE_NUMBER>QDi.363")]
    path = tmp_path / "consolidated.xml"
    path.write_bytes(cut)
    expected_line = cut.count(b"\n") + 1
    with pytest.raises(InputError) as err:
        parse(path)
    assert err.value.location.file == str(path)
    assert err.value.location.line == expected_line
    assert "truncated" in err.value.message


def test_a_broken_gzip_is_an_input_error(tmp_path):
    path = tmp_path / "consolidated.xml.gz"
    path.write_bytes(gzip.compress(FIXTURE.read_bytes())[:500])
    with pytest.raises(InputError) as err:
        parse(path)
    assert err.value.location.file == str(path)


def test_another_xml_document_is_refused(tmp_path):
    path = tmp_path / "other.xml"
    path.write_bytes(b"<?xml version='1.0'?>\n<export><ENTITY/></export>\n")
    with pytest.raises(InputError, match="not a UN consolidated list"):
        parse(path)


def _duplicate_record() -> bytes:
    data = FIXTURE.read_bytes()
    return data.replace(b"<REFERENCE_NUMBER>IQi.001<", b"<REFERENCE_NUMBER>CDi.001<")


def test_duplicate_and_unnamed_records_are_skipped_with_line(tmp_path):
    path = tmp_path / "consolidated.xml"
    data = _duplicate_record().replace(b"<REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER>",
                                       b"<REFERENCE_NUMBER/>")
    path.write_bytes(data)
    entities, report = parse(path)
    assert len(entities) == 5
    lines = data.decode("utf-8").splitlines()
    skipped = [(s.field, s.reason, lines[(s.line or 0) - 1].strip()) for s in report.skipped]
    assert skipped == [
        ("REFERENCE_NUMBER", "duplicate reference number CDi.001", "<INDIVIDUAL>"),
        ("REFERENCE_NUMBER", "record without a reference number", "<ENTITY>"),
    ]


def test_strict_fails_on_the_first_bad_record(tmp_path):
    path = tmp_path / "consolidated.xml"
    path.write_bytes(_duplicate_record())
    with pytest.raises(InputError) as err:
        parse(path, strict=True)
    assert err.value.location.file == str(path)
    assert err.value.location.field == "REFERENCE_NUMBER"
    assert err.value.location.line is not None


@pytest.mark.parametrize(("text", "script"), [
    ("صدام حسين التكريتي", "Arab"),
    ("Абдурахманов Магомед", "Cyrl"),
    ("朝鲜矿业开发贸易公司", "Hani"),
    ("조선광업개발무역회사", "Hang"),
    ("ERIC BADEGE", "Latn"),
    ("東京タワー", "Kana"),
    ("AB Аб", "Cyrl"),
    ("123 - ()", None),
])
def test_detect_script(text, script):
    assert detect_script(text) == script


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(FIXTURE.read_bytes())), st.binary(max_size=40))
def test_any_damage_gives_entities_or_an_input_error(cut, junk):
    data = FIXTURE.read_bytes()[:cut] + junk
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "consolidated.xml"
        path.write_bytes(data)
        try:
            entities, _ = parse(path)
        except InputError as exc:
            assert exc.location.file == str(path)
        else:
            assert len(entities) <= 7
