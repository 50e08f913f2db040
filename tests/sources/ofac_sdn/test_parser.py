"""OFAC SDN legacy CSV set on a real excerpt: 14 sdn.csv rows (May 2024) with every row of
alt.csv, add.csv and sdn_comments.csv (late 2025) for those entries, plus the side-file
rows of three entries that are not in sdn.csv (17016, 17143, 53033). Original bytes:
CR LF line ends and the closing 0x1A byte."""

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

FIXTURES = Path(__file__).parents[2] / "fixtures" / "lists" / "us_ofac_sdn"
NAMES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
FILES = [FIXTURES / n for n in NAMES]

SOURCE = get_source("us_ofac_sdn")  # stateless: one instance serves every test


def parse(files: list[Path], strict: bool = False) -> tuple[list[Entity], ParseReport]:
    report = ParseReport(strict=strict)
    return list(SOURCE.parse(files, report)), report


@pytest.fixture(scope="module")
def parsed() -> tuple[dict[str, Entity], ParseReport]:
    entities, report = parse(FILES)
    return {e.native_id: e for e in entities}, report


def copy_set(tmp_path: Path, replace: dict[str, bytes] | None = None) -> list[Path]:
    out = []
    for name in NAMES:
        target = tmp_path / name
        target.write_bytes((replace or {}).get(name, (FIXTURES / name).read_bytes()))
        out.append(target)
    return out


def test_counts_rows_entities_and_entries_not_in_primary(parsed):
    entities, report = parsed
    assert len(entities) == 14
    assert dict(report.entities) == {"us_ofac_sdn": 14}
    assert {Path(k).name: v for k, v in report.rows_read.items()} == {
        "sdn.csv": 14, "alt.csv": 35, "add.csv": 31, "sdn_comments.csv": 7}
    # Gazprombank (17016) and two other entries exist only in the newer side files.
    orphans = [s for s in report.skipped if s.reason == "entry not in primary file"]
    assert [(Path(s.file).name, s.line) for s in orphans if Path(s.file).name == "sdn_comments.csv"] \
        == [("sdn_comments.csv", 1), ("sdn_comments.csv", 3), ("sdn_comments.csv", 7)]
    assert len(orphans) == 9 + 8 + 3 == len(report.skipped)
    assert {"17016", "17143", "53033"}.isdisjoint(entities)
    assert any("alt.csv: 9 rows of 3 entries not in sdn.csv" in n for n in report.notes)


