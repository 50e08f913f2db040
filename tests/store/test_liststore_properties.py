"""Properties: what is stored reads back equal; loading the same entities twice gives
the same ids and no new version."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stopship.model import (
    SCHEMAS,
    Address,
    Country,
    DateFact,
    Entity,
    Identifier,
    Name,
    Provenance,
)
from stopship.store import ListStore

text = st.text(min_size=1, max_size=20)
opt = st.none() | text
json_scalar = st.none() | st.booleans() | st.integers(-10**6, 10**6) | text

names = st.builds(Name, value=text, kind=st.sampled_from(["primary", "alias", "weak", "former"]),
                  script=st.none() | st.sampled_from(["Latn", "Cyrl", "Hani"]), lang=opt,
                  quality=opt)
entity = st.builds(
    Entity,
    list_id=st.just("prop_list"),
    native_id=st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=12),
    schema=st.sampled_from(SCHEMAS),
    names=st.lists(names, max_size=3),
    countries=st.lists(st.builds(Country, code=text, role=st.sampled_from(["country",
                                                                           "nationality"])),
                       max_size=2),
    addresses=st.lists(st.builds(Address, full=text, city=opt, country=opt), max_size=2),
    identifiers=st.lists(st.builds(Identifier, scheme=text, value=text, country=opt,
                                   note=opt), max_size=2),
    dates=st.lists(st.builds(DateFact, role=text, value=text), max_size=2),
    programs=st.lists(text, max_size=2),
    flags=st.dictionaries(text, json_scalar, max_size=3),
    properties=st.dictionaries(text, st.lists(text, max_size=2), max_size=2),
    listed_on=opt, remarks=opt,
    provenance=st.none() | st.builds(Provenance, file=text, sha256=text,
                                     line=st.none() | st.integers(1, 10**6)),
)
unique_entities = st.lists(entity, min_size=1, max_size=8, unique_by=lambda e: e.native_id)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entities=unique_entities)
def test_store_then_read_back_is_equal(tmp_path: Path, entities: list[Entity]) -> None:
    with ListStore.open(url=f"sqlite:///{tmp_path / 'prop.db'}") as store:
        result = store.load("prop_list", entities, allow_shrink=True)  # one db per test
        got = list(store.iter_entities("prop_list", result.version))
        assert got == sorted(entities, key=lambda e: e.id)
        for e in entities:
            assert store.get_entity(e.id, result.version) == e
        again = store.load("prop_list", list(reversed(entities)))
        assert again.status == "unchanged" and again.version == result.version
        assert [e.id for e in store.iter_entities("prop_list")] == [e.id for e in got]
