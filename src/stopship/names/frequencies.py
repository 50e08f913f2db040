"""Token document frequencies: how common a token (or key) is among the list names.

The matcher builds the table once per list version at index build time (``count``) and
weighs tokens by rarity (``idf_weight``): a shared ``TRADING`` or ``KIM`` is weak evidence,
a shared ``ROMASHKA`` strong.  Pure functions; the table is a plain ``dict``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stopship.names.types import PreparedName


@dataclass(frozen=True, slots=True)
class FrequencyTable:
    """Document frequencies of tokens and of keys over ``documents`` names."""

    documents: int
    tokens: Mapping[str, int]
    keys: Mapping[str, int]


def count(names: Iterable[PreparedName]) -> FrequencyTable:
    """Count, per token and per key, the number of names holding it (each name once)."""
    tokens: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    documents = 0
    for name in names:
        documents += 1
        tokens.update(set(name.tokens))
        keys.update(set(name.keys))
    return FrequencyTable(documents, dict(tokens), dict(keys))


def idf_weight(df: int, documents: int, floor: float = 0.05) -> float:
    """Rarity weight in (floor, 1]: 1 for a token seen once (or never), falling with the
    logarithm of its document frequency; ``floor`` keeps very common tokens above zero."""
    if documents <= 1 or df <= 1:
        return 1.0
    weight = math.log((documents + 1) / df) / math.log(documents + 1)
    return max(floor, min(1.0, weight))


def token_weight(table: FrequencyTable, token: str, key: str | None = None) -> float:
    """Weight of one token: the rarer of its token and key frequencies decides (a common key
    such as ``muhammad`` makes every spelling of it common)."""
    df = table.tokens.get(token, 0)
    if key is not None:
        df = max(df, table.keys.get(key, 0))
    return idf_weight(df, table.documents)
