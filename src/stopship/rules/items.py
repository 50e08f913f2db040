"""R-B rules: the order's items (CHPL) and its route (countries)."""

from __future__ import annotations

from collections.abc import Callable

from stopship.rules.catalogue import RuleSpec
from stopship.rules.context import Context, Evidence, Finding


def _outside_partners(ctx: Context, roles: list[str]) -> list[tuple[str, str]]:
    return [(path, c) for path, c in ctx.destination_countries(roles)
            if not ctx.ref.in_set("partners", c)]


def chpl_item(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-B1: CHPL lines (first six HS digits), weighted by tier, going outside the partner
    countries (or anywhere, when ``exempt_partner_destinations`` is false)."""
    if not ctx.chpl_lines:
        return []
    p = spec.params
    outside = _outside_partners(ctx, p["roles"])
    if p.get("exempt_partner_destinations", True) and not outside:
        return []
    weight = sum(item.weight for _, _, item in ctx.chpl_lines)
    if weight < float(p.get("min_weight") or 0.0):
        return []
    evidence = [Evidence(field=f"lines[{i}].hs_code", value=line.hs_code,
                         note=f"CHPL {item.hs6} tier {item.tier} (weight {item.weight:g})")
                for i, line, item in ctx.chpl_lines]
    evidence += [Evidence(field=path, value=c, note="outside the partner countries")
                 for path, c in outside[:3]]
    tiers = sorted({item.tier for _, _, item in ctx.chpl_lines})
    where = ", ".join(sorted({c for _, c in outside})) or "any destination"
    return [Finding(spec.id, spec.action,
                    f"{len(ctx.chpl_lines)} CHPL line(s), tier(s) {', '.join(tiers)}, "
                    f"to {where}", evidence, weight=weight)]


def high_priority_without_statement(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-B2: tier 1-2 CHPL items to a party outside the partners with no end-user statement."""
    if ctx.order.end_user_statement:
        return []
    tiers = set(spec.params["tiers"])
    lines = [(i, line, item) for i, line, item in ctx.chpl_lines if item.tier in tiers]
    if not lines:
        return []
    outside = _outside_partners(ctx, spec.params["roles"])
    if not outside:
        return []
    evidence = [Evidence(field=f"lines[{i}].hs_code", value=line.hs_code,
                         note=f"CHPL tier {item.tier}") for i, line, item in lines]
    evidence += [Evidence(field=path, value=c, note="outside the partner countries")
                 for path, c in outside[:3]]
    evidence.append(Evidence(field="end_user_statement", value=False))
    return [Finding(spec.id, spec.action,
                    f"tier {'/'.join(sorted({it.tier for _, _, it in lines}))} CHPL item(s) to "
                    f"{', '.join(sorted({c for _, c in outside}))} without an end-user statement",
                    evidence)]


def risky_country(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-B3: a party (ship-to, buyer, payer...) or route country is a transshipment point
    (the rule's action) or an embargoed destination (``embargoed_action``)."""
    p = spec.params
    order = ctx.order
    places: list[tuple[str, str]] = [(f"parties[{i}].country", party.country)
                                     for i, party in ctx.parties(p["roles"]) if party.country]
    route = order.route
    for name in p["route"]:
        if name == "transit":
            places += [(f"route.transit[{k}]", c) for k, c in enumerate(route.transit)]
        else:
            value = getattr(route, name, None)
            if value:
                places.append((f"route.{name}", value))
    if order.payment.payer_country and "payer" in p["roles"]:
        places.append(("payment.payer_country", order.payment.payer_country))
    embargoed = [(f, c) for f, c in places if ctx.ref.in_set(p["embargoed_set"], c)]
    transship = [(f, c) for f, c in places if ctx.ref.in_set(p["country_set"], c)]
    out = []
    if embargoed:
        out.append(Finding(spec.id, p.get("embargoed_action", "hold"),
                           f"embargoed destination in the order: "
                           f"{', '.join(sorted({c for _, c in embargoed}))}",
                           [Evidence(field=f, value=c, note=f"in set {p['embargoed_set']}")
                            for f, c in embargoed]))
    if transship:
        out.append(Finding(spec.id, spec.action,
                           f"transshipment point in the order: "
                           f"{', '.join(sorted({c for _, c in transship}))}",
                           [Evidence(field=f, value=c, note=f"in set {p['country_set']}")
                            for f, c in transship]))
    return out


def destination_mismatch(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-B4: the final destination differs from where the order was placed or paid from."""
    order = ctx.order
    final = order.route.final_destination or order.route.ship_to
    final_field = "route.final_destination" if order.route.final_destination else "route.ship_to"
    if not final:
        return []
    buyer = order.party("buyer")
    placed = order.placed_in or (buyer.country if buyer else None)
    placed_field = "placed_in" if order.placed_in else "buyer.country"
    paid = order.payment.payer_country
    evidence = []
    why = []
    if placed and placed != final:
        evidence.append(Evidence(field=placed_field, value=placed, note="order placed here"))
        why.append(f"placed in {placed}")
    if paid and paid != final:
        evidence.append(Evidence(field="payment.payer_country", value=paid, note="paid from here"))
        why.append(f"paid from {paid}")
    if not evidence:
        return []
    evidence.insert(0, Evidence(field=final_field, value=final, note="final destination"))
    return [Finding(spec.id, spec.action,
                    f"final destination {final} differs from where the order was "
                    + " and ".join(why), evidence)]


RULES: dict[str, Callable[[Context, RuleSpec], list[Finding]]] = {
    "R-B1": chpl_item,
    "R-B2": high_priority_without_statement,
    "R-B3": risky_country,
    "R-B4": destination_mismatch,
}
