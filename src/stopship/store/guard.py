"""The shrink guard: a new version that loses much of the current one is refused.

A truncated file that still parses (a CSV cut at a line end, a feed that served half
the list) would otherwise silently become the current version and drop real parties
from screening. ``check_shrink`` refuses a version that drops more than ``max_drop``
(default 20%) of the current version's entities, or has fewer than ``MIN_RATIO`` (50%)
of its entities, unless the caller allows it (``--allow-shrink``).
"""

from __future__ import annotations

from stopship.errors import StoreError

DEFAULT_MAX_DROP = 0.20
MIN_RATIO = 0.50


class ShrinkRefused(StoreError):
    """A load refused by the shrink guard; the current version stays current."""


def check_max_drop(max_drop: float | None) -> float:
    """``max_drop`` as a share in [0, 1] (None: the default); StoreError otherwise."""
    value = DEFAULT_MAX_DROP if max_drop is None else float(max_drop)
    if not 0.0 <= value <= 1.0:
        raise StoreError(f"the allowed share of dropped entities must be between 0 and 1, "
                         f"not {value}")
    return value


def check_shrink(list_id: str, old_version: int, old_count: int, new_count: int,
                 removed: int, max_drop: float | None = None) -> None:
    """ShrinkRefused when the new version drops more than ``max_drop`` of the
    ``old_count`` entities of ``old_version`` or has under half as many."""
    limit = check_max_drop(max_drop)
    if old_count <= 0:
        return
    share = removed / old_count
    why = []
    if share > limit:
        why.append(f"it drops {removed:,} of them ({share:.1%}, more than the allowed "
                   f"{limit:.0%})")
    if new_count < MIN_RATIO * old_count:
        why.append(f"it is under {MIN_RATIO:.0%} of the current size")
    if why:
        raise ShrinkRefused(
            f"refusing the new version of list {list_id!r}: {new_count:,} entities "
            f"against {old_count:,} in current version {old_version}; "
            f"{' and '.join(why)}. The current version is kept. If the list really "
            "shrank, load it again with --allow-shrink (or raise --max-drop).")
