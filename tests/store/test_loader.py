"""The loader: sources -> parse -> one store load per list, with a summary; bad input
never replaces the current version."""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import FIXTURES

from stopship import sources
from stopship.errors import ConfigError, InputError, StopshipError
from stopship.model import Entity, Provenance
from stopship.sources.base import ParseReport, Source
from stopship.store import ListStore
from stopship.store.loader import guess_source, load_files

DPL = FIXTURES / "store" / "bis_dpl_excerpt.json"
DPL_MAPPING = (Path(sources.__file__).parent / "tabular" / "mappings" / "us_bis_dpl.yaml")


class FakeSource(Source):
    """Each line ``list_id,native_id,name`` of a text file is an entity; a line
    ``BAD`` is a bad row."""

    meta_file = Path(sources.__file__).parent / "tabular" / "source.yaml"

    def parse(self, files: Sequence[Path], report: ParseReport) -> Iterator[Entity]:
        for path in files:
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                report.rows_read[str(path)] += 1
                if line == "BAD":
                    report.skip(path, number, "name", "malformed row")
                    continue
                list_id, native_id, name = line.split(",")
                entity = Entity(list_id, native_id, "organization",
                                provenance=Provenance(path.name, "0" * 64, number))
                entity.add_name(name, "primary")
                yield entity


@pytest.fixture(autouse=True)
def fake_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sources.REGISTRY, "fake_test", f"{__name__}:FakeSource")


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_one_version_per_list_and_summary(store: ListStore, tmp_path: Path) -> None:
    f = _write(tmp_path / "a.txt", "la,1,ONE", "lb,2,TWO", "BAD", "la,3,THREE", "lc,9,NINE")
    summary = load_files(store, "fake_test", [f], list_ids=["la", "lb", "ld"])
    assert summary.parsed == {"la": 2, "lb": 1}
    assert summary.not_taken == {"lc": 1}
    assert [(r.list_id, r.status, r.entity_count) for r in summary.lists] == \
        [("la", "created", 2), ("lb", "created", 1)]
    assert summary.rows_read == 5
    [fs] = summary.files
    assert (fs.name, fs.rows_read, fs.skipped, fs.size) == ("a.txt", 5, 1, f.stat().st_size)
    assert [(s.line, s.field, s.reason) for s in summary.skipped] == \
        [(3, "name", "malformed row")]
    assert "no entities for list ld in these files" in summary.notes
    version = store.current_version("la")
    assert version is not None and version.files[0].name == "a.txt"
    assert version.report["skipped_by_reason"] == {"malformed row": 1}
    assert version.report["skipped_rows"][0]["line"] == 3


def test_strict_fails_on_first_bad_row_and_writes_nothing(store: ListStore,
                                                          tmp_path: Path) -> None:
    good = _write(tmp_path / "good.txt", "la,1,ONE")
    load_files(store, "fake_test", [good])
    bad = _write(tmp_path / "bad.txt", "la,1,ONE", "la,2,TWO", "BAD")
    with pytest.raises(InputError) as err:
        load_files(store, "fake_test", [bad], strict=True)
    assert (err.value.location.line, err.value.location.field) == (3, "name")
    assert "bad.txt" in str(err.value)
    assert store.current_version("la").entity_count == 1  # type: ignore[union-attr]
    assert [v.version for v in store.versions("la")] == [1]


def test_duplicate_ids_across_files_are_skipped_or_strict(store: ListStore,
                                                          tmp_path: Path) -> None:
    a = _write(tmp_path / "a.txt", "la,1,ONE")
    b = _write(tmp_path / "b.txt", "la,1,ONE AGAIN", "la,2,TWO")
    summary = load_files(store, "fake_test", [a, b])
    assert summary.parsed == {"la": 2}
    assert [(s.file, s.line, s.reason) for s in summary.skipped] == \
        [("b.txt", 1, "duplicate id '1'")]
    with pytest.raises(InputError, match="duplicate id"):
        load_files(store, "fake_test", [a, b], strict=True)


