"""Links to listed parties: names through the matching engine, addresses and phones."""

from __future__ import annotations

from pathlib import Path

from stopship.intelligence.listed import ListChecker, list_label, load_list_context, sample_entities
from stopship.model import Address, Entity


def _entity(list_id: str, name: str, address: str | None = None, phone: str | None = None,
            **flags: object) -> Entity:
    e = Entity(list_id=list_id, native_id=name[:8], schema="organization", flags=dict(flags))
    e.add_name(name, "primary")
    e.add_country("HK")
    if address:
        e.addresses.append(Address(full=address, country="HK"))
    if phone:
        e.add_property("phone", phone)
    return e


def test_labels() -> None:
    assert list_label(_entity("us_ofac_sdn", "A")) == "SDN"
    assert list_label(_entity("us_bis_el", "A")) == "Entity List"
    assert list_label(_entity("us_bis_el", "A", meu=True)) == "MEU"
    assert list_label(_entity("us_bis_meu", "A")) == "MEU"
    assert list_label(_entity("un_sc", "A")) == "un_sc"


def test_names_addresses_and_phones() -> None:
    checker = ListChecker([_entity("us_bis_el", "Asia Pacific Links Limited",
                                   "Room 1203, 12/F, Tower 2, 88 Nathan Road, Kowloon",
                                   "+852 2345 6789")])
    hits = checker.screen_names([("ASIA PACIFIC LINKS LTD", "HK"), ("Green Apple Farms", "HK")])
    assert list(hits) == ["ASIA PACIFIC LINKS LTD"]
    assert hits["ASIA PACIFIC LINKS LTD"][0].label == "Entity List"
    addr = checker.match_addresses([("ROOM 1203 12/F TOWER 2 88 NATHAN RD KOWLOON", "HK"),
                                    ("Room 1203, 12/F, Tower 2, 88 Nathan Road, Kowloon", "CN"),
                                    ("Room 7, 3 Other Street, Kowloon", "HK")])
    assert list(addr) == ["ROOM 1203 12/F TOWER 2 88 NATHAN RD KOWLOON"]   # same country only
    assert list(checker.match_phones(["+852-2345-6789", "+852 9999 0000"])) == ["+852-2345-6789"]


def test_empty_store_falls_back_to_the_bundled_sample(tmp_path: Path) -> None:
    ctx = load_list_context(tmp_path / "data")
    assert ctx.origin.startswith("bundled sample") and ctx.warnings
    assert len(ctx.entities) == len(sample_entities()) == 160
    none = load_list_context(tmp_path / "data", allow_sample=False)
    assert none.entities == [] and none.warnings
