"""Server state shared by the API and the web pages: the database engine, the screener
over the current list versions (rebuilt when a list version changes), the list store."""

from __future__ import annotations

import gc
import logging
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from stopship.api.errors import ApiError
from stopship.api.settings import ServerSettings
from stopship.audit.writer import AuditWriter
from stopship.cases.db import make_engine, reader, upgrade
from stopship.screening.types import Screener

log = logging.getLogger("stopship.server")
RECHECK_SECONDS = 5.0


def _data_dir(settings: ServerSettings) -> Path:
    from stopship import settings as paths

    return paths.data_dir(settings.data_dir)


def default_store_factory(settings: ServerSettings) -> Any:
    """The list store in the server's database."""
    def factory() -> Any:
        from stopship.store import ListStore

        return ListStore.open(data_dir=_data_dir(settings), url=settings.database_url)
    return factory


def default_screener_factory(settings: ServerSettings) -> Any:
    """The real engine over the store's current versions (index built once, persisted)."""
    def factory() -> tuple[Screener, dict[str, str]]:
        from stopship.screening.open import open_screener
        from stopship.store import ListStore

        store = ListStore.open(data_dir=_data_dir(settings), url=settings.database_url)
        try:
            versions = {str(k): str(v) for k, v in store.current_versions().items()}
        finally:
            store.close()
        return open_screener(_data_dir(settings)), versions
    return factory


def _freeze_gc() -> None:
    """Move everything alive (the screener's index above all) out of the garbage
    collector's reach: a full collection walks it otherwise, which took 80-140 ms with the
    bundled lists, stalling every request in flight (the p99 of the load benchmark).
    Unfreezing first lets the previous screener go."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class ServerContext:
    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        if settings.run_migrations:
            upgrade(settings.database_url)
        self.engine: Engine = make_engine(settings.database_url)
        self.read_engine: Engine = reader(self.engine)
        # group commit for screening events (they record no other change)
        self.audit = AuditWriter(self.engine)
        self._lock = threading.Lock()
        self._rechecking = threading.Lock()
        self._screener: tuple[Screener, dict[str, str]] | None = None
        self._checked = 0.0
        self._store: Any = None
        self._orders: tuple[Screener, Any] | None = None
        self.background: list[threading.Thread] = []
        self.screener_factory = settings.screener_factory or default_screener_factory(settings)
        self.store_factory = settings.store_factory or default_store_factory(settings)

    # -- list store -----------------------------------------------------------------
    def store(self) -> Any:
        if self._store is None:
            try:
                self._store = self.store_factory()
            except ImportError as exc:
                raise ApiError(503, "unavailable", "the list store is not installed") from exc
        return self._store

    def current_versions(self) -> dict[str, str]:
        try:
            return {str(k): str(v) for k, v in dict(self.store().current_versions()).items()}
        except ApiError:
            return self._screener[1] if self._screener else {}

    # -- screener -------------------------------------------------------------------
    def screening_cached(self) -> tuple[Screener, dict[str, str]] | None:
        """The screener without I/O (safe on the event loop), or None before the first one
        is built. When its list versions were last checked RECHECK_SECONDS ago or more, a
        background thread checks them (and rebuilds the screener if a list changed) while
        the current screener keeps serving: answers carry the list versions they used, and
        nobody waits for the check (a synchronous check stalled every request in flight
        every 5 s: the p99 of the load benchmark)."""
        current = self._screener
        if current is not None and time.monotonic() - self._checked >= RECHECK_SECONDS:
            self._recheck_in_background()
        return current

    def _recheck_in_background(self) -> None:
        if not self._rechecking.acquire(blocking=False):
            return  # one check at a time

        def work() -> None:
            try:
                self.screening()
            except Exception:  # noqa: BLE001 - logged; the next request tries again
                log.exception("checking the list versions failed")
            finally:
                self._rechecking.release()

        threading.Thread(target=work, name="stopship-recheck", daemon=True).start()

    def screening(self) -> tuple[Screener, dict[str, str]]:
        """The screener and the list versions it covers; rebuilt when versions change."""
        now = time.monotonic()
        current = self._screener
        if current is not None and now - self._checked < RECHECK_SECONDS:
            return current
        with self._lock:
            if self._screener is not None and now - self._checked < RECHECK_SECONDS:
                return self._screener
            if self._screener is not None:
                try:
                    if self.current_versions() == self._screener[1]:
                        self._checked = now
                        return self._screener
                except Exception:  # noqa: BLE001 - keep serving the screener we have
                    self._checked = now
                    return self._screener
            previous = self._screener[1] if self._screener is not None else None
            try:
                self._screener = self.screener_factory()
            except ImportError as exc:
                raise ApiError(503, "unavailable",
                               "the screening engine is not installed") from exc
            except Exception as exc:
                log.exception("cannot build the screener")
                raise ApiError(503, "unavailable",
                               f"no screener: load lists first ({exc})") from exc
            self._checked = now
            if self.settings.freeze_gc:
                _freeze_gc()
            if previous is not None and self.settings.auto_rescreen:
                self._rescreen_later(previous, self._screener[1])
            return self._screener

    def _rescreen_later(self, before: dict[str, str], after: dict[str, str]) -> None:
        """A list changed while serving: re-screen customers against it in the background."""
        from stopship.cases.listload import after_load, changed_lists

        changes = [c for c in changed_lists(before, after) if c[1] is not None]
        if not changes:
            return

        def work() -> None:
            from stopship.screening.engine import build_screener

            builder = self.settings.entity_screener_builder or build_screener
            for list_id, old, new in changes:
                try:
                    after_load(self.engine, self.store(), list_id, old, new, builder)
                except Exception:  # noqa: BLE001 - logged; the next check retries
                    log.exception("re-screening after a load of %s failed", list_id)

        thread = threading.Thread(target=work, name="stopship-rescreen", daemon=True)
        self.background.append(thread)
        thread.start()

    def order_screener(self) -> Any:
        """The order rule engine over the current screener (rebuilt with it)."""
        screener, lists = self.screening()
        cached = self._orders
        if cached is not None and cached[0] is screener:
            return cached[1]
        factory = self.settings.order_screener_factory
        if factory is not None:
            built = factory(screener)
        else:
            built = self._default_order_screener(screener, lists)
        self._orders = (screener, built)
        return built

    def _default_order_screener(self, screener: Screener, lists: dict[str, str]) -> Any:
        """The rule engine over our screener, with the list entries' contact details (R-A5)
        and flags (R-A3, MEU footnote) read once from the store, as ``OrderScreener.open``."""
        from stopship.rules.catalogue import default_ruleset
        from stopship.rules.contacts import ContactIndex
        from stopship.rules.engine import OrderScreener

        ruleset = default_ruleset()
        contacts = ContactIndex(free_mail=ruleset.ref.free_mail)
        flags: dict[str, dict[str, Any]] = {}
        store = self.store()
        for list_id in lists:
            for entity in store.iter_entities(list_id):
                contacts.add(entity)
                if entity.flags:
                    flags[entity.id] = entity.flags
        return OrderScreener(screener, ruleset, contacts, list_versions=lists,
                             entity_flags=flags)

    def invalidate(self) -> None:
        with self._lock:
            self._screener = None
            self._store = None

    def close(self) -> None:
        self.audit.close()
        self.engine.dispose()