def test_same_file_twice_is_unchanged_with_identical_ids(store: ListStore) -> None:
    first = load_files(store, "tabular", [DPL], mapping=DPL_MAPPING)
    ids = [e.id for e in store.iter_entities("us_bis_dpl")]
    second = load_files(store, "tabular", [DPL], mapping=DPL_MAPPING)
    assert [r.status for r in first.lists] == ["created"]
    assert [r.status for r in second.lists] == ["unchanged"]
    assert [e.id for e in store.iter_entities("us_bis_dpl")] == ids
    assert len(ids) == 25 and ids[0].startswith("us_bis_dpl:")
    version = store.current_version("us_bis_dpl")
    assert version is not None and version.title == "Denied Persons List"
    assert version.source_id == "tabular"


def _variants(tmp: Path) -> dict[str, tuple[Path, str]]:
    raw = DPL.read_bytes()
    latin = raw.replace(b"ANDREE AGNESE", b"ANDR\xc9E AGNESE")  # Latin-1 in a UTF-8 file
    out = {
        "truncated": (raw[: len(raw) // 2], "bis_dpl.json"),
        "not json": (b"<html>Service unavailable</html>", "bis_dpl.json"),
        "wrong encoding": (latin, "bis_dpl.json"),
    }
    paths: dict[str, tuple[Path, str]] = {}
    for key, (data, name) in out.items():
        folder = tmp / key.replace(" ", "_")
        folder.mkdir()
        (folder / name).write_bytes(data)
        paths[key] = (folder / name, key)
    gz = tmp / "broken_gz"
    gz.mkdir()
    (gz / "bis_dpl.json.gz").write_bytes(gzip.compress(raw)[:200])
    paths["truncated gzip"] = (gz / "bis_dpl.json.gz", "truncated gzip")
    return paths


@pytest.mark.parametrize("case", ["truncated", "not json", "wrong encoding",
                                  "truncated gzip"])
def test_bad_files_never_replace_current(store: ListStore, tmp_path: Path, case: str) -> None:
    load_files(store, "tabular", [DPL], mapping=DPL_MAPPING)
    path, _ = _variants(tmp_path)[case]
    try:
        summary = load_files(store, "tabular", [path], mapping=DPL_MAPPING, strict=True)
    except StopshipError as exc:
        assert str(path) in str(exc) or path.name in str(exc)
    else:  # pragma: no cover - a bad file must not load in strict mode
        pytest.fail(f"{case} loaded: {summary.as_dict()}")
    current = store.current_version("us_bis_dpl")
    assert current is not None and (current.version, current.entity_count) == (1, 25)


def test_unterminated_quote_in_last_field_never_replaces_current(store: ListStore,
                                                                tmp_path: Path) -> None:
    letter = FIXTURES / "lists" / "letters" / "supplier_list.csv"
    mapping = Path(sources.__file__).parent / "tabular" / "mappings" / "letter_list.yaml"
    first = load_files(store, "tabular", [letter], mapping=mapping)
    [loaded] = first.lists
    broken = tmp_path / "supplier_list.csv"
    broken.write_bytes(letter.read_bytes().rstrip(b"\n") + b'\nNew Co,,Armenia,"Yerevan\n')
    lines = broken.read_bytes().count(b"\n")
    for strict in (False, True):
        with pytest.raises(InputError, match="unterminated quote") as err:
            load_files(store, "tabular", [broken], mapping=mapping, strict=strict)
        assert (err.value.location.file, err.value.location.line,
                err.value.location.field) == (str(broken), lines, "address")
    current = store.current_version(loaded.list_id)
    assert current is not None and (current.version, current.entity_count) == (
        1, loaded.entity_count)


def test_csl_unterminated_quote_never_replaces_current(store: ListStore, tmp_path: Path) -> None:
    csl = FIXTURES / "lists" / "us_trade_csl" / "consolidated.csv"
    first = load_files(store, "us_trade_csl", [csl])
    before = {r.list_id: r.entity_count for r in first.lists}
    data = csl.read_bytes()
    broken = tmp_path / "consolidated.csv"  # a download cut short inside a quoted address
    broken.write_bytes(data[:data.index(b"ShuLong Road")])
    for strict in (False, True):
        with pytest.raises(InputError, match="unterminated quote") as err:
            load_files(store, "us_trade_csl", [broken], strict=strict)
        assert (err.value.location.file, err.value.location.line,
                err.value.location.field) == (str(broken), 10, "addresses")
    for list_id, count in before.items():
        current = store.current_version(list_id)
        assert current is not None and (current.version, current.entity_count) == (1, count)


def test_wrong_encoding_names_file_and_line(store: ListStore, tmp_path: Path) -> None:
    path, _ = _variants(tmp_path)["wrong encoding"]
    line = 1 + DPL.read_bytes()[: DPL.read_bytes().index(b"ANDREE AGNESE")].count(b"\n")
    with pytest.raises(InputError) as err:  # a JSON document is refused whole
        load_files(store, "tabular", [path], mapping=DPL_MAPPING)
    assert (err.value.location.file, err.value.location.line) == (str(path), line)


def test_max_bytes_refuses_big_files_before_parsing(store: ListStore, tmp_path: Path) -> None:
    big = tmp_path / "bis_dpl.json"
    big.write_bytes(DPL.read_bytes() + b" " * 6_000_000)
    with pytest.raises(InputError, match="over the limit") as err:
        load_files(store, "tabular", [big], mapping=DPL_MAPPING, max_bytes=5_000_000)
    assert err.value.location.file == str(big)
    packed = tmp_path / "small.json.gz"
    packed.write_bytes(gzip.compress(b" " * 6_000_000))  # 6 KB packed, 6 MB unpacked
    with pytest.raises(InputError, match="unpacks to more than"):
        load_files(store, "tabular", [packed], mapping=DPL_MAPPING, max_bytes=5_000_000)
    with pytest.raises(StopshipError):
        store.current_version("us_bis_dpl")  # never created


def test_xml_bomb_is_refused(store: ListStore, tmp_path: Path) -> None:
    bomb = tmp_path / "consolidated.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
                    '<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
                    '<FIRST_NAME>&lol3;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>'
                    '</CONSOLIDATED_LIST>\n')
    with pytest.raises(InputError) as err:
        load_files(store, None, [bomb])
    assert "consolidated.xml" in str(err.value)
    assert store.lists() == []


@pytest.mark.parametrize("names, mapping, expected", [
    (["sdn.csv.gz", "alt.csv.gz"], None, "us_ofac_sdn"),
    (["consolidated.csv"], None, "us_trade_csl"),
    (["consolidated.json"], None, "us_trade_csl"),
    (["consolidated.xml.gz"], None, "un_sc"),
    (["entities.ftm.json"], None, "ftm"),
    (["anything.csv"], Path("m.yaml"), "tabular"),
])
def test_guess_source(names: list[str], mapping: Path | None, expected: str) -> None:
    assert guess_source([Path(n) for n in names], mapping) == expected


def test_guess_source_asks_when_unsure() -> None:
    with pytest.raises(ConfigError, match="--source"):
        guess_source([Path("list.csv")])


def test_missing_file(store: ListStore, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_files(store, "fake_test", [tmp_path / "nope.txt"])


_NAME = st.text(st.characters(categories=("L", "N", "Zs", "Pd"), include_characters="&.'()"),
                min_size=1, max_size=15).filter(lambda s: bool(s.strip()) and s != "BAD")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.dictionaries(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True), _NAME,
                            min_size=1, max_size=10))
def test_same_file_twice_gives_identical_ids(tmp_path: Path, rows: dict[str, str]) -> None:
    path = tmp_path / "rows.txt"
    path.write_text("".join(f"la,{k},{v}\n" for k, v in rows.items()))
    with ListStore.open(url=f"sqlite:///{tmp_path / 'p.db'}") as store:
        first = load_files(store, "fake_test", [path], allow_shrink=True)  # one db per test
        ids = [e.id for e in store.iter_entities("la")]
        second = load_files(store, "fake_test", [path])
        assert [r.status for r in second.lists] == ["unchanged"]
        assert second.lists[0].version == first.lists[0].version
        assert [e.id for e in store.iter_entities("la")] == ids == \
            sorted(f"la:{k}" for k in rows)
