"""``stopship screen --engine spark`` gives exactly the local engine's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("pyspark")

from stopship.cli.main import app  # noqa: E402
from stopship.model import Entity  # noqa: E402
from stopship.screening.engine import ScreeningEngine, build_screener  # noqa: E402

pytestmark = [pytest.mark.spark, pytest.mark.timeout(300)]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "matching" / "entities.jsonl"
runner = CliRunner()


@pytest.fixture(scope="module")
def engine() -> ScreeningEngine:
    lines = FIXTURE.read_text("utf-8").splitlines()
    return build_screener(Entity.from_dict(json.loads(line)) for line in lines if line.strip())


def test_spark_screen_equals_local(tmp_path: Path, engine: ScreeningEngine,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("stopship.screening.open.open_screener", lambda d, lists=None: engine)
    src = tmp_path / "in.csv"
    entities = [Entity.from_dict(json.loads(line))
                for line in FIXTURE.read_text("utf-8").splitlines() if line.strip()]
    names = [e.caption for e in entities[:60]]
    rows = ["id,name", "bad,"] + [f"c{i},\"{n.replace(chr(34), '')}\"" for i, n in enumerate(names)]
    rows += ["x1,MCST JSC", "x2,Nobody Zzyzx"]
    src.write_text("\n".join(rows) + "\n", "utf-8")
    outs = {}
    for engine_name in ("local", "spark"):
        out = tmp_path / f"{engine_name}.jsonl"
        result = runner.invoke(app, ["--data-dir", str(tmp_path), "screen", str(src), "--output",
                                     str(out), "--engine", engine_name, "--processes", "1"])
        assert result.exit_code == 0, result.output
        outs[engine_name] = sorted(out.read_text("utf-8").splitlines())
    assert outs["local"] == outs["spark"]
    parsed = [json.loads(line) for line in outs["spark"]]
    assert any(r.get("entity_id") == "us_ofac_sdn:39180" for r in parsed)
    assert any(r.get("error") == "empty name" for r in parsed)
    assert len({r["query_id"] for r in parsed if r.get("entity_id")}) >= 40


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,X\n", "utf-8")
    result = runner.invoke(app, ["screen", str(src), "--output", str(tmp_path / "o.jsonl"),
                                 "--engine", "hadoop"])
    assert result.exit_code == 1
