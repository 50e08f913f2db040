"""Persist the index per set of list versions: ``<data_dir>/index/<hash>/index.pkl``.

The folder name hashes the sorted ``list_id=version`` pairs (and the index format
version), so a new list version gets a new index and an old one is never reused.
Written to a temporary folder and renamed into place, so a crash never leaves a half
index where a reader could find it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from stopship.errors import StoreError
from stopship.index.build import IndexData

FORMAT_VERSION = "1"
INDEX_FILE = "index.pkl"


@lru_cache(maxsize=1)
def preparation_fingerprint() -> str:
    """Hash of everything that decides how a list name is prepared and indexed: the code
    of ``names``, ``matching`` and ``index`` and their reference data. A saved index built
    by another version of any of these is never reused."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in ("names", "matching", "index", "resources/names", "resources/matching"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".yaml", ".yml", ".csv", ".json"}:
                digest.update(str(path.relative_to(root)).encode("utf-8"))
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def index_hash(versions: dict[str, str]) -> str:
    """Stable hash of ``{list_id: version:digest}`` plus the index format and the
    preparation fingerprint (code and reference data of names, matching, index)."""
    from stopship.matching.prepared import using_fallback

    parts = [f"format={FORMAT_VERSION}", f"fallback={using_fallback()}",
             f"prepare={preparation_fingerprint()}"]
    parts += [f"{k}={versions[k]}" for k in sorted(versions)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]


def index_path(data_dir: Path, versions: dict[str, str]) -> Path:
    return Path(data_dir) / "index" / index_hash(versions)


def save_index(data: IndexData, folder: Path) -> Path:
    """Write ``data`` into ``folder`` atomically; returns the folder."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        with open(tmp / INDEX_FILE, "wb") as handle:
            pickle.dump(data, handle, protocol=5)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def load_index(folder: Path) -> IndexData:
    """Load a saved index; StoreError when missing or unreadable."""
    path = Path(folder) / INDEX_FILE
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)  # noqa: S301 - our own file in our own data dir
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise StoreError(f"cannot load index {path}: {exc}; delete the folder to rebuild it") from exc
    if not isinstance(data, IndexData):
        raise StoreError(f"{path} is not a stopship index; delete the folder to rebuild it")
    return data
