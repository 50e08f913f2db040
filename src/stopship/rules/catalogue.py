"""The rule catalogue and the reference data the rules use, loaded from versioned data files.

Everything a rule decides with (country sets, CHPL tiers and weights, free-mail domains,
calling codes, keywords, price bands) lives under ``resources/``; a user's YAML file
(``--rules-config``) can enable, disable or tune rules and country sets. ``RuleSet.version``
names the catalogue version plus a hash of every data file and override, so a decision can be
reproduced with exactly the rules it used.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from stopship.errors import ConfigError, Location
from stopship.rules.text import fold
from stopship.settings import RESOURCES

ACTIONS = ("clear", "review", "hold")
SEVERITIES = ("low", "medium", "high", "critical")
CATALOGUE_FILE = RESOURCES / "rules" / "catalogue.yaml"
DATA_FILES = {
    "catalogue": CATALOGUE_FILE,
    "chpl": RESOURCES / "items" / "chpl_hs6.csv",
    "chpl_tiers": RESOURCES / "items" / "chpl_tiers.yaml",
    "price_bands": RESOURCES / "items" / "price_bands.yaml",
    "country_sets": RESOURCES / "countries" / "sets.yaml",
    "contacts": RESOURCES / "rules" / "contacts.yaml",
    "keywords": RESOURCES / "rules" / "keywords.yaml",
    "lines_of_business": RESOURCES / "rules" / "lines_of_business.yaml",
}


def action_rank(action: str) -> int:
    return ACTIONS.index(action)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    title: str
    sentence: str
    sources: tuple[str, ...]  # full citations
    severity: str
    action: str
    clears_when: str
    params: dict[str, Any]
    enabled: bool = True
    # fires only on a party's list match (which opens an alert): clearing the order's
    # alerts settles it (catalogue.yaml says more)
    settled_by_alerts: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "sentence": self.sentence,
            "sources": list(self.sources), "severity": self.severity, "action": self.action,
            "clears_when": self.clears_when, "enabled": self.enabled, "params": self.params,
            "settled_by_alerts": self.settled_by_alerts,
        }


@dataclass(frozen=True, slots=True)
class ChplItem:
    hs6: str
    tier: str
    description: str
    weight: float


@dataclass(slots=True)
class Reference:
    """Reference data shared by every rule, already indexed for the hot path."""

    chpl: dict[str, ChplItem]
    high_priority_tiers: frozenset[str]
    country_sets: dict[str, frozenset[str]]
    country_set_meta: dict[str, dict[str, str]]
    free_mail: frozenset[str]
    cctld_exceptions: dict[str, str]
    generic_cctlds: frozenset[str]
    calling_codes: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]]
    lines_of_business: dict[str, tuple[tuple[str, ...], frozenset[str]]]
    price_bands: dict[str, tuple[float, float]]
    fx_to_usd: dict[str, float]
    versions: dict[str, str] = field(default_factory=dict)

    def in_set(self, name: str, country: str | None) -> bool:
        return country is not None and country in self.country_sets.get(name, frozenset())


@dataclass(slots=True)
class RuleSet:
    version: str
    catalogue_version: str
    rules: dict[str, RuleSpec]
    ref: Reference

    def enabled(self) -> list[RuleSpec]:
        return [r for r in self.rules.values() if r.enabled]

    def get(self, rule_id: str) -> RuleSpec:
        from stopship.errors import NotFoundError

        key = rule_id.strip().upper()
        if key not in self.rules:
            raise NotFoundError(f"no rule {rule_id!r}; known: {', '.join(self.rules)}")
        return self.rules[key]


def country_code(value: Any) -> str:
    """A country code from YAML: unquoted ``NO`` (Norway) loads as False in YAML 1.1."""
    if value is False:
        return "NO"
    return str(value).strip().upper()


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}", Location(str(path))) from exc


def _country_sets(data: dict[str, Any]) -> tuple[dict[str, frozenset[str]], dict[str, dict[str, str]]]:
    raw = data["sets"]
    resolved: dict[str, frozenset[str]] = {}

    def resolve(name: str, seen: tuple[str, ...] = ()) -> frozenset[str]:
        if name in resolved:
            return resolved[name]
        if name in seen or name not in raw:
            raise ConfigError(f"country set {name!r} unknown or cyclic",
                              Location(str(DATA_FILES["country_sets"]), field=name))
        spec = raw[name]
        codes = {country_code(c) for c in spec.get("countries") or []}
        for inc in spec.get("include") or []:
            codes |= resolve(inc, (*seen, name))
        resolved[name] = frozenset(codes)
        return resolved[name]

    for name in raw:
        resolve(name)
    meta = {n: {"title": str(s.get("title", "")), "source": " ".join(str(s.get("source", "")).split()),
                "as_of": str(s.get("as_of", ""))} for n, s in raw.items()}
    return resolved, meta


def _reference(sources: dict[str, Any], chpl_text: str) -> Reference:
    tiers = sources["chpl_tiers"]
    weights = {str(k): float(v) for k, v in tiers["weights"].items()}
    chpl = {}
    for row in csv.DictReader(io.StringIO(chpl_text)):
        tier = row["tier"].strip()
        chpl[row["hs6"].strip()] = ChplItem(row["hs6"].strip(), tier, row["description"],
                                             weights.get(tier, 0.0))
    sets, meta = _country_sets(sources["country_sets"])
    contacts = sources["contacts"]
    keywords = {k: tuple(fold(str(w)) for w in v["words"])
                for k, v in sources["keywords"].items() if isinstance(v, dict)}
    lob = {k: (tuple(fold(str(w)) for w in v["words"]), frozenset(str(c) for c in v["chapters"]))
           for k, v in sources["lines_of_business"]["lines"].items()}
    bands = sources["price_bands"]
    return Reference(
        chpl=chpl,
        high_priority_tiers=frozenset(str(t) for t in tiers["high_priority"]),
        country_sets=sets,
        country_set_meta=meta,
        free_mail=frozenset(str(d).lower() for d in contacts["free_mail"]["domains"]),
        cctld_exceptions={str(k): str(v) for k, v in contacts["cctld_exceptions"].items()},
        generic_cctlds=frozenset(str(d) for d in contacts["generic_cctlds"]),
        calling_codes={str(k): tuple(country_code(c) for c in v)
                       for k, v in contacts["calling_codes"]["codes"].items()},
        keywords=keywords,
        lines_of_business=lob,
        price_bands={str(k): (float(v[0]), float(v[1])) for k, v in bands["bands"].items()},
        fx_to_usd={str(k): float(v) for k, v in bands["fx_to_usd"].items()},
        versions={
            "chpl": str(tiers.get("version", "")),
            "country_sets": str(sources["country_sets"].get("version", "")),
            "contacts": str(contacts.get("version", "")),
            "keywords": str(sources["keywords"].get("version", "")),
            "lines_of_business": str(sources["lines_of_business"].get("version", "")),
            "price_bands": str(bands.get("version", "")),
        },
    )


def _rules(catalogue: dict[str, Any]) -> dict[str, RuleSpec]:
    cites = catalogue.get("sources", {})
    rules: dict[str, RuleSpec] = {}
    for raw in catalogue["rules"]:
        rules[raw["id"]] = RuleSpec(
            id=raw["id"], title=raw["title"], sentence=raw["sentence"],
            sources=tuple(cites.get(s, s) for s in raw.get("source", [])),
            severity=raw["severity"], action=raw["action"], clears_when=raw["clears_when"],
            params=dict(raw.get("params") or {}), enabled=bool(raw.get("enabled", True)),
            settled_by_alerts=bool(raw.get("settled_by_alerts", False)),
        )
    return rules


def _apply_overrides(rules: dict[str, RuleSpec], ref: Reference, config: dict[str, Any],
                     where: str) -> None:
    unknown = set(config) - {"rules", "country_sets"}
    if unknown:
        raise ConfigError(f"unknown section(s) {sorted(unknown)}; use 'rules' and 'country_sets'",
                          Location(where, field=sorted(unknown)[0]))
    for rule_id, change in (config.get("rules") or {}).items():
        key = str(rule_id).upper()
        loc = Location(where, field=f"rules.{rule_id}")
        if key not in rules:
            raise ConfigError(f"unknown rule {rule_id!r}", loc)
        if not isinstance(change, dict):
            raise ConfigError("expected a mapping (enabled, action, severity, params)", loc)
        spec = rules[key]
        bad = set(change) - {"enabled", "action", "severity", "params"}
        if bad:
            raise ConfigError(f"unknown key(s) {sorted(bad)}", loc)
        if "action" in change and change["action"] not in ACTIONS:
            raise ConfigError(f"action must be one of {ACTIONS}", loc)
        if "severity" in change and change["severity"] not in SEVERITIES:
            raise ConfigError(f"severity must be one of {SEVERITIES}", loc)
        params = dict(spec.params)
        for pkey, pval in (change.get("params") or {}).items():
            if pkey not in params:
                raise ConfigError(f"rule {key} has no parameter {pkey!r}; it has {sorted(params)}",
                                  Location(where, field=f"rules.{rule_id}.params.{pkey}"))
            params[pkey] = pval
        rules[key] = replace(spec, enabled=bool(change.get("enabled", spec.enabled)),
                             action=change.get("action", spec.action),
                             severity=change.get("severity", spec.severity), params=params)
    for name, change in (config.get("country_sets") or {}).items():
        loc = Location(where, field=f"country_sets.{name}")
        if not isinstance(change, dict):
            raise ConfigError("expected a mapping (countries, add, remove)", loc)
        current = set(ref.country_sets.get(name, frozenset()))
        if "countries" in change:
            current = {country_code(c) for c in change["countries"] or []}
        current |= {country_code(c) for c in change.get("add") or []}
        current -= {country_code(c) for c in change.get("remove") or []}
        ref.country_sets[name] = frozenset(current)


@lru_cache(maxsize=1)
def _base_texts() -> tuple[tuple[str, str], ...]:
    return tuple((name, path.read_text("utf-8")) for name, path in DATA_FILES.items())


def load_ruleset(config: dict[str, Any] | None = None, config_path: str | Path | None = None) -> RuleSet:
    """The rule set: the bundled catalogue and data, tuned by ``config`` (a parsed YAML
    mapping) or the YAML file at ``config_path``."""
    texts = dict(_base_texts())
    where = str(config_path) if config_path else "<config>"
    if config_path is not None:
        path = Path(config_path)
        if not path.is_file():
            raise ConfigError(f"rules config {path} not found", Location(str(path)))
        loaded = _yaml(path)
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError("a rules config is a YAML mapping", Location(str(path)))
        config = {**(loaded or {}), **(config or {})}
    sources = {name: yaml.safe_load(text) for name, text in texts.items() if name != "chpl"}
    ref = _reference(sources, texts["chpl"])
    catalogue = sources["catalogue"]
    rules = _rules(catalogue)
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode())
        digest.update(texts[name].encode())
    if config:
        _apply_overrides(rules, ref, config, where)
        digest.update(yaml.safe_dump(config, sort_keys=True).encode())
    version = f"{catalogue['version']}+{digest.hexdigest()[:10]}"
    ref.versions["catalogue"] = str(catalogue["version"])
    return RuleSet(version=version, catalogue_version=str(catalogue["version"]), rules=rules, ref=ref)


@lru_cache(maxsize=1)
def default_ruleset() -> RuleSet:
    """The bundled rule set without overrides (cached; treat as read-only)."""
    return load_ruleset()
