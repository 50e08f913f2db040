"""Combine features into one calibrated score per candidate, with its explanation.

The algorithm is data: ``resources/matching/<name>.yaml`` lists the features, their
level (name or entity), role (base, adjust, decisive) and weight, and the recommended
threshold. For each (query name, list name) pair the name-level features are combined
(base + weight x adjustment); the best pair wins; entity-level adjustments are added;
a decisive feature that fires lifts the score to its weight. Scores are clamped to 0..1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import yaml

from stopship.errors import ConfigError, Location
from stopship.matching.align import align
from stopship.matching.features import (
    ENTITY_FEATURES,
    NAME_FEATURES,
    NEVER_POSITIVE,
    name_similarity_value,
)
from stopship.matching.prepared import SKELETAL_SCRIPTS, Prepared
from stopship.matching.types import (
    CName,
    FeatureSpec,
    MatchCandidate,
    MatchConfig,
    MatchQuery,
    MatchResult,
    NamePair,
    QName,
)
from stopship.settings import RESOURCES

CONFIG_DIR = RESOURCES / "matching"


@lru_cache(maxsize=8)
def _read_config(name: str) -> dict[str, Any]:
    path = CONFIG_DIR / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read matching config: {exc}", Location(str(path))) from exc
    return dict(raw)


def load_config(name: str = "default", idf: Callable[[str], float] | None = None,
                max_idf: float = 10.0) -> MatchConfig:
    """The algorithm declared in ``resources/matching/<name>.yaml``, bound to ``idf``."""
    raw = _read_config(name)
    specs: list[FeatureSpec] = []
    for i, item in enumerate(raw.get("features", [])):
        fname = item.get("name")
        if fname not in NAME_FEATURES and fname not in ENTITY_FEATURES:
            raise ConfigError(f"unknown feature {fname!r}",
                              Location(str(CONFIG_DIR / f"{name}.yaml"), None, f"features[{i}]"))
        specs.append(FeatureSpec(fname, item.get("level", "name"), item.get("role", "adjust"),
                                 float(item.get("weight", 0.0))))
    config = MatchConfig(str(raw.get("algorithm", name)), float(raw["threshold"]), specs,
                         dict(raw.get("params", {})), max_idf=max_idf)
    if idf is not None:
        config.idf = idf
    return config


def token_weights(keys: tuple[str, ...], tokens: tuple[str, ...],
                  config: MatchConfig) -> tuple[float, ...]:
    """Rarity weight per token; single letters (initials) weigh at most 1."""
    floor = float(config.p("min_token_weight"))
    out = []
    for key, tok in zip(keys, tokens, strict=False):
        w = max(config.idf(key), floor)
        out.append(min(w, 1.0) if len(tok) == 1 else w)
    return tuple(out)


def query_name(prep: Prepared, config: MatchConfig) -> QName:
    return QName(prep, token_weights(prep.keys, prep.tokens, config))


def _combine_name(pair: NamePair, config: MatchConfig) -> tuple[float, list[dict[str, Any]]]:
    score = 0.0
    rows: list[dict[str, Any]] = []
    for spec in config.features:
        if spec.level != "name":
            continue
        value, detail = NAME_FEATURES[spec.name](pair, config)
        effect = value * spec.weight
        score += effect
        if spec.role == "base" or value or detail:
            rows.append({"feature": spec.name, "value": round(value, 3),
                         "effect": round(effect, 3), "detail": detail})
    return score, rows


def score_candidate(query: MatchQuery, candidate: MatchCandidate,
                    config: MatchConfig) -> MatchResult:
    """Score one candidate entity against the query; the best name pair wins."""
    best: tuple[float, NamePair | None, list[dict[str, Any]]] = (-1.0, None, [])
    for candidate_pair in name_pairs(query, candidate):
        s, name_rows = _combine_name(candidate_pair, config)
        if s > best[0]:
            best = (s, candidate_pair, name_rows)
    score, pair, rows = best
    score = _with_entity(query, candidate, config, max(score, 0.0), rows)
    return MatchResult(score, pair, rows, summarise(pair, rows, score))


def name_pairs(query: MatchQuery, candidate: MatchCandidate) -> Iterator[NamePair]:
    """Every (query name, list name) pair whose words align at all, aligned (query name
    by query name); only the pairs ``candidate.renderings`` allows."""
    person = query.schema == "person" or (query.schema is None and candidate.schema == "person")
    only = candidate.renderings
    for qi, qn in enumerate(query.names):
        skeletal = qn.prep.script in SKELETAL_SCRIPTS
        pinyin = qn.prep.script == "Hani"
        for k, cn in enumerate(candidate.names):
            if only is not None and (allowed := only[k]) is not None and qi not in allowed:
                continue
            al = align(qn.prep.tokens, qn.prep.keys, cn.tokens, cn.keys, person, skeletal,
                       pinyin)
            if al.pairs:
                yield NamePair(qn, cn, al, person)


def _with_entity(query: MatchQuery, candidate: MatchCandidate, config: MatchConfig,
                 score: float, rows: list[dict[str, Any]] | None) -> float:
    """The final score from the best name score: entity-level adjustments added, a
    decisive feature applied, clamped to 0..1; each feature that speaks goes to ``rows``
    (when given). Never lower for a higher ``score``."""
    decisive = 0.0
    for spec in config.features:
        if spec.level != "entity":
            continue
        value, detail = ENTITY_FEATURES[spec.name](query, candidate, config)
        if not value and not detail:
            continue
        if spec.role == "decisive":
            if value >= 1.0:
                decisive = max(decisive, spec.weight)
            if rows is not None:
                rows.append({"feature": spec.name, "value": value, "effect": "decides",
                             "detail": detail})
            continue
        effect = value * spec.weight
        score += effect
        if rows is not None:
            rows.append({"feature": spec.name, "value": round(value, 3),
                         "effect": round(effect, 3), "detail": detail})
    return min(max(score, decisive, 0.0), 1.0)


def score_bound(query: MatchQuery, candidate: MatchCandidate,
                config: MatchConfig) -> float | None:
    """An upper bound of ``score_candidate(query, candidate, config).score`` at about half
    its cost, so that a candidate whose bound is below the threshold need not be scored
    (most are): every name pair is aligned as there, but its score counts only the
    features that can raise it, and nothing is explained. Floating-point sums are
    monotonic, so leaving out the terms that are never positive (``NEVER_POSITIVE``)
    cannot lower the result. None when the algorithm has a name-level feature of another
    kind or a negative weight (no bound then)."""
    weights: list[float] = []
    for spec in config.features:
        if spec.level != "name":
            continue
        if spec.weight < 0:
            return None
        if spec.name == "name_similarity":
            weights.append(spec.weight)
        elif spec.name not in NEVER_POSITIVE:
            return None
    best = -1.0
    for pair in name_pairs(query, candidate):
        value = name_similarity_value(pair, config)
        s = 0.0
        for weight in weights:
            s += value * weight
        if s > best:
            best = s
    return _with_entity(query, candidate, config, max(best, 0.0), None)


def summarise(pair: NamePair | None, rows: list[dict[str, Any]], score: float) -> str:
    """One readable sentence: which names met, how, and what raised or lowered the score."""
    parts: list[str] = []
    if pair is not None:
        q = pair.query.prep
        how = f" (read from {q.script} script)" if q.script not in ("Latn", "Zyyy", "") else ""
        parts.append(f"'{q.original}'{how} met list name '{pair.candidate.value}'"
                     f" ({pair.candidate.kind} name)")
        met = []
        for p in pair.alignment.pairs:
            qs = " ".join(q.tokens[i] for i in p.q)
            cs = " ".join(pair.candidate.tokens[j] for j in p.c)
            met.append(qs if p.how == "exact" else f"{qs}~{cs} ({p.how})")
        if met:
            parts.append("words: " + ", ".join(met))
        if pair.alignment.q_free:
            parts.append("unmatched in query: "
                         + " ".join(q.tokens[i] for i in pair.alignment.q_free))
        if pair.alignment.c_free:
            parts.append("unmatched in list name: "
                         + " ".join(pair.candidate.tokens[j] for j in pair.alignment.c_free))
    for row in rows:
        if row["feature"] == "name_similarity":
            continue
        effect = row["effect"]
        label = row["feature"].replace("_", " ")
        if effect == "decides":
            parts.append(f"{label}: {', '.join(row['detail'].get('shared', []))} decides")
        elif isinstance(effect, float) and effect:
            parts.append(f"{label} {'+' if effect > 0 else ''}{effect:.2f}")
        elif row["feature"] == "legal_form_compatibility" and row["detail"].get("equivalent"):
            parts.append("legal form " + "/".join(row["detail"]["equivalent"]) + " agrees")
        elif row["feature"] == "schema_compatibility" and row["detail"].get("inferred"):
            d = row["detail"]
            said = f"list schema {d['list']} inferred (the list gives no type)"
            if d.get("query") not in (None, d["list"]):
                said += f": not held against the {d['query']} query"
            parts.append(said)
    parts.append(f"score {score:.2f}")
    return "; ".join(parts)


def middle_positions(value: str, tokens: tuple[str, ...], surname_words: int | None) -> frozenset[int]:
    """Positions of middle names: after the first given name in ``SURNAME, Given Middle``
    (``surname_words`` words before the comma), else every interior word."""
    if surname_words is not None:
        return frozenset(range(surname_words + 1, len(tokens)))
    return frozenset(range(1, len(tokens) - 1))


def family_positions(tokens: tuple[str, ...], surname_words: int | None) -> frozenset[int]:
    """Positions of the family name: the words before the comma in ``SURNAME, Given``,
    else the last word (of a name of at least two words)."""
    if surname_words is not None:
        return frozenset(range(min(surname_words, len(tokens))))
    return frozenset({len(tokens) - 1}) if len(tokens) >= 2 else frozenset()


def list_name(value: str, kind: str, tokens: tuple[str, ...], keys: tuple[str, ...],
              forms: tuple[str, ...], numbers: tuple[str, ...], config: MatchConfig,
              script: str = "Latn", surname_words: int | None = None) -> CName:
    return CName(value, kind, tokens, keys, forms, numbers,
                 token_weights(keys, tokens, config), script,
                 middle_positions(value, tokens, surname_words),
                 family_positions(tokens, surname_words))
