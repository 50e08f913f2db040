"""Per-party indicators as engine SQL, each with the record ids behind it.

Every query here is plain SQL that DuckDB and Spark both run; money is summed in integer
cents so both engines give identical totals. Inputs (engine tables/views):
``records`` (canonical), ``seller_map`` (seller_name, seller_country, party_id),
``chpl`` (hs6, tier), ``listed_buyers`` (importer_name, label).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from stopship.engines.base import Engine

WAR = "DATE '2022-02-24'"
TIERS = ("1", "2", "3.A", "3.B", "4.A", "4.B")
EVIDENCE_PER_INDICATOR = 10


def plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Engines return big sums as Decimal (DuckDB HUGEINT) or int (Spark): make them int."""
    for row in rows:
        for key, value in row.items():
            if isinstance(value, Decimal):
                row[key] = int(value)
    return rows


def _tier_col(tier: str) -> str:
    return "chpl_ru_t" + tier.replace(".", "").lower()


def build_enriched(engine: Engine) -> None:
    """``rec``: records joined to their party, CHPL tier and flags used everywhere below."""
    engine.materialise("rec", f"""
        SELECT r.record_id, r.date, r.importer_name, r.importer_tax_id, r.importer_country,
               r.seller_name, r.seller_country, r.dispatch_country, r.origin_country,
               r.hs_code, substr(r.hs_code, 1, 6) AS hs6, r.brand, r.quantity,
               m.party_id, c.tier,
               CAST(round(r.value_usd * 100) AS BIGINT) AS cents,
               (r.importer_country = 'RU') AS to_ru,
               (r.date >= {WAR}) AS post,
               CASE WHEN r.quantity > 0 THEN r.value_usd / r.quantity END AS unit_price
        FROM records r
        JOIN seller_map m ON r.seller_name = m.seller_name
             AND coalesce(r.seller_country, '') = m.seller_country
        LEFT JOIN chpl c ON substr(r.hs_code, 1, 6) = c.hs6
    """)
    engine.materialise("price_norm", f"""
        SELECT hs6, {engine.dialect.median('unit_price')} AS median_price, count(*) AS n
        FROM rec WHERE unit_price IS NOT NULL AND unit_price > 0 GROUP BY hs6
    """)


def party_aggregates(engine: Engine, factor: float) -> list[dict[str, Any]]:
    tiers = ",\n".join(
        f"sum(CASE WHEN to_ru AND tier = '{t}' THEN cents ELSE 0 END) AS {_tier_col(t)}"
        for t in TIERS)
    tiers_post = ",\n".join(
        f"sum(CASE WHEN to_ru AND post AND tier = '{t}' THEN cents ELSE 0 END) AS post_{_tier_col(t)}"
        for t in TIERS)
    return plain(engine.sql(f"""
        SELECT r.party_id,
               count(*) AS records,
               sum(cents) AS total_cents,
               sum(CASE WHEN post THEN cents ELSE 0 END) AS post_cents,
               sum(CASE WHEN post AND to_ru THEN cents ELSE 0 END) AS post_ru_cents,
               sum(CASE WHEN to_ru THEN cents ELSE 0 END) AS ru_cents,
               sum(CASE WHEN to_ru AND tier IS NOT NULL THEN cents ELSE 0 END) AS chpl_ru_cents,
               sum(CASE WHEN to_ru AND tier IS NOT NULL AND post THEN cents ELSE 0 END) AS chpl_ru_post_cents,
               sum(CASE WHEN to_ru AND tier IS NOT NULL AND NOT post THEN cents ELSE 0 END) AS chpl_ru_pre_cents,
               sum(CASE WHEN to_ru AND tier IS NOT NULL THEN 1 ELSE 0 END) AS chpl_ru_records,
               {tiers},
               {tiers_post},
               count(DISTINCT CASE WHEN to_ru AND tier IS NOT NULL THEN coalesce(importer_tax_id, importer_name) END) AS ru_buyers,
               min(date) AS first_date,
               max(date) AS last_date,
               sum(CASE WHEN to_ru AND tier IS NOT NULL AND p.median_price IS NOT NULL
                         AND (unit_price > {factor} * p.median_price OR unit_price * {factor} < p.median_price)
                        THEN 1 ELSE 0 END) AS price_anomalies
        FROM rec r LEFT JOIN price_norm p ON r.hs6 = p.hs6
        GROUP BY r.party_id
    """).to_pylist())


def new_chpl_codes(engine: Engine) -> list[dict[str, Any]]:
    """(party, hs6) CHPL codes into Russia whose first shipment is on/after the war start."""
    return engine.sql(f"""
        SELECT party_id, hs6 FROM rec WHERE to_ru AND tier IS NOT NULL
        GROUP BY party_id, hs6 HAVING min(date) >= {WAR}
        ORDER BY party_id, hs6
    """).to_pylist()


