"""Small builders for rule unit tests."""

from __future__ import annotations

from datetime import date

from stopship.model import Entity
from stopship.model.order import Line, Order, Party, Payment, Route
from stopship.rules.catalogue import RuleSet, default_ruleset
from stopship.rules.context import Context
from stopship.rules.decide import Decision, decide
from stopship.screening.types import Explanation, Hit


def order(*parties: Party, lines: list[Line] | None = None, country: str = "DE",
          **kw: object) -> Order:
    o = Order(id="T-1", order_date=date(2024, 3, 4), currency="USD",
              parties=list(parties) or [Party("buyer", "Kessler Messtechnik GmbH", country,
                                              website="kessler.com", email="info@kessler.com")],
              lines=lines or [Line("731815", 10, 2.0)],
              route=Route("US", country, country), payment=Payment(country, "wire"),
              end_user_statement=True)
    for key, value in kw.items():
        setattr(o, key, value)
    return o


def hit(entity: Entity, score: float = 0.95, with_entity: bool = True) -> Hit:
    return Hit(query_id="q", entity_id=entity.id, list_id=entity.list_id,
               source_id=entity.native_id, name=entity.caption, score=score,
               explanation=Explanation("q", entity.caption, "test"),
               entity=entity if with_entity else None)


def run(o: Order, party_hits: list[list[Hit]] | None = None, ruleset: RuleSet | None = None,
        **kw: object) -> Decision:
    rs = ruleset or default_ruleset()
    ctx = Context.build(o, rs.ref, party_hits, **kw)  # type: ignore[arg-type]
    return decide(ctx, rs)


def fired(o: Order, **kw: object) -> dict[str, str]:
    """rule id -> action of the rules that fire on ``o``."""
    return {f.id: f.action for f in run(o, **kw).fired}  # type: ignore[arg-type]
