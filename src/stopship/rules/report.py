"""Write order decisions: JSON lines (everything), CSV (one row per fired rule), XLSX (a
decisions sheet and a fired-rules sheet) or a self-contained HTML page; and summarise a run."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, select_autoescape

from stopship.rules.decide import Decision

OUTPUT_FORMATS = ("jsonl", "csv", "xlsx", "html")
CSV_COLUMNS = ["order_id", "decision", "risk_score", "rule_id", "rule_action", "severity",
               "message", "evidence", "clears_when", "rules_version", "list_versions"]


@dataclass(slots=True)
class Summary:
    orders: int = 0
    by_decision: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)

    def add(self, decision: Decision) -> None:
        self.orders += 1
        self.by_decision[decision.decision] += 1
        self.by_rule.update(decision.rule_ids)

    def as_dict(self) -> dict[str, Any]:
        return {"orders": self.orders,
                "by_decision": {k: self.by_decision.get(k, 0) for k in ("clear", "review", "hold")},
                "top_rules": self.by_rule.most_common(10)}


def evidence_text(decision_rule: Any) -> str:
    parts = []
    for e in decision_rule.evidence:
        text = f"{e.field}={e.value}"
        if e.entity_id:
            text += f" ~ {e.entity_id}"
            if e.score is not None:
                text += f" ({e.score:.2f})"
        if e.note:
            text += f" [{e.note}]"
        parts.append(text)
    return "; ".join(parts)


def csv_rows(decision: Decision) -> list[dict[str, Any]]:
    base = {"order_id": decision.order_id, "decision": decision.decision,
            "risk_score": round(decision.risk_score, 3), "rules_version": decision.rules_version,
            "list_versions": json.dumps(decision.list_versions, sort_keys=True)}
    if not decision.fired:
        return [{**base, "rule_id": "", "rule_action": "", "severity": "", "message": "",
                 "evidence": "", "clears_when": ""}]
    return [{**base, "rule_id": f.id, "rule_action": f.action, "severity": f.severity,
             "message": f.message, "evidence": evidence_text(f), "clears_when": f.clears_when}
            for f in decision.fired]


class DecisionWriter:
    """Streams decisions to ``path`` (``-``: stdout) in one of OUTPUT_FORMATS."""

    def __init__(self, path: str | Path, fmt: str, stdout: IO[str] | None = None) -> None:
        self.path, self.fmt = str(path), fmt
        self._stdout = stdout
        self._held: list[Decision] = []
        self._fh: IO[str] | None = None
        self._csv: csv.DictWriter[str] | None = None
        if fmt in ("jsonl", "csv"):
            if self.path == "-":
                self._fh = stdout or io.StringIO()
            else:
                self._fh = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            if fmt == "csv":
                self._csv = csv.DictWriter(self._fh, CSV_COLUMNS)
                self._csv.writeheader()

    def write(self, decision: Decision) -> None:
        if self.fmt == "jsonl" and self._fh is not None:
            self._fh.write(json.dumps(decision.as_dict(), ensure_ascii=False) + "\n")
        elif self._csv is not None:
            self._csv.writerows(csv_rows(decision))
        else:
            self._held.append(decision)

    def close(self, summary: Summary | None = None) -> None:
        if self.fmt == "xlsx":
            write_xlsx(self._held, Path(self.path))
        elif self.fmt == "html":
            page = render_html(self._held, summary)
            if self.path == "-" and self._stdout is not None:
                self._stdout.write(page)
            else:
                Path(self.path).write_text(page, "utf-8")
        if self._fh is not None and self.path != "-":
            self._fh.close()


def write_xlsx(decisions: Iterable[Decision], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "decisions"
    sheet.append(["order_id", "decision", "risk_score", "rules_fired", "rules_version",
                  "list_versions", "screened_at"])
    rules = book.create_sheet("fired_rules")
    rules.append(CSV_COLUMNS)
    for d in decisions:
        sheet.append([d.order_id, d.decision, round(d.risk_score, 3), ", ".join(d.rule_ids),
                      d.rules_version, json.dumps(d.list_versions, sort_keys=True), d.screened_at])
        for row in csv_rows(d):
            if row["rule_id"]:
                rules.append([row[c] for c in CSV_COLUMNS])
    book.save(path)


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stopship order decisions</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
.hold{color:#fff;background:#b00020}.review{background:#ffd54f}.clear{background:#a5d6a7}
.tag{padding:.1rem .4rem;border-radius:.2rem;font-weight:600}
</style></head><body>
<h1>Order decisions</h1>
{% if summary %}<p>{{ summary.orders }} orders:
{% for k, v in summary.as_dict().by_decision.items() %}<span class="tag {{ k }}">{{ k }} {{ v }}</span> {% endfor %}</p>
{% endif %}
{% for d in decisions %}
<h2 id="{{ d.order_id }}">{{ d.order_id }} <span class="tag {{ d.decision }}">{{ d.decision }}</span></h2>
<p>risk score {{ '%.1f'|format(d.risk_score) }} &middot; rules {{ d.rules_version }} &middot;
lists {% for k, v in d.list_versions.items() %}{{ k }} {{ v }}{% if not loop.last %}, {% endif %}{% else %}none{% endfor %}
&middot; {{ d.screened_at }}</p>
{% if d.fired %}<table><tr><th>rule</th><th>action</th><th>why</th><th>evidence</th><th>clears when</th></tr>
{% for f in d.fired %}<tr><td><b>{{ f.id }}</b> {{ f.title }}</td><td class="{{ f.action }}">{{ f.action }}</td>
<td>{{ f.message }}<br><small>{{ f.sources|join('; ') }}</small></td>
<td>{% for e in f.evidence %}<code>{{ e.field }}</code> = {{ e.value }}{% if e.entity_id %} &rarr; {{ e.entity_name }} ({{ e.entity_id }}{% if e.score is not none %}, {{ '%.2f'|format(e.score) }}{% endif %}){% endif %}{% if e.note %} <i>{{ e.note }}</i>{% endif %}<br>{% endfor %}</td>
<td>{{ f.clears_when }}</td></tr>{% endfor %}</table>
{% else %}<p>No rule fired.</p>{% endif %}
{% endfor %}
</body></html>
"""


def render_html(decisions: list[Decision], summary: Summary | None = None) -> str:
    env = Environment(autoescape=select_autoescape(default=True))
    return env.from_string(_HTML).render(decisions=decisions, summary=summary)
