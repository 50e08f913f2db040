"""The screening engine: index + matcher behind the ``Screener`` protocol.

``build_screener(entities)`` indexes entities in memory; ``open_screener(data_dir)``
loads (or builds and persists) the index for the store's current list versions. Batch
screening forks worker processes that share the loaded index copy-on-write.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from stopship.errors import InputError
from stopship.index import CandidateIndex, IndexData, build_index
from stopship.matching import CName, MatchCandidate, MatchQuery, load_config, score_candidate
from stopship.matching.prepared import prepare_name
from stopship.matching.scoring import list_name, query_name
from stopship.model import Entity
from stopship.screening.query import prepare_record
from stopship.screening.types import Explanation, Hit, QueryRecord


@dataclass(slots=True)
class Outcome:
    """The result of screening one record in a batch: hits, or the reason it was refused."""

    record: QueryRecord
    hits: list[Hit]
    error: str | None = None


class ScreeningEngine:
    """Screens query records against the indexed lists (implements ``Screener``)."""

    def __init__(self, data: IndexData, lists: Iterable[str] | None = None,
                 algorithm: str = "default", entities: dict[str, Entity] | None = None,
                 entity_loader: Callable[[str], Entity | None] | None = None) -> None:
        self.index = CandidateIndex(data)
        self.config = load_config(algorithm, idf=self.index.idf_of, max_idf=data.max_idf)
        self.threshold = self.config.threshold
        self._entities = entities or {}
        self._loader = entity_loader
        self.attach_entities = True  # Hit.entity for rules; off in batch workers
        self._cnames: dict[int, CName] = {}
        self.lists = sorted(set(lists)) if lists else sorted(set(data.entity_list))
        allowed = set(self.lists)
        self._allowed = np.asarray([lid in allowed for lid in data.entity_list], dtype=bool)

    # -- Screener protocol ---------------------------------------------------------------
    def screen(self, record: QueryRecord, min_score: float | None = None,
               limit: int = 10) -> list[Hit]:
        """Hits for one record, best first. Raises InputError for an unusable name."""
        preps, schema, country, dob, idvalues = prepare_record(record)
        preps = preps + [v for p in preps[:1] for v in self.index.split_variants(p)]
        cut = self.threshold if min_score is None else min_score
        found = self.index.candidates(preps, idvalues, min_score=cut)
        if not found.entities:
            return []
        query = MatchQuery([query_name(p, self.config) for p in preps], schema, country, dob,
                           idvalues)
        d = self.index.data
        hits: list[Hit] = []
        for eidx, name_ids in found.entities.items():
            if not self._allowed[eidx]:
                continue
            cand = MatchCandidate(d.entity_ids[eidx], d.entity_schema[eidx],
                                  [self._cname(n) for n in name_ids], d.entity_countries[eidx],
                                  d.entity_birth[eidx], d.entity_idvalues[eidx])
            result = score_candidate(query, cand, self.config)
            if result.score < cut:
                continue
            pair = result.pair
            matched = pair.candidate.value if pair else d.entity_caption[eidx]
            hits.append(Hit(
                query_id=record.id, entity_id=d.entity_ids[eidx], list_id=d.entity_list[eidx],
                source_id=d.entity_source_id[eidx], name=matched, score=result.score,
                explanation=Explanation(record.name, matched, result.summary, result.features),
                schema=d.entity_schema[eidx], entity_version=d.entity_version[eidx],
                entity=self._entity(d.entity_ids[eidx]),
            ))
        hits.sort(key=lambda h: (-h.score, h.entity_id))
        return hits[:limit]

    def screen_many(self, records: list[QueryRecord], min_score: float | None = None,
                    limit: int = 10) -> list[list[Hit]]:
        """Hits per record, in order; an unusable record gets no hits (see ``screen_batch``
        for per-row errors)."""
        return [o.hits for o in self.screen_batch(records, min_score, limit, processes=1)]

    # -- batches -------------------------------------------------------------------------
    def outcome(self, record: QueryRecord, min_score: float | None = None,
                limit: int = 10) -> Outcome:
        try:
            return Outcome(record, self.screen(record, min_score, limit))
        except InputError as exc:
            return Outcome(record, [], exc.message)

    def screen_batch(self, records: Iterable[QueryRecord], min_score: float | None = None,
                     limit: int = 10, processes: int | None = None, chunk_size: int = 1000,
                     progress: Callable[[int], None] | None = None) -> Iterator[Outcome]:
        """Screen records in order, in ``processes`` forked workers (default: all cores)."""
        procs = processes or os.cpu_count() or 1
        if procs <= 1 or "fork" not in mp.get_all_start_methods():
            for record in records:
                out = self.outcome(record, min_score, limit)
                if progress:
                    progress(1)
                yield out
            return
        global _WORKER
        _WORKER = (self, min_score, limit)
        ctx = mp.get_context("fork")
        pending: deque[list[QueryRecord]] = deque()

        def feed() -> Iterator[list[QueryRecord]]:
            for chunk in _chunks(records, chunk_size):
                pending.append(chunk)  # results come back in order: pair them up again
                yield chunk

        with ctx.Pool(procs) as pool:
            for results in pool.imap(_work, feed()):
                chunk = pending.popleft()
                if progress:
                    progress(len(results))
                for record, (hits, error) in zip(chunk, results, strict=True):
                    yield Outcome(record, hits, error)

    # -- internals -----------------------------------------------------------------------
    def _entity(self, entity_id: str) -> Entity | None:
        if not self.attach_entities:
            return None
        found = self._entities.get(entity_id)
        if found is None and self._loader is not None:
            found = self._loader(entity_id)
        return found

    def _cname(self, nid: int) -> CName:
        hit = self._cnames.get(nid)
        if hit is None:
            d = self.index.data
            value = d.name_value[nid]
            surname_words = None
            if "," in value and d.entity_schema[int(d.name_entity[nid])] == "person":
                surname_words = len(prepare_name(value.split(",")[0], "person").tokens)
            hit = list_name(value, d.name_kind[nid], d.name_tokens[nid], d.name_keys[nid],
                            d.name_forms[nid], d.name_numbers[nid], self.config,
                            d.name_how[nid], surname_words)
            if len(self._cnames) > 200_000:
                self._cnames.clear()
            self._cnames[nid] = hit
        return hit


_WORKER: tuple[ScreeningEngine, float | None, int] | None = None


def _work(records: list[QueryRecord]) -> list[tuple[list[Hit], str | None]]:
    """Screen one chunk in a worker; only hits and errors travel back."""
    assert _WORKER is not None
    engine, min_score, limit = _WORKER
    engine.attach_entities = False  # no store access from a forked worker; nothing to ship
    out = []
    for record in records:
        o = engine.outcome(record, min_score, limit)
        out.append((o.hits, o.error))
    return out


def _chunks(records: Iterable[QueryRecord], size: int) -> Iterator[list[QueryRecord]]:
    batch: list[QueryRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_screener(entities: Iterable[Entity], lists: Iterable[str] | None = None,
                   algorithm: str = "default") -> ScreeningEngine:
    """Index ``entities`` in memory and return an engine over them."""
    ents = list(entities)
    return ScreeningEngine(build_index(ents), lists, algorithm, {e.id: e for e in ents})
