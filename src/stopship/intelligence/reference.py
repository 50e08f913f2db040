"""Reference data the trace analysis reads: CHPL codes and tiers, country sets, risk weights.

Loaded once from the package's resources and cached. Nothing here is hard-coded policy: each
value comes from a data file that names its source.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from stopship.errors import ConfigError, Location
from stopship.settings import RESOURCES

INTEL = RESOURCES / "intelligence"
WAR_START = "2022-02-24"


@dataclass(frozen=True, slots=True)
class ChplCode:
    hs6: str
    tier: str
    description: str


def _chpl_path() -> Path:
    shipped = RESOURCES / "items" / "chpl_hs6.csv"
    if shipped.exists():
        return shipped
    raise ConfigError("CHPL table not found", Location(file=str(shipped)))


@lru_cache(maxsize=1)
def chpl() -> dict[str, ChplCode]:
    """hs6 -> CHPL entry (Common High Priority List, 2024-02-23)."""
    out: dict[str, ChplCode] = {}
    with _chpl_path().open(encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            out[row["hs6"]] = ChplCode(row["hs6"], row["tier"], row["description"])
    return out


@lru_cache(maxsize=1)
def country_sets() -> dict[str, frozenset[str]]:
    """Named country sets (transshipment, partners, ...) with ``include`` resolved."""
    path = RESOURCES / "countries" / "sets.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["sets"]

    def resolve(name: str, seen: tuple[str, ...] = ()) -> frozenset[str]:
        if name in seen:
            raise ConfigError(f"country set {name!r} includes itself", Location(file=str(path)))
        entry = data[name]
        codes = set(entry.get("countries", []))
        for inc in entry.get("include", []):
            codes |= resolve(inc, (*seen, name))
        return frozenset(codes)

    return {name: resolve(name) for name in data}


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("file not found", Location(file=str(path))) from exc
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ConfigError(f"invalid YAML: {exc}", Location(file=str(path),
                          line=None if line is None else line + 1)) from exc
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping at top level", Location(file=str(path)))
    return data


@lru_cache(maxsize=4)
def risk_weights(path: str | None = None) -> dict[str, Any]:
    """The risk-score configuration (``risk_weights.yaml`` unless another file is given)."""
    return load_yaml(Path(path) if path else INTEL / "risk_weights.yaml")


@lru_cache(maxsize=1)
def price_norms() -> dict[str, tuple[float, float]]:
    """hs6 -> illustrative (low, high) unit-price band, from items/price_bands.yaml."""
    path = RESOURCES / "items" / "price_bands.yaml"
    if not path.exists():
        return {}
    bands = load_yaml(path).get("bands", {})
    return {str(k): (float(v[0]), float(v[1])) for k, v in bands.items()}


@dataclass(frozen=True, slots=True)
class ListedSample:
    list_id: str
    name: str
    country: str
    address: str
    role: str


@lru_cache(maxsize=1)
def listed_sample() -> tuple[ListedSample, ...]:
    """Real listed parties (Entity List, SDN) used to plant listed buyers/intermediaries."""
    path = INTEL / "listed_sample.csv"
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple(ListedSample(r["list"], r["name"], r["country"], r["address"], r["role"])
                     for r in rows)


@lru_cache(maxsize=1)
def chpl_tier_weights() -> dict[str, float]:
    """Tier -> weight from items/chpl_tiers.yaml (stopship's own weights)."""
    path = RESOURCES / "items" / "chpl_tiers.yaml"
    if not path.exists():
        return {"1": 1.0, "2": 0.8, "3.A": 0.5, "3.B": 0.4, "4.A": 0.3, "4.B": 0.3}
    return {str(k): float(v) for k, v in load_yaml(path)["weights"].items()}
