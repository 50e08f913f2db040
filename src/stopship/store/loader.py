"""Loading list files into the store: resolve the source, parse, then one store load
per list, and a summary of what was read, loaded and skipped (per file and per list).

Parsing finishes before anything is written, so a file that fails to parse (truncated,
wrong encoding, an XML bomb, over the size limit) never touches the store, and with
``strict`` the first bad row stops the load. Each list is then written as a new version
that becomes current only when complete (``ListStore.load``).
"""

from __future__ import annotations

import gzip
import inspect
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stopship.errors import ConfigError, InputError, Location, StopshipError
from stopship.model import Entity
from stopship.sources import get_source
from stopship.sources.base import MAX_FILE_BYTES, ParseReport, SkippedRow, Source, file_sha256
from stopship.store.bundled import Dataset, load_manifest, select
from stopship.store.liststore import ListStore
from stopship.store.types import FileInfo, LoadMeta, LoadResult

MAX_SKIPPED_KEPT = 1000  # skipped rows stored with each version's report


class LoadProgress:
    """Callbacks for a progress display; the default does nothing."""

    def parsing(self, label: str, entities: int, done: bool = False) -> None:
        """``entities`` parsed so far from ``label``'s files (``done``: all of them)."""

    def writing(self, list_id: str, done: int, total: int) -> None:
        """``done`` of ``total`` entities of ``list_id`` written."""


@dataclass
class FileSummary:
    path: str
    name: str
    sha256: str
    size: int
    rows_read: int = 0
    skipped: int = 0


@dataclass
class DatasetSummary:
    """The result of loading one set of files through one source."""

    label: str
    source_id: str
    files: list[FileSummary] = field(default_factory=list)
    lists: list[LoadResult] = field(default_factory=list)
    parsed: dict[str, int] = field(default_factory=dict)  # entities per list id
    not_taken: dict[str, int] = field(default_factory=dict)  # lists filtered out
    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.label, "source": self.source_id, "error": self.error,
            "files": [vars(f) for f in self.files],
            "lists": [r.as_dict() for r in self.lists], "parsed": self.parsed,
            "not_taken": self.not_taken, "rows_read": self.rows_read,
            "skipped": len(self.skipped), "skipped_by_reason": dict(self.skipped_by_reason()),
            "skipped_rows": [s.as_dict() for s in self.skipped[:MAX_SKIPPED_KEPT]],
            "notes": self.notes, "seconds": round(self.seconds, 3),
        }


@dataclass
class LoadSummary:
    datasets: list[DatasetSummary] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(d.error is None for d in self.datasets)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "datasets": [d.as_dict() for d in self.datasets]}


def guess_source(files: Sequence[Path], mapping: Path | None = None) -> str:
    """The source id for files given without ``--source``, from their names."""
    if mapping is not None:
        return "tabular"
    names = {_logical(p).lower() for p in files}
    suffixes = {Path(n).suffix for n in names}
    if names & {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"}:
        return "us_ofac_sdn"
    if any(n.startswith("consolidated") for n in names) and suffixes <= {".csv", ".tsv",
                                                                         ".json"}:
        return "us_trade_csl"
    if suffixes == {".xml"}:
        return "un_sc"
    if suffixes <= {".jsonl", ".ftm"} or any(n.endswith(".ftm.json") for n in names):
        return "ftm"
    raise ConfigError(f"cannot tell the format of {', '.join(sorted(names))}: name it with "
                      "--source (us_ofac_sdn, us_trade_csl, un_sc, ftm) or give a --mapping")


def check_file(path: Path, max_bytes: int | None) -> None:
    """InputError when ``path`` is missing or larger than ``max_bytes`` (for ``.gz``:
    packed or unpacked), before any parser reads it."""
    limit = max_bytes or MAX_FILE_BYTES
    if not path.is_file():
        raise InputError("no such file", Location(str(path)))
    size = path.stat().st_size
    hint = "(raise the limit with --max-bytes if this is really the list)"
    if size > limit:
        raise InputError(f"file is {size:,} bytes, over the limit of {limit:,} bytes {hint}",
                         Location(str(path)))
    if max_bytes is None or not path.name.lower().endswith(".gz"):
        return
    total = 0
    try:
        with gzip.open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                total += len(block)
                if total > limit:
                    raise InputError(f"unpacks to more than {limit:,} bytes {hint}",
                                     Location(str(path)))
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"broken gzip file: {exc}", Location(str(path))) from exc


