"""Where stopship keeps its data, and the one place that reads the environment for it."""

from __future__ import annotations

import os
from pathlib import Path

from stopship.errors import ConfigError

ENV_DATA_DIR = "STOPSHIP_DATA_DIR"
ENV_DATABASE_URL = "STOPSHIP_DATABASE_URL"
ENV_SQLITE_SYNCHRONOUS = "STOPSHIP_SQLITE_SYNCHRONOUS"
ENV_CACHE_SCALE = "STOPSHIP_CACHE_SCALE"


def data_dir(explicit: str | Path | None = None) -> Path:
    """``--data-dir`` wins, then ``$STOPSHIP_DATA_DIR``, then the per-user data folder
    (``$XDG_DATA_HOME/stopship`` or ``~/.local/share/stopship``)."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get(ENV_DATA_DIR):
        path = Path(os.environ[ENV_DATA_DIR])
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "stopship"
    path = path.expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(explicit: str | None = None, data_directory: Path | None = None) -> str:
    """``--database-url`` wins, then ``$STOPSHIP_DATABASE_URL``, then SQLite in the data dir."""
    if explicit:
        return explicit
    if os.environ.get(ENV_DATABASE_URL):
        return os.environ[ENV_DATABASE_URL]
    directory = data_directory or data_dir()
    return f"sqlite:///{directory / 'stopship.db'}"


def sqlite_synchronous() -> str:
    """SQLite's ``PRAGMA synchronous`` for every connection (``$STOPSHIP_SQLITE_SYNCHRONOUS``,
    upper-cased; default ``NORMAL``). Checked by ``store.db.sqlite_synchronous``."""
    return (os.environ.get(ENV_SQLITE_SYNCHRONOUS) or "NORMAL").strip().upper()


def cache_scale() -> float:
    """``$STOPSHIP_CACHE_SCALE``: the factor on every screening memo table's size (default
    1; see ``stopship.memo``). Not a positive number: a ConfigError naming the variable."""
    raw = (os.environ.get(ENV_CACHE_SCALE) or "1").strip()
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{ENV_CACHE_SCALE} must be a positive number, got {raw!r}")
    return value


RESOURCES = Path(__file__).parent / "resources"
