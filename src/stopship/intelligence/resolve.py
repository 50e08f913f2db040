"""Party resolution: the same seller spelled many ways becomes one party.

Runs on DISTINCT (name, country) spellings only (far fewer than records): prepare each name
once, block on (country, token key) and (country, token prefix), score pairs inside blocks
with rapidfuzz, join matches into connected components. Deterministic: inputs are sorted, so
both engines give the same parties. A party keeps every spelling and address seen.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from stopship.intelligence.names_adapter import (
    NameParts,
    address_text,
    name_parts,
    settings,
    skeleton,
)


@dataclass
class Spelling:
    name: str
    country: str
    records: int
    addresses: dict[str, int] = field(default_factory=dict)  # address -> records
    phones: dict[str, int] = field(default_factory=dict)


@dataclass
class Party:
    party_id: str
    primary_name: str
    country: str
    spellings: list[str]
    addresses: list[str]
    phones: list[str]
    records: int


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _blocks(parts: list[NameParts], countries: list[str],
            rare: list[tuple[str, ...]]) -> dict[str, list[int]]:
    """Block keys: country + the names layer's key, a consonant skeleton and the 4-letter
    prefix of each
    distinctive word (all words when a name has none): generic words make no blocks."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, (p, c) in enumerate(zip(parts, countries, strict=True)):
        words = set(rare[i]) or set(p.tokens)
        keys = {f"{c}|k|{k}" for t, k in zip(p.tokens, p.keys, strict=False)
                if t in words and len(k) >= 3}
        keys |= {f"{c}|p|{t[:4]}" for t in words if len(t) >= 4}
        keys |= {f"{c}|s|{skeleton(t)}" for t in words if len(t) >= 4}
        # a typo may hit every key of the distinctive word: also block on its first two
        # letters together with the name's generic words ("ma|microelectronics")
        generic = " ".join(sorted(t for t in p.tokens if t not in words))
        if generic and rare[i]:
            keys |= {f"{c}|g|{t[:2]}|{generic}" for t in rare[i]}
        if not keys and p.text:
            keys = {f"{c}|t|{p.text}"}
        for key in keys:
            blocks[key].append(i)
    return blocks


def _name_scores(texts: list[str], floor: float) -> np.ndarray:
    """Mean of token-set and token-sort ratios; pairs where either is below ``floor`` get
    0 (they cannot reach the threshold the floor was derived from)."""
    a = cdist(texts, texts, scorer=fuzz.token_set_ratio, dtype=np.float32, score_cutoff=floor,
              workers=-1)
    b = cdist(texts, texts, scorer=fuzz.token_sort_ratio, dtype=np.float32, score_cutoff=floor,
              workers=-1)
    return np.where((a > 0) & (b > 0), (a + b) / 2.0, 0.0)


def prepare_all(names: list[str]) -> list[NameParts]:
    """``name_parts`` of every name; identical names once, large inputs on all cores."""
    unique = sorted(set(names))
    if len(unique) > 20_000 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(os.cpu_count() or 1) as pool:
            prepared = pool.map(name_parts, unique, chunksize=2000)
    else:
        prepared = [name_parts(n) for n in unique]
    table = dict(zip(unique, prepared, strict=True))
    return [table[n] for n in names]


def _address_agree(x: Spelling, y: Spelling, cache: dict[str, str], threshold: float) -> bool:
    ax = [cache.setdefault(a, address_text(a)) for a in x.addresses]
    ay = [cache.setdefault(a, address_text(a)) for a in y.addresses]
    return any(fuzz.ratio(p, q) >= threshold for p in ax for q in ay if p and q)


def _distinctive(parts: list[NameParts], share: float) -> list[tuple[str, ...]]:
    """Each name's rare tokens (not generic words such as industry or city names)."""
    df: dict[str, int] = defaultdict(int)
    for p in parts:
        for t in set(p.tokens):
            df[t] += 1
    limit = max(20, int(len(parts) * share))
    out = []
    for p in parts:
        out.append(tuple(t for t in p.tokens if df[t] <= limit))
    return out


def _coverage(rare: tuple[str, ...], mine: NameParts, other: NameParts, threshold: float) -> int:
    """How the distinctive words of one name appear in the other: 2 every one as the same
    word or skeleton key, 1 every one at least close (ratio >= threshold), 0 not all."""
    keys = dict(zip(mine.tokens, mine.keys, strict=False))
    other_tokens, other_keys = set(other.tokens), set(other.keys)
    level = 2
    for t in rare:
        if t in other_tokens or keys.get(t) in other_keys:
            continue
        if max((fuzz.ratio(t, u) for u in other.tokens), default=0.0) >= threshold:
            level = 1
            continue
        return 0
    return level


