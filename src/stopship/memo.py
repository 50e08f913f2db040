"""Sizes of the screening path's memo tables, from one budget.

Screening remembers what it worked out per word (vocabulary matches, weights, skeleton
keys) and per name (preparations, retrieval views): customer files repeat both. Each table
has a fixed number of entries, so memory stays flat however long the file; a table that is
full is emptied (or, for ``functools.lru_cache``, drops its oldest entry).

``$STOPSHIP_CACHE_SCALE`` (default 1, read once at import) multiplies every size: below 1
on a machine short of memory, at some cost in speed (docs/benchmarks.md measures it).
"""

from __future__ import annotations

from stopship.settings import cache_scale

SCALE = cache_scale()
FLOOR = 1024


def entries(size: int) -> int:
    """``size`` scaled by ``$STOPSHIP_CACHE_SCALE``, never below ``FLOOR``."""
    return max(FLOOR, int(size * SCALE))
