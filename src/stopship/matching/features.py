"""Matching features: small pure functions, each returning ``(score, detail)``.

Name-level features take a ``NamePair`` (a query name, a list name and their
alignment); entity-level features take the whole query and candidate. A base feature
scores 0..1; an adjusting feature scores -1..1 and its weight (from the algorithm's YAML)
scales its effect; a decisive feature at 1 lifts the final score to its weight.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stopship.matching.prepared import (
    is_generic_word,
    is_office,
    is_patronymic,
    legal_family,
    prepare_name,
)
from stopship.matching.types import MatchCandidate, MatchConfig, MatchQuery, NamePair

Detail = dict[str, Any]
NameFeature = Callable[[NamePair, MatchConfig], tuple[float, Detail]]
EntityFeature = Callable[[MatchQuery, MatchCandidate, MatchConfig], tuple[float, Detail]]


def _titled_surname(pair: NamePair) -> bool:
    """A person named by office and family name (``Presidente Putin``; not an honorific
    such as ``Mr SMITH``): every query word met, and only the list name's family name."""
    al, family = pair.alignment, pair.candidate.family
    return (pair.person and any(is_office(t) for t in pair.query.prep.titles)
            and bool(family) and not al.q_free
            and bool(al.pairs) and all(j in family for p in al.pairs for j in p.c))


def _c_factor(pair: NamePair, j: int, config: MatchConfig, titled: bool = False) -> float:
    """How much an unmatched list-name word counts: fully for organisations and for a
    person's first and last words (given name, surname); less for a patronymic, for
    an interior (middle) name once at least two words have met, and for the given names
    of a person the query names by title and family name."""
    if not pair.person:
        return 1.0
    tokens = pair.candidate.tokens
    if is_patronymic(tokens[j]):
        return float(config.p("patronymic_factor"))
    if titled:
        return float(config.p("titled_given_factor"))
    if j in pair.candidate.middle and len(pair.alignment.pairs) >= 2:
        return float(config.p("middle_name_factor"))
    return 1.0


def _coverage(pair: NamePair, config: MatchConfig) -> tuple[float, float, bool]:
    """(query coverage, list-name coverage, titled surname): the numbers behind
    ``name_similarity``."""
    q, c, al = pair.query, pair.candidate, pair.alignment
    qw, cw = q.weights, c.weights
    qnum = cnum = cmet = 0.0
    for p in al.pairs:
        if p.how == "initial":  # an initial proves no more than its own weight
            weight = min(qw[p.q[0]], cw[p.c[0]])
            qnum += weight * p.sim
            cnum += max(weight, cw[p.c[0]] * float(config.p("initial_list_factor"))) * p.sim
        else:
            qnum += sum(qw[i] for i in p.q) * p.sim
            cnum += sum(cw[j] for j in p.c) * p.sim
        cmet += sum(cw[j] for j in p.c)
    qden = sum(qw) or 1.0
    titled = _titled_surname(pair)
    cden = cmet + sum(cw[j] * _c_factor(pair, j, config, titled) for j in al.c_free)
    if cden <= 0:
        cden = 1.0
    qcov = min(qnum / qden, 1.0)
    ccov = min(cnum / cden, 1.0) if al.pairs else 0.0
    if len(qw) == 1 and len(al.pairs) == 1 and al.pairs[0].how == "typo":
        # a lone word with a typo is weak evidence (Schinke / Schinko)
        qcov *= float(config.p("lone_typo_factor"))
    elif (len(qw) == 1 and len(al.pairs) == 1 and al.pairs[0].how == "transliteration"
          and q.prep.script == "Latn" and not titled):
        # a lone latin word that meets a list word only once both are folded is weak
        # evidence too: two spellings of one name, or two words (Reuter / ROUTER); an
        # office named with it (Putyin elnök) narrows it down
        qcov *= float(config.p("lone_fold_factor"))
    return qcov, ccov, titled


def _harmonic(qcov: float, ccov: float, config: MatchConfig) -> float:
    share = float(config.p("query_share"))
    return 0.0 if qcov <= 0 or ccov <= 0 else 1.0 / (share / qcov + (1 - share) / ccov)


def name_similarity_value(pair: NamePair, config: MatchConfig) -> float:
    """``name_similarity``'s value alone (no explanation built)."""
    qcov, ccov, _titled = _coverage(pair, config)
    return _harmonic(qcov, ccov, config)


