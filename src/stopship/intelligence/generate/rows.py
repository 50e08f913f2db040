"""Vectorised row sampler: numpy draws indices into pre-built pools, pyarrow writes them as
dictionary-encoded Parquet in chunks. No Python work per row."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from stopship.intelligence.generate.parties import WAR, World, day
from stopship.intelligence.reference import country_sets


def _flat(lists: list[list[int]] | list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offsets, counts, flat values as int64 positions) for a list of lists."""
    counts = np.array([len(x) for x in lists], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return offsets, counts, np.arange(int(counts.sum()), dtype=np.int64)


def _pick(rng: np.random.Generator, rows: np.ndarray, offsets: np.ndarray,
          counts: np.ndarray) -> np.ndarray:
    return offsets[rows] + (rng.random(len(rows)) * counts[rows]).astype(np.int64)


class RowSampler:
    def __init__(self, world: World, seed: int) -> None:
        self.w = world
        self.rng = np.random.default_rng(seed)
        sellers, buyers, prods = world.sellers, world.buyers, world.products
        weights = np.array([s.weight for s in sellers])
        self.p = weights / weights.sum()
        self.start = np.array([s.start for s in sellers])
        self.end = np.array([s.end for s in sellers])
        self.post_prob = np.array([s.post_prob for s in sellers])
        self.ru_pre = np.array([s.ru_pre for s in sellers])
        self.ru_post = np.array([s.ru_post for s in sellers])
        self.markup = np.array([s.markup for s in sellers])
        self.war = day(WAR)
        # seller string pools
        self.name_pool = pa.array([n for s in sellers for n in s.names])
        self.name_off, self.name_cnt, _ = _flat([s.names for s in sellers])
        self.addr_pool = pa.array([a for s in sellers for a in s.addresses])
        self.addr_off, self.addr_cnt, _ = _flat([s.addresses for s in sellers])
        self.phone_pool = pa.array([s.phone for s in sellers])
        countries = sorted({s.country for s in sellers} | {b.country for b in buyers}
                           | {p.origin for p in prods if p.origin} | set(country_sets()["transshipment"]))
        self.country_pool = pa.array(countries)
        cidx = {c: i for i, c in enumerate(countries)}
        self.seller_country = np.array([cidx[s.country] for s in sellers], dtype=np.int32)
        self.transship = np.array([cidx[c] for c in sorted(country_sets()["transshipment"])],
                                  dtype=np.int32)
        self.cn = cidx["CN"]
        # buyers
        self.ru_flat = np.array([b for s in sellers for b in s.ru_buyers], dtype=np.int64)
        self.ru_off, self.ru_cnt, _ = _flat([s.ru_buyers for s in sellers])
        self.ot_flat = np.array([b for s in sellers for b in s.other_buyers], dtype=np.int64)
        self.ot_off, self.ot_cnt, _ = _flat([s.other_buyers for s in sellers])
        self.bname_pool = pa.array([n for b in buyers for n in b.names])
        self.bname_off, self.bname_cnt, _ = _flat([b.names for b in buyers])
        self.btax_pool = pa.array([b.tax_id or "" for b in buyers])
        self.btax_null = np.array([b.tax_id is None for b in buyers])
        self.bcountry = np.array([cidx[b.country] for b in buyers], dtype=np.int32)
        # products
        self.pre_flat = np.array([p for s in sellers for p in s.products_pre], dtype=np.int64)
        self.pre_off, self.pre_cnt, _ = _flat([s.products_pre for s in sellers])
        self.post_flat = np.array([p for s in sellers for p in s.products_post], dtype=np.int64)
        self.post_off, self.post_cnt, _ = _flat([s.products_post for s in sellers])
        self.hs_pool = pa.array([p.hs_code for p in prods])
        self.brand_pool = pa.array([p.brand or "" for p in prods])
        self.brand_null = np.array([p.brand is None for p in prods])
        self.desc_pool = pa.array([p.description for p in prods])
        self.unit_pool = pa.array(sorted({p.unit for p in prods}))
        uidx = {u: i for i, u in enumerate(self.unit_pool.to_pylist())}
        self.unit = np.array([uidx[p.unit] for p in prods], dtype=np.int32)
        self.price = np.array([p.price for p in prods])
        self.origin = np.array([cidx[p.origin] if p.origin else -1 for p in prods], dtype=np.int32)

    def chunk(self, first_id: int, n: int) -> pa.Table:
        rng = self.rng
        s = rng.choice(len(self.p), size=n, p=self.p)
        post = rng.random(n) < self.post_prob[s]
        war = self.war
        lo = np.where(post, np.maximum(self.start[s], war), self.start[s])
        hi = np.where(post, self.end[s], np.minimum(self.end[s], war - 1))
        empty = hi < lo
        lo = np.where(empty, self.start[s], lo)
        hi = np.where(empty, self.end[s], hi)
        post = np.where(empty, self.start[s] >= war, post)
        days = lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)
        to_ru = rng.random(n) < np.where(post, self.ru_post[s], self.ru_pre[s])
        buyer = np.where(to_ru, self.ru_flat[_pick(rng, s, self.ru_off, self.ru_cnt)],
                         self.ot_flat[_pick(rng, s, self.ot_off, self.ot_cnt)])
        prod = np.where(post, self.post_flat[_pick(rng, s, self.post_off, self.post_cnt)],
                        self.pre_flat[_pick(rng, s, self.pre_off, self.pre_cnt)])
        canon = rng.random(n) < 0.45
        name_i = np.where(canon, self.name_off[s], _pick(rng, s, self.name_off, self.name_cnt))
        addr_i = _pick(rng, s, self.addr_off, self.addr_cnt)
        bname_i = np.where(rng.random(n) < 0.5, self.bname_off[buyer],
                           _pick(rng, buyer, self.bname_off, self.bname_cnt))
        price = self.price[prod] * rng.lognormal(0.0, 0.25, n)
        marked = post & (rng.random(n) < self.markup[s])
        price = np.where(marked, price * rng.uniform(3.0, 8.0, n), price)
        qty = np.maximum(1, np.round(rng.lognormal(np.log(20000.0 / self.price[prod]), 1.0)))
        value = np.round(qty * price, 2)
        seller_c = self.seller_country[s]
        dispatch = np.where(rng.random(n) < 0.93, seller_c,
                            self.transship[rng.integers(0, len(self.transship), n)])
        origin = np.where(self.origin[prod] >= 0, self.origin[prod],
                          np.where(rng.random(n) < 0.6, self.cn, seller_c))
        no_brand = rng.random(n) < 0.03
        ids = pa.array(np.arange(first_id, first_id + n, dtype=np.int64)).cast(pa.string())
        record_id = pc.binary_join_element_wise("TR", pc.utf8_lpad(ids, 9, "0"), "")

        def dict_col(idx: np.ndarray, pool: pa.Array,
                     mask: np.ndarray | None = None) -> pa.DictionaryArray:
            return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32), mask=mask), pool)

        return pa.table({
            "record_id": record_id,
            "date": pa.array(days.astype(np.int32), pa.int32()).cast(pa.date32()),
            "importer_name": dict_col(bname_i, self.bname_pool),
            "importer_tax_id": dict_col(buyer, self.btax_pool, self.btax_null[buyer]),
            "importer_country": dict_col(self.bcountry[buyer], self.country_pool),
            "seller_name": dict_col(name_i, self.name_pool),
            "seller_address": dict_col(addr_i, self.addr_pool),
            "seller_country": dict_col(seller_c, self.country_pool),
            "seller_phone": dict_col(s, self.phone_pool),
            "origin_country": dict_col(origin, self.country_pool),
            "dispatch_country": dict_col(dispatch, self.country_pool),
            "hs_code": dict_col(prod, self.hs_pool),
            "brand": dict_col(prod, self.brand_pool, no_brand | self.brand_null[prod]),
            "description": dict_col(prod, self.desc_pool),
            "quantity": pa.array(qty),
            "unit": dict_col(self.unit[prod], self.unit_pool),
            "value_usd": pa.array(value),
        })

    def chunks(self, rows: int, chunk_rows: int) -> Iterator[pa.Table]:
        done = 0
        while done < rows:
            n = min(chunk_rows, rows - done)
            yield self.chunk(done + 1, n)
            done += n