def make_source(source_id: str, mapping: Path | None = None,
                list_ids: Sequence[str] | None = None) -> Source:
    """Instantiate a source with what it accepts: ``mapping`` for the tabular source,
    the (single) target ``list_id`` for sources that take one (FtM)."""
    from stopship.sources import REGISTRY

    kwargs: dict[str, Any] = {}
    if mapping is not None:
        kwargs["mapping"] = mapping
    if source_id in REGISTRY and list_ids and len(list_ids) == 1:
        module_name, class_name = REGISTRY[source_id].split(":")
        import importlib

        cls = getattr(importlib.import_module(module_name), class_name)
        if "list_id" in inspect.signature(cls.__init__).parameters:
            kwargs["list_id"] = list_ids[0]
    return get_source(source_id, **kwargs)


def load_files(store: ListStore, source_id: str | None, files: Sequence[Path], *,
               mapping: Path | None = None, list_ids: Sequence[str] | None = None,
               strict: bool = False, max_bytes: int | None = None,
               dataset: Dataset | None = None, label: str | None = None,
               progress: LoadProgress | None = None, allow_shrink: bool = False,
               max_drop: float | None = None, lock_wait: float = 0.0) -> DatasetSummary:
    """Parse ``files`` with ``source_id`` (guessed from the names when None) and load
    each list it yields (only ``list_ids`` when given) as a new version. Raises the
    parse error (InputError...) without writing anything if parsing fails. A store
    error of one list (another load running past ``lock_wait`` seconds, a version
    refused by the shrink guard unless ``allow_shrink``...) leaves the lists before
    it loaded and stops there: it is returned as ``summary.error``, with the parse
    report (rows read and skipped per file), not raised."""
    started = time.perf_counter()
    progress = progress or LoadProgress()
    files = [Path(f) for f in files]
    if not files:
        raise ConfigError("no files to load")
    for path in files:
        check_file(path, max_bytes)
    source_id = source_id or guess_source(files, mapping)
    source = make_source(source_id, mapping, list_ids)
    summary = DatasetSummary(label or (dataset.id if dataset else source_id), source_id)
    infos = [FileInfo(_logical(p), file_sha256(p), p.stat().st_size) for p in files]
    summary.files = [FileSummary(str(p), i.name, i.sha256, i.size or 0)
                     for p, i in zip(files, infos, strict=True)]

    report = ParseReport(strict=strict)
    wanted = set(list_ids or [])
    by_list: dict[str, list[Entity]] = {}
    for entity in _dedup(source.parse(files, report), report, progress, summary.label):
        if wanted and entity.list_id not in wanted:
            summary.not_taken[entity.list_id] = summary.not_taken.get(entity.list_id, 0) + 1
            continue
        by_list.setdefault(entity.list_id, []).append(entity)
    _fill_report(summary, report, files)
    if not by_list and not summary.not_taken:
        raise _nothing_read(summary, files)
    for list_id in sorted(wanted - set(by_list)):
        summary.notes.append(f"no entities for list {list_id} in these files")
    summary.parsed = {k: len(v) for k, v in sorted(by_list.items())}

    for list_id, entities in sorted(by_list.items()):
        meta = _meta(source, list_id, dataset, infos, summary)
        try:
            result = store.load(list_id, entities, meta,
                                progress=_writer(progress, list_id, len(entities)),
                                allow_shrink=allow_shrink, max_drop=max_drop,
                                lock_wait=lock_wait)
        except StopshipError as exc:
            summary.error = str(exc)
            break
        summary.lists.append(result)
    summary.seconds = time.perf_counter() - started
    return summary


