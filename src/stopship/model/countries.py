"""Country names and codes: ``to_code("Russian Federation") == "RU"``.

ISO 3166 names come from pycountry; the spellings lists and customers use that ISO
does not carry live in ``resources/countries/aliases.yaml``. Loaded once, cached.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry
import yaml

from stopship.settings import RESOURCES

_NON_ALNUM = re.compile(r"[^0-9a-zа-я]+")


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", folded).strip()


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table[_key(value)] = country.alpha_2
        table[_key(country.alpha_3)] = country.alpha_2
    aliases = yaml.safe_load((RESOURCES / "countries" / "aliases.yaml").read_text("utf-8"))
    for name, code in aliases.items():
        table[_key(str(name))] = str(code)
    return table


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    codes = {c.alpha_2 for c in pycountry.countries}
    codes.update(v for v in _table().values())
    return frozenset(codes)


@lru_cache(maxsize=4096)
def to_code(value: str | None) -> str | None:
    """ISO alpha-2 code for a country name or code; None when unknown or empty.

    Two-letter inputs are taken as codes; three-letter ones as alpha-3 or a name."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        upper = text.upper()
        if upper == "UK":
            return "GB"
        return upper if upper in _codes() else None
    return _table().get(_key(text))


def name_of(code: str) -> str:
    """A readable name for an alpha-2 code (the code itself when unknown)."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name
