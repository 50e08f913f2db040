"""Loading of the bundled reference data (``stopship/resources/names``), once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from stopship.errors import StopshipError

DATA_DIR = Path(__file__).resolve().parent.parent / "resources" / "names"


@cache
def load_yaml(name: str) -> dict[str, Any]:
    """Parse ``resources/names/<name>`` (a YAML mapping); cached for the process."""
    path = DATA_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise StopshipError(f"bundled name data file is missing: names/{name}") from exc
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise StopshipError(f"bundled name data file names/{name} is not a mapping")
    return data
