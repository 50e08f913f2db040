"""The generated world: sellers (legitimate traders, decoys, planted intermediaries in
networks), Russian and other buyers, and the goods each one trades."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stopship.intelligence.generate.drift import address_variants, variants
from stopship.intelligence.generate.vocab import NamePool, Product, inn, vocabulary
from stopship.intelligence.reference import country_sets, listed_sample

EPOCH = dt.date(1970, 1, 1)
START, END = dt.date(2019, 1, 1), dt.date(2025, 12, 31)
WAR = dt.date(2022, 2, 24)


def day(d: dt.date) -> int:
    return (d - EPOCH).days


@dataclass
class Seller:
    pid: str
    kind: str  # legit | decoy | planted
    country: str
    names: list[str]
    addresses: list[str]
    phone: str
    founded: dt.date
    start: int
    end: int
    post_prob: float
    ru_pre: float
    ru_post: float
    products_pre: list[int]
    products_post: list[int]
    weight: float
    markup: float = 0.0  # share of post-war rows priced far above the norm
    ru_buyers: list[int] = field(default_factory=list)
    other_buyers: list[int] = field(default_factory=list)
    network: str | None = None
    listed_as: str | None = None  # list id when the seller is a real listed party
    shares_address_with: str | None = None


@dataclass
class Buyer:
    bid: str
    country: str
    names: list[str]
    tax_id: str | None
    listed_as: str | None = None


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _date_between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


class World:
    """Everything the row sampler draws from. ``n_sellers`` scales with the row count."""

    def __init__(self, rows: int, seed: int, planted_share: float = 0.01) -> None:
        self.rng = random.Random(seed)
        self.names = NamePool(seed)
        self.vocab = vocabulary()
        self.products: list[Product] = []
        from stopship.intelligence.generate.vocab import products
        self.products = products(self.rng)
        self.chpl_ids = [i for i, p in enumerate(self.products) if p.tier]
        self.high_ids = [i for i, p in enumerate(self.products) if p.tier in ("1", "2")]
        self.ordinary_ids = [i for i, p in enumerate(self.products) if not p.tier]
        self.n_sellers = max(400, min(60_000, rows // 400))
        self.n_planted = max(4, round(self.n_sellers * planted_share))
        self.n_decoys = 2 * self.n_planted
        self.buyers: list[Buyer] = []
        self.sellers: list[Seller] = []
        self._taken: set[tuple[str, str]] = set()
        self._build_buyers(max(80, min(20_000, rows // 800)))
        self._build_sellers()

    # -- buyers ------------------------------------------------------------------------
    def _build_buyers(self, n_ru: int) -> None:
        rng = self.rng
        forms = [("ООО", "OOO"), ("АО", "AO"), ("ООО", "LLC"), ("ООО", "Limited Liability Company")]
        for i in range(n_ru):
            cyr, lat = self.names.russian_company(rng)
            cyr_form, lat_form = forms[0] if rng.random() < 0.7 else rng.choice(forms[1:])
            spellings = [f'{lat_form} "{lat}"', f"{lat_form} {lat}".upper(),
                         f"{cyr_form} «{cyr}»", f"{lat} {rng.choice(['LLC', 'OOO', 'Ltd'])}"]
            self.buyers.append(Buyer(f"B{i:06d}", "RU", self._unique(spellings, "RU"), inn(rng)))
        self.n_plain_ru = len(self.buyers)
        for j, entry in enumerate(e for e in listed_sample() if e.role == "buyer"):
            base = entry.name
            spellings = [base, base.upper(), base.replace(",", "").replace(".", "")]
            self.buyers.append(Buyer(f"BL{j:04d}", entry.country, self._unique(spellings, "RU"),
                                     inn(rng), listed_as=entry.list_id))
        self.ru_listed_ids = list(range(self.n_plain_ru, len(self.buyers)))
        self.first_foreign = len(self.buyers)
        for k in range(max(60, n_ru // 2)):
            country = rng.choice(self.vocab["importer_countries"])
            conf = self.vocab["countries"].get(country) or self.vocab["countries"]["US"]
            core = f"{rng.choice(self.names.surnames(conf.get('latin_locale', conf['locale'])))}" \
                   f" {rng.choice(self.vocab['industry'])}"
            spellings = [f"{core} {conf['legal'][0]}", f"{core} {conf['legal'][0]}".upper()]
            self.buyers.append(Buyer(f"BF{k:05d}", country, self._unique(spellings, country), None))
        self.foreign_ids = list(range(self.first_foreign, len(self.buyers)))

    def _unique(self, spellings: list[str], country: str) -> list[str]:
        out = []
        for s in spellings:
            if (s, country) not in self._taken:
                self._taken.add((s, country))
                out.append(s)
        return out or [f"{spellings[0]} {len(self._taken)}"]

    # -- sellers -----------------------------------------------------------------------
    def _seller_names(self, country: str, base: str | None = None) -> list[str]:
        rng = self.rng
        conf = self.vocab["countries"][country]
        if base is None:
            for _ in range(20):
                core, prefix = self.names.company_core(country, rng)
                canonical = " ".join(p for p in (prefix, core, conf["legal"][0]) if p)
                if (canonical, country) not in self._taken:
                    break
            names = variants(core, conf["legal"], prefix, self.vocab["abbreviations"], rng,
                             rng.randint(2, 7))
        else:
            names = [base, base.upper(), base.replace(",", "").replace(".", ""),
                     base.replace("Limited", "Ltd").replace("Company", "Co")]
        return self._unique(names, country)

    def _products(self, n: int, chpl_share: float, pool: list[int] | None = None) -> list[int]:
        rng = self.rng
        out = []
        for _ in range(n):
            if rng.random() < chpl_share:
                out.append(rng.choice(pool or self.chpl_ids))
            else:
                out.append(rng.choice(self.ordinary_ids))
        return out

    def _new_seller(self, kind: str, country: str, base_name: str | None = None,
                    address: str | None = None) -> Seller:
        rng = self.rng
        conf = self.vocab["countries"][country]
        addr = address or self.names.street(country, rng)
        founded = _date_between(rng, dt.date(1995, 1, 1), dt.date(2018, 12, 31))
        return Seller(
            pid=f"P{len(self.sellers):06d}", kind=kind, country=country,
            names=self._seller_names(country, base_name),
            addresses=address_variants(addr, self.vocab["abbreviations"], rng, rng.randint(1, 3)),
            phone=f"{conf['phone']} {rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
            founded=founded, start=day(START), end=day(END), post_prob=0.43,
            ru_pre=0.0, ru_post=0.0, products_pre=[], products_post=[],
            weight=rng.lognormvariate(0, 1.0))

    def _build_sellers(self) -> None:
        rng = self.rng
        transship = country_sets()["transshipment"]
        n_legit = self.n_sellers - self.n_planted - self.n_decoys
        for _ in range(n_legit):
            country = _weighted(rng, self.vocab["legit_countries"])
            s = self._new_seller("legit", country)
            chpl_share = rng.choice([0.0, 0.05, 0.3, 0.6])
            s.products_pre = s.products_post = self._products(rng.randint(3, 8), chpl_share)
            if country in transship:
                s.ru_pre = rng.uniform(0.05, 0.5)
                s.ru_post = rng.uniform(0.1, 0.6) if chpl_share < 0.3 else s.ru_pre * 0.5
            else:
                s.ru_pre = rng.uniform(0.0, 0.5)
                s.ru_post = s.ru_pre * 0.05
            if rng.random() < 0.05:  # sold to a (later) listed buyer before the war
                s.ru_buyers.append(rng.choice(self.ru_listed_ids))
            self.sellers.append(s)
        for _ in range(self.n_decoys):  # hard negatives in transshipment countries
            country = _weighted(rng, self.vocab["planted_countries"])
            s = self._new_seller("decoy", country)
            if rng.random() < 0.5:  # steady distributor of electronics, Russia a normal market
                s.products_pre = s.products_post = self._products(rng.randint(4, 8), 0.4)
                s.ru_pre = s.ru_post = rng.uniform(0.1, 0.35)
            else:  # new after the war, ordinary goods into Russia
                s.founded = _date_between(rng, dt.date(2022, 3, 1), dt.date(2024, 6, 30))
                s.start = day(s.founded)
                s.post_prob = 1.0
                s.products_pre = s.products_post = self._products(rng.randint(3, 6), 0.0)
                s.ru_pre = s.ru_post = rng.uniform(0.5, 0.9)
            self.sellers.append(s)
        self._plant(transship)
        for s in self.sellers:
            if not s.ru_buyers or len(s.ru_buyers) < 2:
                s.ru_buyers += rng.sample(range(self.n_plain_ru), k=rng.randint(1, 4))
            s.other_buyers = rng.sample(self.foreign_ids, k=min(len(self.foreign_ids),
                                                                rng.randint(2, 8)))

    def _plant(self, transship: frozenset[str]) -> None:
        rng = self.rng
        listed_mid = [e for e in listed_sample() if e.role == "intermediary"]
        rng.shuffle(listed_mid)
        planted = 0
        net = 0
        while planted < self.n_planted:
            net += 1
            size = min(rng.randint(2, 4), self.n_planted - planted)
            buyers = rng.sample(range(self.n_plain_ru), k=rng.randint(2, 5))
            if rng.random() < 0.6:
                buyers.append(rng.choice(self.ru_listed_ids))
            brand_pool = self.high_ids if rng.random() < 0.7 else self.chpl_ids
            phone = None
            for _ in range(size):
                country = _weighted(rng, self.vocab["planted_countries"])
                base = address = listed_as = shares = None
                r = rng.random()
                if r < 0.2 and listed_mid:
                    entry = listed_mid.pop()
                    country = entry.country if entry.country in self.vocab["countries"] else country
                    base, address, listed_as = entry.name, entry.address, entry.list_id
                elif r < 0.35 and listed_mid:
                    entry = listed_mid[rng.randrange(len(listed_mid))]
                    if entry.country in self.vocab["countries"]:
                        country, address, shares = entry.country, entry.address, entry.name
                s = self._new_seller("planted", country, base, address)
                s.listed_as, s.shares_address_with, s.network = listed_as, shares, f"N{net:04d}"
                if phone and rng.random() < 0.5:
                    s.phone = phone
                phone = s.phone
                if rng.random() < 0.6:  # shell founded after the invasion
                    s.founded = _date_between(rng, dt.date(2022, 3, 1), dt.date(2024, 6, 30))
                    s.start, s.post_prob = day(s.founded), 1.0
                else:  # old company that pivoted
                    s.post_prob = 0.9
                s.products_pre = self._products(rng.randint(2, 4), 0.0)
                s.products_post = self._products(rng.randint(3, 6), 0.9, brand_pool)
                s.ru_pre, s.ru_post = rng.uniform(0.0, 0.1), rng.uniform(0.75, 0.97)
                s.markup = rng.choice([0.0, 0.3, 0.5])
                s.weight = rng.lognormvariate(0.3, 0.6)
                s.ru_buyers = rng.sample(buyers, k=min(len(buyers), rng.randint(2, 4)))
                self.sellers.append(s)
                planted += 1
