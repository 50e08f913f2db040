"""Queries written in Chinese characters meet list names by their exact pinyin: another
character's syllable is another name, whatever a fold or a one-letter difference says.

The listed names are real (Zhou Qian on the BIS Entity List, WANG, Guoying on the SDN
list, entry 16819), written here as the lists write them; the clean
names are Faker zh_CN names that alerted on them before (朱倩, read zhu qian, met Zhou Qian
through the ou / u fold, 王桂英 wang guiying met WANG Guoying as a typo)."""

from __future__ import annotations

import pytest

from stopship.model import Entity, Name
from stopship.screening.engine import ScreeningEngine, build_screener
from stopship.screening.types import QueryRecord

LISTED = ["Zhou Qian", "WANG, Guoying"]


@pytest.fixture(scope="module")
def zh_engine(entities: list[Entity]) -> ScreeningEngine:
    listed = [Entity("test", f"zh-{i}", "person", [Name(n)]) for i, n in enumerate(LISTED)]
    return build_screener([*entities, *listed])


@pytest.mark.parametrize(("query", "listed"), [("周倩", "Zhou Qian"), ("王国英", "WANG, Guoying")])
def test_the_same_characters_meet(zh_engine: ScreeningEngine, query: str, listed: str) -> None:
    hits = zh_engine.screen(QueryRecord("q", query, "person"))
    assert hits and hits[0].name == listed and hits[0].score >= zh_engine.threshold


@pytest.mark.parametrize(("query", "listed"), [("朱倩", "Zhou Qian"), ("王桂英", "WANG, Guoying")])
def test_other_characters_do_not(zh_engine: ScreeningEngine, query: str, listed: str) -> None:
    hits = zh_engine.screen(QueryRecord("q", query, "person"))
    assert all(h.name != listed for h in hits)
