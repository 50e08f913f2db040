"""R-D rules: how the order is paid, changed, priced, split and what the customer declines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from stopship.rules.catalogue import RuleSpec
from stopship.rules.context import Context, Evidence, Finding
from stopship.rules.text import fold


def third_party_payment(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-D1: a payer other than the buyer, or payment from a third country (neither the
    buyer's country nor the destination)."""
    order = ctx.order
    buyer = order.party("buyer")
    evidence = []
    why = []
    for i, party in enumerate(order.parties):
        if party.role == "payer" and buyer and fold(party.name) != fold(buyer.name):
            evidence.append(Evidence(f"parties[{i}].name", party.name, note="payer is not the buyer"))
            why.append(f"payer {party.name!r} is not the buyer {buyer.name!r}")
    paid = order.payment.payer_country
    if paid:
        home = {buyer.country if buyer else None, order.route.ship_to,
                order.route.final_destination}
        home |= {p.country for p in order.parties_in("ship_to", "end_user")}
        home.discard(None)
        if home and paid not in home:
            evidence.append(Evidence("payment.payer_country", paid, note="third country"))
            why.append(f"paid from third country {paid}")
    if not evidence:
        return []
    return [Finding(spec.id, spec.action, "; ".join(why), evidence)]


def late_change(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-D2: ship-to, payment, route or end user changed after the order was placed (and, if
    ``max_days_before_ship`` is set, that close to the ship date)."""
    order = ctx.order
    fields = set(spec.params["fields"])
    limit = spec.params.get("max_days_before_ship")
    evidence = []
    for k, change in enumerate(order.changes):
        if change.field not in fields:
            continue
        if order.order_date and change.changed_on < order.order_date:
            continue
        if limit is not None and order.ship_date and \
                (order.ship_date - change.changed_on).days > int(limit):
            continue
        evidence.append(Evidence(f"changes[{k}]", f"{change.field}: {change.old} -> {change.new}",
                                 note=f"changed on {change.changed_on}"))
    if not evidence:
        return []
    return [Finding(spec.id, spec.action,
                    f"{len(evidence)} change(s) after the order was placed: "
                    + ", ".join(sorted({str(e.value).split(':')[0] for e in evidence})),
                    evidence)]


def unusual_price(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-D3: a CHPL unit price above ``above_band_factor`` x the top of its (illustrative)
    market band, or a large order paid in cash or crypto."""
    order = ctx.order
    p = spec.params
    ref = ctx.ref
    out = []
    fx = ref.fx_to_usd.get((order.currency or "USD").upper())
    factor = float(p["above_band_factor"])
    if fx is not None:
        for i, line, item in ctx.chpl_lines:
            band = ref.price_bands.get(item.hs6)
            if band is None or line.unit_price is None:
                continue
            usd = line.unit_price * fx
            if usd > band[1] * factor:
                out.append(Finding(spec.id, spec.action,
                                   f"line {i} unit price {usd:,.2f} USD is over {factor:g}x the "
                                   f"market band top {band[1]:,.2f} for {item.hs6}",
                                   [Evidence(f"lines[{i}].unit_price", line.unit_price,
                                             note=f"band {band[0]:g}-{band[1]:g} USD "
                                                  "(illustrative)")]))
    method = order.payment.method
    total = order.total_value * (fx or 1.0)
    if method in p["cash_methods"] and total >= float(p["cash_min_value"]):
        out.append(Finding(spec.id, spec.action,
                           f"{method} payment for an order of {total:,.0f} USD",
                           [Evidence("payment.method", method, note=f"order value {total:,.0f} USD")]))
    return out


def split_shipments(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-D4: the order asks for ``min_shipments`` or more partial shipments, or with the
    customer's recent small orders for the same CHPL codes makes ``min_orders`` or more
    within ``window_days``."""
    order = ctx.order
    p = spec.params
    out = []
    if order.shipments >= int(p["min_shipments"]) and ctx.chpl_lines:
        out.append(Finding(spec.id, spec.action,
                           f"order split into {order.shipments} shipments",
                           [Evidence("shipments", order.shipments)]))
    if order.order_date and ctx.chpl_lines:
        window = timedelta(days=int(p["window_days"]))
        codes = {item.hs6 for _, _, item in ctx.chpl_lines}
        small = float(p["small_value"])
        recent = [(k, o) for k, o in enumerate(order.history)
                  if order.order_date - window <= o.order_date <= order.order_date
                  and o.value < small and codes & set(o.hs6)]
        if len(recent) + 1 >= int(p["min_orders"]) and order.total_value < small:
            out.append(Finding(spec.id, spec.action,
                               f"{len(recent) + 1} small orders for the same CHPL codes within "
                               f"{window.days} days",
                               [Evidence(f"history[{k}]", o.id,
                                         note=f"{o.order_date}, value {o.value:,.0f}")
                                for k, o in recent]))
    return out


def declined_services(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-D5: the customer declines installation, training or warranty, or refuses to state
    the end use or end user."""
    order = ctx.order
    wanted = set(spec.params["services"])
    evidence = [Evidence(f"declined_services[{k}]", s)
                for k, s in enumerate(order.declined_services) if s in wanted]
    if order.end_use_refused:
        evidence.append(Evidence("end_use_refused", True))
    if not evidence:
        return []
    return [Finding(spec.id, spec.action,
                    "customer " + " and ".join(
                        (["declines " + ", ".join(str(e.value) for e in evidence
                                                  if e.field.startswith("declined"))]
                         if any(e.field.startswith("declined") for e in evidence) else [])
                        + (["refuses to state the end use or end user"]
                           if order.end_use_refused else [])),
                    evidence)]


RULES: dict[str, Callable[[Context, RuleSpec], list[Finding]]] = {
    "R-D1": third_party_payment,
    "R-D2": late_change,
    "R-D3": unusual_price,
    "R-D4": split_shipments,
    "R-D5": declined_services,
}
