"""The summary report: one HTML page with inline SVG charts (no JavaScript, no network):
CHPL value into Russia over time by tier and by dispatch country, top intermediaries, top
brands."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

from stopship.intelligence.pipeline import Analysis

_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"]


def stacked_bars(rows: list[dict[str, Any]], key: str, title: str, top: int = 8,
                 width: int = 860, height: int = 300) -> str:
    """Quarterly stacked bars of value (USD) by ``key``; the smallest groups join 'other'."""
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[str(r[key])] += r["cents"]
    keep = [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    quarters = sorted({(r["y"], r["q"]) for r in rows})
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        group = str(r[key]) if str(r[key]) in keep else "other"
        cells[(r["y"], r["q"])][group] += r["cents"]
    groups = keep + (["other"] if any("other" in c for c in cells.values()) else [])
    peak = max((sum(c.values()) for c in cells.values()), default=1) or 1
    left, bottom, plot_w, plot_h = 70, 40, width - 230, height - 70
    bar_w = plot_w / max(len(quarters), 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="10"><text x="{left}" y="14" font-size="13">'
           f'{escape(title)}</text>']
    for i in range(5):
        v = peak * i / 4
        y = height - bottom - plot_h * i / 4
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.0f}" y2="{y:.0f}" stroke="#eee"/>'
                   f'<text x="{left - 4}" y="{y + 3:.0f}" text-anchor="end">{v / 100 / 1e6:,.1f}M</text>')
    for qi, (y_, q_) in enumerate(quarters):
        x = left + qi * bar_w
        base = float(height - bottom)
        for gi, g in enumerate(groups):
            v = cells[(y_, q_)].get(g, 0)
            if not v:
                continue
            h = plot_h * v / peak
            base -= h
            out.append(f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{max(bar_w - 2, 1):.1f}" '
                       f'height="{h:.1f}" fill="{_PALETTE[gi % len(_PALETTE)]}"><title>{y_} Q{q_} '
                       f'{escape(g)}: USD {v / 100:,.0f}</title></rect>')
        if q_ == 1:
            out.append(f'<text x="{x:.0f}" y="{height - bottom + 14}">{y_}</text>')
    war_q = [i for i, yq in enumerate(quarters) if yq == (2022, 1)]
    if war_q:
        x = left + war_q[0] * bar_w + bar_w * 0.6
        out.append(f'<line x1="{x:.0f}" x2="{x:.0f}" y1="20" y2="{height - bottom}" stroke="red" '
                   f'stroke-dasharray="4"/><text x="{x + 3:.0f}" y="30" fill="red">24 Feb 2022</text>')
    for gi, g in enumerate(groups):
        y = 40 + gi * 16
        out.append(f'<rect x="{left + plot_w + 20}" y="{y}" width="10" height="10" '
                   f'fill="{_PALETTE[gi % len(_PALETTE)]}"/><text x="{left + plot_w + 35}" '
                   f'y="{y + 9}">{escape(g)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def hbars(items: list[tuple[str, float]], title: str, width: int = 860) -> str:
    height = 30 + 18 * len(items)
    peak = max((v for _, v in items), default=1) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="10"><text x="0" y="14" font-size="13">'
           f'{escape(title)}</text>']
    for i, (label, v) in enumerate(items):
        y = 24 + i * 18
        w = (width - 420) * v / peak
        out.append(f'<text x="300" y="{y + 11}" text-anchor="end">{escape(label[:50])}</text>'
                   f'<rect x="306" y="{y}" width="{w:.1f}" height="14" fill="#d62728"/>'
                   f'<text x="{310 + w:.0f}" y="{y + 11}">{v:,.0f}</text>')
    out.append("</svg>")
    return "\n".join(out)


def write_report(analysis: Analysis, data: dict[str, list[dict[str, Any]]], path: Path,
                 bridges: list[tuple[str, float]] | None = None, top: int = 20) -> None:
    ranked = analysis.ranked[:top]
    tier_rows = [{**r, "tier": f"tier {r['tier']}"} for r in data["by_tier"]]
    charts = [
        stacked_bars(tier_rows, "tier", "CHPL value into Russia by quarter and tier (USD)"),
        stacked_bars(data["by_dispatch"], "country",
                     "CHPL value into Russia by quarter and dispatch country (USD)"),
        hbars([(f"{s.facts.primary_name} ({s.facts.country})", s.indicators["chpl_value_russia"])
               for s in ranked], f"Top {len(ranked)} intermediaries by risk rank: CHPL value "
                                 "into Russia since 24 Feb 2022 (USD)"),
        hbars([(r["brand"], r["cents"] / 100) for r in data["top_brands"]],
              "Top brands: CHPL value into Russia since 24 Feb 2022 (USD)"),
    ]
    names = {s.facts.party_id: s.facts.primary_name for s in analysis.ranked}
    rows = "".join(
        f"<tr><td>{s.rank}</td><td>{escape(s.facts.primary_name)}<br><small>{s.facts.party_id}"
        f"</small></td><td>{s.facts.country}</td><td>{s.score:.1f}</td><td><small>"
        + escape("; ".join(f"{k} {v:.1f}" for k, v in sorted(s.contributions.items(),
                                                           key=lambda kv: -kv[1]) if v))
        + "</small></td></tr>" for s in ranked)
    bridge_rows = "".join(f"<li>{escape(names.get(p, p))} ({p}): {c:.4f}</li>"
                          for p, c in (bridges or [])[:10])
    warn = "".join(f"<p><strong>Note:</strong> {escape(w)}</p>" for w in analysis.warnings)
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>stopship trace: summary</title><style>body{{font-family:sans-serif;max-width:64em;margin:2em auto}}
table{{border-collapse:collapse;font-size:90%}}td,th{{border:1px solid #ccc;padding:3px 6px}}</style></head>
<body><h1>Trade records: diversion to Russia</h1>
<p>Period {analysis.period[0]} to {analysis.period[1]}; {analysis.ingest.rows_kept:,} records
({analysis.ingest.rows_read - analysis.ingest.rows_kept:,} rejected); {len(analysis.ranked):,}
parties resolved from {len(analysis.seller_lookup):,} seller spellings; engine {analysis.engine};
lists: {escape(analysis.list_origin)}.</p>{warn}
{''.join(f'<figure>{c}</figure>' for c in charts)}
<h2>Top {len(ranked)} parties and what drives their score</h2>
<table><tr><th>Rank</th><th>Party</th><th>Country</th><th>Score</th><th>Contributions</th></tr>{rows}</table>
<h2>Bridge parties (betweenness on brand - intermediary - buyer network)</h2><ol>{bridge_rows}</ol>
</body></html>"""
    path.write_text(html, encoding="utf-8")
