"""Write screening results: JSONL and CSV (streamed, for machines), XLSX and HTML
(for people: grouped by query, with explanations). Spreadsheet cells that start with
``= + - @`` get a leading apostrophe so a crafted name cannot run as a formula."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import IO, Any

from jinja2 import Environment, select_autoescape

from stopship.errors import InputError, Location
from stopship.screening.engine import Outcome

FORMATS = ("jsonl", "csv", "xlsx", "html")
CSV_COLUMNS = ("query_id", "query_name", "line", "entity_id", "list", "source_id", "name",
               "score", "explanation", "error")


def neutralise(value: Any) -> Any:
    """Prefix spreadsheet-formula text with an apostrophe; other values unchanged."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def guess_format(output: str, explicit: str | None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InputError(f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}",
                             Location(None, None, "--format"))
        return explicit
    suffix = Path(output).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


def _rows(outcome: Outcome, line: int) -> list[dict[str, Any]]:
    rec = outcome.record
    if outcome.error:
        return [{"query_id": rec.id, "query_name": rec.name[:200], "line": line,
                 "error": outcome.error}]
    return [{"query_id": rec.id, "query_name": rec.name, "line": line, **h.as_dict()}
            for h in outcome.hits]


class ResultWriter:
    """Receives every outcome in input order; ``close`` finishes the file."""

    def __init__(self, output: str, fmt: str, meta: dict[str, Any] | None = None) -> None:
        self.output = output
        self.fmt = fmt
        self.meta = meta or {}
        self.groups: list[tuple[int, Outcome]] = []
        self._handle: IO[str] | None = None
        self._csv: Any = None
        if fmt in ("jsonl", "csv"):
            if output == "-":
                self._handle = sys.stdout
            else:
                self._handle = open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
            if fmt == "csv":
                self._csv = csv.DictWriter(self._handle, CSV_COLUMNS, extrasaction="ignore")
                self._csv.writeheader()

    def write(self, outcome: Outcome, line: int) -> None:
        if not outcome.hits and not outcome.error:
            return
        if self.fmt == "jsonl":
            assert self._handle is not None
            for row in _rows(outcome, line):
                self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif self.fmt == "csv":
            for row in _rows(outcome, line):
                if "explanation" in row:
                    row["explanation"] = row["explanation"]["summary"]
                self._csv.writerow({k: neutralise(v) for k, v in row.items()})
        else:
            self.groups.append((line, outcome))

    def close(self, summary: dict[str, Any]) -> None:
        if self.fmt == "xlsx":
            _write_xlsx(self.output, self.groups, summary)
        elif self.fmt == "html":
            text = render_html(self.groups, summary)
            if self.output == "-":
                sys.stdout.write(text)
            else:
                Path(self.output).write_text(text, encoding="utf-8")
        if self._handle is not None and self._handle is not sys.stdout:
            self._handle.close()


def _write_xlsx(output: str, groups: list[tuple[int, Outcome]], summary: dict[str, Any]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Alerts"
    header = ["query_id", "query_name", "line", "score", "list", "source_id", "list name",
              "entity_id", "explanation"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    errors = wb.create_sheet("Unscreened rows")
    errors.append(["query_id", "line", "name (first 200 characters)", "problem"])
    for line, outcome in groups:
        rec = outcome.record
        if outcome.error:
            errors.append([neutralise(rec.id), line, neutralise(rec.name[:200]),
                           neutralise(outcome.error)])
            continue
        ws.append([neutralise(rec.id), neutralise(rec.name), line, None, None, None, None,
                   None, f"{len(outcome.hits)} hit(s)"])
        ws.cell(ws.max_row, 2).font = Font(bold=True)
        for h in outcome.hits:
            ws.append([None, None, None, round(h.score, 4), h.list_id, neutralise(h.source_id),
                       neutralise(h.name), h.entity_id, neutralise(h.explanation.summary)])
            ws.cell(ws.max_row, 9).alignment = Alignment(wrap_text=True)
    for col, width in zip("ABCDEFGHI", (14, 36, 7, 7, 14, 12, 40, 28, 100), strict=True):
        ws.column_dimensions[col].width = width
    info = wb.create_sheet("Summary")
    for key, value in summary.items():
        info.append([key, neutralise(str(value))])
    wb.save(output)


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stopship screening report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
h1{font-size:1.4rem} .q{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.q h2{font-size:1.05rem;margin:.2rem 0} table{border-collapse:collapse;width:100%}
td,th{border-top:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
.score{font-weight:bold} .err{color:#a00} .muted{color:#666;font-size:.9em}
details summary{cursor:pointer}
</style></head><body>
<h1>stopship screening report</h1>
<p class="muted">{% for k, v in summary.items() %}{{ k }}: <b>{{ v }}</b>{% if not loop.last %} &middot; {% endif %}{% endfor %}</p>
{% for line, o in groups if not o.error %}
<div class="q"><h2>{{ o.record.name }} <span class="muted">(id {{ o.record.id }}, line {{ line }}{% if o.record.country %}, {{ o.record.country }}{% endif %})</span></h2>
<table><tr><th>score</th><th>list</th><th>list name</th><th>why</th></tr>
{% for h in o.hits %}<tr><td class="score">{{ '%.2f'|format(h.score) }}</td>
<td>{{ h.list_id }}<br><span class="muted">{{ h.source_id }}</span></td><td>{{ h.name }}</td>
<td>{{ h.explanation.summary }}<details><summary class="muted">features</summary><ul>
{% for f in h.explanation.features %}<li>{{ f.feature }}: {{ f.effect }} <span class="muted">{{ f.detail }}</span></li>{% endfor %}
</ul></details></td></tr>{% endfor %}
</table></div>
{% endfor %}
{% set bad = groups|selectattr('1.error')|list %}
{% if bad %}<h2>Rows not screened</h2><table><tr><th>line</th><th>id</th><th>problem</th></tr>
{% for line, o in bad %}<tr><td>{{ line }}</td><td>{{ o.record.id }}</td><td class="err">{{ o.error }}</td></tr>{% endfor %}
</table>{% endif %}
</body></html>
"""


def render_html(groups: list[tuple[int, Outcome]], summary: dict[str, Any]) -> str:
    """The report people read: one box per alerting query, hits with explanations."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_HTML).render(groups=groups, summary=summary)
