"""A saved index is keyed by the list versions AND by how names are prepared."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopship.index import persist


def test_hash_changes_with_versions_and_preparation(monkeypatch: pytest.MonkeyPatch) -> None:
    base = persist.index_hash({"us_ofac_sdn": "1:abc"})
    assert base == persist.index_hash({"us_ofac_sdn": "1:abc"})
    assert base != persist.index_hash({"us_ofac_sdn": "2:abd"})
    monkeypatch.setattr(persist, "preparation_fingerprint", lambda: "changed-legal-forms")
    assert base != persist.index_hash({"us_ofac_sdn": "1:abc"})


def test_fingerprint_covers_reference_data() -> None:
    persist.preparation_fingerprint.cache_clear()
    first = persist.preparation_fingerprint()
    assert len(first) == 16
    root = Path(persist.__file__).resolve().parents[1]
    assert (root / "resources" / "names" / "legal_forms.yaml").exists()
