"""What happens after a new list version is loaded: an audit event, then re-screening of
the customer master against the delta. Called by the server when it sees a new current
version, by ``stopship db rescreen`` and by the API; safe to call twice (a re-screen run
is recorded per list and version pair and not repeated)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases.rescreen import RescreenResult, rescreen_from_store
from stopship.model import Entity
from stopship.screening.types import Screener

log = logging.getLogger("stopship.cases")


def version_number(value: Any) -> Any:
    """``"3"`` or ``"3:digest"`` or a VersionInfo -> 3 (what ``store.diff`` takes)."""
    text = str(getattr(value, "version", value))
    head = text.split(":", 1)[0].split(" ", 1)[0]
    return int(head) if head.isdigit() else text


def after_load(engine: Engine, store: Any, list_id: str, old_version: Any, new_version: Any,
               build_screener: Callable[[list[Entity]], Screener], *,
               actor: str = "system", processes: int = 1,
               blocking: bool = True, clear_order_days: int | None = None) -> RescreenResult:
    """Audit the list load and re-screen customers against what changed."""
    old = version_number(old_version) if old_version is not None else None
    new = version_number(new_version)
    versions = {str(k): str(version_number(v)) for k, v in dict(store.current_versions()).items()}
    result = rescreen_from_store(engine, store, list_id, old, new, build_screener, actor=actor,
                                 processes=processes, blocking=blocking,
                                 clear_order_days=clear_order_days)
    if not result.skipped:
        with engine.begin() as conn:
            audit.append(conn, actor, "list.load", subject_type="list", subject_id=list_id,
                         lists=versions, details={"old_version": old, "new_version": new,
                                                  "rescreen": result.as_dict()})
    return result


def changed_lists(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, Any, Any]]:
    """(list, old version, new version) for each list whose current version changed."""
    out = []
    for list_id, version in sorted(after.items()):
        old = before.get(list_id)
        if old != version:
            out.append((list_id, old, version))
    return out
