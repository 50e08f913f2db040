"""Query the candidate index: prepared query names in, a few candidate entities out.

Retrieval is prefix filtering over IDF-weighted token keys: the query's tokens are taken
rarest first until the rest could no longer reach ``min_cover`` of the query's weight;
only those tokens' postings (plus joined-word, acronym and identifier keys) generate
candidates, so a frequent word (TRADING, KIM, JSC) never floods the scorer. Every
candidate is then weighed against all query tokens (sorted-postings membership) and
the best ``limit`` entities above ``min_cover`` are returned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA

from stopship.index.build import IndexData, crc, deletes
from stopship.matching.prepared import Prepared, acronym, prepare_name, token_key

TokenMatches = tuple[tuple[int, float], ...]
# (sorted name ids, best weight per name) over all of a token's matches; and the same over
# the matches whose postings are short enough to generate candidates
Merged = tuple[np.ndarray, np.ndarray, np.ndarray]
SCORE_MARGIN = 0.1


@dataclass(slots=True)
class Candidates:
    """Candidate entities (index positions) with the names of each worth scoring."""

    entities: dict[int, list[int]]
    weights: dict[int, float]  # retrieval share of the query's weight, best name, per entity


class CandidateIndex:
    """The loaded index: vocabulary, postings, typo neighbourhood, entity and name rows."""

    def __init__(self, data: IndexData, min_cover: float = 0.4, max_postings: int = 5000,
                 limit: int = 25) -> None:
        self.data = data
        self.min_cover = min_cover
        self.max_postings = max_postings
        self.limit = limit
        self._cache: dict[str, TokenMatches] = {}
        self._splits: dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None] = {}
        self._merged: dict[TokenMatches, Merged] = {}

    # -- rarity ------------------------------------------------------------------------
    def idf_of(self, key: str) -> float:
        """IDF of a token key across the lists (max IDF when no list uses it)."""
        vid = self.data.vocab.get(key)
        return float(self.data.idf[vid]) if vid is not None else self.data.max_idf

    def postings(self, vid: int) -> np.ndarray:
        d = self.data
        return d.post_names[d.post_offsets[vid]:d.post_offsets[vid + 1]]

    # -- token lookups -----------------------------------------------------------------
    def token_matches(self, key: str, token: str) -> TokenMatches:
        """Vocabulary entries a query token can meet: exact key or token, keys within one
        or two edits (typos, transpositions) and list acronyms equal to the token.
        Cached per token."""
        cache_key = key + "\x00" + token
        hit = self._cache.get(cache_key)
        if hit is not None:
            return hit
        d = self.data
        found: dict[int, float] = {}
        for text in {key, token}:
            exact = d.vocab.get(text)
            if exact is not None:
                found[exact] = 1.0
        for text in {key, token}:
            if len(text) < 4:
                continue
            max_dist = 1 if len(text) < 9 else 2
            hashes = np.fromiter((crc(v) for v in deletes(text)), dtype=np.uint32)
            los = np.searchsorted(d.del_hash, hashes, "left")
            his = np.searchsorted(d.del_hash, hashes, "right")
            near: set[int] = set()
            for lo, hi in zip(los.tolist(), his.tolist(), strict=True):
                if hi > lo:
                    near.update(d.del_vid[lo:hi].tolist())
            for vid in near:
                if vid in found:
                    continue
                other = d.vocab_keys[vid]
                dist = OSA.distance(text, other, score_cutoff=max_dist)
                if dist <= max_dist:
                    found[vid] = 1.0 - 0.5 * dist / max(len(text), len(other))
        if token.isalpha() and 4 <= len(token) <= 8:
            acr = d.vocab.get("@" + token)
            if acr is not None:
                found[acr] = 1.0
        result = tuple(found.items())
        if len(self._cache) > 300_000:
            self._cache.clear()
        self._cache[cache_key] = result
        return result

    # -- joined words ------------------------------------------------------------------
    def split_variants(self, prep: Prepared) -> list[Prepared]:
        """A rendering with each unknown joined word split into two known words
        (``KINGtrade`` -> ``king trading``), or nothing when no word splits."""
        tokens: list[str] = []
        keys: list[str] = []
        changed = False
        for tok, key in zip(prep.tokens, prep.keys, strict=False):
            split = self._split(tok, key)
            if split is None:
                tokens.append(tok)
                keys.append(key)
            else:
                tokens.extend(split[0])
                keys.extend(split[1])
                changed = True
        if not changed:
            return []
        return [Prepared(prep.original, " ".join(tokens), tuple(tokens), tuple(keys),
                         prep.legal_forms, prep.numbers, (), prep.script)]

    def _split(self, tok: str, key: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        if len(tok) < 6 or not tok.isalpha():
            return None
        if tok in self._splits:
            return self._splits[tok]
        vocab = self.data.vocab
        found = None
        if tok not in vocab and key not in vocab:
            for k in range(len(tok) - 3, 1, -1):
                if tok[:k] not in vocab:
                    continue
                p = prepare_name(tok[:k] + " " + tok[k:])
                if len(p.tokens) == 2 and all(t in vocab or y in vocab
                                              for t, y in zip(p.tokens, p.keys, strict=True)):
                    found = (p.tokens, p.keys)
                    break
        if len(self._splits) > 300_000:
            self._splits.clear()
        self._splits[tok] = found
        return found

    # -- retrieval ---------------------------------------------------------------------
    def candidates(self, preps: list[Prepared], idvalues: tuple[str, ...] = (),
                   limit: int | None = None, min_score: float = 0.0) -> Candidates:
        """Candidate entities for the query's prepared names (each rendering is weighed on
        its own; the best counts) and identifier values. With ``min_score``, names whose
        generous score bound (shared weight on both sides, unmatched list words at 30%)
        stays more than ``SCORE_MARGIN`` below it are dropped before scoring."""
        d = self.data
        ids: list[tuple[float, TokenMatches]] = []
        for value in idvalues:
            vid = d.vocab.get("#" + value)
            if vid is not None:
                ids.append((d.max_idf * 10, ((vid, 1.0),)))
        views = [self._view(prep) for prep in preps]
        if not ids:
            # cheapest exit: even a name holding every known word cannot reach the bar
            views = [v for v in views if self._reachable(*v, min_score)]
        generators: list[np.ndarray] = [self.postings(v) for _w, m in ids for v, _s in m]
        for tokens, pseudo, total in views:
            generators.extend(self._generators(tokens, pseudo, total))
        if not generators:
            return Candidates({}, {})
        cand = np.unique(np.concatenate(generators))
        share = np.zeros(len(cand), dtype=np.float32)
        rank = np.zeros(len(cand), dtype=np.float32)
        bound = np.zeros(len(cand), dtype=np.float32)
        name_w = d.name_weight[cand]
        for tokens, pseudo, total in views + ([([], [], 0.0)] if ids else []):
            acc = self._accumulate(cand, tokens + pseudo + ids)
            tot = np.float32(max(total, 1e-6))
            q = np.minimum(acc / tot, np.float32(1.0))
            c = acc / (acc + np.float32(0.3) * np.maximum(name_w - acc, 0) + np.float32(1e-6))
            np.maximum(bound, 2 * q * c / (q + c + np.float32(1e-6)), out=bound)
            np.maximum(share, acc / tot, out=share)
            # weighted Jaccard: among names sharing the query's words, those with the
            # fewest other words first (ties would otherwise be cut arbitrarily)
            np.maximum(rank, acc / (tot + d.name_weight[cand] - np.minimum(acc, tot)), out=rank)
        keep = share >= self.min_cover
        if min_score > SCORE_MARGIN:
            keep &= bound >= np.float32(min_score - SCORE_MARGIN)
        cand, share, rank = cand[keep], share[keep], rank[keep]
        if len(cand) == 0:
            return Candidates({}, {})
        ents = d.name_entity[cand]
        order_idx = np.argsort(-rank, kind="stable")
        out: dict[int, list[int]] = {}
        weights: dict[int, float] = {}
        cap = limit or self.limit
        for i in order_idx.tolist():
            e = int(ents[i])
            if e not in out:
                if len(out) >= cap:
                    continue
                out[e] = []
                weights[e] = float(share[i])
            out[e].append(int(cand[i]))
        return Candidates(out, weights)

    def _view(self, prep: Prepared) -> tuple[list[tuple[float, TokenMatches]],
                                             list[tuple[float, TokenMatches]], float]:
        """(weight, matches) per token, pseudo tokens (joined words, acronym), total."""
        d = self.data
        tokens: list[tuple[float, TokenMatches]] = []
        pseudo: list[tuple[float, TokenMatches]] = []
        total = 0.0
        for tok, key in zip(prep.tokens, prep.keys, strict=False):
            matches = self.token_matches(key, tok)
            weight = max((float(d.idf[v]) * s for v, s in matches), default=d.max_idf)
            if len(tok) == 1:
                weight = min(weight, 1.0)
            tokens.append((weight, matches))
            total += weight
        for i in range(len(prep.tokens) - 1):
            vid = d.vocab.get(token_key(prep.tokens[i] + prep.tokens[i + 1]))
            if vid is not None:
                weight = float(d.idf[vid])
                pseudo.append((weight, ((vid, 1.0),)))
                # two unknown pieces of one known word ("enter prises") weigh as that word
                for j in (i, i + 1):
                    if not tokens[j][1]:
                        total -= tokens[j][0] - weight / 2
                        tokens[j] = (weight / 2, ())
        acr = acronym(prep.tokens)
        if acr:
            vid = d.vocab.get(acr)
            if vid is not None:
                pseudo.append((float(d.idf[vid]), ((vid, 1.0),)))
        return tokens, pseudo, total

    def _reachable(self, tokens: list[tuple[float, TokenMatches]],
                   pseudo: list[tuple[float, TokenMatches]], total: float,
                   min_score: float) -> bool:
        """Whether some list name could share enough of this rendering's weight."""
        if total <= 0:
            return bool(pseudo)
        q = min((sum(w for w, m in tokens if m) + sum(w for w, _ in pseudo)) / total, 1.0)
        if q < self.min_cover:
            return False
        return min_score <= SCORE_MARGIN or 2 * q / (1 + q) >= min_score - SCORE_MARGIN

    def _merge(self, matches: TokenMatches) -> Merged:
        """All postings of a token's matches as one sorted array with the best weight per
        name (cached per token), plus the generating subset (short postings only)."""
        hit = self._merged.get(matches)
        if hit is not None:
            return hit
        idf = self.data.idf
        parts = [self.postings(v) for v, _s in matches]
        weights = [np.full(len(p), float(idf[v]) * s, dtype=np.float32)
                   for p, (v, s) in zip(parts, matches, strict=True)]
        gen = [p for p in parts if len(p) <= self.max_postings]
        if len(parts) == 1:
            names, w = parts[0], weights[0]
        elif parts:
            names = np.concatenate(parts)
            w = np.concatenate(weights)
            order = np.lexsort((-w, names))
            names, w = names[order], w[order]
            names, first = np.unique(names, return_index=True)
            w = w[first]
        else:
            names, w = np.zeros(0, np.int32), np.zeros(0, np.float32)
        generating = (names if len(gen) == len(parts) else
                      np.unique(np.concatenate(gen)) if gen else np.zeros(0, np.int32))
        merged = (names, w, generating)
        if len(self._merged) > 200_000:
            self._merged.clear()
        self._merged[matches] = merged
        return merged

    def _generators(self, tokens: list[tuple[float, TokenMatches]],
                    pseudo: list[tuple[float, TokenMatches]], total: float) -> list[np.ndarray]:
        """Postings of the prefix: the rarest tokens until the rest cannot reach
        ``min_cover`` of the total; plus every pseudo token."""
        out: list[np.ndarray] = []
        # A name not generated here shares at most the weight of the known tokens left
        # out of the prefix; unknown tokens (no matches) can never be shared.
        need = self.min_cover * total
        known = [t for t in tokens if t[1]]
        rest = sum(w for w, _ in known)
        for weight, matches in sorted(known, key=lambda t: -t[0]):
            if rest < need:
                break
            rest -= weight
            out.append(self._merge(matches)[2])
        for _w, matches in pseudo:
            out.append(self._merge(matches)[0])
        return out

    def _accumulate(self, cand: np.ndarray, tokens: list[tuple[float, TokenMatches]]
                    ) -> np.ndarray:
        """Weight of the query's tokens found in each candidate name."""
        acc = np.zeros(len(cand), dtype=np.float32)
        for weight, matches in tokens:
            if not matches:
                continue
            names, w, _gen = self._merge(matches)
            if not len(names):
                continue
            pos = np.searchsorted(names, cand)
            np.minimum(pos, len(names) - 1, out=pos)
            hit = names[pos] == cand
            acc += np.where(hit, np.minimum(w[pos], np.float32(weight)), np.float32(0))
        return acc