def name_similarity(pair: NamePair, config: MatchConfig) -> tuple[float, Detail]:
    """Rarity-weighted coverage of both names by the aligned tokens, combined as a
    (weighted) harmonic mean: how much of the query's weight is explained, and how much
    of the list name's (an unmatched patronymic or middle name of a person weighs less).
    Rare words dominate, so shared generic words (TRADING, GROUP, KIM) earn little."""
    q, c, al = pair.query, pair.candidate, pair.alignment
    qcov, ccov, titled = _coverage(pair, config)
    score = _harmonic(qcov, ccov, config)
    met = [{"query": " ".join(q.prep.tokens[i] for i in p.q),
            "list": " ".join(c.tokens[j] for j in p.c),
            "how": p.how} for p in al.pairs]
    detail = {
        "met": met,
        "query_unmatched": [q.prep.tokens[i] for i in al.q_free],
        "list_unmatched": [c.tokens[j] for j in al.c_free],
        "query_coverage": round(qcov, 3),
        "list_coverage": round(ccov, 3),
    }
    if titled:
        detail["titled"] = list(q.prep.titles)
    return score, detail


def distinctive_evidence(pair: NamePair, config: MatchConfig) -> tuple[float, Detail]:
    """-1 when every word that met is generic (common across the lists, or a generic word
    of organisation names such as NPO, GROUP) and either a word stayed unmatched
    (``XYZ TRADING`` vs ``ABC TRADING``) or a single generic word met (``NPO``), also
    when that one word was an abbreviation spelled out (``ОАО НПО`` vs the alias ``NPO AT``:
    both are ``npo`` and a legal form). Names made only of generic words still match when
    every word meets and each name has two or more words (CASIC's full name)."""
    al = pair.alignment
    generic = float(config.p("generic_idf_share")) * config.max_idf
    c = pair.candidate
    matched = [j for p in al.pairs for j in p.c]
    if not matched:
        return 0.0, {}
    if any(c.weights[j] >= generic and not is_generic_word(c.tokens[j]) for j in matched):
        return 0.0, {}
    if al.q_free or al.c_free or len(matched) == 1:
        return -1.0, {"reason": "only generic words agree"}
    if _one_word(pair.query.prep.latin) or _one_word(prepare_name(c.value).latin):
        return -1.0, {"reason": "only generic words agree, from a one-word name"}
    return 0.0, {}


def _one_word(latin: str) -> bool:
    """A name of one word before abbreviations are spelled out and with legal forms gone."""
    return len(latin.split()) <= 1


def given_name_conflict(pair: NamePair, config: MatchConfig) -> tuple[float, Detail]:
    """-1 for people whose names share a word (often the surname) but each keeps a
    different full given name: ``Ivan PETROV`` is not ``Sergei PETROV``."""
    if not pair.person or not pair.alignment.pairs:
        return 0.0, {}
    q, c, al = pair.query, pair.candidate, pair.alignment
    q_left = [q.prep.tokens[i] for i in al.q_free if len(q.prep.tokens[i]) > 1]
    c_left = [c.tokens[j] for j in al.c_free if len(c.tokens[j]) > 1]
    q_pat = [t for t in q_left if is_patronymic(t)]
    c_pat = [t for t in c_left if is_patronymic(t)]
    if q_pat and c_pat:
        return -1.0, {"query": q_pat, "list": c_pat, "reason": "different patronymic"}
    q_given = [t for t in q_left if not is_patronymic(t)]
    c_given = [t for t in c_left if not is_patronymic(t)]
    if q_given and c_given:
        return -1.0, {"query": q_given, "list": c_given}
    return 0.0, {}


def weak_alias(pair: NamePair, config: MatchConfig) -> tuple[float, Detail]:
    """-1 when the list name is a weak alias (OFAC's "weak AKA": a nickname or a short,
    common acronym, which OFAC does not expect anyone to screen by itself) and the two
    names do not agree word for word: a typo, a folded spelling (Reuter / ROUTER), an
    abbreviation or a word left over. Spelled exactly, a weak alias still alerts."""
    if pair.candidate.kind != "weak":
        return 0.0, {}
    al = pair.alignment
    if not al.q_free and not al.c_free and all(p.how == "exact" for p in al.pairs):
        return 0.0, {}
    return -1.0, {"reason": "a weak alias, not met word for word"}


def number_agreement(pair: NamePair, config: MatchConfig) -> tuple[float, Detail]:
    """-1 when both names carry numbers and they differ (``Plant No. 2`` vs ``No. 3``);
    -0.3 when only one side has a number."""
    qn = set(pair.query.prep.numbers) or {t for t in pair.query.prep.tokens if t.isdigit()}
    cn = set(pair.candidate.numbers) or {t for t in pair.candidate.tokens if t.isdigit()}
    if qn and cn:
        if qn == cn:
            return 0.0, {"numbers": sorted(qn)}
        return -1.0, {"query": sorted(qn), "list": sorted(cn)}
    if qn or cn:
        return -0.3, {"query": sorted(qn), "list": sorted(cn)}
    return 0.0, {}


