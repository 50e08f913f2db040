"""``stopship screen`` and ``stopship check`` through the CLI (index built from the real
fixture entities; the store is replaced by a stub that returns them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stopship.cli.main import app
from stopship.model import Entity
from stopship.screening.engine import ScreeningEngine, build_screener

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "matching" / "entities.jsonl"
runner = CliRunner()


@pytest.fixture(scope="module")
def engine() -> ScreeningEngine:
    lines = FIXTURE.read_text("utf-8").splitlines()
    return build_screener(Entity.from_dict(json.loads(line)) for line in lines if line.strip())


@pytest.fixture(autouse=True)
def stub_store(monkeypatch: pytest.MonkeyPatch, engine: ScreeningEngine) -> list[object]:
    calls: list[object] = []

    def fake_open(data_dir: Path, lists: list[str] | None = None) -> ScreeningEngine:
        calls.append(lists)
        return engine

    monkeypatch.setattr("stopship.screening.open.open_screener", fake_open)
    return calls


def test_help_texts() -> None:
    for command in ("screen", "check"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "--lists" in result.output


def test_screen_jsonl(tmp_path: Path, stub_store: list[object]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,MCST JSC\n2,\n3,Nobody Zzyzx\n", "utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "screen", str(src), "--output",
                                 str(out), "--lists", "us_ofac_sdn,us_bis_el"])
    assert result.exit_code == 0, result.output
    assert stub_store == [["us_ofac_sdn", "us_bis_el"]]
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert any(r.get("entity_id") == "us_ofac_sdn:39180" for r in rows)
    assert any(r.get("error") == "empty name" for r in rows)
    assert "records/s" in result.output


def test_screen_html_and_min_score(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,Vladimir Putin\n", "utf-8")
    out = tmp_path / "out.html"
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "screen", str(src), "-o", str(out),
                                 "--min-score", "0.5", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "PUTIN" in out.read_text("utf-8")


def test_screen_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "screen", str(tmp_path / "no.csv"),
                                 "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert "file not found" in " ".join(result.output.split())
    assert not (tmp_path / "o.jsonl").exists()


def test_check(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "check", "Schtscherbakow Kirill",
                                 "--schema", "person", "--country", "RU"])
    assert result.exit_code == 0, result.output
    assert "SHCHERBAKOV" in result.output and "ALERT" in result.output


def test_check_unusable_name(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "check", "LLC"])
    assert result.exit_code == 1
    assert "legal form" in " ".join(result.output.split())
