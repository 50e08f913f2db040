"""Tabular outputs of a trace run: the ranked parties (CSV, XLSX, JSON) and the evidence.

``high_risk_parties.csv`` loads straight back as a letter list with
``resources/intelligence/high_risk_parties_mapping.yaml`` (generic tabular source).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from stopship.intelligence.pipeline import Analysis
from stopship.intelligence.score import Scored

COLUMNS = ["party_id", "primary_name", "spellings", "country", "address", "score", "rank",
           "indicators", "contributions", "evidence_record_count", "evidence_record_ids"]


def indicator_text(s: Scored) -> str:
    """Readable summary of the indicators that contributed, strongest first."""
    parts = []
    for key, value in sorted(s.contributions.items(), key=lambda kv: (-kv[1], kv[0])):
        if value <= 0:
            continue
        shown = s.indicators.get(key)
        if isinstance(shown, list):
            shown = ", ".join(map(str, shown[:5])) + (" ..." if len(shown) > 5 else "")
        elif isinstance(shown, bool):
            shown = "yes"
        if key == "first_seen_after_war":
            shown = s.indicators.get("first_seen")
        parts.append(f"{key}={shown}")
    return "; ".join(parts)


def party_row(s: Scored, analysis: Analysis) -> dict[str, Any]:
    pid = s.facts.party_id
    ids = sorted({rid for rids in analysis.evidence.get(pid, {}).values() for rid in rids})
    return {
        "party_id": pid,
        "primary_name": s.facts.primary_name,
        "spellings": ";".join(s.facts.spellings),
        "country": s.facts.country,
        "address": s.facts.addresses[0] if s.facts.addresses else "",
        "score": f"{s.score:.2f}",
        "rank": s.rank,
        "indicators": indicator_text(s),
        "contributions": json.dumps({k: v for k, v in s.contributions.items() if v},
                                    sort_keys=True),
        "evidence_record_count": analysis.evidence_count.get(pid, 0),
        "evidence_record_ids": ";".join(ids[:20]),
    }


def high_risk(analysis: Analysis, min_score: float, top_share: float | None = None) -> list[Scored]:
    """Parties at or above ``min_score``; with ``top_share``, at most that share of all parties."""
    chosen = [s for s in analysis.ranked if s.score >= min_score]
    if top_share is not None:
        limit = max(1, round(len(analysis.ranked) * top_share))
        chosen = chosen[:limit]
    return chosen


def write_parties(rows: list[Scored], analysis: Analysis, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for s in rows:
            writer.writerow(party_row(s, analysis))


def write_xlsx(rows: list[Scored], analysis: Analysis, path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("high_risk_parties")
    ws.append(COLUMNS)
    for s in rows:
        row = party_row(s, analysis)
        ws.append([row[c] for c in COLUMNS])
    wb.save(path)


def write_evidence(rows: list[Scored], analysis: Analysis, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["party_id", "indicator", "record_id"])
        for s in rows:
            for indicator, ids in sorted(analysis.evidence.get(s.facts.party_id, {}).items()):
                for rid in ids:
                    writer.writerow([s.facts.party_id, indicator, rid])


def write_json(rows: list[Scored], analysis: Analysis, path: Path) -> None:
    data = {
        "engine": analysis.engine,
        "period": list(analysis.period),
        "lists": analysis.list_origin,
        "warnings": analysis.warnings,
        "ingest": analysis.ingest.as_dict(),
        "timings": analysis.timings,
        "parties": [{
            "party_id": s.facts.party_id, "rank": s.rank, "score": s.score,
            "primary_name": s.facts.primary_name, "country": s.facts.country,
            "spellings": s.facts.spellings, "addresses": s.facts.addresses,
            "indicators": s.indicators, "contributions": s.contributions,
            "evidence": analysis.evidence.get(s.facts.party_id, {}),
        } for s in rows],
    }
    path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def write_party_map(analysis: Analysis, path: Path) -> None:
    """Every seller spelling and the party it was resolved to."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["seller_name", "seller_country", "party_id"])
        for (name, country), pid in sorted(analysis.seller_lookup.items()):
            writer.writerow([name, country, pid])
