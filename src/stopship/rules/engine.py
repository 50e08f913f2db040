"""Screen orders: every party (and every named owner) of a batch of orders goes to the
screener in one ``screen_many`` call, deduplicated and cached by normalised name, then the
rules decide each order.

The screener is anything that follows ``stopship.screening.types.Screener``; R-A5 needs the
list entities' contact details (``ContactIndex``), built once from the same entities.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stopship.model import Entity
from stopship.model.order import Order
from stopship.rules.catalogue import RuleSet, default_ruleset
from stopship.rules.contacts import ContactIndex
from stopship.rules.context import Context
from stopship.rules.decide import Decision, check_registry, decide
from stopship.rules.text import fold
from stopship.screening.types import Hit, QueryRecord, Screener

NameKey = tuple[str, str | None, str | None]


class OrderScreener:
    """Decide orders with a screener, a rule set and (optionally) a contact index."""

    def __init__(self, screener: Screener | None, ruleset: RuleSet | None = None,
                 contacts: ContactIndex | None = None,
                 list_versions: dict[str, str] | None = None,
                 min_score: float | None = None, limit: int = 5,
                 cache_size: int = 500_000, processes: int = 1,
                 entity_flags: dict[str, dict[str, Any]] | None = None) -> None:
        self.screener = screener
        self.processes = processes
        self.entity_flags = entity_flags or {}
        self.ruleset = ruleset or default_ruleset()
        check_registry(self.ruleset)
        self.contacts = contacts
        self.min_score = min_score
        self.limit = limit
        self.cache_size = cache_size
        self._cache: OrderedDict[NameKey, list[Hit]] = OrderedDict()
        self.list_versions = dict(list_versions or _versions_of(screener))
        self.queries = 0  # names actually sent to the screener
        self.lookups = 0  # names looked up (cached or not)
        self.screen_seconds = 0.0  # wall time spent in the screener

    # -- construction ----------------------------------------------------------
    @classmethod
    def from_entities(cls, entities: Sequence[Entity], ruleset: RuleSet | None = None,
                      list_versions: dict[str, str] | None = None, **kw: Any) -> OrderScreener:
        """Build the real screening engine and the contact index over ``entities``."""
        from stopship.screening.engine import build_screener

        ruleset = ruleset or default_ruleset()
        contacts = ContactIndex.from_entities(
            entities, ruleset.ref.free_mail,
            int(ruleset.rules["R-A5"].params.get("min_address_chars", 12)))
        return cls(build_screener(list(entities)), ruleset, contacts, list_versions, **kw)

    @classmethod
    def open(cls, data_dir: Path, ruleset: RuleSet | None = None,
             lists: list[str] | None = None, **kw: Any) -> OrderScreener:
        """The screener over the current list versions in ``data_dir``'s store."""
        from stopship.screening import open_screener
        from stopship.store import ListStore

        ruleset = ruleset or default_ruleset()
        store = ListStore.open(data_dir)
        current = store.current_versions()
        wanted = lists or list(current)
        contacts = ContactIndex(free_mail=ruleset.ref.free_mail)
        flags: dict[str, dict[str, Any]] = {}
        for list_id in wanted:
            for entity in store.iter_entities(list_id):
                contacts.add(entity)
                if entity.flags:
                    flags[entity.id] = entity.flags
        versions = {k: version_label(v) for k, v in current.items() if k in wanted}
        store.close()
        return cls(open_screener(data_dir, lists=lists), ruleset, contacts, versions,
                   entity_flags=flags, **kw)

    # -- screening -------------------------------------------------------------
    def screen(self, order: Order) -> Decision:
        return self.screen_many([order])[0]

    def screen_many(self, orders: Sequence[Order]) -> list[Decision]:
        """Decide a batch of orders; parties are screened in one batch call."""
        with_owners = self.ruleset.rules["R-A4"].enabled
        keys_of: list[tuple[list[NameKey], list[list[NameKey]]]] = []
        wanted: dict[NameKey, QueryRecord] = {}
        for order in orders:
            party_keys = []
            owner_keys = []
            for idx, party in enumerate(order.parties):
                key = (fold(party.name), party.country, party.schema)
                party_keys.append(key)
                self._want(key, wanted, f"{order.id}/parties[{idx}]", party.name,
                           party.schema, party.country, party.address, party.identifiers)
                keys = []
                if with_owners:
                    for j, owner in enumerate(party.owners):
                        okey = (fold(owner.name), owner.country, owner.schema)
                        keys.append(okey)
                        self._want(okey, wanted, f"{order.id}/parties[{idx}].owners[{j}]",
                                   owner.name, owner.schema, owner.country, None, [])
                owner_keys.append(keys)
            keys_of.append((party_keys, owner_keys))
        self._run(wanted)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        decisions = []
        for order, (party_keys, owner_keys) in zip(orders, keys_of, strict=True):
            party_hits = [self._get(k) for k in party_keys]
            owner_hits = [[self._get(k) for k in keys] for keys in owner_keys]
            if not with_owners:
                owner_hits = [[[] for _ in p.owners] for p in order.parties]
            ctx = Context.build(order, self.ruleset.ref, party_hits, owner_hits, self.contacts,
                                self.entity_flags)
            decisions.append(decide(ctx, self.ruleset, self.list_versions, now))
        return decisions

    def screen_iter(self, orders: Iterable[Order], batch_size: int = 2000) -> Iterator[Decision]:
        """Decide a stream of orders in batches of ``batch_size``."""
        batch: list[Order] = []
        for order in orders:
            batch.append(order)
            if len(batch) >= batch_size:
                yield from self.screen_many(batch)
                batch = []
        if batch:
            yield from self.screen_many(batch)

    # -- cache -----------------------------------------------------------------
    def _want(self, key: NameKey, wanted: dict[NameKey, QueryRecord], qid: str, name: str,
              schema: str | None, country: str | None, address: str | None,
              identifiers: list[str]) -> None:
        self.lookups += 1
        if key in self._cache or key in wanted or self.screener is None or not key[0]:
            return
        wanted[key] = QueryRecord(id=qid, name=name, schema=schema, country=country,
                                  address=address, identifiers=list(identifiers))

    def _run(self, wanted: dict[NameKey, QueryRecord]) -> None:
        if not wanted or self.screener is None:
            return
        started = time.perf_counter()
        keys = list(wanted)
        records = [wanted[k] for k in keys]
        batch = getattr(self.screener, "screen_batch", None)
        if self.processes > 1 and batch is not None and len(records) > 500:
            results = [o.hits for o in batch(records, self.min_score, self.limit,
                                             processes=self.processes)]
        else:
            results = self.screener.screen_many(records, min_score=self.min_score,
                                                limit=self.limit)
        self.queries += len(keys)
        self.screen_seconds += time.perf_counter() - started
        for key, hits in zip(keys, results, strict=True):
            self._cache[key] = hits
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _get(self, key: NameKey) -> list[Hit]:
        return self._cache.get(key, [])

    def clear_cache(self) -> None:
        """Forget cached hits (call when a list changes)."""
        self._cache.clear()


def version_label(info: Any) -> str:
    """``"3 (list date 2024-05-01; digest 1a2b3c4d5e6f)"`` for a store VersionInfo."""
    parts = [f"list date {info.list_date}"] if getattr(info, "list_date", None) else []
    if getattr(info, "digest", None):
        parts.append(f"digest {str(info.digest)[:12]}")
    return f"{info}" + (f" ({'; '.join(parts)})" if parts else "")


def _versions_of(screener: Screener | None) -> dict[str, str]:
    for attr in ("list_versions", "versions"):
        value = getattr(screener, attr, None)
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
    return {}
