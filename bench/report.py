"""Write one named section of docs/benchmarks.md, leaving every other section alone."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(title: str, body: str, doc: Path = DOC) -> None:
    """Replace (or append) the block between this section's markers."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    start, end = f"<!-- {slug}:start -->", f"<!-- {slug}:end -->"
    block = f"{start}\n## {title}\n\n{body.rstrip()}\n{end}"
    text = doc.read_text("utf-8") if doc.exists() else "# Benchmarks\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, "utf-8")
