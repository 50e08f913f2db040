"""Supplier letters: one per brand, naming the high-risk intermediaries that shipped its
CHPL goods into Russia (HTML via Jinja2, PDF via fpdf2, every line in an attached CSV);
with the manufacturer's customer file, the customers found on the list (matching engine)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

from stopship.intelligence.reference import INTEL
from stopship.intelligence.score import Scored
from stopship.model import Address, Entity


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "brand"


def parties_as_entities(parties: list[Scored], list_id: str = "trace_high_risk") -> list[Entity]:
    out = []
    for s in parties:
        ent = Entity(list_id=list_id, native_id=s.facts.party_id, schema="organization")
        ent.add_name(s.facts.primary_name, "primary")
        for name in s.facts.spellings[1:]:
            ent.add_name(name, "alias")
        ent.add_country(s.facts.country)
        for a in s.facts.addresses[:3]:
            ent.addresses.append(Address(full=a, country=s.facts.country))
        out.append(ent)
    return out


@dataclass(slots=True)
class CustomerCheck:
    """A customer file screened against the high-risk parties: the matches, how many rows
    were screened, and each row that could not be (its line and why)."""

    found: list[dict[str, Any]]
    screened: int
    unreadable: list[tuple[int, str]]


def screen_customers(customers: Path, parties: list[Scored]) -> CustomerCheck:
    """Customers of ``customers`` (id, name, country, address) that match a high-risk party;
    rows that cannot be screened (unreadable, no usable name) are listed, never dropped."""
    from stopship.errors import InputError
    from stopship.screening.engine import build_screener
    from stopship.screening.readers import read_records
    by_id = {s.facts.party_id: s for s in parties}
    screener = build_screener(parties_as_entities(parties))
    check = CustomerCheck([], 0, [])
    for row in read_records(customers):
        if row.record is None or row.error is not None:  # unreadable: nothing to screen
            check.unreadable.append((row.line, row.error or "unreadable row"))
            continue
        try:
            hits = screener.screen(row.record, limit=1)
        except InputError as exc:  # an empty name, or only a legal form
            check.unreadable.append((row.line, exc.message))
            continue
        check.screened += 1
        for hit in hits:
            party = by_id[hit.entity_id.split(":", 1)[1]]
            check.found.append({"customer_id": row.record.id, "customer": row.record.name,
                                "party_id": party.facts.party_id,
                                "party": party.facts.primary_name,
                                "country": party.facts.country, "score": hit.score,
                                "why": hit.explanation.summary})
    return check


def _pdf_text(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _pdf(brand: str, intro: str, rows: list[dict[str, Any]], customers: list[dict[str, Any]] | None,
         path: Path, unreadable: list[tuple[int, str]] | None = None) -> None:
    pdf = FPDF(orientation="L")
    pdf.set_auto_page_break(True, 12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _pdf_text(f"Parties at high risk of diverting {brand} goods to Russia"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _pdf_text(intro), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (8, 70, 12, 28, 22, 40, 97)
    heads = ("#", "Party", "Ctry", "USD", "Score", "HS codes", "Russian buyers")
    pdf.set_font("Helvetica", "B", 8)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 6, h, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 7)
    for i, p in enumerate(rows, start=1):
        cells = (str(i), p["name"][:48], p["country"], f"{p['value']:,.0f}",
                 f"{p['score']:.1f} ({p['rank']})", p["hs_codes"][:30], p["buyers"][:75])
        for w, c in zip(widths, cells, strict=True):
            pdf.cell(w, 5, _pdf_text(c), border=1)
        pdf.ln()
    if customers is not None:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, "Your customers on this list")
        pdf.ln()
        pdf.set_font("Helvetica", "", 8)
        if not customers:
            pdf.cell(0, 5, "None of your customers matched.")
        for c in customers:
            pdf.multi_cell(0, 5, _pdf_text(f"{c['customer']} ({c['customer_id']}) -> {c['party']} "
                                           f"[{c['country']}], score {c['score']:.2f}"),
                           new_x="LMARGIN", new_y="NEXT")
    if unreadable:
        pdf.ln(2)
        pdf.multi_cell(0, 5, _pdf_text(unreadable_sentence(unreadable)),
                       new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def unreadable_sentence(unreadable: list[tuple[int, str]], shown: int = 20) -> str:
    """One sentence naming the customer-file rows that were not screened, and why."""
    items = "; ".join(f"line {line}: {why}" for line, why in unreadable[:shown])
    more = f"; and {len(unreadable) - shown} more" if len(unreadable) > shown else ""
    rows = "row" if len(unreadable) == 1 else "rows"
    return (f"{len(unreadable)} {rows} of your customer file could not be screened, so they "
            f"are not covered by this letter ({items}{more}).")


def write_letters(detail: list[dict[str, Any]], parties: list[Scored], folder: Path,
                  period: tuple[str, str], lists: str, min_score: float,
                  customers: Path | None = None, brands: set[str] | None = None) -> list[Path]:
    """One folder per brand with letter.html, letter.pdf and lines.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    by_party = {s.facts.party_id: s for s in parties}
    by_brand: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in detail:
        if r.get("brand") and r["party_id"] in by_party and (not brands or r["brand"] in brands):
            by_brand[r["brand"]].append(r)
    env = Environment(loader=FileSystemLoader(str(INTEL / "templates")),
                      autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("letter.html.j2")
    check = screen_customers(customers, parties) if customers else None
    written = []
    for brand in sorted(by_brand):
        lines = by_brand[brand]
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in lines:
            grouped[r["party_id"]].append(r)
        rows = []
        for pid, items in grouped.items():
            s = by_party[pid]
            rows.append({"party_id": pid, "name": s.facts.primary_name, "country": s.facts.country,
                         "spellings": "; ".join(s.facts.spellings[:6]),
                         "value": sum(i["cents"] for i in items) / 100,
                         "first": str(min(i["date"] for i in items)),
                         "last": str(max(i["date"] for i in items)),
                         "hs_codes": ", ".join(sorted({i["hs_code"] for i in items})),
                         "buyers": "; ".join(sorted({i["importer_name"] for i in items}))[:400],
                         "score": s.score, "rank": s.rank})
        rows.sort(key=lambda r: (r["rank"], r["party_id"]))
        out = folder / slug(brand)
        out.mkdir(parents=True, exist_ok=True)
        csv_name = "lines.csv"
        with (out / csv_name).open("w", newline="", encoding="utf-8") as handle:
            w = csv.writer(handle)
            w.writerow(["party_id", "party_name", "record_id", "date", "hs_code", "value_usd",
                        "russian_buyer", "buyer_tax_id", "dispatch_country"])
            for r in sorted(lines, key=lambda r: (by_party[r["party_id"]].rank, r["date"], r["record_id"])):
                w.writerow([r["party_id"], by_party[r["party_id"]].facts.primary_name, r["record_id"],
                            r["date"], r["hs_code"], f"{r['cents'] / 100:.2f}", r["importer_name"],
                            r.get("importer_tax_id") or "", r.get("dispatch_country") or ""])
        mine = None if check is None else [c for c in check.found if c["party_id"] in grouped]
        unreadable = check.unreadable if check is not None else []
        total = sum(r["value"] for r in rows)
        html = template.render(brand=brand, parties=rows, period=period, total=total,
                               lines=len(lines), csv_name=csv_name, min_score=min_score,
                               customers=mine, lists=lists,
                               customers_screened=check.screened if check else 0,
                               unreadable=unreadable_sentence(unreadable) if unreadable else "",
                               produced=dt.date.today().isoformat())
        (out / "letter.html").write_text(html, encoding="utf-8")
        intro = (f"Trade records for {period[0]} to {period[1]} show {len(rows)} high-risk parties "
                 f"shipping CHPL goods of {brand} into Russia since 24 February 2022: USD "
                 f"{total:,.0f} over {len(lines)} lines (every line in {csv_name}). Please "
                 f"scrutinise orders from these parties and resolve red flags before filling them.")
        _pdf(brand, intro, rows, mine, out / "letter.pdf", unreadable)
        written.append(out)
    return written
