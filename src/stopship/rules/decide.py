"""Run the enabled rules on one order and decide: the strongest action of the rules that
fired (clear < review < hold), each fired rule with its evidence and what would clear it,
and the versions of the rules and lists used, so the decision can be reproduced."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stopship.errors import ConfigError
from stopship.rules import items, parties, profile, transaction
from stopship.rules.catalogue import ACTIONS, RuleSet, RuleSpec, action_rank
from stopship.rules.context import Context, Evidence, Finding

RuleFn = Callable[[Context, RuleSpec], list[Finding]]
REGISTRY: dict[str, RuleFn] = {**parties.RULES, **items.RULES, **profile.RULES,
                               **transaction.RULES}
SEVERITY_POINTS = {"low": 1.0, "medium": 2.0, "high": 4.0, "critical": 8.0}


@dataclass(slots=True)
class FiredRule:
    id: str
    title: str
    sentence: str
    message: str  # what exactly fired on this order
    sources: list[str]
    severity: str
    action: str
    clears_when: str
    evidence: list[Evidence] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "action": self.action,
            "severity": self.severity, "message": self.message, "sentence": self.sentence,
            "sources": self.sources, "clears_when": self.clears_when,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(slots=True)
class Decision:
    order_id: str
    decision: str  # clear / review / hold
    risk_score: float
    fired: list[FiredRule]
    rules_version: str
    list_versions: dict[str, str]
    data_versions: dict[str, str]
    screened_at: str
    parties_screened: int = 0

    @property
    def rule_ids(self) -> list[str]:
        return [f.id for f in self.fired]

    def as_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "decision": self.decision,
            "risk_score": round(self.risk_score, 3),
            "rules_fired": self.rule_ids,
            "fired": [f.as_dict() for f in self.fired],
            "rules_version": self.rules_version,
            "data_versions": self.data_versions,
            "list_versions": self.list_versions,
            "parties_screened": self.parties_screened,
            "screened_at": self.screened_at,
        }


def check_registry(ruleset: RuleSet) -> None:
    """Every catalogue rule has code, so no rule is silently skipped."""
    missing = [r for r in ruleset.rules if r not in REGISTRY]
    if missing:
        raise ConfigError(f"catalogue rules without an implementation: {missing}")


def decide(ctx: Context, ruleset: RuleSet, list_versions: dict[str, str] | None = None,
           screened_at: str | None = None) -> Decision:
    fired: list[FiredRule] = []
    risk = 0.0
    for spec in ruleset.rules.values():
        if not spec.enabled:
            continue
        findings = REGISTRY[spec.id](ctx, spec)
        if not findings:
            continue
        action = max((f.action for f in findings), key=action_rank)
        evidence = [e for f in findings for e in f.evidence]
        fired.append(FiredRule(
            id=spec.id, title=spec.title, sentence=spec.sentence,
            message="; ".join(dict.fromkeys(f.message for f in findings)),
            sources=list(spec.sources), severity=spec.severity, action=action,
            clears_when=spec.clears_when, evidence=evidence))
        risk += SEVERITY_POINTS.get(spec.severity, 1.0) + sum(f.weight for f in findings)
    decision = max((f.action for f in fired), key=action_rank, default=ACTIONS[0])
    return Decision(
        order_id=ctx.order.id, decision=decision, risk_score=risk, fired=fired,
        rules_version=ruleset.version, list_versions=dict(list_versions or {}),
        data_versions=dict(ruleset.ref.versions),
        screened_at=screened_at or datetime.now(UTC).isoformat(timespec="seconds"),
        parties_screened=len(ctx.order.parties))
