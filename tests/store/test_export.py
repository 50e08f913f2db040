"""Export writers: JSON lines read back equal; CSV has one row per entity; FtM lines."""

from __future__ import annotations

import csv
import io
import json

import pytest
from store_helpers import make_entity

from stopship.errors import ConfigError
from stopship.model import Entity, Identifier
from stopship.store.export import CSV_COLUMNS, write


def _entities() -> list[Entity]:
    a = make_entity("1", "ACME TRADING LLC", "ACME TR", list_id="x")
    a.identifiers.append(Identifier("inn", "7701234567", "RU"))
    a.add_country("RU")
    return [a, make_entity("2", "IVAN PETROV", schema="person", list_id="x")]


def test_jsonl_round_trip() -> None:
    out = io.StringIO()
    assert write(_entities(), out, "jsonl") == 2
    back = [Entity.from_dict(json.loads(line)) for line in out.getvalue().splitlines()]
    assert back == _entities()


def test_csv_rows() -> None:
    out = io.StringIO()
    write(_entities(), out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == CSV_COLUMNS
    assert (rows[0]["id"], rows[0]["name"], rows[0]["aliases"]) == \
        ("x:1", "ACME TRADING LLC", "ACME TR")
    assert rows[0]["identifiers"] == "inn:7701234567 (RU)"
    assert rows[0]["countries"] == "RU (country)"
    assert rows[1]["schema"] == "person"


def test_ftm_lines() -> None:
    out = io.StringIO()
    write(_entities(), out, "ftm")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    people = [r for r in records if r["schema"] == "Person"]
    assert people and people[0]["properties"]["name"] == ["IVAN PETROV"]


def test_unknown_format() -> None:
    with pytest.raises(ConfigError):
        write([], io.StringIO(), "xml")
