"""Bulk writes for large imports: plain tuples straight to the database driver
(``executemany`` on SQLite, ``COPY`` on PostgreSQL), and primary keys handed out before
the rows are written, so many rows go in without a round trip each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection


def next_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` new primary keys for ``table``, in the order the database would give
    them to rows inserted one by one (SQLite: after the largest id, which the caller's
    write transaction holds still; PostgreSQL: from the column's sequence)."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :n)"), {"n": count})
        return sorted(int(r[0]) for r in rows)
    top = conn.execute(select(func.max(table.c.id))).scalar()
    start = int(top or 0) + 1
    return list(range(start, start + count))


def _names(conn: Connection, columns: Sequence[str]) -> str:
    quote = conn.dialect.identifier_preparer.quote
    return ", ".join(quote(c) for c in columns)


def insert_rows(conn: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) in the caller's transaction."""
    if not rows:
        return
    name = conn.dialect.identifier_preparer.quote(table.name)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(
                f"COPY {name} ({_names(conn, columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f"INSERT INTO {name} ({_names(conn, columns)}) VALUES ({marks})",
                             list(rows))
        return
    conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])


def update_rows(conn: Connection, table: Table, columns: Sequence[str], key: str,
                rows: Sequence[tuple[Any, ...]]) -> None:
    """``UPDATE table SET columns... WHERE key = ...`` for each row (the values in
    ``columns`` order, then the key), in the caller's transaction."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    sets = ", ".join(f"{quote(c)} = {mark}" for c in columns)
    conn.exec_driver_sql(f"UPDATE {quote(table.name)} SET {sets} WHERE {quote(key)} = {mark}",
                         list(rows))


def one_of(conn: Connection, column: Any, values: Sequence[Any]) -> Any:
    """``column IN values`` as a condition: one array parameter on PostgreSQL (a
    statement with hundreds of parameters is parsed again by the driver each time it is
    sent), the plain ``IN`` list elsewhere."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(f"{column.name}_values", list(values),
                                        type_=ARRAY(column.type)))
    return column.in_(list(values))


def fresh_statistics(conn: Connection, table: Table) -> bool:
    """On PostgreSQL, ``ANALYZE`` a table whose statistics say it is empty (never
    analyzed, or filled since): a plan made for an empty table scans it whole for each
    lookup by id. Returns whether it did (other connections see the statistics once the
    caller commits). Elsewhere nothing."""
    if conn.dialect.name != "postgresql":
        return False
    tuples = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = :name"),
                          {"name": table.name}).scalar()
    if tuples is not None and float(tuples) >= 1:
        return False
    conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.quote(table.name)}")
    return True
