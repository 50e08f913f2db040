from stopship.model import Entity
from stopship.model.order import Owner, Party
from stopship.rules.catalogue import load_ruleset
from stopship.rules.contacts import ContactIndex

from .helpers import fired, hit, order, run


def _entity(list_id: str, name: str, **flags: object) -> Entity:
    e = Entity(list_id=list_id, native_id=name.lower().replace(" ", "-"), schema="organization")
    e.add_name(name, "primary")
    e.flags = dict(flags)
    return e


LIST_CASES = [
    # (list id, flags, rules expected with their action)
    ("us_ofac_sdn", {}, {"R-A1": "hold"}),
    ("us_bis_el", {"license_requirement": "All items"}, {"R-A1": "hold"}),
    ("us_bis_el", {"meu": True}, {"R-A1": "hold", "R-A3": "hold"}),
    ("us_bis_meu", {"meu": True}, {"R-A1": "hold", "R-A3": "hold"}),
    ("us_bis_uvl", {}, {"R-A1": "review"}),
    ("us_ofac_ssi", {}, {"R-A1": "review"}),
    ("some_new_list", {}, {"R-A1": "review"}),  # unknown lists: default_action
    ("letters_x", {"letter_type": "supplier_list"}, {"R-A2": "review"}),
    ("letters_x", {"letter_type": "project_guardian"}, {"R-A2": "hold"}),
    ("letters_x", {"letter_type": "is_informed"}, {"R-A2": "hold"}),
    ("letters_x", {"letter_type": "red_flag"}, {"R-A2": "review"}),
]


def test_list_hits_act_by_list_and_letter_type():
    for list_id, flags, want in LIST_CASES:
        o = order()
        got = fired(o, party_hits=[[hit(_entity(list_id, "Listed Co", **flags))]])
        assert got == want, (list_id, flags)


def test_flags_come_from_the_id_map_when_hits_carry_no_entity():
    e = _entity("letters_x", "Listed Co", letter_type="project_guardian")
    got = fired(order(), party_hits=[[hit(e, with_entity=False)]],
                entity_flags={e.id: e.flags})
    assert got == {"R-A2": "hold"}


def test_review_below_score_turns_weak_hold_hits_into_review():
    rs = load_ruleset({"rules": {"R-A1": {"params": {"review_below_score": 0.9}}}})
    e = _entity("us_ofac_sdn", "Listed Co")
    assert fired(order(), party_hits=[[hit(e, 0.85)]], ruleset=rs) == {"R-A1": "review"}
    assert fired(order(), party_hits=[[hit(e, 0.95)]], ruleset=rs) == {"R-A1": "hold"}


def test_roles_param_limits_which_parties_count():
    rs = load_ruleset({"rules": {"R-A1": {"params": {"roles": ["buyer"]}}}})
    o = order(Party("buyer", "A", "DE", website="a.de"), Party("notify_party", "Listed Co", "DE"))
    hits = [[], [hit(_entity("us_ofac_sdn", "Listed Co"))]]
    assert fired(o, party_hits=hits, ruleset=rs) == {}
    assert fired(o, party_hits=hits) == {"R-A1": "hold"}


def test_owners_50_percent_rule_aggregates():
    sdn = _entity("us_ofac_sdn", "Blocked Person")
    el = _entity("us_bis_el", "Not Blocking")
    buyer = Party("buyer", "A GmbH", "DE", website="a.de",
                  owners=[Owner("Blocked Person", 26), Owner("Blocked Two", 24), Owner("X", 50)])
    o = order(buyer)
    hits = [[[hit(sdn)], [hit(sdn)], []]]
    d = run(o, owner_hits=hits)
    assert {f.id: f.action for f in d.fired} == {"R-A4": "hold"}
    assert "50%" in d.fired[0].message
    assert [e.field for e in d.fired[0].evidence] == ["parties[0].owners[0]", "parties[0].owners[1]"]
    # 49.9% in aggregate is below the threshold: review
    buyer.owners = [Owner("Blocked Person", 49.9), Owner("X", 50.1)]
    assert fired(o, owner_hits=[[[hit(sdn)], []]]) == {"R-A4": "review"}
    # an owner on a non-blocking list does not count
    assert fired(o, owner_hits=[[[hit(el)], []]]) == {}


def test_shared_contact_details_review_and_never_hold():
    listed = _entity("us_bis_el", "Listed Co")
    listed.addresses = []
    from stopship.model import Address

    listed.addresses.append(Address("Office 5, 14 Tigran Mets Avenue, Yerevan 0010, Armenia"))
    listed.add_property("phone", "+374 10 556 812")
    listed.add_property("email", "sales@listedco.am")
    listed.add_property("website", "https://www.listedco.am/en")
    index = ContactIndex.from_entities([listed], ["gmail.com"])
    cases = [
        (Party("notify_party", "Other", address="office 5 14 tigran mets avenue yerevan 0010"), True),
        (Party("notify_party", "Other", phone="00374-10-556-812"), True),
        (Party("notify_party", "Other", email="SALES@listedco.am"), True),
        (Party("notify_party", "Other", email="someone.else@listedco.am"), True),  # domain
        (Party("notify_party", "Other", website="listedco.am"), True),
        (Party("notify_party", "Other", address="Office 6, 14 Tigran Mets Avenue, Yerevan"), False),
        (Party("notify_party", "Other", phone="+374 10 556 813"), False),
        (Party("notify_party", "Other", email="x@gmail.com"), False),
    ]
    always_hold = load_ruleset({"rules": {"R-A5": {"action": "hold"}}})
    for party, should in cases:
        o = order(Party("buyer", "A", "DE", website="a.de"), party)
        got = fired(o, contacts=index)
        assert got == ({"R-A5": "review"} if should else {}), party
        if should:
            assert fired(o, contacts=index, ruleset=always_hold) == {"R-A5": "review"}
