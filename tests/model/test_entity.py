from hypothesis import given
from hypothesis import strategies as st

from stopship.model import Entity, Name, normalise_schema


def test_schema_aliases_map_to_four_schemas():
    assert normalise_schema("Person") == "person"
    assert normalise_schema("individual") == "person"
    assert normalise_schema("LegalEntity") == "organization"
    assert normalise_schema("Company") == "organization"
    assert normalise_schema("Airplane") == "aircraft"
    assert normalise_schema("Vessel") == "vessel"
    assert normalise_schema("spaceship") is None


text = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())


@given(names=st.lists(text, min_size=1, max_size=4), programs=st.lists(text, max_size=3))
def test_to_dict_from_dict_round_trips(names, programs):
    entity = Entity("us_ofac_sdn", "36", "organization")
    for n in names:
        entity.add_name(n, "alias")
    entity.programs = programs
    entity.add_identifier("inn", "7707083893", "RU")
    again = Entity.from_dict(entity.to_dict())
    assert again == entity
    assert again.content_hash() == entity.content_hash()


def test_content_hash_ignores_provenance_but_not_content():
    from stopship.model import Provenance

    a = Entity("un_sc", "QDe.001", "organization", names=[Name("AL-QAIDA")])
    b = Entity.from_dict(a.to_dict())
    b.provenance = Provenance("other.xml", "0" * 64, 12)
    assert a.content_hash() == b.content_hash()
    b.add_name("THE BASE", "alias")
    assert a.content_hash() != b.content_hash()
    assert a.id == "un_sc:QDe.001"