def resolve(spellings: list[Spelling]) -> tuple[list[Party], dict[tuple[str, str], str]]:
    """Group spellings into parties. Returns the parties and (name, country) -> party id."""
    conf = settings()
    max_block = int(conf["max_block"])  # type: ignore[call-overload]
    name_alone = float(conf["name_alone"])  # type: ignore[arg-type]
    name_addr = float(conf["name_with_address"])  # type: ignore[arg-type]
    addr_ok = float(conf["address_agree"])  # type: ignore[arg-type]
    spellings = sorted(spellings, key=lambda s: (s.country, s.name))
    parts = prepare_all([s.name for s in spellings])
    countries = [s.country for s in spellings]
    uf = _UnionFind(len(spellings))
    addr_cache: dict[str, str] = {}
    rare = _distinctive(parts, float(conf["generic_share"]))  # type: ignore[arg-type]
    rare_ok = float(conf["distinctive_agree"])  # type: ignore[arg-type]
    seen_blocks: set[tuple[int, ...]] = set()
    floor = 2 * name_addr - 100
    for key in sorted(blocks := _blocks(parts, countries, rare)):
        members = blocks[key]
        if len(members) < 2 or len(members) > max_block or tuple(members) in seen_blocks:
            continue
        seen_blocks.add(tuple(members))
        scores = _name_scores([parts[i].text for i in members], floor)
        rows, cols = np.nonzero(np.triu(scores >= name_addr, k=1))
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i, j = members[r], members[c]
            if uf.find(i) == uf.find(j):
                continue  # already one party: the decision would change nothing
            if parts[i].text == parts[j].text:
                uf.union(i, j)
                continue
            score = float(scores[r, c])
            # The name with fewer distinctive words must find each of them in the other (one
            # name may add a word: "Shenzhen Xinhe" / "Xinhe", or "Xinhe" / "Xinhe & Lutz").
            # The name alone decides only when both names' distinctive words are the same
            # (or share a key); an added word or a fuzzy word needs agreeing addresses.
            cov_i = _coverage(rare[i], parts[i], parts[j], rare_ok)
            cov_j = _coverage(rare[j], parts[j], parts[i], rare_ok)
            shorter = min(cov_i, cov_j) if len(rare[i]) == len(rare[j]) else (
                cov_i if len(rare[i]) < len(rare[j]) else cov_j)
            if shorter == 0:
                continue
            if (score >= name_alone and cov_i == 2 and cov_j == 2) or _address_agree(
                    spellings[i], spellings[j], addr_cache, addr_ok):
                uf.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(spellings)):
        groups[uf.find(i)].append(i)
    parties: list[Party] = []
    lookup: dict[tuple[str, str], str] = {}
    for members in groups.values():
        members_sorted = sorted(members, key=lambda i: (-spellings[i].records, spellings[i].name))
        primary = spellings[members_sorted[0]]
        addresses: dict[str, int] = defaultdict(int)
        phones: dict[str, int] = defaultdict(int)
        for i in members:
            for a, n in spellings[i].addresses.items():
                addresses[a] += n
            for p, n in spellings[i].phones.items():
                phones[p] += n
        digest = hashlib.sha1(f"{primary.country}|{parts[members_sorted[0]].text}|"
                              f"{min(spellings[i].name for i in members)}".encode()).hexdigest()
        party = Party(f"PTY-{digest[:12]}", primary.name, primary.country,
                      [spellings[i].name for i in members_sorted],
                      sorted(addresses, key=lambda a: (-addresses[a], a)),
                      sorted(phones, key=lambda p: (-phones[p], p)),
                      sum(spellings[i].records for i in members))
        parties.append(party)
        for i in members:
            lookup[(spellings[i].name, spellings[i].country)] = party.party_id
    parties.sort(key=lambda p: p.party_id)
    return parties, lookup


def pairwise_quality(predicted: dict[tuple[str, str], str],
                     truth: dict[tuple[str, str], str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering of spellings against the truth."""
    common = [k for k in truth if k in predicted]
    cells: dict[tuple[str, str], int] = defaultdict(int)
    pred_sizes: dict[str, int] = defaultdict(int)
    true_sizes: dict[str, int] = defaultdict(int)
    for k in common:
        cells[(predicted[k], truth[k])] += 1
        pred_sizes[predicted[k]] += 1
        true_sizes[truth[k]] += 1

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    tp = sum(pairs(n) for n in cells.values())
    pred = sum(pairs(n) for n in pred_sizes.values())
    true = sum(pairs(n) for n in true_sizes.values())
    return (tp / pred if pred else 1.0), (tp / true if true else 1.0)
