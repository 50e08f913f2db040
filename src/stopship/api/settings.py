"""What the server needs to run: where its database and lists are, and limits."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stopship.screening.types import Screener

# (screener, {list_id: version}) over the current list versions
ScreenerFactory = Callable[[], tuple[Screener, dict[str, str]]]


@dataclass
class ServerSettings:
    database_url: str
    data_dir: Path | None = None
    session_ttl_seconds: int = 8 * 3600
    max_body_bytes: int = 2_000_000
    max_upload_bytes: int = 50_000_000
    max_batch: int = 1000
    login_attempts: int = 5  # failed logins per (client, username) ...
    login_window_seconds: int = 300  # ... within this window
    secure_cookies: bool = False
    run_migrations: bool = True
    rules_version: str | None = None
    freeze_gc: bool = True  # gc.freeze() after building the screener (api/context.py)
    auto_rescreen: bool = True  # re-screen customers when a new list version appears
    screener_factory: ScreenerFactory | None = None
    store_factory: Callable[[], Any] | None = None
    order_screener_factory: Callable[[Screener], Any] | None = None
    entity_screener_builder: Callable[[list[Any]], Screener] | None = None
    csrf_secret: str = field(default_factory=lambda: secrets.token_hex(16))
