"""Which customers could the engine find anything for in a list delta?

The delta's entities are indexed by the engine (``build_screener``); every customer's
stored prepared form (``stopship.cases.prepared``) is run through a cheap bound of the
engine's own retrieval test over that small index:

* each token is weighed as the engine weighs it (``token_matches``: exact key, typo
  neighbourhood, list acronym; the best IDF x similarity, the maximum IDF when unknown);
* only list names met by the engine's prefix of heaviest tokens count (ties included);
* per list name, the weight of the query tokens that meet it is summed as the engine
  sums it (``min(best IDF x similarity for that name, token weight)``);
* a rendering is kept when, for some list name, that share ``q`` of the rendering's
  weight reaches the index's ``min_cover`` and the engine's score bound (``q`` against the
  name-side cover ``c``: ``2qc/(q+c)``) reaches the threshold less the engine's margin
  (``CandidateIndex.candidates``); both grow with the shared weight, so over-estimating
  it only keeps more;
* a customer whose identifier, joined adjacent words or acronym is in the index, or one
  of whose unknown words could be split into known words, is always kept.

Every customer the engine could return a hit for passes (the bound only over-estimates),
so screening the survivors finds what screening everyone would; the survivors are a
small fraction of the master. Per distinct token the lookups are cached.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from stopship.cases.prepared import StoredForm
from stopship.index.candidates import SCORE_MARGIN, CandidateIndex
from stopship.matching.prepared import Prepared

# weight, {list name it meets: best IDF x similarity for that name}, may be split
Token = tuple[float, dict[int, float], bool]


def engine_index(screener: Any) -> CandidateIndex | None:
    """The candidate index of a real screening engine, None for test doubles."""
    index = getattr(screener, "index", None)
    return index if isinstance(index, CandidateIndex) else None


class Reach:
    """The reachability test of one delta index (see the module docstring)."""

    def __init__(self, index: CandidateIndex, min_score: float) -> None:
        self.index = index
        self.vocab = index.data.vocab
        self.idf = index.data.idf
        self.name_weight = index.data.name_weight
        self.max_idf = float(index.data.max_idf)
        self.min_cover = index.min_cover * (1 - 1e-3)
        self.bar = (min_score - SCORE_MARGIN) * (1 - 1e-3)
        self._tokens: dict[tuple[str, str], Token] = {}
        self._forms: dict[str, bool] = {}

    def token(self, token: str, key: str) -> Token:
        """The weight of a token as the engine weighs it (the best IDF x similarity
        among its matches, the maximum IDF when it has none), the list names it can
        meet, and whether the engine might split it into known words. Cached."""
        ck = (token, key)
        hit = self._tokens.get(ck)
        if hit is None:
            matches = self.index.token_matches(key, token)
            weight = max((float(self.idf[v]) * s for v, s in matches), default=self.max_idf)
            names: dict[int, float] = {}
            for vid, sim in matches:
                w = float(self.idf[vid]) * sim
                for nid in self.index.postings(vid).tolist():
                    if w > names.get(nid, -1.0):
                        names[nid] = w
            hit = (weight, names, self._splittable(token, key))
            if len(self._tokens) > 500_000:
                self._tokens.clear()
            self._tokens[ck] = hit
        return hit

    def _splittable(self, token: str, key: str) -> bool:
        """Whether the engine splits this joined word into known words
        (``CandidateIndex.split_variants``, asked of the one token)."""
        if len(token) < 6 or not token.isalpha():
            return False
        return bool(self.index.split_variants(Prepared(token, token, (token,), (key,))))

    def form(self, form: StoredForm) -> bool:
        """Whether a customer with this stored form could be a candidate."""
        if any("#" + v in self.vocab for v in form.idvalues):
            return True
        return any(self._rendering(r.pairs, r.joined, r.acronym) for r in form.renderings)

    def _rendering(self, pairs: Sequence[Sequence[str]], joined: Sequence[str],
                   acronym: str) -> bool:
        """The engine's keep test (``CandidateIndex.candidates``) with every list name's
        shared weight over-estimated: each token the name can meet counts in full. Takes
        a ``Rendering``'s fields (or their JSON lists)."""
        if not pairs:
            return False
        vocab = self.vocab
        if any(j in vocab for j in joined):
            return True  # joined words: weights shift; let the engine judge
        if acronym and acronym in vocab:
            return True
        total = 0.0
        acc: dict[int, float] = {}
        known: list[tuple[float, dict[int, float]]] = []
        for token, key in pairs:
            weight, names, splits = self.token(token, key)
            if splits:
                return True
            if len(token) == 1:
                weight = min(weight, 1.0)
            total += weight
            if names:
                known.append((weight, names))
            for nid, w in names.items():
                acc[nid] = acc.get(nid, 0.0) + min(w, weight)
        if not acc or total <= 0:
            return False
        for nid in self._generated(known, total):
            shared = acc[nid]
            q = min(shared / total, 1.0)
            if q < self.min_cover:
                continue
            if self.bar <= 0:
                return True
            name_w = float(self.name_weight[nid])
            c = shared / (shared + 0.3 * max(name_w - shared, 0.0) + 1e-6)
            if 2 * q * c / (q + c + 1e-6) >= self.bar:
                return True
        return False

    def _generated(self, known: list[tuple[float, dict[int, float]]], total: float
                   ) -> set[int]:
        """The list names the engine's prefix generates (``CandidateIndex._generators``):
        the heaviest known tokens until the rest could not reach ``min_cover`` of the
        total; tokens tied with the last one taken are taken too (a superset)."""
        need = self.index.min_cover * total * (1 - 1e-6)
        rest = sum(w for w, _n in known)
        out: set[int] = set()
        last = None
        for weight, names in sorted(known, key=lambda t: -t[0]):
            if rest < need and (last is None or weight < last):
                break
            rest -= weight
            last = weight
            out.update(names)
        return out

    def text(self, text: str) -> bool:
        """``form`` of a stored (encoded) form, cached per distinct text (customer
        masters repeat names)."""
        hit = self._forms.get(text)
        if hit is None:
            # the JSON lists of ``prepared.decode``, tested without building dataclasses
            renderings, idvalues = json.loads(text) if text else ([], [])
            vocab = self.vocab
            hit = (any("#" + v in vocab for v in idvalues)
                   or any(self._rendering(pairs, joined, acr)
                          for pairs, joined, acr in renderings))
            if len(self._forms) > 300_000:
                self._forms.clear()
            self._forms[text] = hit
        return hit


def reachable_ids(rows: Iterable[tuple[int, str]], reach: Reach,
                  processes: int = 1, chunk: int = 20_000) -> list[int]:
    """The ids among (id, stored form) rows that pass ``reach``, in order. With
    ``processes`` != 1 (0 = all cores) the rows are tested in forked workers (only from a
    single-threaded process, like ``ScreeningEngine.screen_batch``)."""
    procs = processes or os.cpu_count() or 1
    if procs <= 1 or "fork" not in mp.get_all_start_methods():
        return [cid for cid, text in rows if text and reach.text(text)]
    global _REACH
    _REACH = reach
    out: list[int] = []
    try:
        with mp.get_context("fork").Pool(procs) as pool:
            for part in pool.imap(_work, _chunks(rows, chunk)):
                out.extend(part)
    finally:
        _REACH = None
    return out


_REACH: Reach | None = None


def _chunks(rows: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    part: list[tuple[int, str]] = []
    for row in rows:
        part.append(row)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _work(rows: list[tuple[int, str]]) -> list[int]:
    assert _REACH is not None
    return [cid for cid, text in rows if text and _REACH.text(text)]
