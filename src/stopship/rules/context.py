"""What every rule sees (the order, its screening hits, the reference data) and what it
returns (findings with evidence). Rules are pure functions ``(ctx, spec) -> list[Finding]``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stopship.model.order import Line, Order, Party
from stopship.rules.catalogue import ChplItem, Reference
from stopship.screening.types import Hit

if TYPE_CHECKING:
    from stopship.rules.contacts import ContactIndex

@dataclass(slots=True)
class Evidence:
    """One fact a rule fired on: the order field (a path such as ``parties[2].name``), its
    value, and where relevant the list entry it met and the match score."""

    field: str
    value: Any
    entity_id: str | None = None
    list_id: str | None = None
    entity_name: str | None = None
    score: float | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "value": self.value}
        for key in ("entity_id", "list_id", "entity_name", "note"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.score is not None:
            out["score"] = round(self.score, 4)
        return out


@dataclass(slots=True)
class Finding:
    """A rule that fired on an order: the action it asks for and why."""

    rule_id: str
    action: str
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    weight: float = 0.0


@dataclass(slots=True)
class Context:
    order: Order
    ref: Reference
    party_hits: list[list[Hit]]  # aligned with order.parties
    owner_hits: list[list[list[Hit]]]  # per party, per owner
    contacts: ContactIndex | None = None
    chpl_lines: list[tuple[int, Line, ChplItem]] = field(default_factory=list)
    entity_flags: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def build(cls, order: Order, ref: Reference, party_hits: list[list[Hit]] | None = None,
              owner_hits: list[list[list[Hit]]] | None = None,
              contacts: ContactIndex | None = None,
              entity_flags: dict[str, dict[str, Any]] | None = None) -> Context:
        chpl = []
        for i, line in enumerate(order.lines):
            item = ref.chpl.get(line.hs_code[:6])
            if item is not None:
                chpl.append((i, line, item))
        return cls(
            order=order, ref=ref,
            party_hits=party_hits if party_hits is not None else [[] for _ in order.parties],
            owner_hits=owner_hits if owner_hits is not None else [[[] for _ in p.owners]
                                                                  for p in order.parties],
            contacts=contacts, chpl_lines=chpl, entity_flags=entity_flags or {},
        )

    def flags(self, hit: Hit) -> dict[str, Any]:
        """The list entity's flags (meu, letter_type...): from the hit's entity, or from the
        id -> flags map when the screener ships hits without entities."""
        if hit.entity is not None:
            return hit.entity.flags
        return self.entity_flags.get(hit.entity_id, {})

    def parties(self, roles: list[str] | tuple[str, ...]) -> list[tuple[int, Party]]:
        return [(i, p) for i, p in enumerate(self.order.parties) if p.role in roles]

    def destination_countries(self, roles: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
        """(field path, country) of the parties in ``roles`` and the route's ship-to and final
        destination: where the goods go."""
        out = [(f"parties[{i}].country", p.country) for i, p in self.parties(roles) if p.country]
        route = self.order.route
        if route.ship_to:
            out.append(("route.ship_to", route.ship_to))
        if route.final_destination:
            out.append(("route.final_destination", route.final_destination))
        return out
