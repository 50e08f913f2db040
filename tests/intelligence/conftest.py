"""A small generated trade data set (20,000 rows, seed 11) and its analysis, shared by the
intelligence tests of one worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopship.engines import open_engine
from stopship.intelligence.generate import GenerateReport, generate
from stopship.intelligence.listed import ListContext, sample_entities
from stopship.intelligence.pipeline import Analysis, analyse

ROWS = 20_000
SEED = 11


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateReport]:
    out = tmp_path_factory.mktemp("trace-gen")
    return out, generate(ROWS, SEED, out, chunk_rows=7_000)


@pytest.fixture(scope="session")
def sample_lists() -> ListContext:
    return ListContext(sample_entities(), "bundled sample")


@pytest.fixture(scope="session")
def analysis(generated: tuple[Path, GenerateReport], sample_lists: ListContext) -> Analysis:
    folder, _ = generated
    engine = open_engine("duckdb")
    try:
        return analyse(engine, [folder / "records"], sample_lists)
    finally:
        engine.close()
