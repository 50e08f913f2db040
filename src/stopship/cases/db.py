"""The server database: engine creation and migrations (own Alembic environment,
version table ``alembic_version_cases``; the list store keeps its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from stopship.errors import ConfigError
from stopship.store.db import sqlite_synchronous

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_cases"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for SQLite (WAL, foreign keys, working SAVEPOINTs) or PostgreSQL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        synchronous = sqlite_synchronous()  # NORMAL unless $STOPSHIP_SQLITE_SYNCHRONOUS
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # let SQLAlchemy drive BEGIN/SAVEPOINT
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # IMMEDIATE: take the write lock up front, so a transaction that reads then
            # writes (the audit head, an alert key) waits for its turn instead of failing;
            # connections of ``reader(engine)`` only read and take no lock
            if conn.get_execution_options().get("stopship_read"):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql"):
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise ConfigError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://...")


def reader(engine: Engine) -> Engine:
    """The same engine for read-only work: on SQLite its transactions take no write lock,
    so reads run beside a writer (WAL). Never write through it."""
    return engine.execution_options(stopship_read=True)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str, revision: str = "head", engine: Engine | None = None) -> None:
    """Bring the server tables (users, customers, alerts, cases, audit...) to ``revision``."""
    from alembic import command

    cfg = alembic_config(url)
    own = engine is None
    eng = engine or make_engine(url)
    try:
        with eng.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        if own:
            eng.dispose()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()