def load_bundled(store: ListStore, *, only: list[str] | None = None, strict: bool = False,
                 progress: LoadProgress | None = None,
                 manifest: Path | None = None, allow_shrink: bool = False,
                 max_drop: float | None = None, lock_wait: float = 0.0) -> LoadSummary:
    """Load every bundled dataset (or those named in ``only``, by dataset or list id).
    A dataset that fails is recorded with its error and the others still load.
    ``allow_shrink``, ``max_drop``, ``lock_wait``: as for ``load_files``."""
    datasets = select(load_manifest(manifest) if manifest else load_manifest(), only)
    summary = LoadSummary()
    for ds in datasets:
        try:
            summary.datasets.append(load_files(
                store, ds.source, ds.files, mapping=ds.mapping, list_ids=ds.lists,
                strict=strict, dataset=ds, label=ds.id, progress=progress,
                allow_shrink=allow_shrink, max_drop=max_drop, lock_wait=lock_wait))
        except StopshipError as exc:
            summary.datasets.append(DatasetSummary(ds.id, ds.source, error=str(exc)))
    return summary


def _writer(progress: LoadProgress, list_id: str, total: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        progress.writing(list_id, done, total)

    return report


def _dedup(entities: Iterable[Entity], report: ParseReport, progress: LoadProgress,
           label: str) -> Iterator[Entity]:
    """Drop (and report) a repeated entity id: the first occurrence wins."""
    seen: set[str] = set()
    count = 0
    for entity in entities:
        if entity.id in seen:
            prov = entity.provenance
            report.skip(prov.file if prov else "?", prov.line if prov else None, "id",
                        f"duplicate id {entity.native_id!r}")
            continue
        seen.add(entity.id)
        count += 1
        if count % 1000 == 0:
            progress.parsing(label, count, done=True)
        yield entity
    progress.parsing(label, count, done=True)


def _nothing_read(summary: DatasetSummary, files: list[Path]) -> InputError:
    """The error for files that gave no entity at all (empty, all rows bad, wrong
    encoding): nothing is loaded, and the first skipped row says where to look."""
    rows = summary.rows_read
    if summary.skipped:
        first = summary.skipped[0]
        reasons = "; ".join(f"{n:,} x {r}" for r, n in summary.skipped_by_reason().most_common(3))
        return InputError(f"no entity could be read ({rows:,} rows read, "
                          f"{len(summary.skipped):,} skipped: {reasons}); nothing was loaded "
                          "(the location is the first bad row)",
                          Location(first.file, first.line, first.field))
    return InputError(f"no entity could be read ({rows:,} rows read): is the file empty or "
                      "of another format?", Location(", ".join(str(p) for p in files)))


def _fill_report(summary: DatasetSummary, report: ParseReport, files: list[Path]) -> None:
    summary.skipped = list(report.skipped)
    summary.notes.extend(report.notes)
    by_path = {f.path: f for f in summary.files}
    by_name = {f.name: f for f in summary.files}
    for key, rows in report.rows_read.items():
        target = by_path.get(str(key)) or by_name.get(_logical(Path(str(key))))
        if target is not None:
            target.rows_read += rows
    for row in report.skipped:
        target = by_path.get(row.file) or by_name.get(_logical(Path(row.file)))
        if target is not None:
            target.skipped += 1


def _meta(source: Source, list_id: str, dataset: Dataset | None, files: list[FileInfo],
          summary: DatasetSummary) -> LoadMeta:
    info = dict(source.meta.lists.get(list_id) or {})
    mapping = getattr(source, "mapping", None)
    from_mapping = mapping if getattr(mapping, "list_id", None) == list_id else None
    title = info.get("title") or getattr(from_mapping, "title", None) or list_id
    publisher = (info.get("publisher") or getattr(from_mapping, "publisher", None)
                 or (dataset.publisher if dataset else None) or source.meta.publisher)
    list_date = ((dataset.list_date if dataset else None)
                 or getattr(from_mapping, "list_date", None))
    url = ((dataset.url if dataset else None) or getattr(from_mapping, "url", None)
           or source.meta.url)
    report = summary.as_dict()
    report.pop("lists", None)
    if dataset is not None and dataset.origin:
        report["origin"] = dataset.origin
    return LoadMeta(source_id=source.id, title=str(title), publisher=publisher,
                    list_date=str(list_date) if list_date else None, url=url,
                    files=files, report=report)


def _logical(path: Path) -> str:
    name = path.name
    return name[:-3] if name.lower().endswith(".gz") else name