def brands(engine: Engine) -> list[dict[str, Any]]:
    return plain(engine.sql("""
        SELECT party_id, brand, sum(cents) AS cents, count(*) AS records
        FROM rec WHERE to_ru AND tier IS NOT NULL AND brand IS NOT NULL
        GROUP BY party_id, brand ORDER BY party_id, cents DESC, brand
    """).to_pylist())


def listed_buyer_links(engine: Engine) -> list[dict[str, Any]]:
    return plain(engine.sql("""
        SELECT r.party_id, b.label, b.listed_name, count(*) AS records, sum(r.cents) AS cents
        FROM rec r JOIN listed_buyers b ON r.importer_name = b.importer_name
        WHERE r.to_ru AND r.post
        GROUP BY r.party_id, b.label, b.listed_name
        ORDER BY r.party_id, b.listed_name
    """).to_pylist())


def weapons_links(engine: Engine) -> list[dict[str, Any]]:
    """Per party: CHPL value into Russia since the war in brands found in weapons, and in
    other brands whose HS-6 code was found (tables ``weapons_brands``, ``weapons_codes``)."""
    return plain(engine.sql("""
        SELECT r.party_id,
               sum(CASE WHEN b.brand_key IS NOT NULL THEN r.cents ELSE 0 END) AS brand_cents,
               sum(CASE WHEN b.brand_key IS NULL AND c.hs6 IS NOT NULL THEN r.cents ELSE 0 END)
                 AS code_cents
        FROM rec r
        LEFT JOIN weapons_brands b ON lower(r.brand) = b.brand_key
        LEFT JOIN weapons_codes c ON r.hs6 = c.hs6
        WHERE r.to_ru AND r.post AND r.tier IS NOT NULL
          AND (b.brand_key IS NOT NULL OR c.hs6 IS NOT NULL)
        GROUP BY r.party_id ORDER BY r.party_id
    """).to_pylist())


def evidence(engine: Engine, factor: float) -> list[dict[str, Any]]:
    """Up to EVIDENCE_PER_INDICATOR record ids per (party, indicator), largest value first,
    and the number of distinct records behind every indicator of a party."""
    union = f"""
        SELECT party_id, 'chpl_value_russia' AS indicator, record_id, cents FROM rec
          WHERE to_ru AND tier IS NOT NULL AND post
        UNION ALL
        SELECT r.party_id, 'listed_buyer', r.record_id, r.cents FROM rec r
          JOIN listed_buyers b ON r.importer_name = b.importer_name WHERE r.to_ru AND r.post
        UNION ALL
        SELECT r.party_id, 'price_anomaly', r.record_id, r.cents FROM rec r
          JOIN price_norm p ON r.hs6 = p.hs6
          WHERE r.to_ru AND r.tier IS NOT NULL
            AND (r.unit_price > {factor} * p.median_price OR r.unit_price * {factor} < p.median_price)
        UNION ALL
        SELECT r.party_id, 'new_chpl_codes', r.record_id, r.cents FROM rec r
          JOIN new_codes n ON r.party_id = n.party_id AND r.hs6 = n.hs6 WHERE r.to_ru
        UNION ALL
        SELECT r.party_id, 'weapons_evidence', r.record_id, r.cents FROM rec r
          WHERE r.to_ru AND r.post AND r.tier IS NOT NULL
            AND (lower(r.brand) IN (SELECT brand_key FROM weapons_brands)
                 OR r.hs6 IN (SELECT hs6 FROM weapons_codes))
    """
    engine.materialise("new_codes", f"""
        SELECT party_id, hs6 FROM rec WHERE to_ru AND tier IS NOT NULL
        GROUP BY party_id, hs6 HAVING min(date) >= {WAR}""")
    engine.materialise("evidence_all", union)
    top = engine.sql(f"""
        SELECT party_id, indicator, record_id, cents FROM (
          SELECT party_id, indicator, record_id, cents,
                 row_number() OVER (PARTITION BY party_id, indicator
                                    ORDER BY cents DESC, record_id) AS rn
          FROM evidence_all) t
        WHERE rn <= {EVIDENCE_PER_INDICATOR}
        ORDER BY party_id, indicator, cents DESC, record_id
    """).to_pylist()
    counts = engine.sql("""
        SELECT party_id, count(DISTINCT record_id) AS n FROM evidence_all GROUP BY party_id
    """).to_pylist()
    first = engine.sql("""
        SELECT party_id, record_id FROM (
          SELECT party_id, record_id,
                 row_number() OVER (PARTITION BY party_id ORDER BY date, record_id) AS rn
          FROM rec) t WHERE rn = 1
    """).to_pylist()
    for row in first:
        top.append({"party_id": row["party_id"], "indicator": "first_seen_after_war",
                    "record_id": row["record_id"], "cents": None})
    for row in counts:
        top.append({"party_id": row["party_id"], "indicator": "_count",
                    "record_id": None, "cents": row["n"]})
    return top
