from stopship.model.order import Owner, Party
from stopship.rules.catalogue import load_ruleset
from stopship.rules.engine import OrderScreener, version_label
from stopship.rules.generate import random_orders

from .conftest import FakeScreener
from .helpers import order


def test_batch_screens_each_distinct_name_once(listed):
    fake = FakeScreener(listed)
    screener = OrderScreener(fake)
    orders = list(random_orders(200, seed=5, listed=listed, pool_size=50, listed_rate=0.1))
    decisions = screener.screen_many(orders)
    assert len(decisions) == 200 and fake.calls == 1
    distinct = {(p.name.lower(), p.country) for o in orders for p in o.parties}
    assert screener.queries <= len(distinct)
    assert screener.lookups == sum(len(o.parties) for o in orders)
    # a second batch with the same names is served from the cache
    screener.screen_many(orders[:50])
    assert fake.calls == 1
    screener.clear_cache()
    screener.screen_many(orders[:50])
    assert fake.calls == 2


def test_listed_names_hit_in_random_orders(listed):
    screener = OrderScreener(FakeScreener(listed))
    orders = list(random_orders(300, seed=9, listed=listed, pool_size=50, listed_rate=0.2))
    decisions = screener.screen_many(orders)
    listed_names = {e.caption for e in listed}
    for o, d in zip(orders, decisions, strict=True):
        has_listed = any(p.name in listed_names for p in o.parties)
        assert has_listed == bool({"R-A1", "R-A2"} & set(d.rule_ids)), o.id


def test_owners_screened_only_when_r_a4_is_enabled(listed):
    sdn = next(e for e in listed if e.schema == "person")
    buyer = Party("buyer", "Holding GmbH", "DE", website="h.de", owners=[Owner(sdn.caption, 60)])
    on = OrderScreener(FakeScreener(listed))
    assert on.screen(order(buyer)).rule_ids == ["R-A4"]
    assert on.queries == 2
    off = OrderScreener(FakeScreener(listed), load_ruleset({"rules": {"R-A4": {"enabled": False}}}))
    assert off.screen(order(buyer)).rule_ids == []
    assert off.queries == 1


def test_no_screener_runs_the_other_rules():
    d = OrderScreener(None).screen(order(country="AE"))
    assert d.rule_ids == ["R-B3"] and d.list_versions == {}


def test_list_versions_recorded(listed):
    fake = FakeScreener(listed)
    d = OrderScreener(fake).screen(order())
    assert d.list_versions == fake.list_versions
    assert d.as_dict()["list_versions"] == fake.list_versions

    class Info:
        list_date = "2024-05-01"
        digest = "abcdef0123456789"

        def __str__(self) -> str:
            return "3"

    assert version_label(Info()) == "3 (list date 2024-05-01; digest abcdef012345)"


def test_screen_iter_batches(listed):
    fake = FakeScreener(listed)
    orders = list(random_orders(25, seed=2, pool_size=20))
    out = list(OrderScreener(fake).screen_iter(iter(orders), batch_size=10))
    assert [d.order_id for d in out] == [o.id for o in orders]
    assert fake.calls == 3
