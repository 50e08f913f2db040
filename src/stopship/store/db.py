"""Engines and migrations of the list store.

The store has its own Alembic environment (``migrations/``) and version table
``alembic_version_store``, so it can share one database with the server tables.
``migrate(url)`` brings a database to the newest schema; ``ListStore.open`` calls it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from stopship import settings
from stopship.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_store"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` use psycopg 3, the driver stopship ships."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


SYNCHRONOUS_LEVELS = ("NORMAL", "FULL", "EXTRA")


def sqlite_synchronous() -> str:
    """The ``PRAGMA synchronous`` level for SQLite connections: NORMAL (default; with WAL a
    commit survives a crash of the process, not of the machine), FULL or EXTRA (also a
    power loss, at an fsync per commit). See docs/architecture/store.md, "Durability"."""
    level = settings.sqlite_synchronous()
    if level not in SYNCHRONOUS_LEVELS:
        raise ConfigError(f"{settings.ENV_SQLITE_SYNCHRONOUS}={level!r}: use one of "
                          f"{', '.join(SYNCHRONOUS_LEVELS)} (OFF is not offered: a commit "
                          "could be lost when the process crashes)")
    return level


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for SQLite (WAL journal, busy timeout, explicit BEGIN) or PostgreSQL."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        synchronous = sqlite_synchronous()
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60},
                               **kwargs)
        memory = ":memory:" in url or url in ("sqlite://", "sqlite:///")

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            write = conn.get_execution_options().get("stopship_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise ConfigError(f"unsupported database URL {url!r}: use sqlite:///PATH or "
                      "postgresql://USER@HOST:PORT/DB")


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


def migrate(url: str, revision: str = "head", engine: Engine | None = None) -> None:
    """Bring the list store's tables in the database at ``url`` to ``revision``
    (default: the newest). Safe to call on every start: a database already at the
    head is left alone."""
    from alembic import command

    own = engine is None
    eng = engine or make_engine(url)
    try:
        if revision == "head" and current_revision(eng) == head_revision():
            return
        cfg = _alembic_config(url)
        with eng.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        if own:
            eng.dispose()
