"""Query the candidate index: prepared query names in, a few candidate entities out.

Retrieval is prefix filtering over IDF-weighted token keys: the query's tokens are taken
rarest first until the rest could no longer reach ``min_cover`` of the query's weight;
only those tokens' postings (plus joined-word, acronym and identifier keys) generate
candidates, so a frequent word (TRADING, KIM, JSC) never floods the scorer. Every
candidate is then weighed against all query tokens (sorted-postings membership) and
the best ``limit`` entities above ``min_cover`` are returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import OSA

from stopship.index.build import IndexData, crc, deletes
from stopship.matching.prepared import (
    SKELETAL_SCRIPTS,
    Prepared,
    acronym,
    article_compound,
    prepare_name,
    skeletal_probe,
    skeletal_similarity,
    word_key,
)
from stopship.memo import entries

# Memo table sizes (entries; see stopship.memo): per word, per set of a word's matches,
# per merged posting list, per name rendering (names rarely repeat in a batch worker: the
# parent screens each distinct record once).
_WORDS = entries(300_000)
_MATCH_SETS = entries(100_000)
_MERGED = entries(200_000)
_NAMES = entries(20_000)

TokenMatches = tuple[tuple[int, float], ...]
# (sorted name ids, best weight per name) over all of a token's matches; and the same over
# the matches whose postings are short enough to generate candidates
Merged = tuple[np.ndarray, np.ndarray, np.ndarray]
# a token's merged names and weights with a sentinel name past the end, largest weight
Padded = tuple[np.ndarray, np.ndarray, np.float32]
SCORE_MARGIN = 0.1
# one prepared rendering: (weight, matches) per token, pseudo tokens, total weight, and the
# weight a list name could share with it at most (its known tokens' and pseudo tokens')
View = tuple[list[tuple[float, TokenMatches]], list[tuple[float, TokenMatches]], float, float]
# what one rendering weighs candidates by: (weight, matches) of every token, its total
Row = tuple[list[tuple[float, TokenMatches]], float]


@dataclass(slots=True)
class Candidates:
    """Candidate entities (index positions) with the names of each worth scoring."""

    entities: dict[int, list[int]]
    weights: dict[int, float]  # retrieval share of the query's weight, best name, per entity
    # per name, the query renderings (positions in ``preps``) whose own score bound reaches
    # the bar, when that is not all of them; a name missing here is worth every rendering
    renderings: dict[int, tuple[int, ...]] = field(default_factory=dict)


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal values in a sorted array."""
    keep = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        keep[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return keep


def union(arrays: list[np.ndarray]) -> np.ndarray:
    """The sorted unique values of several arrays: ``np.unique(np.concatenate(arrays))``
    by sorting (numpy's hash-based ``unique`` is ~10x slower on these small arrays)."""
    merged = np.concatenate(arrays)
    merged.sort(kind="stable")
    return merged[_run_starts(merged)]


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
        self._views: dict[tuple[tuple[str, ...], tuple[str, ...]], View] = {}
        self._skeletal_views: dict[tuple[tuple[str, ...], tuple[str, ...]], View] = {}
        self._pads: dict[TokenMatches, Padded] = {}
        # the same caches by object identity, each entry holding its key object (so its
        # id is not reused while the entry lives): hashing a token's matches, a tuple of
        # (id, weight) pairs, costs more than the rest of a lookup
        self._merged_ids: dict[int, tuple[TokenMatches, Merged]] = {}
        self._pad_ids: dict[int, tuple[TokenMatches, Padded]] = {}
        self._weighed: dict[tuple[str, str], tuple[float, TokenMatches]] = {}
        self._pairs: dict[tuple[str, str], int] = {}
        # the same for words read from a script without short vowels (see token_matches)
        self._skeletal_weighed: dict[tuple[str, str], tuple[float, TokenMatches]] = {}
        self._skeletal_pairs: dict[tuple[str, str], int] = {}

    # -- rarity ------------------------------------------------------------------------
    def idf_of(self, key: str) -> float:
        """IDF of a token key across the lists (max IDF when no list uses it)."""
        vid = self.data.vocab.get(key)
        return float(self.data.idf[vid]) if vid is not None else self.data.max_idf

    def postings(self, vid: int) -> np.ndarray:
        d = self.data
        return d.post_names[d.post_offsets[vid]:d.post_offsets[vid + 1]]

    # -- token lookups -----------------------------------------------------------------
    def token_matches(self, key: str, token: str, skeletal: bool = False) -> TokenMatches:
        """Vocabulary entries a query token can meet: exact key or token, keys within one
        or two edits (typos, transpositions) and list acronyms equal to the token; with
        ``skeletal`` (a word read from a script without short vowels) and no exact match,
        also the list words with the same consonants, at ``skeletal_similarity`` (what the
        scorer credits such a pair at most). Cached per token."""
        cache_key = key + ("\x01" if skeletal else "\x00") + token
        hit = self._cache.get(cache_key)
        if hit is not None:
            return hit
        d = self.data
        found: dict[int, float] = {}
        # key first, then the token: a fixed order (a set's would follow the string hash
        # seed), and each entry keeps its best similarity over both, so results do not
        # depend on which of the two met it first
        texts = (key,) if key == token else (key, token)
        for text in texts:
            exact = d.vocab.get(text)
            if exact is not None:
                found[exact] = 1.0
        for text in texts:
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
            for vid in sorted(near):
                if found.get(vid, 0.0) >= 1.0:
                    continue
                other = d.vocab_keys[vid]
                dist = OSA.distance(text, other, score_cutoff=max_dist)
                if dist <= max_dist:
                    sim = 1.0 - 0.5 * dist / max(len(text), len(other))
                    if sim > found.get(vid, 0.0):
                        found[vid] = sim
        if token.isalpha() and 4 <= len(token) <= 8:
            acr = d.vocab.get("@" + token)
            if acr is not None:
                found[acr] = 1.0
        if skeletal and 1.0 not in found.values():  # no list word spelled as read
            probe = skeletal_probe(token, key)
            cvid = d.vocab.get(probe) if probe else None
            if cvid is not None:
                found[cvid] = skeletal_similarity(probe[1:])
        result = tuple(found.items())
        if len(self._cache) > _WORDS:
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
        if len(self._splits) > _WORDS:
            self._splits.clear()
        self._splits[tok] = found
        return found

    # -- retrieval ---------------------------------------------------------------------
    def candidates(self, preps: list[Prepared], idvalues: tuple[str, ...] = (),
                   limit: int | None = None, min_score: float = 0.0) -> Candidates:
        """Candidate entities for the query's prepared names (each rendering is weighed on
        its own; the best counts) and identifier values. With ``min_score``, names whose
        generous score bound (shared weight on both sides, unmatched list words at 30%)
        stays more than ``SCORE_MARGIN`` below it are dropped before scoring, and each kept
        name notes the renderings whose own bound comes that close (``Candidates.renderings``):
        only those are aligned with it."""
        found = self.gather(preps, idvalues, min_score)
        if found is None:
            return Candidates({}, {})
        cand, rows, origins = found
        memo: dict[tuple[int, float], np.ndarray] = {}
        weighed_rows: list[tuple[np.ndarray, np.float32]] = []
        share = cand  # replaced by the first rendering's array
        for k, (weighed, total) in enumerate(rows):
            acc = self._accumulate(cand, weighed, memo)
            tot = np.float32(max(total, 1e-6))
            weighed_rows.append((acc, tot))
            if k == 0:  # every value is >= 0: the first rendering's array is the maximum
                share = acc / tot
            else:
                np.maximum(share, acc / tot, out=share)
        # Most names fall below min_cover: the rank and the score bound are computed for
        # the others only (the same element-wise values as over the whole array).
        keep = np.flatnonzero(share >= self.min_cover)
        passes: list[np.ndarray] = []
        if min_score > SCORE_MARGIN and len(keep):
            name_w = self.data.name_weight[cand[keep]]
            bounds = self._bounds(weighed_rows, keep, name_w)
            bar = np.float32(min_score - SCORE_MARGIN)
            ok = (bounds[0] if len(bounds) == 1 else np.maximum.reduce(bounds)) >= bar
            keep = keep[ok]
            if len(bounds) > 1:
                passes = [b[ok] >= bar for b in bounds]
        if not len(keep):
            return Candidates({}, {})
        name_w = self.data.name_weight[cand[keep]]
        rank = name_w  # replaced by the first rendering's array
        for k, (acc, tot) in enumerate(weighed_rows):
            a = acc[keep]
            # weighted Jaccard: among names sharing the query's words, those with the
            # fewest other words first (ties would otherwise be cut arbitrarily)
            r = a / (tot + name_w - np.minimum(a, tot))
            if k == 0:
                rank = r
            else:
                np.maximum(rank, r, out=rank)
        chosen = self.select(cand[keep], share[keep], rank, limit)
        if passes:
            chosen.renderings = _renderings(chosen, cand[keep], passes, origins, len(preps))
        return chosen

    @staticmethod
    def _bounds(weighed_rows: list[tuple[np.ndarray, np.float32]], keep: np.ndarray,
                name_w: np.ndarray) -> list[np.ndarray]:
        """The generous score bound of the names at ``keep``, per rendering: the harmonic
        mean of the query's share and the list name's share (its unmatched words at 30%)."""
        out = []
        for acc, tot in weighed_rows:
            a = acc[keep]
            q = np.minimum(a / tot, np.float32(1.0))
            c = a / (a + np.float32(0.3) * np.maximum(name_w - a, 0) + np.float32(1e-6))
            out.append(2 * q * c / (q + c + np.float32(1e-6)))
        return out

    def gather(self, preps: list[Prepared], idvalues: tuple[str, ...] = (),
               min_score: float = 0.0) -> tuple[np.ndarray, list[Row], list[int]] | None:
        """The first half of ``candidates``: the candidate names (sorted, unique); per
        rendering that can reach the bar (plus one for identifiers alone), the tokens to
        weigh them by and the rendering's total weight; and each row's position in
        ``preps`` (-1 for identifiers). None when nothing can be a candidate."""
        d = self.data
        ids: list[tuple[float, TokenMatches]] = []
        for value in idvalues:
            vid = d.vocab.get("#" + value)
            if vid is not None:
                ids.append((d.max_idf * 10, ((vid, 1.0),)))
        views = [self._view(prep) for prep in preps]
        origins = list(range(len(preps)))
        if not ids:
            # cheapest exit: even a name holding every known word cannot reach the bar
            origins = [i for i in origins if self._reachable(views[i], min_score)]
            views = [views[i] for i in origins]
        generators: list[np.ndarray] = [self.postings(v) for _w, m in ids for v, _s in m]
        # a shorter prefix when every rendering's bound shows the names it no longer
        # generates cannot reach min_score (so the kept names are exactly the same)
        q_min = self._q_min(min_score)
        parts = [self._generators(t, p, total, q_min) for t, p, total, _s in views]
        if q_min is not None and not all(safe for _g, safe in parts):
            parts = [self._generators(t, p, total) for t, p, total, _s in views]
        for gens, _safe in parts:
            generators.extend(gens)
        if not generators:
            return None
        # postings and merged arrays are sorted and unique already
        cand = generators[0] if len(generators) == 1 else union(generators)
        rows = [(tokens + pseudo + ids, total) for tokens, pseudo, total, _s in views]
        if ids:
            rows.append((ids, 0.0))
            origins.append(-1)
        return cand, rows, origins

    def select(self, cand: np.ndarray, share: np.ndarray, rank: np.ndarray,
               limit: int | None = None) -> Candidates:
        """The best ``limit`` entities among the kept candidate names, by rank."""
        if len(cand) == 0:
            return Candidates({}, {})
        ents = self.data.name_entity[cand].tolist()
        names = cand.tolist()
        shares = share.tolist()
        order_idx = np.argsort(-rank, kind="stable")
        out: dict[int, list[int]] = {}
        weights: dict[int, float] = {}
        cap = limit or self.limit
        for i in order_idx.tolist():
            e = ents[i]
            if e not in out:
                if len(out) >= cap:
                    continue
                out[e] = []
                weights[e] = shares[i]
            out[e].append(names[i])
        return Candidates(out, weights)

    def _view(self, prep: Prepared) -> View:
        """(weight, matches) per token, pseudo tokens (joined words, acronym), total.
        Cached per (tokens, keys): customer files repeat names and words. Callers must
        not mutate the lists."""
        ck = (prep.tokens, prep.keys)
        skeletal = prep.script in SKELETAL_SCRIPTS
        views = self._skeletal_views if skeletal else self._views
        hit = views.get(ck)
        if hit is None:
            hit = self._make_view(prep, skeletal)
            if len(views) > _NAMES:
                views.clear()
            views[ck] = hit
        return hit

    def _make_view(self, prep: Prepared, skeletal: bool = False) -> View:
        d = self.data
        tokens: list[tuple[float, TokenMatches]] = []
        pseudo: list[tuple[float, TokenMatches]] = []
        total = 0.0
        for tok, key in zip(prep.tokens, prep.keys, strict=False):
            weight, matches = self._weigh(key, tok, skeletal)
            if len(tok) == 1:
                weight = min(weight, 1.0)
            tokens.append((weight, matches))
            total += weight
        for i in range(len(prep.tokens) - 1):
            vid = self._joined(prep.tokens[i], prep.tokens[i + 1], skeletal)
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
        shareable = sum(w for w, m in tokens if m) + sum(w for w, _ in pseudo)
        return tokens, pseudo, total, shareable

    def _weigh(self, key: str, tok: str, skeletal: bool = False) -> tuple[float, TokenMatches]:
        """A token's matches and its weight: the best IDF among them (cached)."""
        table = self._skeletal_weighed if skeletal else self._weighed
        hit = table.get((key, tok))
        if hit is None:
            d = self.data
            matches = self.token_matches(key, tok, skeletal)
            hit = (max((float(d.idf[v]) * s for v, s in matches), default=d.max_idf), matches)
            if len(table) > _WORDS:
                table.clear()
            table[(key, tok)] = hit
        return hit

    def _joined(self, first: str, second: str, skeletal: bool = False) -> int | None:
        """Vocabulary id of two adjacent tokens written as one word (cached). For a query
        read from a script without short vowels (``skeletal``), failing that, the id of the
        list words with the same consonants as the two, when the second begins with the
        Arabic article or is Allah (``article_compound``)."""
        table = self._skeletal_pairs if skeletal else self._pairs
        vid = table.get((first, second))
        if vid is None:
            whole = first + second
            key = word_key(whole)
            found = self.data.vocab.get(key)
            if found is None and skeletal and article_compound(second):
                probe = skeletal_probe(whole, key)
                found = self.data.vocab.get(probe) if probe else None
            vid = -1 if found is None else found
            if len(table) > _WORDS:
                table.clear()
            table[(first, second)] = vid
        return None if vid < 0 else vid

    @staticmethod
    def _q_min(min_score: float) -> float | None:
        """The share of a rendering's weight below which no name's score bound
        ``2q/(1+q)`` reaches ``min_score - SCORE_MARGIN`` (with a float32 safety margin)."""
        bar = min_score - SCORE_MARGIN
        if bar <= 0:
            return None
        return bar / (2 - bar) * (1 - 1e-3)

    def _reachable(self, view: View, min_score: float) -> bool:
        """Whether some list name could share enough of this rendering's weight."""
        _tokens, pseudo, total, shareable = view
        if total <= 0:
            return bool(pseudo)
        q = min(shareable / total, 1.0)
        if q < self.min_cover:
            return False
        return min_score <= SCORE_MARGIN or 2 * q / (1 + q) >= min_score - SCORE_MARGIN

    def _merge(self, matches: TokenMatches) -> Merged:
        """All postings of a token's matches as one sorted array with the best weight per
        name (cached per token), plus the generating subset (short postings only)."""
        known = self._merged_ids.get(id(matches))
        if known is not None and known[0] is matches:
            return known[1]
        hit = self._merged.get(matches)
        if hit is None:
            hit = self._make_merged(matches)
        if len(self._merged_ids) > _MATCH_SETS:
            self._merged_ids.clear()
        self._merged_ids[id(matches)] = (matches, hit)
        return hit

    def _make_merged(self, matches: TokenMatches) -> Merged:
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
            first = _run_starts(names)  # the best weight of each name sorts first
            names, w = names[first], w[first]
        else:
            names, w = np.zeros(0, np.int32), np.zeros(0, np.float32)
        generating = (names if len(gen) == len(parts) else
                      union(gen) if gen else np.zeros(0, np.int32))
        merged = (names, w, generating)
        if len(self._merged) > _MERGED:
            self._merged.clear()
        self._merged[matches] = merged
        return merged

    def _generators(self, tokens: list[tuple[float, TokenMatches]],
                    pseudo: list[tuple[float, TokenMatches]], total: float,
                    q_min: float | None = None) -> tuple[list[np.ndarray], bool]:
        """Postings of the prefix: the rarest tokens until the rest cannot reach
        ``min_cover`` of the total; plus every pseudo token.

        With ``q_min`` the prefix also ends as soon as a name generated by none of its
        tokens could not share ``q_min`` of the total (the weight left outside the prefix
        plus that of prefix tokens whose long postings do not generate); the flag says
        whether the prefix ended that way, i.e. whether that bound holds."""
        out: list[np.ndarray] = []
        # A name not generated here shares at most the weight of the known tokens left
        # out of the prefix; unknown tokens (no matches) can never be shared.
        need = self.min_cover * total
        need_q = q_min * total if q_min is not None else -1.0
        known = [t for t in tokens if t[1]]
        rest = sum(w for w, _ in known)
        leak = 0.0
        safe = rest < need_q
        for weight, matches in sorted(known, key=lambda t: -t[0]):
            if safe or rest < need:
                break
            rest -= weight
            merged = self._merge(matches)
            gen = merged[2]
            if gen is not merged[0]:
                leak += weight
            out.append(gen)
            safe = rest + leak < need_q
        for _pw, pseudo_matches in pseudo:
            out.append(self._merge(pseudo_matches)[0])
        return out, safe

    def _accumulate(self, cand: np.ndarray, tokens: list[tuple[float, TokenMatches]],
                    memo: dict[tuple[int, float], np.ndarray] | None = None) -> np.ndarray:
        """Weight of the query's tokens found in each candidate name. ``memo`` (per
        ``cand``) shares a token's contribution between renderings of one query."""
        acc = np.zeros(len(cand), dtype=np.float32)
        for weight, matches in tokens:
            if not matches:
                continue
            mk = (id(matches), weight)
            part = memo.get(mk) if memo is not None else None
            if part is None:
                padded = self._padded(matches)
                if padded is None:
                    continue
                names, w, w_max = padded
                pos = names.searchsorted(cand)  # at most len - 1: the sentinel
                got = w[pos]
                cap = np.float32(weight)
                if cap < w_max:
                    got = np.minimum(got, cap)
                # weights are >= 0: times False is +0.0, as np.where(found, got, 0) gives
                part = np.multiply(got, names[pos] == cand, out=got)
                if memo is not None:
                    memo[mk] = part
            acc += part
        return acc

    def _padded(self, matches: TokenMatches) -> Padded | None:
        """A token's merged names and weights with a sentinel name past every real one
        (so a lookup needs no bounds clip), and the largest weight; None when empty."""
        known = self._pad_ids.get(id(matches))
        if known is not None and known[0] is matches:
            return known[1]
        hit = self._pads.get(matches)
        if hit is None:
            names, w, _gen = self._merge(matches)
            if not len(names):
                return None
            hit = (np.append(names, np.int32(np.iinfo(np.int32).max)),
                   np.append(w, np.float32(0)), np.float32(w.max()))
            if len(self._pads) > _MATCH_SETS:
                self._pads.clear()
            self._pads[matches] = hit
        if len(self._pad_ids) > _MATCH_SETS:
            self._pad_ids.clear()
        self._pad_ids[id(matches)] = (matches, hit)
        return hit


def _renderings(chosen: Candidates, names: np.ndarray, passes: list[np.ndarray],
                origins: list[int], n_preps: int) -> dict[int, tuple[int, ...]]:
    """Per chosen name, the renderings whose own bound passes (``passes[row][column]``,
    columns in ``names`` order), when that is some but not all of the ``n_preps``: a
    rendering that could not bring the name to the bar need not be aligned with it. A
    name kept only by its identifiers (no rendering passes) is left to all of them."""
    column = {n: i for i, n in enumerate(names.tolist())}
    rows = [(origin, mask.tolist()) for origin, mask in zip(origins, passes, strict=True)
            if origin >= 0]
    out: dict[int, tuple[int, ...]] = {}
    for name_ids in chosen.entities.values():
        for n in name_ids:
            c = column[n]
            allowed = tuple(origin for origin, mask in rows if mask[c])
            if allowed and len(allowed) < n_preps:
                out[n] = allowed
    return out
