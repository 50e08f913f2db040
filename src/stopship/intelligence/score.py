"""The documented risk score: indicator strengths in [0, 1] times weights from
``risk_weights.yaml``; every party keeps each contribution so a reviewer sees why it ranks
where it does. Pure functions of plain values: both engines feed the same numbers in."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from stopship.intelligence.reference import chpl_tier_weights


@dataclass
class PartyFacts:
    """Everything known about one party, engine-independent (money in cents)."""

    party_id: str
    primary_name: str
    country: str
    spellings: list[str]
    addresses: list[str]
    phones: list[str]
    agg: dict[str, Any]
    new_codes: list[str] = field(default_factory=list)
    brands: list[tuple[str, int]] = field(default_factory=list)          # (brand, cents)
    listed_buyers: list[tuple[str, str]] = field(default_factory=list)   # (label, name)
    listed_self: list[str] = field(default_factory=list)                 # "label: name"
    shared_with_listed: list[str] = field(default_factory=list)          # "how: label: name"
    transshipment: bool = False
    weapons: tuple[int, int] = (0, 0)   # CHPL cents into Russia: brand found, code only


@dataclass
class Scored:
    facts: PartyFacts
    indicators: dict[str, Any]
    contributions: dict[str, float]
    score: float
    rank: int = 0


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def _log_strength(value: float, low: float, high: float) -> float:
    if value <= low:
        return 0.0
    return _clip(math.log10(value / low) / math.log10(high / low))


def score_party(f: PartyFacts, conf: dict[str, Any], pre_years: float,
                post_years: float) -> Scored:
    ind = conf["indicators"]
    a = f.agg
    tw = chpl_tier_weights()
    from stopship.intelligence.indicators import TIERS, _tier_col
    weighted_post = sum(tw.get(t, 0.0) * (a.get("post_" + _tier_col(t)) or 0) for t in TIERS) / 100
    chpl_post = (a.get("chpl_ru_post_cents") or 0) / 100
    post_total = (a.get("post_cents") or 0) / 100
    share = (a.get("post_ru_cents") or 0) / 100 / post_total if post_total > 0 else 0.0
    pre_rate = (a.get("chpl_ru_pre_cents") or 0) / 100 / max(pre_years, 1e-9)
    post_rate = chpl_post / max(post_years, 1e-9)
    floor = float(ind["volume_spike"]["floor_usd"])
    ratio = post_rate / max(pre_rate, floor)
    first_date = a.get("first_date")
    first_after = bool(first_date and str(first_date) >= conf["war_start"])
    chpl_lines = a.get("chpl_ru_records") or 0
    anomaly_share = (a.get("price_anomalies") or 0) / chpl_lines if chpl_lines else 0.0
    indicators: dict[str, Any] = {
        "chpl_value_russia": round(chpl_post, 2),
        "chpl_value_russia_weighted": round(weighted_post, 2),
        "chpl_value_russia_by_tier": {t: round((a.get(_tier_col(t)) or 0) / 100, 2) for t in TIERS
                                      if a.get(_tier_col(t))},
        "russia_share": round(share, 4),
        "russian_buyers": int(a.get("ru_buyers") or 0),
        "listed_buyer": [f"{label}: {name}" for label, name in f.listed_buyers],
        "first_seen": str(first_date) if first_date else None,
        "first_seen_after_war": first_after,
        "new_chpl_codes": f.new_codes,
        "volume_spike": round(ratio, 2),
        "brands": [b for b, _ in f.brands],
        "price_anomaly": round(anomaly_share, 4),
        "shared_with_listed": f.shared_with_listed,
        "listed_party": f.listed_self,
        "transshipment_country": f.transshipment,
        "weapons_evidence": round((f.weapons[0] + f.weapons[1]) / 100, 2),
    }
    has_chpl = chpl_post > 0
    strengths = {
        "chpl_value_russia": _log_strength(weighted_post, float(ind["chpl_value_russia"]["low_usd"]),
                                           float(ind["chpl_value_russia"]["high_usd"])),
        "russia_share": _clip(share),
        "russian_buyers": _clip(indicators["russian_buyers"] / float(ind["russian_buyers"]["full_at"])),
        "listed_buyer": 1.0 if f.listed_buyers else 0.0,
        "first_seen_after_war": 1.0 if first_after else 0.0,
        "new_chpl_codes": _clip(len(f.new_codes) / float(ind["new_chpl_codes"]["full_at"])),
        "volume_spike": _clip(math.log10(ratio) / math.log10(float(ind["volume_spike"]["full_ratio"])))
        if ratio > 1 and has_chpl else 0.0,
        "brands": _clip(len(f.brands) / float(ind["brands"]["full_at"])),
        "price_anomaly": _clip(anomaly_share / float(ind["price_anomaly"]["full_share"])),
        "shared_with_listed": 1.0 if f.shared_with_listed else 0.0,
        "listed_party": 1.0 if f.listed_self else 0.0,
        "transshipment_country": 1.0 if f.transshipment else 0.0,
        # share of the CHPL value into Russia in goods found in weapons (brand: full, code
        # only: half); 0 without an evidence file
        "weapons_evidence": _clip((f.weapons[0] + 0.5 * f.weapons[1]) / (chpl_post * 100))
        if chpl_post > 0 else 0.0,
    }
    if not has_chpl and not conf.get("rank_all"):
        strengths = {k: 0.0 for k in strengths}
    contributions = {k: round(float(ind[k]["weight"]) * v, 4) for k, v in strengths.items()
                     if k in ind}
    return Scored(f, indicators, contributions, round(sum(contributions.values()), 4))


def rank(scored: list[Scored]) -> list[Scored]:
    """Highest score first; ties broken by CHPL value then party id (stable across engines)."""
    ordered = sorted(scored, key=lambda s: (-s.score, -s.indicators["chpl_value_russia"],
                                             s.facts.party_id))
    for i, s in enumerate(ordered, start=1):
        s.rank = i
    return ordered
