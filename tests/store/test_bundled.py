"""The bundled manifest names existing files, distinct lists, and every dataset's
provenance (publisher, date, official URL, origin)."""

from __future__ import annotations

import gzip

import pytest

from stopship.errors import ConfigError
from stopship.sources import REGISTRY
from stopship.store.bundled import BUNDLED, load_manifest, select

# A list available from its own official file is not taken from the CSL's copy.
OWN_FILES = {"us_ofac_sdn", "us_bis_el", "us_bis_meu", "us_bis_dpl"}


def test_every_dataset_is_complete() -> None:
    datasets = load_manifest()
    assert {d.id for d in datasets} == {"us_ofac_sdn", "us_bis_el", "us_bis_meu",
                                        "us_bis_dpl", "un_sc", "us_trade_csl"}
    for ds in datasets:
        assert ds.source in REGISTRY
        assert ds.publisher and ds.list_date and ds.url and ds.origin, ds.id
        assert ds.files and all(f.is_file() for f in ds.files), ds.id
        assert ds.mapping is None or ds.mapping.is_file()
        for f in ds.files:
            with gzip.open(f) as handle:  # a whole, valid gzip stream
                while handle.read(1 << 20):
                    pass


def test_each_list_comes_from_one_dataset() -> None:
    taken = [x for d in load_manifest() for x in d.lists]
    assert len(taken) == len(set(taken))
    csl = next(d for d in load_manifest() if d.id == "us_trade_csl")
    assert not OWN_FILES & set(csl.lists)
    assert "us_bis_uvl" in csl.lists


def test_ecfr_provenance_ships() -> None:
    assert (BUNDLED / "us_bis_ecfr_2026-07" / "lists.json").is_file()


def test_select_by_dataset_or_list() -> None:
    datasets = load_manifest()
    assert [d.id for d in select(datasets, ["us_bis_uvl"])] == ["us_trade_csl"]
    assert [d.id for d in select(datasets, ["un_sc", "us_bis_el"])] == ["us_bis_el", "un_sc"]
    with pytest.raises(ConfigError, match="no bundled dataset"):
        select(datasets, ["eu_fsf"])