# Table-driven: (entry, attribute, expected value), each an exact fact of the real list.
CASES: list[tuple[str, str, Any]] = [
    # A Russian bank in all four files: aliases from alt.csv (aka/fka) and weak ones from
    # the remark overflow; INN and OGRN sit in sdn_comments.csv, whose 2025 text restarts
    # 108 characters inside the 2024 remark.
    ("17018", "schema", "organization"),
    ("17018", "programs", ["UKRAINE-EO13662", "RUSSIA-EO14024"]),
    ("17018", "names", [
        Name("PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA", "primary"),
        Name("SBERBANK ROSSII", "alias"),
        Name("SBERBANK ROSSII OAO", "former"),
        Name("OTKRYTOE AKTSIONERNOE OBSHCHESTVO SBERBANK ROSSII", "former"),
        Name("SBERBANK OF RUSSIA", "alias"),
        Name("PJSC SBERBANK", "alias"),
        Name("OPEN JOINT STOCK COMPANY SBERBANK OF RUSSIA", "former"),
        Name("OJSC SBERBANK OF RUSSIA", "former"),
        Name("JOINT STOCK COMMERCIAL SAVINGS BANK OF THE RUSSIAN FEDERATION", "former"),
        Name("JOINT STOCK COMMERCIAL SAVINGS BANK OF THE RUSSIAN SOVIET FEDERATIVE "
             "SOCIALIST REPUBLIC", "former"),
        Name("SBERBANK OF RSFSR", "former"),
        Name("SBERBANK INDIA", "weak", quality="weak"),
        Name("SBERBANK MUMBAI", "weak", quality="weak"),
    ]),
    ("17018", "identifiers", [
        Identifier("swift", "SABRRUMM", None, "SWIFT/BIC"),
        Identifier("tax_id", "7707083893", "RU", "Tax ID No."),
        Identifier("registration", "1027700132195", "RU", "Registration Number"),
    ]),
    ("17018", "address0", Address("19 ul. Vavilova, Moscow 117312, Russia", "19 ul. Vavilova",
                                  "Moscow", "117312", None, "RU")),
    ("17018", "address_count", 4),
    ("17018", "website", ["www.sberbank.ru", "www.sberbank.com"]),
    ("17018", "directive_dates", [
        "Listing Date (EO 14024 Directive 2): 24 Feb 2022",
        "Effective Date (EO 14024 Directive 2): 26 Mar 2022",
        "Listing Date (EO 14024 Directive 3): 24 Feb 2022",
        "Effective Date (EO 14024 Directive 3): 26 Mar 2022",
    ]),
    ("17018", "secondary_sanctions_risk", [
        "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, "
        "31 CFR 589.201 and/or 589.209"]),
    # Alfa-Bank: INN/OGRN in sdn.csv and again in the overflow: merged, not doubled.
    ("34682", "identifiers", [
        Identifier("swift", "ALFARUMM", None, "SWIFT/BIC"),
        Identifier("other", "044525593", None, "BIK (RU)"),
        Identifier("tax_id", "7728168971", "RU", "Tax ID No."),
        Identifier("registration", "1027700067328", "RU", "Registration Number"),
    ]),
    ("34682", "aliases", ["ALFA-BANK", "JSC ALFA-BANK", "AO ALFA-BANK"]),
    ("34682", "former", ["OPEN JOINT STOCK COMPANY ALFA-BANK"]),
    ("34682", "dates", [("incorporated", "1990")]),
    ("34682", "tax_id_mentions", 1),
    ("37000", "identifiers", [
        Identifier("swift", "MINNRUMM", None, "SWIFT/BIC"),
        Identifier("other", "044525600", None, "BIK (RU)"),
        Identifier("tax_id", "7725039953", "RU", "Tax ID No."),
        Identifier("okpo", "09317135", "RU", "Government Gazette Number"),
        Identifier("lei", "2534006SJ05GGKETEY75", "RU", "Legal Entity Number"),
        Identifier("registration", "1027739179160", "RU", "Registration Number"),
    ]),
    ("37000", "dates", [("incorporated", "1990-11-22")]),
    # A vessel and an aircraft.
    ("34940", "schema", "vessel"),
    ("34940", "identifiers", [
        Identifier("imo", "9220639", None, "Vessel Registration Identification IMO")]),
    ("34940", "countries", [("RU", "flag")]),
    ("34940", "properties", {"vessel_type": ["Roll-on Roll-off"],
                             "gross_registered_tonnage": ["8831"], "flag": ["Russia"],
                             "linked_to": ["PSB LIZING OOO"]}),
    ("35280", "schema", "aircraft"),
    ("35280", "identifiers", [
        Identifier("aircraft_serial", "3133", None, "Aircraft Manufacturer's Serial Number (MSN)"),
        Identifier("aircraft_tail", "P4-MIS", None, "Aircraft Tail Number")]),
    ("35280", "properties", {"manufacture_date": ["31 May 2007"], "model": ["Airbus A319-115"],
                             "linked_to": ["VEKSELBERG, Viktor Feliksovich"]}),
    # Individuals: name kept as OFAC writes it, DOB, POB, nationality, passport.
    ("21164", "caption", "KOVALCHUK, Kirill Mikhailovich"),
    ("21164", "schema", "person"),
    ("21164", "dates", [("birth", "1968-12-22")]),
    ("21164", "countries", [("RU", "address"), ("RU", "birth"), ("RU", "nationality")]),
    ("21164", "identifiers", [Identifier("passport", "643267034", "RU", "Passport"),
                              Identifier("tax_id", "773600308808", "RU", "Tax ID No.")]),
    ("21164", "properties", {"place_of_birth": ["Moscow, Russia", "St. Petersburg, Russia"],
                             "gender": ["male"], "linked_to": ["AO ABR MANAGEMENT"]}),
    ("30685", "identifiers", [Identifier("passport", "S00499470", "TR",
                                         "Passport; expires 15 Sep 2016")]),
    ("2686", "dates", [("birth", "1960-08-31"), ("birth", "1953-08-31"),
                       ("birth", "1955-08-31"), ("birth", "1958-08-31")]),
    ("2686", "title", ["Secretary General of Hizballah"]),
    ("15496", "dates", [("birth", "1929"), ("birth", "1930")]),  # "DOB 1929 to 1930"
    ("7782", "dates", [("birth", "1951")]),  # "DOB circa 1951"
    # Weak aliases: remark AKAs, one cut in two by the 1,000-character remark limit.
    ("306", "names", [Name("BANCO NACIONAL DE CUBA", "primary"),
                      Name("NATIONAL BANK OF CUBA", "alias"),
                      Name("BNC", "weak", quality="weak")]),
    ("27307", "weak", ["HIDDEN COBRA", "OFFICE 91", "GUARDIANS OF PEACE",
                       "THE NEW ROMANTIC CYBER ARMY TEAM", "WHOIS HACKING TEAM", "RED DOT",
                       "TEMP.HERMIT", "GROUP 77", "ZINC", "APT-C-26", "APPLEWORM"]),
    ("22985", "former", ["KYONGYONG CREDIT BANK"]),
    # "BPI-RUSSIA-EO14024" is its own program, not RUSSIA-EO14024.
    ("44805", "programs", ["BPI-RUSSIA-EO14024"]),
    ("44805", "dates", [("incorporated", "2020-10")]),
]


