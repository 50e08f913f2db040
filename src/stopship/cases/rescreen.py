"""Re-screening on a new list version: screen the customer master against what changed
(added and changed entries), not against everything again.

1. Take the delta's added and changed entities (removed ones cannot create alerts).
2. Build a screener over just those entities.
3. Find and screen the candidate customers. With the real engine
   (``stopship.cases.sweep``): every customer's stored prepared form
   (``stopship.cases.prepared``) is run through a bound of the engine's own retrieval
   over the delta's index (``stopship.cases.reach``), which lets through every customer
   the engine could find a hit for, and the survivors are screened, each distinct
   record once, in forked workers that read the database themselves. With a screener
   that has no candidate index (test doubles): blocking keys (``customers.name_keys``)
   and a loose similarity pre-filter (``prefilter``). ``blocking=False`` takes every
   customer.
4. New alerts carry the delta (the changed fields) that caused them; they are written
   in bulk (``alerts.record_hits_many``).
5. Screen the parties of the orders still worth it (``orders.rescreen_set``: held and
   reviewed orders, clear ones screened in the last ``CLEAR_ORDER_DAYS`` days) against
   the delta's index; an order with a hit is decided again by the order rule engine
   (``order_decider``; ``rescreen_from_store`` builds one over the store's current lists)
   and its alerts carry the delta; without a rule engine a matching ``clear`` order goes
   to ``review`` (``stopship.cases.orders``).
A run is recorded per (list, old version, new version) and is not repeated.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases import prepared
from stopship.cases.alerts import Found, Subject, record_hits_many
from stopship.cases.customers import name_keys
from stopship.cases.db import reader
from stopship.cases.orders import OrderDecider, OrderRescreen, default_decider, rescreen_orders
from stopship.cases.reach import Reach, engine_index
from stopship.cases.screening import screen_customer_ids
from stopship.cases.sweep import sweep
from stopship.cases.tables import customer_keys, customers, rescreen_runs
from stopship.cases.util import now
from stopship.model import Entity
from stopship.screening.types import Hit, Screener

KEY_CHUNK = 500
PREFILTER = 50.0  # token-set ratio below which a blocked customer is not scored


@dataclass
class RescreenResult:
    list_id: str
    old_version: str | None
    new_version: str
    entities: int = 0
    candidates: int = 0
    screened: int = 0
    alerts: list[int] = field(default_factory=list)
    seconds: float = 0.0
    candidates_seconds: float = 0.0
    blocked: int = 0
    skipped: bool = False
    orders: OrderRescreen | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"list_id": self.list_id, "old_version": self.old_version,
                "new_version": self.new_version, "entities": self.entities,
                "candidates": self.candidates, "screened": self.screened,
                "alerts_opened": len(self.alerts), "seconds": round(self.seconds, 3),
                "candidates_seconds": round(self.candidates_seconds, 3),
                "blocked": self.blocked,
                "skipped": self.skipped,
                **({"orders": self.orders.as_dict()} if self.orders is not None else {})}


def _entity_of(item: Any) -> Entity | None:
    if isinstance(item, Entity):
        return item
    for attr in ("new", "after", "entity", "current"):
        value = item.get(attr) if isinstance(item, dict) else getattr(item, attr, None)
        if isinstance(value, Entity):
            return value
        if isinstance(value, dict) and "list_id" in value:
            return Entity.from_dict(value)
    if isinstance(item, dict) and "list_id" in item:
        return Entity.from_dict(item)
    return None


def _fields_of(item: Any) -> Any:
    value = item.get("fields") if isinstance(item, dict) else getattr(item, "fields", None)
    if value is None:
        return []
    if isinstance(value, dict):
        return [{"field": k, "change": v} for k, v in value.items()]
    out = []
    for f in value:
        if isinstance(f, str):
            out.append({"field": f})
        elif isinstance(f, dict):
            out.append(f)
        else:
            out.append({k: getattr(f, k) for k in ("field", "old", "new") if hasattr(f, k)})
    return out


def delta_entities(delta: Any) -> tuple[list[Entity], dict[str, dict[str, Any]]]:
    """Entities to screen against and, per entity id, the delta to show on its alerts."""
    entities: list[Entity] = []
    info: dict[str, dict[str, Any]] = {}
    for item in getattr(delta, "added", []) or []:
        entity = _entity_of(item)
        if entity is not None:
            entities.append(entity)
            info[entity.id] = {"change": "added"}
    for item in getattr(delta, "changed", []) or []:
        entity = _entity_of(item)
        if entity is not None:
            entities.append(entity)
            info[entity.id] = {"change": "changed", "fields": _fields_of(item)}
    return entities, info


def candidate_customers(engine: Engine, entities: Iterable[Entity],
                        max_share: float = 0.01) -> list[int]:
    """The ids of ``candidates_by_name``, sorted."""
    return sorted(candidates_by_name(engine, list(entities), max_share)[0])


def candidates_by_name(engine: Engine, entities: list[Entity], max_share: float = 0.01
                       ) -> tuple[dict[int, set[int]], list[str]]:
    """Customers that share enough blocking keys with a name of the entities.

    Per entity name: keys held by more than ``max_share`` of all customers (generic
    words: ``trad``, ``limi``, ``grou``) are dropped when the name has a rarer key. A
    customer is a candidate when it shares two of the remaining keys, or all of its own
    keys, or the name's only key (``Sberbank`` still finds ``Sberbank of Russia``, but
    ``Ivan Petrov`` does not pull in every ``Ivan``)."""
    names: list[set[str]] = []
    texts: list[str] = []
    for entity in entities:
        for name in entity.names:
            keys = name_keys(name.value)
            if keys:
                names.append(keys)
                texts.append(name.value)
    every = sorted(set().union(*names)) if names else []
    found: dict[int, set[int]] = {}
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(customers)).scalar_one())
        freq: dict[str, int] = {}
        for start in range(0, len(every), KEY_CHUNK):
            chunk = every[start:start + KEY_CHUNK]
            rows = conn.execute(select(customer_keys.c.key, func.count())
                                .where(customer_keys.c.key.in_(chunk))
                                .group_by(customer_keys.c.key))
            freq.update({str(r[0]): int(r[1]) for r in rows})
        cap = max(50, int(total * max_share))
        seen: dict[frozenset[str], int] = {}
        for index, keys in enumerate(names):
            present = sorted((freq.get(k, 0), k) for k in keys if freq.get(k, 0) > 0)
            if not present:
                continue
            chosen = frozenset([k for n, k in present if n <= cap] or [present[0][1]])
            if chosen in seen:
                for ids in found.values():
                    if seen[chosen] in ids:
                        ids.add(index)
                continue
            seen[chosen] = index
            need = min(2, len(chosen))
            query = (select(customer_keys.c.customer_id)
                     .join(customers, customers.c.id == customer_keys.c.customer_id)
                     .where(customer_keys.c.key.in_(sorted(chosen)))
                     .group_by(customer_keys.c.customer_id, customers.c.key_count)
                     .having((func.count() >= need) | (func.count() >= customers.c.key_count)))
            for row in conn.execute(query):
                found.setdefault(int(row[0]), set()).add(index)
    return found, texts


def prefilter(engine: Engine, found: dict[int, set[int]], texts: list[str],
              cutoff: float) -> list[int]:
    """Keep the candidates whose name is at least ``cutoff`` (0-100) similar to a list name
    that selected them (rapidfuzz token-set ratio on transliterated lowercase text): a
    cheap bound that spares the full scorer the customers sharing only a common surname or
    word. ``cutoff`` 0 keeps everyone."""
    if cutoff <= 0:
        return sorted(found)
    folded = [anyascii(t).lower() for t in texts]
    keep: list[int] = []
    ids = sorted(found)
    with engine.connect() as conn:
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            rows = conn.execute(select(customers.c.id, customers.c.name)
                                .where(customers.c.id.in_(chunk)))
            for cid, name in rows:
                text = anyascii(name or "").lower()
                if any(fuzz.token_set_ratio(text, folded[i]) >= cutoff for i in found[cid]):
                    keep.append(int(cid))
    return sorted(keep)


def fill_prepared(engine: Engine, processes: int = 1, chunk: int = 20_000) -> int:
    """Compute the stored prepared forms that are missing or stale (rows imported before
    the column existed, or prepared by older names code); returns how many. One short
    transaction per ``chunk`` customers, so a server keeps writing meanwhile (a form
    written is current; a run stopped half-way leaves the rest to the next)."""
    with engine.connect() as conn:
        missing = prepared.stale_ids(conn)
    with prepared.Encoder(processes) as encoder:
        for start in range(0, len(missing), chunk):
            with engine.begin() as conn:
                prepared.refill(conn, missing[start:start + chunk], encoder)
    return len(missing)


def _with_entities(hits: list[Hit], by_id: dict[str, Entity]) -> list[Hit]:
    """Hits with their list entity attached (workers send them without it)."""
    return [h if h.entity is not None else replace(h, entity=by_id.get(h.entity_id))
            for h in hits]


def rescreen(engine: Engine, delta: Any, build_screener: Callable[[list[Entity]], Screener],
             *, list_id: str, old_version: str | None, new_version: str,
             lists: dict[str, str], actor: str = "system", blocking: bool = True,
             force: bool = False, processes: int = 1,
             prefilter_cutoff: float = PREFILTER, open_orders: bool = True,
             order_decider: Callable[[], OrderDecider] | None = None,
             use_reach: bool = True, clear_order_days: int | None = None) -> RescreenResult:
    """Re-screen the customer master (and, with ``open_orders``, the open orders of
    ``orders.rescreen_set(clear_order_days)``, decided again by ``order_decider()`` when
    given) against a delta; see the module docstring. ``use_reach=False`` forces the
    older blocking keys (for comparison)."""
    started = time.perf_counter()
    result = RescreenResult(list_id, old_version, new_version)
    # versions may come as numbers (``listload.version_number``); the columns are text,
    # and PostgreSQL does not compare text with integers
    old_key = None if old_version is None else str(old_version)
    new_key = str(new_version)
    with engine.connect() as conn:
        done = conn.execute(select(rescreen_runs.c.id).where(and_(
            rescreen_runs.c.list_id == list_id, rescreen_runs.c.new_version == new_key,
            rescreen_runs.c.old_version == old_key if old_key is not None
            else rescreen_runs.c.old_version.is_(None)))).first()
    if done and not force:
        result.skipped = True
        return result
    entities, info = delta_entities(delta)
    result.entities = len(entities)
    if entities:
        screener = build_screener(entities)
        picked = time.perf_counter()
        index = engine_index(screener) if use_reach else None
        for key, value in info.items():
            value.update({"list_id": list_id, "old_version": old_version,
                          "new_version": new_version, "entity_id": key})
        if blocking and index is not None:
            fill_prepared(engine, processes)
            by_id = {e.id: e for e in entities}
            reach = Reach(index, screener.threshold)
            hits_found: list[Found] = []
            # read and screen without the write lock (the server keeps answering and
            # auditing meanwhile); then write the alerts in one short transaction
            with reader(engine).connect() as conn:
                for part in sweep(engine, conn, reach, screener, processes):
                    result.blocked += part.reached
                    result.candidates_seconds += part.reach_seconds
                    hits_found += [(Subject("customer", cid), query,
                                    _with_entities(hits, by_id))
                                   for cid, query, hits in part.found]
            with engine.begin() as conn:
                result.alerts = record_hits_many(
                    conn, hits_found, actor=actor, lists=lists, threshold=screener.threshold,
                    deltas=info, source="rescreen")
            result.candidates = result.screened = result.blocked
        else:
            if blocking:
                found, texts = candidates_by_name(engine, entities)
                result.blocked = len(found)
                ids = prefilter(engine, found, texts, prefilter_cutoff)
            else:
                with engine.connect() as conn:
                    ids = [int(r[0]) for r in conn.execute(select(customers.c.id))]
            result.candidates = len(ids)
            result.candidates_seconds = time.perf_counter() - picked
            with engine.begin() as conn:
                result.screened, result.alerts = screen_customer_ids(
                    conn, ids, screener, actor=actor, lists=lists, deltas=info,
                    source="rescreen", processes=processes)
        if open_orders:
            with engine.begin() as conn:
                result.orders = rescreen_orders(conn, screener, order_decider, lists=lists,
                                                deltas=info, actor=actor,
                                                clear_days=clear_order_days)
    result.seconds = time.perf_counter() - started
    with engine.begin() as conn:
        if not done:
            conn.execute(rescreen_runs.insert().values(
                list_id=list_id, old_version=old_key, new_version=new_key,
                entities=result.entities, candidates=result.candidates,
                alerts=len(result.alerts), seconds=result.seconds, at=now()))
        audit.append(conn, actor, "rescreen", subject_type="list", subject_id=list_id,
                     lists=lists, details=result.as_dict())
    return result


def rescreen_from_store(engine: Engine, store: Any, list_id: str, old_version: str | None,
                        new_version: str, build_screener: Callable[[list[Entity]], Screener],
                        *, actor: str = "system", blocking: bool = True,
                        processes: int = 1,
                        order_decider: Callable[[], OrderDecider] | None = None,
                        clear_order_days: int | None = None) -> RescreenResult:
    """Ask the list store for the delta between two versions, then re-screen customers
    and open orders (decided again by ``order_decider()``, by default the rule engine
    over every current entity of the store)."""
    delta = store.diff(list_id, old_version, new_version)
    lists = {str(k): str(v) for k, v in dict(store.current_versions()).items()}
    return rescreen(engine, delta, build_screener, list_id=list_id, old_version=old_version,
                    new_version=new_version, lists=lists, actor=actor, blocking=blocking,
                    processes=processes, clear_order_days=clear_order_days,
                    order_decider=order_decider or default_decider(store, build_screener))
