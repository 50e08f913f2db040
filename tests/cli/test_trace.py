"""`stopship trace ...`: help texts, generate then run on a small set, errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stopship.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("args", [["trace", "--help"], ["trace", "generate", "--help"],
                                  ["trace", "run", "--help"]])
def test_help(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 200


def test_generate_then_run(tmp_path: Path) -> None:
    gen = runner.invoke(app, ["trace", "generate", "--rows", "10000", "--seed", "4",
                              "--output", str(tmp_path / "gen")])
    assert gen.exit_code == 0, gen.output
    assert "10,000 rows" in gen.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "trace", "run",
                                 str(tmp_path / "gen" / "records"), "--output", str(out),
                                 "--min-score", "45"])
    assert result.exit_code == 0, result.output
    assert "high-risk" in result.output
    with (out / "high_risk_parties.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(float(r["score"]) >= 45 for r in rows)
    assert (out / "summary.html").exists() and (out / "run.json").exists()


def test_run_accepts_the_generator_top_folder(tmp_path: Path) -> None:
    gen = runner.invoke(app, ["trace", "generate", "--rows", "3000", "--seed", "5",
                              "--output", str(tmp_path / "gen")])
    assert gen.exit_code == 0, gen.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "trace", "run",
                                 str(tmp_path / "gen"), "--output", str(out), "--no-letters"])
    assert result.exit_code == 0, result.output
    assert "3,000 records" in result.stdout
    assert f"reading its trade records from {tmp_path / 'gen' / 'records'}" in result.stderr
    assert (out / "run.json").exists()


def test_run_on_folder_without_records_names_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "trace", "run",
                                 str(empty), "--output", str(tmp_path / "o")])
    assert result.exit_code == 2
    said = "".join(result.stderr.split())  # the console may wrap a long path anywhere
    assert str(empty) in said and "notraderecords" in said


def test_run_on_missing_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "trace", "run",
                                 str(tmp_path / "missing"), "--output", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "not found" in result.output
