"""R-A rules: the parties of an order against restricted-party lists, letter lists,
military end users, blocked owners and shared contact details."""

from __future__ import annotations

from collections.abc import Callable

from stopship.rules.catalogue import RuleSpec, action_rank
from stopship.rules.contacts import address_key, domain_of, email_key, phone_key
from stopship.rules.context import Context, Evidence, Finding
from stopship.screening.types import Hit


def _evidence(i: int, value: str, hit: Hit, note: str | None = None) -> Evidence:
    return Evidence(field=f"parties[{i}].name", value=value, entity_id=hit.entity_id,
                    list_id=hit.list_id, entity_name=hit.name, score=hit.score, note=note)


def _strongest(actions: list[str], default: str) -> str:
    return max(actions, key=action_rank) if actions else default


def restricted_party(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-A1: a party matches a restricted-list entry; the action follows the list."""
    p = spec.params
    list_actions: dict[str, str] = p.get("list_actions") or {}
    default = p.get("default_action") or spec.action
    weak_below = p.get("review_below_score")
    out = []
    for i, party in ctx.parties(p["roles"]):
        for hit in ctx.party_hits[i]:
            if ctx.flags(hit).get("letter_type"):
                continue  # letter lists are R-A2
            action = list_actions.get(hit.list_id, default)
            note = None
            if weak_below is not None and hit.score < float(weak_below) and action == "hold":
                action, note = "review", "possible match: score below the hold threshold"
            out.append(Finding(
                spec.id, action,
                f"{party.role} {party.name!r} matches {hit.name!r} on {hit.list_id} "
                f"(score {hit.score:.2f})",
                [_evidence(i, party.name, hit, note)]))
    return out


def letter_list(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-A2: a party is named in a BIS letter; the letter type sets the action."""
    p = spec.params
    actions: dict[str, str] = p.get("letter_actions") or {}
    out = []
    for i, party in ctx.parties(p["roles"]):
        for hit in ctx.party_hits[i]:
            flags = ctx.flags(hit)
            letter = flags.get("letter_type")
            if not letter:
                continue
            action = actions.get(str(letter), p.get("default_action") or spec.action)
            received = flags.get("letter_received")
            note = f"{letter} letter" + (f" received {received}" if received else "")
            out.append(Finding(
                spec.id, action,
                f"{party.role} {party.name!r} is named in a {letter} letter ({hit.list_id})",
                [_evidence(i, party.name, hit, note)]))
    return out


def military_end_user(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-A3: a party is a footnote-3 Entity List entry or on the MEU list."""
    out = []
    for i, party in ctx.parties(spec.params["roles"]):
        for hit in ctx.party_hits[i]:
            if ctx.flags(hit).get("meu") is True:
                out.append(Finding(
                    spec.id, spec.action,
                    f"{party.role} {party.name!r} is a military end user ({hit.name!r}, "
                    f"{hit.list_id})",
                    [_evidence(i, party.name, hit, "footnote 3 / MEU")]))
    return out


def blocked_owners(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-A4: owners found on a blocking list hold 50%+ in aggregate (hold) or less (review).
    Uses the direct owners the order names; indirect chains need them listed as owners."""
    p = spec.params
    lists = set(p["blocking_lists"])
    out = []
    for i, party in ctx.parties(p["roles"]):
        total = 0.0
        evidence = []
        for j, owner in enumerate(party.owners):
            hits = [h for h in ctx.owner_hits[i][j] if h.list_id in lists]
            if not hits:
                continue
            best = max(hits, key=lambda h: h.score)
            total += owner.share
            evidence.append(Evidence(
                field=f"parties[{i}].owners[{j}]", value=f"{owner.name} ({owner.share:g}%)",
                entity_id=best.entity_id, list_id=best.list_id, entity_name=best.name,
                score=best.score))
        if not evidence:
            continue
        blocked = total >= float(p["aggregate_hold_share"])
        action = spec.action if blocked else p.get("below_threshold_action", "review")
        what = "is blocked by the 50% rule" if blocked else "has a blocked minority owner"
        out.append(Finding(spec.id, action,
                           f"{party.role} {party.name!r} {what}: blocked owners hold {total:g}%",
                           evidence))
    return out


def shared_contact(ctx: Context, spec: RuleSpec) -> list[Finding]:
    """R-A5: a party's address, phone, e-mail or web domain is also a listed party's.
    Review only: a shared office building is not a match."""
    index = ctx.contacts
    if index is None or not len(index):
        return []
    p = spec.params
    compare = set(p["compare"])
    out = []
    for i, party in ctx.parties(p["roles"]):
        checks: list[tuple[str, str, str | None, dict[str, set[str]]]] = []
        if "address" in compare and party.address:
            akey = address_key(party.address)
            if len(akey) >= int(p["min_address_chars"]):
                checks.append(("address", party.address, akey, index.addresses))
        if "phone" in compare and party.phone:
            checks.append(("phone", party.phone, phone_key(party.phone, int(p["min_phone_digits"])),
                           index.phones))
        if "email" in compare and party.email:
            checks.append(("email", party.email, email_key(party.email), index.emails))
        if "domain" in compare:
            for fname in ("website", "email"):
                value = getattr(party, fname)
                dom = domain_of(value) if value else None
                if dom and dom not in ctx.ref.free_mail:
                    checks.append((fname, value, dom, index.domains))
        evidence = []
        seen: set[tuple[str, str]] = set()
        for fname, value, key, table in checks:
            for eid in sorted(table.get(key, ())) if key else ():
                if (fname, eid) in seen:
                    continue
                seen.add((fname, eid))
                list_id, caption = index.names.get(eid, ("", eid))
                evidence.append(Evidence(field=f"parties[{i}].{fname}", value=value,
                                         entity_id=eid, list_id=list_id, entity_name=caption,
                                         note=f"same {fname if fname != 'website' else 'domain'}"))
        if evidence:
            names = ", ".join(sorted({e.entity_name or "" for e in evidence}))
            # never a hold on its own, whatever a config says: shared buildings are common
            action = "review" if spec.action == "hold" else spec.action
            out.append(Finding(spec.id, action,
                               f"{party.role} {party.name!r} shares contact details with {names}",
                               evidence))
    return out


RULES: dict[str, Callable[[Context, RuleSpec], list[Finding]]] = {
    "R-A1": restricted_party,
    "R-A2": letter_list,
    "R-A3": military_end_user,
    "R-A4": blocked_owners,
    "R-A5": shared_contact,
}
