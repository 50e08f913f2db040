"""Queries written in Arabic script find listed people through their latin names alone.

Pairs from the UN Security Council list (2026-02), which gives each name in latin and in
its original script; the list entries here hold the latin name only, so the engine must
read the Arabic (no short vowels written, Allah / al-Din compounds, Persian and Urdu
letters, Persian / Pashto lineage words written apart) and meet the latin spelling.
Before the consonant comparison the first six scored 0 (no candidate); the last three
scored 0.25, 0 and 0 before zadeh / khel compounds were offered joined."""

from __future__ import annotations

import pytest

from stopship.model import Entity, Name
from stopship.screening.engine import ScreeningEngine, build_screener
from stopship.screening.types import QueryRecord

PAIRS = [
    ("عبد التواب ملا حويش", "ABD-AL-TAWWAB MULLAH HUWAYSH"),
    ("منير المتصدق", "MOUNIR EL MOTASSADEQ"),
    ("عتیق الله آخوند", "ATTIQULLAH AKHUND"),
    ("جلال الدين حقانى", "JALALUDDIN HAQQANI"),
    ("ثناء اللہ غفاری", "SANAULLAH GHAFARI"),
    ("محمد علي الحبو", "MOHAMMAD ALI AL HABBO"),
    ("محمد اسحاق آخوند زاده", "MOHAMMAD ESHAQ AKHUNZADA"),
    ("رحمت الله کاکا زاده", "RAHMATULLAH KAKAZADA"),
    ("سيد أحمد شهيد خيل", "SAID AHMED SHAHIDKHEL"),
]
# clean names (Faker's ar locale) that share consonants with a listed name only
CLEAN = [("اصيل عبد اللطيف", "SALIH, Abd al-Latif"), ("أكلب", "KALLIOPE")]


@pytest.fixture(scope="module")
def cross_engine(entities: list[Entity]) -> ScreeningEngine:
    listed = [Entity("test", f"cross-{i}", "person", [Name(latin)])
              for i, (_q, latin) in enumerate(PAIRS + CLEAN)]
    return build_screener([*entities, *listed])


@pytest.mark.parametrize(("query", "latin"), PAIRS, ids=[p[1] for p in PAIRS])
def test_arabic_query_finds_the_latin_list_name(cross_engine: ScreeningEngine, query: str,
                                                latin: str) -> None:
    hits = cross_engine.screen(QueryRecord("q", query, "person"))
    assert hits and hits[0].name == latin
    assert hits[0].score >= cross_engine.threshold
    assert "read from Arab script" in hits[0].explanation.summary


@pytest.mark.parametrize(("query", "latin"), CLEAN, ids=[c[1] for c in CLEAN])
def test_shared_consonants_alone_do_not_alert(cross_engine: ScreeningEngine, query: str,
                                              latin: str) -> None:
    hits = cross_engine.screen(QueryRecord("q", query, "person"))
    assert all(h.name != latin for h in hits)
