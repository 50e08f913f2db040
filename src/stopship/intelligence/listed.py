"""Links between trade parties and listed parties: buyers screened against the lists,
sellers whose name, address or phone is a listed party's.

Screening uses the matching engine (``stopship.screening.engine.build_screener``) on
DISTINCT names only. The entities come from the list store; when it holds no list the
bundled sample of real listed parties (``listed_sample.csv``) stands in, and the run says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from stopship.errors import InputError
from stopship.intelligence.names_adapter import address_text
from stopship.intelligence.reference import listed_sample
from stopship.model import Entity
from stopship.screening.types import QueryRecord


@dataclass(frozen=True, slots=True)
class ListedHit:
    query: str
    entity_id: str
    list_id: str
    label: str       # SDN, Entity List, MEU or the list id
    name: str
    score: float
    how: str         # name | address | phone


@dataclass
class ListContext:
    """The list entities a run checks against, and where they came from."""

    entities: list[Entity]
    origin: str
    warnings: list[str] = field(default_factory=list)


def list_label(entity: Entity) -> str:
    lid = entity.list_id.lower()
    if entity.flags.get("meu") or "meu" in lid:
        return "MEU"
    if "sdn" in lid:
        return "SDN"
    if "entity" in lid or lid.endswith("_el") or "_el_" in lid:
        return "Entity List"
    return entity.list_id


def sample_entities() -> list[Entity]:
    """The bundled sample of real listed parties as entities (stand-in when no store)."""
    out = []
    for i, row in enumerate(listed_sample()):
        ent = Entity(list_id=row.list_id, native_id=f"sample-{i:04d}", schema="organization")
        ent.add_name(row.name, "primary")
        ent.add_country(row.country)
        from stopship.model import Address
        ent.addresses.append(Address(full=row.address, country=row.country))
        out.append(ent)
    return out


def load_list_context(data_dir: Path | None, lists: Iterable[str] | None = None,
                      allow_sample: bool = True) -> ListContext:
    """Entities of the store's current lists (``lists`` to choose), else the sample."""
    wanted = set(lists or [])
    entities: list[Entity] = []
    origin = ""
    try:
        from stopship.store import ListStore
        store = ListStore.open(data_dir)
        try:
            ids = [info.list_id for info in store.lists() if info.current is not None]
            ids = [i for i in ids if not wanted or i in wanted]
            for list_id in ids:
                entities.extend(store.iter_entities(list_id))
            origin = "store: " + ", ".join(ids)
        finally:
            store.close()
    except Exception as exc:  # noqa: BLE001 - the store is optional for this analysis
        origin = f"store unavailable ({type(exc).__name__})"
    if entities:
        return ListContext(entities, origin)
    if not allow_sample:
        return ListContext([], origin, ["no list loaded: listed-party indicators are empty"])
    return ListContext(sample_entities(), "bundled sample (listed_sample.csv)",
                       ["no list in the store: checked against the bundled sample of 160 real "
                        "listed parties only; run `stopship lists load` for full coverage"])


class ListChecker:
    """Screens names and compares addresses/phones against one set of list entities."""

    def __init__(self, entities: list[Entity], min_score: float | None = None) -> None:
        from stopship.screening.engine import build_screener
        self.entities = {e.id: e for e in entities}
        self.screener = build_screener(entities)
        self.min_score = min_score
        self._addresses: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._phones: dict[str, str] = {}
        for e in entities:
            for a in e.addresses:
                text = address_text(a.full)
                if len(text) >= 12:
                    self._addresses[a.country or ""].append((text, e.id))
            for phone in e.properties.get("phone", []):
                digits = "".join(ch for ch in phone if ch.isdigit())
                if len(digits) >= 7:
                    self._phones[digits] = e.id

    def _hit(self, query: str, entity_id: str, score: float, how: str) -> ListedHit:
        ent = self.entities[entity_id]
        return ListedHit(query, entity_id, ent.list_id, list_label(ent), ent.caption, score, how)

    def screen_names(self, names: Iterable[tuple[str, str | None]]) -> dict[str, list[ListedHit]]:
        """(name, country) -> hits above the screener's threshold, best first."""
        out: dict[str, list[ListedHit]] = {}
        for i, (name, country) in enumerate(sorted(set(names), key=lambda x: (x[0], x[1] or ""))):
            record = QueryRecord(id=f"q{i}", name=name, schema="organization", country=country)
            try:
                hits = self.screener.screen(record, self.min_score, limit=3)
            except InputError:  # an unusable name (empty, only a legal form) is no hit
                continue
            if hits:
                out[name] = [self._hit(name, h.entity_id, h.score, "name") for h in hits]
        return out

    def match_addresses(self, addresses: Iterable[tuple[str, str | None]],
                        threshold: float = 92.0) -> dict[str, list[ListedHit]]:
        """Addresses (normalised) nearly equal to a listed party's address in the same country."""
        out: dict[str, list[ListedHit]] = {}
        for address, country in sorted(set(addresses), key=lambda x: (x[0], x[1] or "")):
            text = address_text(address)
            if len(text) < 12:
                continue
            for listed_text, eid in self._addresses.get(country or "", []):
                score = fuzz.ratio(text, listed_text)
                if score >= threshold:
                    out.setdefault(address, []).append(self._hit(address, eid, score / 100, "address"))
        return out

    def match_phones(self, phones: Iterable[str]) -> dict[str, list[ListedHit]]:
        out: dict[str, list[ListedHit]] = {}
        for phone in sorted(set(phones)):
            digits = "".join(ch for ch in phone if ch.isdigit())
            if digits in self._phones:
                out[phone] = [self._hit(phone, self._phones[digits], 1.0, "phone")]
        return out
