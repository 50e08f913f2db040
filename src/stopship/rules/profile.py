"""R-C rules: the counterparty's profile (age, history, footprint, business, contacts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from stopship.model.order import Party
from stopship.rules.catalogue import Reference, RuleSpec
from stopship.rules.contacts import domain_of
from stopship.rules.context import Context, Evidence, Finding
from stopship.rules.text import fold, has_word


def _since(spec: RuleSpec) -> date:
    return date.fromisoformat(str(spec.params.get("since", "2022-02-24")))


def new_company(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-C1: a party incorporated after the cut-off date buys CHPL items."""
    if not ctx.chpl_lines:
        return []
    since = _since(spec)
    out = []
    for i, party in ctx.parties(spec.params["roles"]):
        if party.incorporated_on and party.incorporated_on > since:
            out.append(Finding(spec.id, spec.action,
                               f"{party.role} {party.name!r} was incorporated on "
                               f"{party.incorporated_on} and buys CHPL items",
                               [Evidence(f"parties[{i}].incorporated_on",
                                         party.incorporated_on.isoformat())]))
    return out


def new_demand(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-C2: for an order with CHPL items: the customer's first order came after the cut-off,
    or the history shows no CHPL order before it, or CHPL value in the last window rose by
    ``rise_factor`` over the window before the cut-off."""
    if not ctx.chpl_lines:
        return []
    order = ctx.order
    since = _since(spec)
    buyer = order.party("buyer")
    evidence: list[Evidence] = []
    why = ""
    if buyer and buyer.customer_since and buyer.customer_since > since:
        i = order.parties.index(buyer)
        evidence.append(Evidence(f"parties[{i}].customer_since", buyer.customer_since.isoformat()))
        why = f"first order (customer since {buyer.customer_since}) after {since}"
    pre = [o for o in order.history if o.order_date <= since]
    if not evidence and pre and not any(o.chpl_value > 0 for o in pre):
        evidence.append(Evidence("history", f"{len(pre)} order(s) before {since}",
                                 note="none with CHPL items"))
        why = f"first CHPL order after {since}"
    if not evidence and pre and order.order_date:
        window = timedelta(days=int(spec.params["window_days"]))
        base = sum(o.chpl_value for o in pre if o.order_date > since - window)
        recent = sum(o.chpl_value for o in order.history
                     if order.order_date - window < o.order_date <= order.order_date)
        recent += sum(line.value or 0.0 for _, line, _ in ctx.chpl_lines)
        factor = float(spec.params["rise_factor"])
        if base > 0 and recent >= factor * base:
            evidence.append(Evidence("history", f"CHPL value {recent:,.0f} vs {base:,.0f}",
                                     note=f"last {window.days} days vs the {window.days} "
                                          f"days before {since}"))
            why = f"CHPL volume rose {recent / base:.1f}x since {since}"
    if not evidence:
        return []
    return [Finding(spec.id, spec.action, why, evidence)]


def _signals(party: Party, ref: Reference) -> list[tuple[str, str | None, str]]:
    out: list[tuple[str, str | None, str]] = []
    residential = party.address_type == "residential"
    word = has_word(fold(party.address), ref.keywords["residential_address"]) if party.address else None
    if residential or word:
        out.append(("address", party.address, "residential address" + (f" ({word!r})" if word else "")))
    if not party.website:
        out.append(("website", None, "no website"))
    if party.email:
        dom = domain_of(party.email)
        if dom in ref.free_mail:
            out.append(("email", party.email, f"free-mail domain {dom}"))
    return out


def weak_footprint(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-C3: a business party (not a person) with at least ``min_signals`` of: residential
    address, no website, free-mail e-mail."""
    out = []
    for i, party in ctx.parties(spec.params["roles"]):
        if party.schema == "person":
            continue
        signals = _signals(party, ctx.ref)
        if len(signals) >= int(spec.params["min_signals"]):
            out.append(Finding(spec.id, spec.action,
                               f"{party.role} {party.name!r}: " + ", ".join(s[2] for s in signals),
                               [Evidence(f"parties[{i}].{f}", v, note=n) for f, v, n in signals]))
    return out


def business_mismatch(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-C4: a (CHPL) line whose HS chapter is not among the chapters that fit the party's
    recognised line of business. Unknown lines of business never fire."""
    lines = ([(i, line) for i, line, _ in ctx.chpl_lines] if spec.params.get("chpl_only", True)
             else list(enumerate(ctx.order.lines)))
    if not lines:
        return []
    out = []
    for i, party in ctx.parties(spec.params["roles"]):
        if not party.line_of_business:
            continue
        text = fold(party.line_of_business)
        fits: set[str] = set()
        known = []
        for name, (words, chapters) in ctx.ref.lines_of_business.items():
            if has_word(text, words):
                known.append(name)
                fits |= chapters
        if not known:
            continue
        misfits = [(k, line) for k, line in lines if line.hs_code[:2] not in fits]
        if misfits:
            out.append(Finding(
                spec.id, spec.action,
                f"{party.role} {party.name!r} ({', '.join(known)}) orders HS "
                f"{', '.join(sorted({ln.hs_code[:6] for _, ln in misfits}))}",
                [Evidence(f"parties[{i}].line_of_business", party.line_of_business)]
                + [Evidence(f"lines[{k}].hs_code", ln.hs_code, note="chapter does not fit")
                   for k, ln in misfits]))
    return out


def phone_countries(phone: str, ref: Reference) -> tuple[str, tuple[str, ...]] | None:
    """Calling code and its countries for an international number (``+``/``00``)."""
    text = phone.strip()
    if text.startswith("+"):
        digits = "".join(ch for ch in text if ch.isdigit())
    elif text.startswith("00"):
        digits = "".join(ch for ch in text if ch.isdigit())[2:]
    else:
        return None
    for size in (3, 2, 1):
        code = digits[:size]
        if code in ref.calling_codes:
            return code, ref.calling_codes[code]
    return None


def domain_country(domain: str, ref: Reference) -> str | None:
    tld = domain.rsplit(".", 1)[-1]
    if tld in ref.cctld_exceptions:
        return ref.cctld_exceptions[tld]
    if len(tld) == 2 and tld not in ref.generic_cctlds:
        return tld.upper()
    return None


def foreign_contacts(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-C5: phone calling code, or e-mail / website country domain, not the party's country."""
    out = []
    for i, party in ctx.parties(spec.params["roles"]):
        if not party.country:
            continue
        evidence = []
        if party.phone:
            found = phone_countries(party.phone, ctx.ref)
            if found and party.country not in found[1]:
                evidence.append(Evidence(f"parties[{i}].phone", party.phone,
                                         note=f"+{found[0]} is {'/'.join(found[1][:3])}"))
        for fname in ("email", "website"):
            value = getattr(party, fname)
            dom = domain_of(value) if value else None
            country = domain_country(dom, ctx.ref) if dom else None
            if country and country != party.country:
                evidence.append(Evidence(f"parties[{i}].{fname}", value, note=f"domain of {country}"))
        if evidence:
            out.append(Finding(spec.id, spec.action,
                               f"{party.role} {party.name!r} in {party.country} has contact "
                               f"details of another country", evidence))
    return out


def intermediary(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-C6: the consignee or end user is a forwarder/logistics/trading company and no other
    end user is named; or a party's address is in a free-trade zone."""
    out = []
    ref = ctx.ref
    words = ref.keywords["intermediary_names"]
    end_users = ctx.order.parties_in("end_user")
    for i, party in ctx.parties(spec.params["roles"]):
        word = has_word(fold(party.name), words) or (
            has_word(fold(party.line_of_business), words) if party.line_of_business else None)
        if not word:
            continue
        real_end_user = [p for p in end_users if p is not party
                         and not has_word(fold(p.name), words)]
        if not real_end_user:
            out.append(Finding(spec.id, spec.action,
                               f"{party.role} {party.name!r} looks like an intermediary "
                               f"({word!r}) and no end user is named",
                               [Evidence(f"parties[{i}].name", party.name, note=f"word {word!r}")]))
    for i, party in ctx.parties(spec.params["ftz_roles"]):
        ftz = "free_trade_zone" if party.address_type == "free_trade_zone" else None
        ftz = ftz or (has_word(fold(party.address), ref.keywords["free_trade_zone"])
                      if party.address else None)
        ftz = ftz or has_word(fold(party.name), ref.keywords["free_trade_zone"])
        if ftz:
            out.append(Finding(spec.id, spec.action,
                               f"{party.role} {party.name!r} is in a free-trade zone ({ftz!r})",
                               [Evidence(f"parties[{i}].address", party.address or party.name,
                                         note="free-trade zone")]))
    return out


RULES: dict[str, Callable[[Context, RuleSpec], list[Finding]]] = {
    "R-C1": new_company,
    "R-C2": new_demand,
    "R-C3": weak_footprint,
    "R-C4": business_mismatch,
    "R-C5": foreign_contacts,
    "R-C6": intermediary,
}
