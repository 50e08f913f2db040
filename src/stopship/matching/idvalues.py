"""Identifier values as matching compares them: scheme-agnostic normalised values.

Delegates to ``stopship.names.ids`` when present; otherwise (fallback) an identifier is
its upper-case letters and digits. Only values long enough to be distinctive count.
"""

from __future__ import annotations

import re
from typing import Any

_ids: Any
try:  # pragma: no cover
    from stopship.names import ids as _ids
except ImportError:  # pragma: no cover
    _ids = None

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")
_CANDIDATE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./-]{4,}[A-Za-z0-9]")
MIN_LENGTH = 6
# Schemes whose agreement is strong enough to decide a match alone.
STRONG_SCHEMES = frozenset({
    "inn", "ogrn", "ogrnip", "kpp", "imo", "mmsi", "swift", "bic", "passport", "national_id",
    "tax_id", "registration", "lei", "duns", "cage", "aircraft_serial", "aircraft_tail", "okpo",
    "uscc", "vat", "other",
})


def normalise_value(value: str) -> str:
    """``INN 7707-083893`` -> ``INN7707083893``; the comparison form of one value."""
    return _NON_ALNUM.sub("", value.upper())


_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")


def _distinctive(value: str) -> bool:
    """Long enough and mostly digits, or shaped like a SWIFT/BIC code."""
    if len(value) < MIN_LENGTH:
        return False
    return sum(ch.isdigit() for ch in value) >= 4 or bool(_BIC.match(value))


def entity_values(identifiers: list[Any]) -> tuple[str, ...]:
    """Normalised values of an entity's identifiers (``model.Identifier``)."""
    out: list[str] = []
    for ident in identifiers:
        value = normalise_value(str(ident.value))
        for cand in (value, _PREFIX.sub("", value)):
            if _distinctive(cand) and cand not in out:
                out.append(cand)
    return tuple(out)


_PREFIX = re.compile(
    r"^(?:INN|OGRN|OGRNIP|KPP|IMO|MMSI|SWIFT|BIC|PASSPORT|PASS|TAX|VAT|REG|NO|NR|ID|OKPO|LEI|DUNS)",
)


def query_values(texts: list[str]) -> tuple[str, ...]:
    """Identifier values in a record's free-text identifiers (``INN 7707083893; IMO 9123456``)."""
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        found: list[str] = []
        if _ids is not None and hasattr(_ids, "parse_identifiers"):
            try:
                for item in _ids.parse_identifiers(text):
                    value = getattr(item, "value", None)
                    if value is None and isinstance(item, tuple):
                        value = item[-1]
                    if value:
                        found.append(str(value))
            except Exception:  # noqa: BLE001 - a parse failure only loses a hint
                found = []
        for part in re.split(r"[;,|\n]+", text):
            for raw in _CANDIDATE.findall(part):
                found.append(raw)
        for raw in found:
            value = normalise_value(raw)
            for cand in (value, _PREFIX.sub("", value)):
                if _distinctive(cand) and cand not in out:
                    out.append(cand)
    return tuple(out)
