"""``stopship db import-customers FILE``: the API's import path from the command line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from stopship.cases.db import make_engine
from stopship.cases.prepared import encode
from stopship.cases.tables import customers
from stopship.cases.testing import sqlite_url
from stopship.cli.main import app
from stopship.screening.types import QueryRecord

runner = CliRunner()


def _run(tmp_path: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(tmp_path), *args],
                         env={"STOPSHIP_DATABASE_URL": ""})


def test_import_stores_the_master_with_prepared_names(tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    path.write_text("id,name,country\nC1,Myers Systems Ltd,DE\nC2,Ivan Petrov,\n"
                    "C1,Myers Systems GmbH,DE\n", encoding="utf-8")
    result = _run(tmp_path, "db", "import-customers", str(path), "--no-screen")
    assert result.exit_code == 0, result.output
    assert "received 3, new or changed 3, screened 0" in result.output
    engine = make_engine(sqlite_url(tmp_path))
    with engine.connect() as conn:
        rows = conn.execute(select(customers.c.external_id, customers.c.name,
                                   customers.c.prepared).order_by(customers.c.id)).all()
    engine.dispose()
    assert [(r[0], r[1]) for r in rows] == [("C1", "Myers Systems GmbH"), ("C2", "Ivan Petrov")]
    assert rows[0][2] == encode(QueryRecord("1", "Myers Systems GmbH", country="DE"))


def test_bad_rows_refuse_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,name,country\nC1,,DE\nC2,Ivan Petrov,Germany\n", encoding="utf-8")
    result = _run(tmp_path, "db", "import-customers", str(path))
    assert result.exit_code != 0
    assert "bad.csv" in result.output and "name" in result.output