def legal_form_compatibility(pair: NamePair, config: MatchConfig) -> tuple[float, Detail]:
    """Legal forms never add to a score; incompatible forms (LLC vs JSC) lower it a little,
    equivalent forms (ООО = LLC) are noted for the reviewer."""
    qf, cf = set(pair.query.prep.legal_forms), set(pair.candidate.forms)
    if qf and cf:
        if qf & cf:
            return 0.0, {"equivalent": sorted(qf & cf)}
        qfam, cfam = {legal_family(f) for f in qf}, {legal_family(f) for f in cf}
        if qfam & cfam:
            return 0.0, {"equivalent": sorted(qf | cf)}
        return -1.0, {"query": sorted(qf), "list": sorted(cf)}
    return 0.0, {}


def identifier_match(query: MatchQuery, candidate: MatchCandidate,
                     config: MatchConfig) -> tuple[float, Detail]:
    """1 when the record and the entity share a strong identifier value (INN, OGRN, IMO,
    SWIFT/BIC, registration, tax or passport number): it decides the match alone."""
    shared = sorted(set(query.idvalues) & set(candidate.idvalues))
    if shared:
        return 1.0, {"shared": shared}
    return 0.0, {}


def schema_compatibility(query: MatchQuery, candidate: MatchCandidate,
                         config: MatchConfig) -> tuple[float, Detail]:
    """-1 when the record says person and the entity is not one, or the reverse. An
    entity whose schema the loader inferred (the list gave no type) is never held against
    the record: 0, with the detail saying so."""
    if candidate.schema_inferred:
        detail: Detail = {"list": candidate.schema, "inferred": True}
        if query.schema:
            detail = {"query": query.schema, **detail}
        return 0.0, detail
    if not query.schema or not candidate.schema or query.schema == candidate.schema:
        return 0.0, {}
    kinds = {query.schema, candidate.schema}
    if "person" in kinds:
        return -1.0, {"query": query.schema, "list": candidate.schema}
    return -0.5, {"query": query.schema, "list": candidate.schema}


def country_agreement(query: MatchQuery, candidate: MatchCandidate,
                      config: MatchConfig) -> tuple[float, Detail]:
    """+1 when the record's country is one of the entity's, -1 when the entity has
    countries and it is none of them."""
    if not query.country or not candidate.countries:
        return 0.0, {}
    if query.country in candidate.countries:
        return 1.0, {"country": query.country}
    return -1.0, {"query": query.country, "list": list(candidate.countries)}


def birth_date_agreement(query: MatchQuery, candidate: MatchCandidate,
                         config: MatchConfig) -> tuple[float, Detail]:
    """+1 same date of birth, +0.5 same year, -1 when every listed birth year is more
    than a year away from the record's."""
    if not query.birth or not candidate.birth:
        return 0.0, {}
    qy = query.birth[:4]
    if any(b == query.birth for b in candidate.birth):
        return 1.0, {"birth": query.birth}
    years = [b[:4] for b in candidate.birth if b[:4].isdigit()]
    if not qy.isdigit() or not years:
        return 0.0, {}
    if qy in years:
        return 0.5, {"year": qy}
    if all(abs(int(y) - int(qy)) > 1 for y in years):
        return -1.0, {"query": query.birth, "list": list(candidate.birth)}
    return 0.0, {}


# Name-level features whose value is never above 0: each only speaks against a match, so
# an upper bound of a score may leave them out (``scoring.score_bound``).
NEVER_POSITIVE = frozenset({"distinctive_evidence", "given_name_conflict", "number_agreement",
                            "legal_form_compatibility", "weak_alias"})
NAME_FEATURES: dict[str, NameFeature] = {
    "name_similarity": name_similarity,
    "distinctive_evidence": distinctive_evidence,
    "given_name_conflict": given_name_conflict,
    "number_agreement": number_agreement,
    "legal_form_compatibility": legal_form_compatibility,
    "weak_alias": weak_alias,
}
ENTITY_FEATURES: dict[str, EntityFeature] = {
    "identifier_match": identifier_match,
    "schema_compatibility": schema_compatibility,
    "country_agreement": country_agreement,
    "birth_date_agreement": birth_date_agreement,
}