def fact(entity: Entity, what: str) -> Any:
    if what == "address0":
        return entity.addresses[0]
    if what == "address_count":
        return len(entity.addresses)
    if what in ("aliases", "former", "weak"):
        kind = {"aliases": "alias"}.get(what, what)
        return [n.value for n in entity.names if n.kind == kind]
    if what == "dates":
        return [(d.role, d.value) for d in entity.dates]
    if what == "countries":
        return [(c.code, c.role) for c in entity.countries]
    if what in ("website", "title"):
        return entity.properties.get(what)
    if what in ("directive_dates", "secondary_sanctions_risk"):
        return entity.flags.get(what)
    if what == "tax_id_mentions":
        return (entity.remarks or "").count("Tax ID No. 7728168971 (Russia)")
    return getattr(entity, what)


@pytest.mark.parametrize(("entry", "what", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_real_entries(parsed, entry, what, expected):
    entities, _ = parsed
    assert fact(entities[entry], what) == expected


def test_remark_overflow_joins_at_the_cut(parsed):
    entities, report = parsed
    # 27307: the 2024 remark stops at 1,000 characters in "...'WHOIS HACKIN"; the overflow
    # continues "G TEAM'...".
    assert "a.k.a. 'WHOIS HACKING TEAM'; a.k.a. 'RED DOT'" in (entities["27307"].remarks or "")
    # 17018: the newer overflow restarts inside the older remark: one copy of each date.
    assert (entities["17018"].remarks or "").count(
        "Effective Date (EO 14024 Directive 2): 26 Mar 2022") == 1
    # 22985: the 2024 remark is complete, the overflow belongs to a longer 2025 remark.
    assert any(n.startswith("entry 22985: remark overflow") for n in report.notes)


def test_provenance_names_file_checksum_and_line(parsed):
    entities, _ = parsed
    sha = hashlib.sha256((FIXTURES / "sdn.csv").read_bytes()).hexdigest()
    prov = entities["17018"].provenance
    assert prov is not None
    assert (prov.file, prov.sha256, prov.line) == ("sdn.csv", sha, 5)
    assert all(e.provenance and e.provenance.sha256 == sha for e in entities.values())


def test_gzip_input_equals_plain_input(tmp_path):
    packed = []
    for path in FILES:
        target = tmp_path / (path.name + ".gz")
        with open(path, "rb") as src, gzip.open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        packed.append(target)
    plain, _ = parse(FILES)
    zipped, report = parse(packed)
    assert [e.to_dict(with_provenance=False) for e in zipped] == \
        [e.to_dict(with_provenance=False) for e in plain]
    assert [(e.provenance.file, e.provenance.line) for e in zipped if e.provenance] == \
        [(e.provenance.file, e.provenance.line) for e in plain if e.provenance]
    assert report.rows_read[str(tmp_path / "sdn.csv.gz")] == 14


def test_parsing_twice_gives_identical_entities():
    first, _ = parse(FILES)
    second, _ = parse(FILES)
    assert [e.id for e in first] == [e.id for e in second]
    assert [e.to_dict() for e in first] == [e.to_dict() for e in second]
    assert [e.content_hash() for e in first] == [e.content_hash() for e in second]


def _corrupt() -> bytes:
    """sdn.csv with line 3 missing a column and line 6 holding a C1 control byte."""
    lines = (FIXTURES / "sdn.csv").read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace(b"-0- ,", b"", 1)
    lines[5] = lines[5].replace(b"KOVALCHUK", b"KOVAL\x85CHUK", 1)
    return b"\r\n".join(lines)


def test_malformed_rows_are_reported_with_file_and_line(tmp_path):
    files = copy_set(tmp_path, {"sdn.csv": _corrupt()})
    entities, report = parse(files)
    bad = [(Path(s.file).name, s.line, s.reason) for s in report.skipped
           if s.reason != "entry not in primary file"]
    assert bad == [("sdn.csv", 3, "expected 12 columns, found 11"),
                   ("sdn.csv", 6, "invalid encoding (control characters)")]
    assert len(entities) == 12
    assert {"7782", "21164"}.isdisjoint(e.native_id for e in entities)
    # Side-file rows of a skipped primary row count as not in the primary file.
    assert sum(s.reason == "entry not in primary file" for s in report.skipped) > 20


def test_strict_fails_on_the_first_bad_row(tmp_path):
    files = copy_set(tmp_path, {"sdn.csv": _corrupt()})
    with pytest.raises(InputError) as err:
        parse(files, strict=True)
    assert err.value.location.file == str(tmp_path / "sdn.csv")
    assert err.value.location.line == 3
    assert "expected 12 columns" in err.value.message


def test_strict_accepts_the_real_excerpt_with_newer_side_files():
    entities, report = parse(FILES, strict=True)
    assert len(entities) == 14
    assert len(report.skipped) == 20  # entries not in the primary file: recorded, not fatal


@pytest.mark.parametrize(("row", "reason", "field"), [
    (b'306,"DUPLICATE",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
     "duplicate entry number 306", "ent_num"),
    (b'X1,"NOT A NUMBER",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
     "entry number is not a whole number", "ent_num"),
    (b'99999999,-0- ,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "empty name", "name"),
    (b'99999998,"A ROW CUT SHORT INSIDE ITS QUOTED NAME',
     "malformed CSV: unexpected end of data", None),
])
def test_bad_rows_are_skipped_with_reason(tmp_path, row, reason, field):
    data = (FIXTURES / "sdn.csv").read_bytes().replace(b"\x1a", row + b"\r\n\x1a")
    entities, report = parse(copy_set(tmp_path, {"sdn.csv": data}))
    assert len(entities) == 14
    bad = [(s.line, s.field, s.reason) for s in report.skipped
           if s.reason != "entry not in primary file"]
    assert bad == [(15, field, reason)]


def test_utf8_and_latin1_rows_both_decode(tmp_path):
    data = (FIXTURES / "sdn.csv").read_bytes()
    utf8 = data.replace(b"SAHINPASIC", "ŞAHİNPAŠIĆ".encode()).replace(b"Foca", "Foča".encode())
    entities, _ = parse(copy_set(tmp_path, {"sdn.csv": utf8}))
    assert {e.native_id: e for e in entities}["7782"].caption == "ŞAHİNPAŠIĆ, Senad"
    data = data.replace(b"NASRALLAH, Hasan\"", "NASRALLAH, Hasán\"".encode("latin-1"))
    entities, _ = parse(copy_set(tmp_path, {"sdn.csv": data}))
    assert {e.native_id: e for e in entities}["2686"].caption == "NASRALLAH, Hasán"


def test_a_file_without_the_end_byte_is_noted(tmp_path):
    data = (FIXTURES / "sdn.csv").read_bytes().rstrip(b"\x1a")
    entities, report = parse(copy_set(tmp_path, {"sdn.csv": data}))
    assert len(entities) == 14
    assert any("no 0x1A end-of-file byte" in n for n in report.notes)


def test_sdn_csv_alone_is_enough():
    entities, report = parse([FIXTURES / "sdn.csv"])
    assert len(entities) == 14
    assert not report.skipped
    # Without alt.csv only the remark's weak alias remains.
    by_id = {e.native_id: e for e in entities}
    assert [n.value for n in by_id["306"].names] == ["BANCO NACIONAL DE CUBA", "BNC"]


@pytest.mark.parametrize(("names", "message"), [
    (["alt.csv"], "needs sdn.csv"),
    (["sdn.csv", "other.csv"], "not an OFAC SDN legacy CSV file"),
])
def test_wrong_file_sets_are_refused(tmp_path, names, message):
    files = []
    for name in names:
        (tmp_path / name).write_bytes(b"1,2\r\n")
        files.append(tmp_path / name)
    with pytest.raises(InputError, match=message):
        parse(files)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=120), max_size=6), st.booleans())
def test_any_bytes_give_entities_or_an_input_error(lines, strict):
    real = (FIXTURES / "sdn.csv").read_bytes().split(b"\r\n")[:3]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sdn.csv"
        path.write_bytes(b"\r\n".join([*real, *lines]))
        try:
            entities, report = parse([path], strict=strict)
        except InputError as exc:
            assert strict and exc.location.file == str(path) and exc.location.line
        else:
            assert [e.native_id for e in entities][:3] == ["306", "2686", "7782"]
            assert all(s.line and s.line > 3 for s in report.skipped)
