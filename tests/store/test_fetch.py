"""Fetching live feeds, against a local HTTP server started here (127.0.0.1, random
port): retries, timeouts, truncation, size limit, checksums, and `update` end to end."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from store_helpers import FIXTURES

from stopship.errors import FetchError
from stopship.store import ListStore
from stopship.store.bundled import load_manifest
from stopship.store.fetch import Fetcher, feed_urls, update

UN = (FIXTURES / "store" / "un_sc_excerpt.xml").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        hits = _Handler.hits
        hits[self.path] = hits.get(self.path, 0) + 1
        n = hits[self.path]
        if self.path == "/ok.xml" or (self.path == "/flaky.xml" and n >= 3):
            self._send(200, UN)
        elif self.path == "/flaky.xml":
            self._send(503, b"busy")
        elif self.path == "/missing.xml":
            self._send(404, b"not found")
        elif self.path == "/slow.xml":
            time.sleep(1.5)
            self._send(200, UN)
        elif self.path == "/truncated.xml":
            self.send_response(200)
            self.send_header("Content-Length", str(len(UN)))
            self.end_headers()
            self.wfile.write(UN[:100])
        elif self.path == "/huge.xml":  # no Content-Length: the limit must still hold
            self.send_response(200)
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x" * 65536)
        else:
            self._send(404, b"")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _fetcher(**kw: object) -> Fetcher:
    options: dict[str, object] = {"timeout": 5.0, "retries": 2, "backoff": 0.01}
    options.update(kw)
    return Fetcher(**options)  # type: ignore[arg-type]


def test_fetch_ok_with_checksum(server: str, tmp_path: Path) -> None:
    sha = hashlib.sha256(UN).hexdigest()
    got = _fetcher().fetch(f"{server}/ok.xml", tmp_path / "consolidated.xml", sha)
    assert (got.sha256, got.size, got.attempts) == (sha, len(UN), 1)
    assert (tmp_path / "consolidated.xml").read_bytes() == UN
    assert not (tmp_path / "consolidated.xml.part").exists()


def test_retries_server_errors(server: str, tmp_path: Path) -> None:
    got = _fetcher().fetch(f"{server}/flaky.xml", tmp_path / "f.xml")
    assert got.attempts == 3 and _Handler.hits["/flaky.xml"] == 3


@pytest.mark.parametrize("path, kw, message", [
    ("/missing.xml", {}, "HTTP 404"),
    ("/flaky.xml", {"retries": 1}, "after 2 attempts"),
    ("/slow.xml", {"timeout": 0.3, "retries": 0}, "Timeout"),
    ("/truncated.xml", {"retries": 1}, "after 2 attempts"),
    ("/huge.xml", {"max_bytes": 1_000_000}, "over the limit"),
    ("/ok.xml", {"sha": "0" * 64}, "checksum mismatch"),
])
def test_fetch_failures(server: str, tmp_path: Path, path: str, kw: dict[str, object],
                        message: str) -> None:
    sha = kw.pop("sha", None)
    dest = tmp_path / "out.xml"
    with pytest.raises(FetchError, match=message):
        _fetcher(**kw).fetch(f"{server}{path}", dest, sha)  # type: ignore[arg-type]
    assert not dest.exists() and not (tmp_path / "out.xml.part").exists()


def test_feed_urls_from_manifest_and_source_yaml() -> None:
    datasets = {d.id: d for d in load_manifest()}
    assert set(feed_urls(datasets["us_ofac_sdn"])) == {"sdn.csv", "alt.csv", "add.csv",
                                                      "sdn_comments.csv"}
    assert feed_urls(datasets["us_ofac_sdn"])["sdn.csv"].startswith("https://")
    assert feed_urls(datasets["us_trade_csl"])["consolidated.csv"].startswith(
        "https://data.trade.gov/")
    assert feed_urls(datasets["un_sc"], {"consolidated.xml": "http://x/y.xml"}) == \
        {"consolidated.xml": "http://x/y.xml"}
    assert not datasets["us_bis_el"].update  # the eCFR extract has no live feed


def test_update_fetches_and_loads_then_unchanged(server: str, tmp_path: Path) -> None:
    with ListStore.open(tmp_path) as store:
        overrides = {"un_sc:consolidated.xml": f"{server}/ok.xml"}
        summary = update(store, tmp_path / "downloads", only=["un_sc"], overrides=overrides,
                         fetcher=_fetcher())
        assert summary.ok, summary.as_dict()
        [ds] = summary.datasets
        assert [(r.list_id, r.status, r.entity_count) for r in ds.lists] == \
            [("un_sc", "created", 5)]
        version = store.current_version("un_sc")
        assert version is not None
        assert version.files[0].sha256 == hashlib.sha256(UN).hexdigest()
        assert version.url == f"{server}/ok.xml"
        assert "fetched by `stopship lists update`" in version.report["origin"]
        again = update(store, tmp_path / "downloads", only=["un_sc"], overrides=overrides,
                       fetcher=_fetcher())
        assert [r.status for r in again.datasets[0].lists] == ["unchanged"]


def test_update_failure_keeps_current(server: str, tmp_path: Path) -> None:
    with ListStore.open(tmp_path) as store:
        ok = {"consolidated.xml": f"{server}/ok.xml"}
        update(store, tmp_path / "d", only=["un_sc"], overrides=ok, fetcher=_fetcher())
        for bad in ("/truncated.xml", "/missing.xml"):
            summary = update(store, tmp_path / "d", only=["un_sc"],
                             overrides={"consolidated.xml": f"{server}{bad}"},
                             fetcher=_fetcher(retries=0))
            assert not summary.ok and summary.datasets[0].error
        current = store.current_version("un_sc")
        assert current is not None and (current.version, current.entity_count) == (1, 5)
