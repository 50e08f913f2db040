"""The list store's tables (SQLAlchemy Core). The Alembic migrations in ``migrations/``
create exactly these; change both together.

- ``store_lists``: one row per list id, with the pointer to its current version.
- ``store_versions``: one row per load attempt of a list (status loading, complete,
  failed or abandoned), with the pid and hostname of the process that runs it (its
  ``created_at`` is when the load started); ``version`` counts per list from 1.
  Complete versions are never changed.
- ``store_entities``: the entities of each version, as the JSON of ``Entity.to_dict()``
  with the ``Entity.content_hash()`` beside it, so deltas compare hashes first.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Integer ids on SQLite must be exactly INTEGER to alias the rowid (autoincrement).
_BigId = BigInteger().with_variant(Integer(), "sqlite")

lists = Table(
    "store_lists",
    metadata,
    Column("list_id", String(100), primary_key=True),
    Column("title", Text, nullable=True),
    Column("publisher", Text, nullable=True),
    Column("current_version_id", _BigId, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

versions = Table(
    "store_versions",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("list_id", String(100), ForeignKey("store_lists.list_id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),  # loading|complete|failed|abandoned
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=True),
    Column("source_id", String(100), nullable=True),
    Column("title", Text, nullable=True),
    Column("publisher", Text, nullable=True),
    Column("list_date", String(40), nullable=True),
    Column("url", Text, nullable=True),
    Column("files", Text, nullable=False, default="[]"),  # JSON [{name, sha256, size}]
    Column("entity_count", Integer, nullable=False, default=0),
    Column("counts", Text, nullable=False, default="{}"),  # JSON {schema: n}
    Column("report", Text, nullable=False, default="{}"),  # JSON parse report
    Column("digest", String(64), nullable=True),  # sha256 over sorted (id, content_hash)
    Column("error", Text, nullable=True),  # why it failed or was abandoned
    Column("pid", Integer, nullable=True),  # the loading process (store_0002)
    Column("hostname", String(255), nullable=True),
    UniqueConstraint("list_id", "version", name="uq_store_versions_list_version"),
)

entities = Table(
    "store_entities",
    metadata,
    Column("version_id", _BigId, ForeignKey("store_versions.id"), primary_key=True),
    Column("entity_id", String(300), primary_key=True),
    Column("schema", String(20), nullable=False),
    Column("caption", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("data", Text, nullable=False),  # JSON of Entity.to_dict()
)

Index("ix_store_entities_entity", entities.c.entity_id)
Index("ix_store_versions_status", versions.c.status)
