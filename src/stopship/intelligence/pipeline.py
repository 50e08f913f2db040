"""The analysis job: ingest -> resolve parties -> list links -> indicators -> score.

Engine-agnostic: the heavy work is SQL on the engine; resolution, list screening and scoring
run in Python on small, sorted inputs (distinct names, per-party aggregates), so DuckDB and
Spark produce the same parties, scores and ranks.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from stopship.engines.base import Engine
from stopship.intelligence import indicators as sql
from stopship.intelligence.ingest import IngestReport, VendorMapping, WeaponsEvidence, ingest
from stopship.intelligence.listed import ListChecker, ListContext, ListedHit
from stopship.intelligence.reference import chpl, country_sets, risk_weights
from stopship.intelligence.resolve import Party, Spelling, resolve
from stopship.intelligence.score import PartyFacts, Scored, rank, score_party

Progress = Callable[[str], None]


@dataclass
class Analysis:
    engine: str
    ingest: IngestReport
    parties: list[Party]
    ranked: list[Scored]
    evidence: dict[str, dict[str, list[str]]]      # party -> indicator -> record ids
    evidence_count: dict[str, int]
    seller_lookup: dict[tuple[str, str], str]
    listed_buyers: dict[str, list[ListedHit]]
    list_origin: str
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    period: tuple[str, str] = ("", "")


def _timed(timings: dict[str, float], key: str, start: float) -> float:
    now = time.perf_counter()
    timings[key] = round(now - start, 3)
    return now


def _spellings(engine: Engine) -> list[Spelling]:
    rows = engine.sql("""
        SELECT seller_name, coalesce(seller_country, '') AS seller_country,
               coalesce(seller_address, '') AS seller_address,
               coalesce(seller_phone, '') AS seller_phone, count(*) AS n
        FROM records GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""").to_pylist()
    out: dict[tuple[str, str], Spelling] = {}
    for r in rows:
        key = (r["seller_name"], r["seller_country"])
        s = out.get(key)
        if s is None:
            s = out[key] = Spelling(key[0], key[1], 0)
        n = int(r["n"])
        s.records += n
        if r["seller_address"]:
            s.addresses[r["seller_address"]] = s.addresses.get(r["seller_address"], 0) + n
        if r["seller_phone"]:
            s.phones[r["seller_phone"]] = s.phones.get(r["seller_phone"], 0) + n
    return list(out.values())


def analyse(engine: Engine, inputs: Sequence[str | Path], lists: ListContext,
            mapping: VendorMapping | None = None, weights: str | None = None,
            progress: Progress | None = None,
            weapons: WeaponsEvidence | None = None) -> Analysis:
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    conf = risk_weights(weights)
    factor = float(conf["indicators"]["price_anomaly"]["factor"])
    t = time.perf_counter()
    say("ingest")
    report = ingest(engine, inputs, mapping)
    t = _timed(timings, "ingest", t)
    say("resolve parties")
    parties, lookup = resolve(_spellings(engine))
    engine.register("seller_map", pa.table({
        "seller_name": [k[0] for k in lookup], "seller_country": [k[1] for k in lookup],
        "party_id": list(lookup.values())}))
    codes = chpl()
    engine.register("chpl", pa.table({"hs6": list(codes), "tier": [c.tier for c in codes.values()]}))
    engine.register("weapons_brands", pa.table(
        {"brand_key": pa.array(sorted(weapons.brands) if weapons else [], pa.string())}))
    engine.register("weapons_codes", pa.table(
        {"hs6": pa.array(sorted(weapons.hs6) if weapons else [], pa.string())}))
    t = _timed(timings, "resolve", t)
    say("screen buyers and sellers against the lists")
    checker = ListChecker(lists.entities)
    buyers = engine.sql("""SELECT DISTINCT importer_name FROM records
                           WHERE importer_country = 'RU' AND importer_name IS NOT NULL
                           ORDER BY importer_name""").column(0).to_pylist()
    listed_buyers = checker.screen_names((b, "RU") for b in buyers)
    engine.register("listed_buyers", pa.table({
        "importer_name": list(listed_buyers),
        "label": [h[0].label for h in listed_buyers.values()],
        "listed_name": [h[0].name for h in listed_buyers.values()],
    }, schema=pa.schema([("importer_name", pa.string()), ("label", pa.string()),
                         ("listed_name", pa.string())])))
    t = _timed(timings, "buyers", t)
    say("indicators")
    sql.build_enriched(engine)
    aggs = {r["party_id"]: r for r in sql.party_aggregates(engine, factor)}
    new_codes: dict[str, list[str]] = defaultdict(list)
    for r in sql.new_chpl_codes(engine):
        new_codes[r["party_id"]].append(r["hs6"])
    brand_rows: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in sql.brands(engine):
        brand_rows[r["party_id"]].append((r["brand"], int(r["cents"])))
    buyer_links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in sql.listed_buyer_links(engine):
        buyer_links[r["party_id"]].append((r["label"], r["listed_name"]))
    weapon_links = {r["party_id"]: (int(r["brand_cents"]), int(r["code_cents"]))
                    for r in sql.weapons_links(engine)} if weapons else {}
    evidence: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[str, int] = {}
    for r in sql.evidence(engine, factor):
        if r["indicator"] == "_count":
            counts[r["party_id"]] = int(r["cents"])
        else:
            evidence[r["party_id"]][r["indicator"]].append(r["record_id"])
    span = engine.sql("SELECT min(date) AS lo, max(date) AS hi FROM rec").to_pylist()[0]
    t = _timed(timings, "indicators", t)
    # Sellers' own names, addresses and phones against the lists: only for parties that can
    # score (CHPL goods into Russia since the war) unless every party is ranked.
    ranked_all = bool(conf.get("rank_all"))
    candidates = [p for p in parties if p.party_id in aggs
                  and (ranked_all or (aggs[p.party_id].get("chpl_ru_post_cents") or 0) > 0)]
    self_hits = checker.screen_names((s, p.country or None) for p in candidates
                                     for s in p.spellings)
    addr_hits = checker.match_addresses((a, p.country or None) for p in candidates
                                        for a in p.addresses)
    phone_hits = checker.match_phones(ph for p in candidates for ph in p.phones)
    t = _timed(timings, "lists", t)
    war = dt.date.fromisoformat(conf["war_start"])
    lo, hi = span["lo"] or war, span["hi"] or war
    pre_years = max((war - lo).days, 1) / 365.25
    post_years = max((hi - war).days, 1) / 365.25
    transship = country_sets()["transshipment"]
    scored = []
    for p in parties:
        agg = aggs.get(p.party_id)
        if agg is None:
            continue
        facts = PartyFacts(
            p.party_id, p.primary_name, p.country, p.spellings, p.addresses, p.phones, agg,
            new_codes=new_codes.get(p.party_id, []), brands=brand_rows.get(p.party_id, []),
            listed_buyers=buyer_links.get(p.party_id, []),
            listed_self=sorted({f"{h.label}: {h.name}" for s in p.spellings
                                for h in self_hits.get(s, [])}),
            shared_with_listed=sorted({f"{h.how}: {h.label}: {h.name}"
                                       for a in p.addresses for h in addr_hits.get(a, [])}
                                      | {f"{h.how}: {h.label}: {h.name}"
                                         for ph in p.phones for h in phone_hits.get(ph, [])}),
            transshipment=p.country in transship,
            weapons=weapon_links.get(p.party_id, (0, 0)))
        scored.append(score_party(facts, conf, pre_years, post_years))
    ranked = rank(scored)
    _timed(timings, "score", t)
    return Analysis(engine.name, report, parties, ranked,
                    {k: dict(v) for k, v in evidence.items()}, counts, lookup, listed_buyers,
                    lists.origin, list(lists.warnings), timings, (str(lo), str(hi)))


def detail_rows(engine: Engine, party_ids: list[str]) -> list[dict[str, Any]]:
    """CHPL lines into Russia since the war for the given parties (letters, network)."""
    engine.register("selected_parties", pa.table({"party_id": pa.array(party_ids, pa.string())}))
    rows = engine.sql("""
        SELECT r.party_id, r.record_id, r.date, r.brand, r.hs_code, r.tier, r.importer_name,
               r.importer_tax_id, r.dispatch_country, r.cents
        FROM rec r JOIN selected_parties s ON r.party_id = s.party_id
        WHERE r.to_ru AND r.tier IS NOT NULL AND r.post
        ORDER BY r.party_id, r.date, r.record_id""").to_pylist()
    return sql.plain(rows)


def series(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Aggregates for the summary report (small: quarters x tiers/countries/brands)."""
    by_tier = engine.sql("""
        SELECT year(date) AS y, quarter(date) AS q, tier, sum(cents) AS cents FROM rec
        WHERE to_ru AND tier IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""").to_pylist()
    by_dispatch = engine.sql("""
        SELECT year(date) AS y, quarter(date) AS q, coalesce(dispatch_country, '?') AS country,
               sum(cents) AS cents FROM rec
        WHERE to_ru AND tier IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""").to_pylist()
    top_brands = engine.sql("""
        SELECT brand, sum(cents) AS cents, count(DISTINCT party_id) AS parties FROM rec
        WHERE to_ru AND tier IS NOT NULL AND post AND brand IS NOT NULL
        GROUP BY brand ORDER BY cents DESC, brand LIMIT 20""").to_pylist()
    return {"by_tier": sql.plain(by_tier), "by_dispatch": sql.plain(by_dispatch),
            "top_brands": sql.plain(top_brands)}
