"""FtM export: valid shapes, and export-then-import gives back what FtM can carry."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from stopship.model import Address, Country, DateFact, Entity, Identifier, Name
from stopship.sources import ParseReport, get_source
from stopship.sources.ftm.export import export_ftm, ftm_schema
from stopship.sources.ftm.parser import tables

CSL = Path(__file__).parents[2] / "fixtures" / "lists" / "us_trade_csl" / "consolidated.csv"


def roundtrip(entities: list[Entity], tmp_path: Path) -> list[Entity]:
    path = tmp_path / "out.ftm.json"
    path.write_text("".join(json.dumps(d) + "\n" for d in export_ftm(entities)), "utf-8")
    report = ParseReport()
    back = list(get_source("ftm").parse([path], report))
    assert report.skipped == []
    return back


def test_exported_dicts_use_only_their_schema_properties():
    t = tables()
    report = ParseReport()
    entities = list(get_source("us_trade_csl").parse([CSL], report))
    for data in export_ftm(entities):
        assert set(data) >= {"id", "schema", "properties"}
        if data["schema"] == "Address":
            continue
        allowed = set(t.thing_props) | set(t.schema_props[data["schema"]])
        assert set(data["properties"]) <= allowed, data["schema"]
        assert all(isinstance(v, list) and v for v in data["properties"].values())


def test_csl_company_exports_as_organization_with_ids(tmp_path: Path):
    entities = [e for e in get_source("us_trade_csl").parse([CSL], ParseReport())
                if e.id == "us_ofac_sdn:35891"]
    data = next(export_ftm(entities))
    assert data["id"] == "us_ofac_sdn-35891" and data["schema"] == "Organization"
    assert data["properties"]["registrationNumber"] == ["1027739032969"]
    assert data["properties"]["taxNumber"] == ["7718016666"]
    assert data["properties"]["incorporationDate"] == ["1947"]
    back = roundtrip(entities, tmp_path)[0]
    assert back.id == "us_ofac_sdn:35891"
    assert back.flags == entities[0].flags
    assert sorted((i.scheme, i.value) for i in back.identifiers) == sorted(
        (i.scheme, i.value) for i in entities[0].identifiers)


def test_kpp_makes_a_company():
    entity = Entity("x", "1", "organization", names=[Name("OOO Romashka")],
                    identifiers=[Identifier("kpp", "773001001")])
    assert ftm_schema(entity) == "Company"


# -- round trip property ---------------------------------------------------------------
_text = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x17F,
                                       blacklist_categories=("Cs", "Cc")),
                min_size=1, max_size=12).map(lambda s: " ".join(s.split())).filter(bool)
_code = st.sampled_from(["RU", "CN", "AE", "TR", "DE", "KG", "HK"])
_date = st.sampled_from(["1947", "2017-04", "1989-07-13"])
_SCHEMES = {
    "person": ["passport", "national_id", "tax_id", "inn", "registration", "swift", "lei"],
    "organization": ["inn", "ogrn", "okpo", "kpp", "tax_id", "registration", "lei", "swift",
                     "duns", "cage", "imo"],
    "vessel": ["imo", "mmsi", "registration", "call_sign"],
    "aircraft": ["aircraft_serial", "aircraft_tail"],
}
_ROLES = {"person": ["country", "nationality", "citizenship", "birth", "registration"],
          "organization": ["country", "registration"],
          "vessel": ["country", "flag"], "aircraft": ["country"]}
_DATES = {"person": ["birth", "death", "incorporated"],
          "organization": ["incorporated", "dissolved"],
          "vessel": ["built"], "aircraft": ["built"]}


def _unique(items: list) -> list:
    out: list = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


@st.composite
def entities(draw) -> Entity:
    schema = draw(st.sampled_from(["person", "organization", "vessel", "aircraft"]))
    names = [Name(draw(_text), "primary")] + [
        Name(v, k) for v, k in draw(st.lists(st.tuples(
            _text, st.sampled_from(["alias", "weak", "former"])), max_size=3))]
    entity = Entity(
        list_id=draw(st.sampled_from(["us_bis_el", "us_ofac_sdn", "my_list"])),
        native_id=draw(_text), schema=schema, names=_unique(names),
        countries=_unique([Country(c, r) for c, r in draw(st.lists(
            st.tuples(_code, st.sampled_from(_ROLES[schema])), max_size=3))]),
        addresses=_unique([Address(full, city=city, country=c) for full, city, c in draw(
            st.lists(st.tuples(_text, st.none() | _text, st.none() | _code), max_size=2))]),
        identifiers=_unique([Identifier(s, v) for s, v in draw(st.lists(
            st.tuples(st.sampled_from(_SCHEMES[schema]), _text), max_size=4))]),
        dates=_unique([DateFact(r, d) for r, d in draw(st.lists(
            st.tuples(st.sampled_from(_DATES[schema]), _date), max_size=2))]),
        programs=_unique(draw(st.lists(_text, max_size=2))),
        flags=draw(st.dictionaries(st.sampled_from(["meu", "license_requirement"]),
                                   st.booleans() | _text, max_size=2)),
        listed_on=draw(st.none() | _date),
        remarks=draw(st.none() | _text),
    )
    return entity


def _carried(entity: Entity) -> dict:
    """What FtM carries: everything but provenance, and names/identifiers compared on
    the values FtM keeps, in FtM's grouping order (by property)."""
    data = entity.to_dict(with_provenance=False)
    data["names"] = sorted((n["value"], n["kind"]) for n in data["names"])
    data["identifiers"] = sorted((i["scheme"], i["value"]) for i in data["identifiers"])
    data["countries"] = sorted((c["code"], c["role"]) for c in data["countries"])
    data["dates"] = sorted((d["role"], d["value"]) for d in data["dates"])
    data["addresses"] = sorted(json.dumps(a, sort_keys=True) for a in data["addresses"])
    return data


@settings(max_examples=150, deadline=None)
@given(st.lists(entities(), min_size=1, max_size=3, unique_by=lambda e: e.id))
def test_export_then_import_gives_equal_entities(tmp_path_factory, sample):
    tmp_path = tmp_path_factory.mktemp("ftm")
    back = roundtrip(sample, tmp_path)
    assert [_carried(e) for e in back] == [_carried(e) for e in sample]


def test_entity_of_guessed_type_exports_as_legal_entity_unless_it_needs_organization(
        tmp_path: Path):
    entities = list(get_source("us_trade_csl").parse([CSL], ParseReport()))
    guessed = [e for e in entities if e.flags.get("schema_inferred")]
    assert guessed, "the CSL fixture holds rows without a type"
    for entity in guessed:
        assert ftm_schema(entity) == "LegalEntity"
    back = roundtrip(guessed, tmp_path)
    assert [b.schema for b in back] == [e.schema for e in guessed]
    assert [b.flags for b in back] == [e.flags for e in guessed]
    with_cage = Entity(list_id="x", native_id="1", schema="organization",
                       names=[Name("ACME AERO")], flags={"schema_inferred": True},
                       identifiers=[Identifier("cage", "1ABC2")])
    assert ftm_schema(with_cage) == "Organization"
