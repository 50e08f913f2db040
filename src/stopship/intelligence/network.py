"""The network manufacturer (brand) -> intermediary -> Russian buyer, with values.

Built from CHPL lines into Russia since the war for the ranked parties; bridge parties are
the intermediaries with the highest betweenness on the reduced graph (the parties that
connect otherwise separate brands and buyers). Exported as GraphML and JSON, and drawn as
an SVG picture of one party's neighbourhood.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

import networkx as nx


def build_graph(rows: list[dict[str, Any]], names: dict[str, str]) -> nx.DiGraph:
    g = nx.DiGraph()
    brand_edge: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    buyer_edge: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        party = r["party_id"]
        if r.get("brand"):
            e = brand_edge[(f"brand:{r['brand']}", party)]
            e[0] += r["cents"]
            e[1] += 1
        buyer = f"buyer:{r.get('importer_tax_id') or r['importer_name']}"
        e = buyer_edge[(party, buyer)]
        e[0] += r["cents"]
        e[1] += 1
        g.add_node(buyer, kind="buyer", label=r["importer_name"])
    for party, label in names.items():
        g.add_node(party, kind="intermediary", label=label)
    for (a, b), (cents, n) in sorted({**brand_edge, **buyer_edge}.items()):
        if a.startswith("brand:"):
            g.add_node(a, kind="manufacturer", label=a[6:])
        g.add_edge(a, b, value_usd=round(cents / 100, 2), records=n)
    return g


def bridges(g: nx.DiGraph, top: int = 20) -> list[tuple[str, float]]:
    """Intermediaries by betweenness centrality on the undirected graph (sampled when large)."""
    if g.number_of_nodes() == 0:
        return []
    und = g.to_undirected()
    k = None if und.number_of_nodes() <= 3000 else 500
    centrality = nx.betweenness_centrality(und, k=k, seed=7, normalized=True)
    parties = [(n, c) for n, c in centrality.items() if g.nodes[n].get("kind") == "intermediary"]
    parties.sort(key=lambda x: (-x[1], x[0]))
    return [(n, round(c, 6)) for n, c in parties[:top]]


def export(g: nx.DiGraph, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(g, folder / "network.graphml")
    data = nx.node_link_data(g, edges="links")
    (folder / "network.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


_COLOURS = {"manufacturer": "#1f77b4", "intermediary": "#d62728", "buyer": "#2ca02c"}


def neighbourhood_svg(g: nx.DiGraph, party: str, width: int = 900, height: int = 520) -> str:
    """Brands on the left, the party in the middle, its Russian buyers on the right; other
    intermediaries sharing those brands' buyers are drawn beside it."""
    left = sorted(g.predecessors(party)) if party in g else []
    right = sorted(g.successors(party)) if party in g else []
    peers = sorted({p for b in right for p in g.predecessors(b) if p != party})[:8]
    pos: dict[str, tuple[float, float]] = {party: (width / 2, height / 2)}

    def column(nodes: list[str], x: float) -> None:
        for i, n in enumerate(nodes):
            pos[n] = (x, 40 + (height - 80) * (i + 0.5) / max(len(nodes), 1))

    column(left, 120)
    column(right, width - 160)
    column(peers, width / 2 + 10)
    if peers:  # keep the party itself clear of its peers
        pos[party] = (width / 2 - 120, height / 2)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    max_v = max([g.edges[e]["value_usd"] for e in g.edges if e[0] in pos and e[1] in pos] or [1])
    for a, b in g.edges:
        if a in pos and b in pos and (party in (a, b) or a in peers):
            (x1, y1), (x2, y2) = pos[a], pos[b]
            w = 0.5 + 5 * math.sqrt(g.edges[a, b]["value_usd"] / max_v)
            parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                         f'stroke="#999" stroke-width="{w:.1f}" opacity="0.7">'
                         f'<title>{escape(g.nodes[a]["label"])} -> {escape(g.nodes[b]["label"])}: '
                         f'USD {g.edges[a, b]["value_usd"]:,.0f}</title></line>')
    for n, (x, y) in pos.items():
        kind = g.nodes[n].get("kind", "")
        r = 12 if n == party else 7
        label = escape(str(g.nodes[n].get("label", n)))[:40]
        anchor = "end" if x < width / 3 else "start"
        dx = -10 if anchor == "end" else 10
        parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{r}" fill="{_COLOURS.get(kind, "#777")}"/>'
                     f'<text x="{x + dx:.0f}" y="{y + 4:.0f}" text-anchor="{anchor}">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
