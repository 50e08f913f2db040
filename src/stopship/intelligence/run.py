"""``stopship trace run``: the analysis and every output, in one call."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from stopship.engines.base import open_engine
from stopship.intelligence import network
from stopship.intelligence.ingest import load_vendor_mapping, load_weapons_evidence
from stopship.intelligence.letters import slug, write_letters
from stopship.intelligence.listed import ListContext
from stopship.intelligence.outputs import (
    high_risk,
    write_evidence,
    write_json,
    write_parties,
    write_party_map,
    write_xlsx,
)
from stopship.intelligence.pipeline import Analysis, Progress, analyse, detail_rows, series
from stopship.intelligence.report import write_report


@dataclass
class RunResult:
    analysis: Analysis
    high_risk: int
    output: Path
    letters: list[Path]


def run(inputs: Sequence[str | Path], output: Path, lists: ListContext, engine: str = "duckdb",
        master: str | None = None, mapping: str | Path | None = None,
        weights: str | None = None, customers: Path | None = None, min_score: float = 50.0,
        top_share: float | None = None, letters: bool = True,
        progress: Progress | None = None, evidence: Path | None = None) -> RunResult:
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _m: None)
    eng = open_engine(engine, master=master, workdir=output)
    try:
        weapons = load_weapons_evidence(evidence) if evidence else None
        analysis = analyse(eng, inputs, lists, load_vendor_mapping(mapping), weights, say,
                           weapons)
        chosen = high_risk(analysis, min_score, top_share)
        say(f"write outputs ({len(chosen)} high-risk parties)")
        write_parties(chosen, analysis, output / "high_risk_parties.csv")
        write_xlsx(chosen, analysis, output / "high_risk_parties.xlsx")
        write_parties(analysis.ranked, analysis, output / "all_parties.csv")
        write_evidence(chosen, analysis, output / "evidence.csv")
        write_json(chosen, analysis, output / "high_risk_parties.json")
        write_party_map(analysis, output / "party_map.csv")
        detail = detail_rows(eng, [s.facts.party_id for s in chosen])
        names = {s.facts.party_id: s.facts.primary_name for s in chosen}
        graph = network.build_graph(detail, names)
        network.export(graph, output / "network")
        bridge = network.bridges(graph)
        (output / "network" / "bridges.json").write_text(json.dumps(
            [{"party_id": p, "name": names.get(p, p), "betweenness": c} for p, c in bridge],
            indent=1), encoding="utf-8")
        pics = output / "network" / "neighbourhoods"
        pics.mkdir(parents=True, exist_ok=True)
        for s in chosen[:20]:
            (pics / f"{s.rank:04d}-{slug(s.facts.primary_name)}.svg").write_text(
                network.neighbourhood_svg(graph, s.facts.party_id), encoding="utf-8")
        write_report(analysis, series(eng), output / "summary.html", bridge)
        written = (write_letters(detail, chosen, output / "letters", analysis.period,
                                 analysis.list_origin, min_score, customers)
                   if letters else [])
        (output / "run.json").write_text(json.dumps({
            "engine": engine, "inputs": [str(i) for i in inputs], "min_score": min_score,
            "top_share": top_share, "high_risk_parties": len(chosen),
            "parties": len(analysis.ranked), "ingest": analysis.ingest.as_dict(),
            "lists": analysis.list_origin, "warnings": analysis.warnings,
            "timings": analysis.timings}, indent=1), encoding="utf-8")
        return RunResult(analysis, len(chosen), output, written)
    finally:
        eng.close()
