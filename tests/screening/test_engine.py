"""The engine behind the Screener protocol."""

from __future__ import annotations

import pytest

from stopship.errors import InputError
from stopship.model import Entity
from stopship.screening import Screener
from stopship.screening.engine import ScreeningEngine, build_screener
from stopship.screening.query import normalise_dob, record_problem
from stopship.screening.types import QueryRecord


def test_engine_is_a_screener(engine: ScreeningEngine) -> None:
    screener: Screener = engine
    assert 0 < screener.threshold < 1


def test_hit_carries_the_contract_fields(engine: ScreeningEngine) -> None:
    hits = engine.screen(QueryRecord("c1", "Владимир Путин", "person", "RU"))
    top = hits[0]
    assert (top.query_id, top.entity_id, top.list_id, top.source_id) == (
        "c1", "us_ofac_sdn:35096", "us_ofac_sdn", "35096")
    assert top.name.startswith("PUTIN")
    assert 0 < top.score <= 1 and top.entity_version and top.entity is not None
    d = top.as_dict()
    assert {"query_id", "entity_id", "list", "source_id", "name", "score",
            "explanation"} <= set(d)
    assert "country agreement" in top.explanation.summary


@pytest.mark.parametrize(("name", "problem"), [
    ("", "empty name"), ("   ", "empty name"), ("!!! ---", "no letters"),
    ("LLC", "only a legal form"), ("A" * 10_000, "10,000 characters"),
])
def test_unusable_names_raise(engine: ScreeningEngine, name: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        engine.screen(QueryRecord("x", name))
    outcome = engine.outcome(QueryRecord("x", name))
    assert outcome.error is not None and problem in outcome.error


def test_identifier_screens_a_record_without_usable_name(engine: ScreeningEngine) -> None:
    hits = engine.screen(QueryRecord("x", "", identifiers=["IMO 8018900"]))
    assert hits[0].entity_id == "us_ofac_sdn:17088"


def test_min_score_and_limit(engine: ScreeningEngine) -> None:
    low = engine.screen(QueryRecord("x", "Kim"), min_score=0.1, limit=3)
    assert 0 < len(low) <= 3
    assert all(h.score >= 0.1 for h in low)
    assert [h.score for h in low] == sorted((h.score for h in low), reverse=True)


def test_lists_restrict(entities: list[Entity]) -> None:
    only_bis = build_screener(entities, lists=["us_bis_el"])
    hits = only_bis.screen(QueryRecord("x", "MCST"))
    assert hits and {h.list_id for h in hits} == {"us_bis_el"}


def test_screen_many_and_batch_keep_order(engine: ScreeningEngine) -> None:
    records = [QueryRecord(str(i), n) for i, n in enumerate(
        ["Vladimir Putin", "", "Nobody Special Zzyzx", "MCST JSC"] * 5)]
    many = engine.screen_many(records)
    assert [bool(h) for h in many[:4]] == [True, False, False, True]
    outcomes = list(engine.screen_batch(records, processes=2, chunk_size=3))
    assert [o.record.id for o in outcomes] == [r.id for r in records]
    assert [bool(o.hits) for o in outcomes] == [bool(h) for h in many]
    assert outcomes[1].error == "empty name"


@pytest.mark.parametrize(("raw", "iso"), [("1952-10-07", "1952-10-07"), ("07.10.1952", "1952-10-07"),
                                          ("1952", "1952"), ("yesterday", None), (None, None)])
def test_normalise_dob(raw: str | None, iso: str | None) -> None:
    assert normalise_dob(raw) == iso


def test_record_problem() -> None:
    assert record_problem(QueryRecord("x", "Fine")) is None
    assert record_problem(QueryRecord("x", "bad\udcff")) == "name is not valid UTF-8"


def test_untyped_csl_entry_is_not_penalised_as_a_schema_mismatch(tmp_path) -> None:
    """CSL rows of the Denied Persons List have no type: they are loaded as organizations
    with flags.schema_inferred. A person query meets such an entry without the schema
    penalty, and the explanation says the list's schema was inferred. (The fixture's DPL
    row, named as another real DPL entry, a person: ROBERT ALMORI.)"""
    from pathlib import Path

    from stopship.sources import ParseReport, get_source

    csl = Path(__file__).parents[1] / "fixtures" / "lists" / "us_trade_csl" / "consolidated.csv"
    header, dpl = csl.read_text("utf-8").splitlines()[:2]
    assert ", I. ASH," in dpl
    path = tmp_path / "consolidated.csv"
    path.write_text(header + "\n" + dpl.replace(", I. ASH,", ",ROBERT ALMORI,") + "\n", "utf-8")
    [listed] = get_source("us_trade_csl").parse([path], ParseReport())
    assert listed.schema == "organization" and listed.flags["schema_inferred"] is True
    stated = Entity.from_dict(listed.to_dict())
    stated.flags.pop("schema_inferred")
    record = QueryRecord("q1", "Robert Almori", "person")
    [hit] = build_screener([listed]).screen(record, min_score=0.0)
    [plain] = build_screener([stated]).screen(record, min_score=0.0)
    assert hit.entity is not None and hit.entity.flags["schema_inferred"] is True
    assert hit.score > plain.score
    schema_rows = [f for f in hit.explanation.features if f["feature"] == "schema_compatibility"]
    assert schema_rows and schema_rows[0]["effect"] == 0.0
    assert schema_rows[0]["detail"]["inferred"] is True
    assert "inferred" in hit.explanation.summary


def test_content_key_tells_apart_records_that_differ_in_any_field() -> None:
    base = QueryRecord(id="1", name="Ivan Petrov", schema="person", country="RU")
    variants = [
        QueryRecord(id="2", name="Ivan Petrov", schema="person", country="RU"),  # same
        QueryRecord(id="3", name="Ivan Petrov", schema=None, country="RU"),
        QueryRecord(id="4", name="Ivan Petrov", schema="person", country="RU", dob="1970"),
        QueryRecord(id="5", name="Ivan Petrov", schema="person", country="RU", address=""),
        QueryRecord(id="6", name="Ivan Petrov", schema="person", country="RU",
                    identifiers=["INN 7707083893"]),
        QueryRecord(id="7", name="Ivan", schema="person", country="RU", address="Petrov"),
        QueryRecord(id="8", name="Ivan Petrov\udc80", schema="person", country="RU"),
    ]
    keys = [r.content_key() for r in variants]
    assert keys[0] == base.content_key()
    assert len(set(keys)) == len(keys)


def test_wire_round_trip() -> None:
    record = QueryRecord(id="9", name="Ivan Petrov", schema="person", country="RU",
                         dob="1970", address="Moscow", identifiers=["INN 7707083893"])
    assert QueryRecord.from_wire(record.wire()) == record


@pytest.mark.parametrize("name", ["华彬", "华彬 Ltd", "Hua Bin"])
def test_each_rendering_is_scored_only_against_names_it_retrieves(
        engine: ScreeningEngine, name: str) -> None:
    # 华彬 reads as "hua bin" and "huabin". "hua bin" retrieves the weak alias HUA (of
    # HARAKAT UL-MUJAHIDEEN, SDN 4696) but cannot bring it to the threshold; "huabin"
    # does not retrieve it, so it must not be scored against it either (it used to alert
    # at 0.85, "huabin" read as an abbreviation of "hua"). The latin spelling agrees.
    assert [h.name for h in engine.screen(QueryRecord("q", name))] == []
    assert [h.name for h in engine.screen(QueryRecord("q", "HUA"))] == ["HUA"]


def test_a_name_in_katakana_meets_the_listed_latin_name(entities: list[Entity]) -> None:
    # SDN 35173 SHOIGU, Sergei Kuzhugetovich; ショイグ read letter by letter (shiyoigu)
    # scored 0.76, under the threshold
    from stopship.model import Name

    listed = Entity("test", "35173", "person", [Name("SHOIGU, Sergei Kuzhugetovich")])
    engine = build_screener([*entities, listed])
    hits = engine.screen(QueryRecord("q", "セルゲイ・ショイグ"))
    assert hits and hits[0].score >= engine.threshold
    assert "read from Kana script" in hits[0].explanation.summary
