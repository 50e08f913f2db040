"""Build the candidate index from list entities.

For every name of every entity: its prepared tokens and skeleton keys, its legal forms,
numbers and acronym. Blocking keys, all in one vocabulary:
  * the skeleton key of each token (folds romanisation variants);
  * the key of each pair of adjacent tokens joined (``romashka trade`` -> ``romashkatrade``),
    so a customer's joined or split words still meet the list name;
  * ``@`` + the acronym of the name's significant words (``@mcst``);
  * ``#`` + each identifier value of the entity (INN, IMO, SWIFT, ...).
  * ``~`` + the consonants of each token and joined pair (``~hs`` for ``huwaysh``), and
    ``^`` + them for a word that begins with a vowel, met only by queries read from
    scripts without short vowels (Arabic ``hwysh``; ``matching.prepared.skeletal_blocks``).
Typos reach the vocabulary through a symmetric one-deletion neighbourhood of each key
(CRC32-hashed and sorted, so it is two numpy arrays). Rarity (IDF) is counted per entity,
so an entity's many aliases do not make its own words look common.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from stopship.matching.idvalues import entity_values
from stopship.matching.prepared import acronym, prepare_name, skeletal_blocks, token_key
from stopship.model import Entity

MIN_DELETE_LEN = 4


@dataclass
class IndexData:
    """Everything the index holds; columnar so it pickles and loads fast."""

    # entities
    entity_ids: list[str] = field(default_factory=list)
    entity_list: list[str] = field(default_factory=list)
    entity_source_id: list[str] = field(default_factory=list)
    entity_schema: list[str] = field(default_factory=list)
    entity_schema_inferred: list[bool] = field(default_factory=list)  # flags.schema_inferred
    entity_caption: list[str] = field(default_factory=list)
    entity_countries: list[tuple[str, ...]] = field(default_factory=list)
    entity_birth: list[tuple[str, ...]] = field(default_factory=list)
    entity_idvalues: list[tuple[str, ...]] = field(default_factory=list)
    entity_version: list[str] = field(default_factory=list)
    # names
    name_entity: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    name_value: list[str] = field(default_factory=list)
    name_kind: list[str] = field(default_factory=list)
    name_tokens: list[tuple[str, ...]] = field(default_factory=list)
    name_keys: list[tuple[str, ...]] = field(default_factory=list)
    name_forms: list[tuple[str, ...]] = field(default_factory=list)
    name_numbers: list[tuple[str, ...]] = field(default_factory=list)
    name_how: list[str] = field(default_factory=list)  # script of the list name
    name_weight: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # vocabulary and postings (CSR over name ids, sorted)
    vocab: dict[str, int] = field(default_factory=dict)
    vocab_keys: list[str] = field(default_factory=list)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    post_offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    post_names: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # one-deletion neighbourhood: sorted crc32 hashes -> vocab ids
    del_hash: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    del_vid: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    max_idf: float = 1.0
    n_entities: int = 0


def deletes(key: str) -> set[str]:
    """The key itself and every string one character shorter."""
    out = {key}
    if len(key) >= MIN_DELETE_LEN:
        out.update(key[:i] + key[i + 1:] for i in range(len(key)))
    return out


def crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def blocking_keys(keys: tuple[str, ...], tokens: tuple[str, ...]) -> set[str]:
    """Token keys, joined adjacent pairs, their consonants and the acronym of one
    prepared name."""
    out = set(keys)
    out.update(tokens)  # raw tokens too: a typo can collide with the key folding
    for tok, key in zip(tokens, keys, strict=False):
        out.update(skeletal_blocks(tok, key))
    for i in range(len(tokens) - 1):
        joined = tokens[i] + tokens[i + 1]
        key = token_key(joined)
        out.add(key)
        out.update(skeletal_blocks(joined, key))
    acr = acronym(tokens)
    if acr:
        out.add("@" + acr)
    return out


def _birth_dates(entity: Entity) -> tuple[str, ...]:
    return tuple(d.value for d in entity.dates if d.role == "birth")


def build_index(entities: Iterable[Entity]) -> IndexData:
    """Prepare every name of every entity and build the blocking structures."""
    data = IndexData()
    postings: dict[str, list[int]] = {}
    entity_df: dict[str, int] = {}
    name_entity: list[int] = []
    for entity in entities:
        eidx = len(data.entity_ids)
        data.entity_ids.append(entity.id)
        data.entity_list.append(entity.list_id)
        source_id = entity.flags.get("source_entity_number") if entity.flags else None
        data.entity_source_id.append(str(source_id or entity.native_id))
        data.entity_schema.append(entity.schema)
        data.entity_schema_inferred.append(bool(entity.flags.get("schema_inferred")))
        data.entity_caption.append(entity.caption)
        data.entity_countries.append(tuple(sorted({c.code for c in entity.countries})))
        data.entity_birth.append(_birth_dates(entity))
        idvals = entity_values(entity.identifiers)
        data.entity_idvalues.append(idvals)
        data.entity_version.append(entity.content_hash())
        seen_keys: set[str] = set()
        for name in entity.names:
            prep = prepare_name(name.value, entity.schema)
            if not prep.tokens:
                continue
            nidx = len(name_entity)
            name_entity.append(eidx)
            data.name_value.append(name.value)
            data.name_kind.append(name.kind)
            data.name_tokens.append(prep.tokens)
            data.name_keys.append(prep.keys)
            data.name_forms.append(prep.legal_forms)
            data.name_numbers.append(prep.numbers)
            data.name_how.append(prep.script)
            keys = blocking_keys(prep.keys, prep.tokens)
            keys.update("#" + v for v in idvals)
            for key in keys:
                postings.setdefault(key, []).append(nidx)
            seen_keys.update(keys)
        for key in seen_keys:
            entity_df[key] = entity_df.get(key, 0) + 1
    data.n_entities = len(data.entity_ids)
    data.name_entity = np.asarray(name_entity, dtype=np.int32)
    _finish_vocab(data, postings, entity_df)
    return data


def _finish_vocab(data: IndexData, postings: dict[str, list[int]],
                  entity_df: dict[str, int]) -> None:
    keys = sorted(postings)
    data.vocab_keys = keys
    data.vocab = {k: i for i, k in enumerate(keys)}
    n = max(data.n_entities, 1)
    df = np.asarray([entity_df.get(k, 1) for k in keys], dtype=np.int32)
    data.df = df
    data.idf = np.log((n + 1) / (df.astype(np.float64) + 0.5)).astype(np.float32)
    data.max_idf = float(math.log((n + 1) / 0.5))
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    flat: list[int] = []
    for i, k in enumerate(keys):
        flat.extend(sorted(set(postings[k])))
        offsets[i + 1] = len(flat)
    data.post_offsets = offsets
    data.post_names = np.asarray(flat, dtype=np.int32)
    hashes: list[int] = []
    vids: list[int] = []
    for vid, k in enumerate(keys):
        if k[0] in "@#~^":
            continue
        for d in deletes(k):
            hashes.append(crc(d))
            vids.append(vid)
    h = np.asarray(hashes, dtype=np.uint32)
    v = np.asarray(vids, dtype=np.int32)
    order = np.argsort(h, kind="stable")
    data.del_hash = h[order]
    data.del_vid = v[order]
    idf = data.idf
    data.name_weight = np.asarray(
        [sum(float(idf[data.vocab[k]]) for k in keys if k in data.vocab) for keys in data.name_keys],
        dtype=np.float32)
