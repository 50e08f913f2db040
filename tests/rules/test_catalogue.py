import pytest

from stopship.errors import ConfigError, NotFoundError
from stopship.rules.catalogue import ACTIONS, SEVERITIES, default_ruleset, load_ruleset
from stopship.rules.decide import REGISTRY

ALL_RULES = ["R-A1", "R-A2", "R-A3", "R-A4", "R-A5", "R-B1", "R-B2", "R-B3", "R-B4",
             "R-C1", "R-C2", "R-C3", "R-C4", "R-C5", "R-C6", "R-D1", "R-D2", "R-D3",
             "R-D4", "R-D5"]


def test_catalogue_has_every_rule_with_code_and_metadata():
    rs = default_ruleset()
    assert list(rs.rules) == ALL_RULES
    assert set(REGISTRY) == set(ALL_RULES)
    for rule in rs.rules.values():
        assert rule.sentence and rule.title and rule.clears_when
        assert rule.sources and all(len(s) > 20 for s in rule.sources), rule.id
        assert rule.action in ACTIONS and rule.severity in SEVERITIES


def test_rule_actions_follow_the_issue():
    rs = default_ruleset()
    assert rs.rules["R-B2"].action == "hold"
    assert rs.rules["R-A5"].action == "review"
    a1 = rs.rules["R-A1"].params["list_actions"]
    assert a1["us_ofac_sdn"] == a1["us_bis_el"] == a1["us_bis_meu"] == "hold"
    letters = rs.rules["R-A2"].params["letter_actions"]
    assert letters == {"supplier_list": "review", "red_flag": "review",
                       "project_guardian": "hold", "is_informed": "hold"}


def test_reference_data():
    ref = default_ruleset().ref
    assert len(ref.chpl) == 50
    assert ref.chpl["854231"].tier == "1" and ref.chpl["854231"].weight == 1.0
    assert ref.chpl["845961"].tier == "4.B"
    assert sum(1 for c in ref.chpl.values() if c.tier in ("1", "2")) == 9
    partners = ref.country_sets["partners"]
    assert {"US", "JP", "GB", "KR", "AU", "CA", "NZ", "NO", "CH", "DE", "FR", "IE"} <= partners
    assert len(ref.country_sets["eu_members"]) == 27
    assert {"AM", "CN", "HK", "AE", "TR", "KZ", "KG"} <= ref.country_sets["transshipment"]
    assert not partners & ref.country_sets["transshipment"]
    assert {"RU", "BY"} <= ref.country_sets["embargoed"]
    for meta in ref.country_set_meta.values():
        assert meta["source"] and meta["as_of"]
    assert "gmail.com" in ref.free_mail and "mail.ru" in ref.free_mail
    assert ref.calling_codes["7"] == ("RU", "KZ")


def test_config_disables_tunes_and_changes_the_version():
    base = default_ruleset()
    tuned = load_ruleset({"rules": {"R-C3": {"enabled": False},
                                    "R-B1": {"action": "hold", "params": {"min_weight": 2}}},
                          "country_sets": {"transshipment": {"add": ["VN"], "remove": ["IL"]}}})
    assert not tuned.rules["R-C3"].enabled
    assert tuned.rules["R-B1"].action == "hold" and tuned.rules["R-B1"].params["min_weight"] == 2
    assert "VN" in tuned.ref.country_sets["transshipment"]
    assert "IL" not in tuned.ref.country_sets["transshipment"]
    assert tuned.version != base.version
    assert tuned.version.split("+")[0] == base.catalogue_version
    # the cached default is untouched
    assert base.rules["R-C3"].enabled and "VN" not in base.ref.country_sets["transshipment"]


def test_config_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  R-D5:\n    enabled: false\n")
    assert not load_ruleset(config_path=path).rules["R-D5"].enabled


@pytest.mark.parametrize(("config", "field"), [
    ({"rules": {"R-Z9": {"enabled": False}}}, "rules.R-Z9"),
    ({"rules": {"R-B1": {"params": {"nope": 1}}}}, "rules.R-B1.params.nope"),
    ({"rules": {"R-B1": {"action": "block"}}}, "rules.R-B1"),
    ({"rules": {"R-B1": {"colour": "red"}}}, "rules.R-B1"),
    ({"rulez": {}}, "rulez"),
])
def test_bad_config_names_the_field(config, field):
    with pytest.raises(ConfigError) as err:
        load_ruleset(config)
    assert err.value.location.field == field


def test_get_unknown_rule():
    with pytest.raises(NotFoundError):
        default_ruleset().get("R-X1")
    assert default_ruleset().get("r-b1").id == "R-B1"
