"""Fetching the official live feeds for ``stopship lists update`` (only when asked:
nothing in stopship goes to the network on its own).

Each download is streamed to ``<file>.part`` with a timeout, a size limit, up to
``retries`` further attempts on network errors, 5xx and 429 answers (exponential
backoff), a check that the body is as long as the server's Content-Length said, and a
sha256 check when an expected checksum is known (``sha256:`` in the manifest or
``--sha256 NAME=HEX``). Only a complete, verified file is renamed into place.
None of the official feeds publishes a checksum, so the sha256 of every download is
recorded on the list version it produces instead.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx

from stopship.errors import ConfigError, FetchError, Location, StopshipError
from stopship.sources import get_source
from stopship.sources.base import MAX_FILE_BYTES
from stopship.store.bundled import Dataset, load_manifest, select
from stopship.store.liststore import ListStore
from stopship.store.loader import DatasetSummary, LoadProgress, LoadSummary, load_files

USER_AGENT = "stopship-lists-update/0.1"


@dataclass
class Fetched:
    name: str
    url: str
    path: Path
    sha256: str
    size: int
    attempts: int


class Fetcher:
    """Downloads one URL at a time; see the module docstring for the checks."""

    def __init__(self, *, timeout: float = 60.0, retries: int = 3, backoff: float = 1.0,
                 max_bytes: int = MAX_FILE_BYTES, client: httpx.Client | None = None) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.client = client or httpx.Client(timeout=httpx.Timeout(timeout),
                                             follow_redirects=True,
                                             headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self.client.close()

    def fetch(self, url: str, dest: Path, expected_sha256: str | None = None) -> Fetched:
        """Download ``url`` to ``dest``; FetchError after the last failed attempt."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        last: Exception | None = None
        for attempt in range(1, self.retries + 2):
            try:
                sha, size = self._once(url, dest.with_name(dest.name + ".part"))
            except _Retryable as exc:
                last = exc
                if attempt <= self.retries:
                    time.sleep(self.backoff * (2 ** (attempt - 1)))
                continue
            if expected_sha256 and sha != expected_sha256.lower():
                dest.with_name(dest.name + ".part").unlink(missing_ok=True)
                raise FetchError(f"checksum mismatch for {url}: got sha256 {sha}, expected "
                                 f"{expected_sha256}", Location(str(dest)))
            dest.with_name(dest.name + ".part").replace(dest)
            return Fetched(dest.name, url, dest, sha, size, attempt)
        dest.with_name(dest.name + ".part").unlink(missing_ok=True)
        raise FetchError(f"could not fetch {url} after {self.retries + 1} attempts: {last}",
                         Location(str(dest)))

    def _once(self, url: str, part: Path) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code >= 500 or response.status_code == 429:
                    raise _Retryable(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise FetchError(f"{url} answered HTTP {response.status_code}")
                expected = response.headers.get("content-length")
                if expected and expected.isdigit() and int(expected) > self.max_bytes:
                    raise FetchError(f"{url} announces {int(expected):,} bytes, over the "
                                     f"limit of {self.max_bytes:,} (raise --max-bytes)")
                with open(part, "wb") as out:
                    for block in response.iter_bytes(1 << 16):  # content-decoded
                        size += len(block)
                        if size > self.max_bytes:
                            raise FetchError(f"{url} sent more than {self.max_bytes:,} bytes, "
                                             "over the limit (raise --max-bytes)")
                        digest.update(block)
                        out.write(block)
                got = response.num_bytes_downloaded  # bytes on the wire
                if expected and expected.isdigit() and got != int(expected):
                    raise _Retryable(f"truncated: got {got:,} of {int(expected):,} bytes")
        except httpx.TransportError as exc:  # timeouts, refused connections, resets
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        except FetchError:
            part.unlink(missing_ok=True)
            raise
        return digest.hexdigest(), size


class _Retryable(Exception):
    pass


def feed_urls(dataset: Dataset, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """``{file name: URL}`` for a dataset's feeds: an override (keyed ``dataset:name`` or
    ``name``) wins, then the URL in the manifest, then the source's ``feeds:``."""
    overrides = overrides or {}
    feeds: dict[str, str] = {}
    source_feeds: dict[str, str] | None = None
    for feed in dataset.update:
        url = overrides.get(f"{dataset.id}:{feed.name}") or overrides.get(feed.name) or feed.url
        if not url and feed.feed:
            if source_feeds is None:
                kwargs = dataset.source_kwargs()
                source_feeds = dict(get_source(dataset.source, **kwargs)
                                    .meta.extra.get("feeds") or {})
            url = source_feeds.get(feed.feed)
        if not url:
            raise ConfigError(f"no URL for feed {feed.name!r} of dataset {dataset.id!r}")
        feeds[feed.name] = url
    return feeds


def update(store: ListStore, download_dir: Path, *, only: list[str] | None = None,
           overrides: dict[str, str] | None = None, checksums: dict[str, str] | None = None,
           fetcher: Fetcher | None = None, strict: bool = False,
           progress: LoadProgress | None = None, allow_shrink: bool = False,
           max_drop: float | None = None, lock_wait: float = 0.0) -> LoadSummary:
    """Fetch the live feed of every bundled dataset that has one (or those in ``only``)
    into ``download_dir/<dataset>/<UTC time>/`` and load it like the bundled copy. A
    dataset whose fetch or load fails is recorded with its error; others go on. A
    feed that lost much of the list is refused by the shrink guard unless
    ``allow_shrink`` (see ``ListStore.load`` for it, ``max_drop`` and ``lock_wait``)."""
    datasets = [d for d in select(load_manifest(), only) if d.update]
    if only and not datasets:
        raise ConfigError(f"no updatable dataset among {', '.join(only)}")
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    checksums = checksums or {}
    summary = LoadSummary()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        for ds in datasets:
            try:
                urls = feed_urls(ds, overrides)
                target = download_dir / ds.id / stamp
                files = []
                for feed in ds.update:
                    expected = checksums.get(feed.name) or feed.sha256
                    got = fetcher.fetch(urls[feed.name], target / feed.name, expected)
                    files.append(got.path)
                live = replace(ds, files=files, list_date=datetime.now(UTC).date().isoformat(),
                               url=urls[ds.update[0].name],
                               origin=f"fetched by `stopship lists update` at {stamp} from "
                                      + ", ".join(urls.values()))
                summary.datasets.append(load_files(
                    store, ds.source, files, mapping=ds.mapping, list_ids=ds.lists,
                    strict=strict, max_bytes=fetcher.max_bytes, dataset=live, label=ds.id,
                    progress=progress, allow_shrink=allow_shrink, max_drop=max_drop,
                    lock_wait=lock_wait))
            except StopshipError as exc:  # fetch, parse or load error of this feed
                summary.datasets.append(DatasetSummary(ds.id, ds.source, error=str(exc)))
    finally:
        if own:
            fetcher.close()
    return summary
