"""The generator's vocabulary (resources/intelligence/generator.yaml) and the name pools built
from it with faker: pre-generated once per run, never per row."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from faker import Faker

from stopship.intelligence.reference import INTEL, chpl, load_yaml


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    return load_yaml(INTEL / "generator.yaml")


@dataclass(frozen=True, slots=True)
class Product:
    brand: str | None
    hs_code: str
    hs6: str
    description: str
    unit: str
    price: float
    origin: str | None
    tier: str | None  # CHPL tier or None


def products(rng: random.Random) -> list[Product]:
    """Branded CHPL goods (brand x code, with 6, 8 or 10 digit national codes) and ordinary goods."""
    vocab, table = vocabulary(), chpl()
    out: list[Product] = []
    for entry in vocab["brands"]:
        for hs6 in entry["hs6"]:
            code = table.get(hs6)
            short = code.description.split(":")[-1].split(",")[0].strip() if code else hs6
            for suffix in ("", "00", "0000"):
                out.append(Product(entry["brand"], hs6 + suffix, hs6, f"{short} {entry['brand']}",
                                   entry["unit"], float(entry["price"]), entry["origin"],
                                   code.tier if code else None))
    for entry in vocab["ordinary"]:
        for brand in vocab["ordinary_brands"]:
            suffix = rng.choice(["", "00", "9000"])
            out.append(Product(None if brand == "No brand" else brand, entry["hs6"] + suffix,
                               entry["hs6"], entry["desc"], entry["unit"], float(entry["price"]),
                               None, None))
    return out


class NamePool:
    """Surnames per locale (faker), drawn once; company cores are built from them."""

    def __init__(self, seed: int) -> None:
        self._fakers: dict[str, Faker] = {}
        self._seed = seed
        self._surnames: dict[str, list[str]] = {}

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            fk = Faker(locale)
            fk.seed_instance(self._seed + len(self._fakers))
            self._fakers[locale] = fk
        return self._fakers[locale]

    def surnames(self, locale: str) -> list[str]:
        if locale not in self._surnames:
            fk = self.faker(locale)
            names = {anyascii(fk.last_name()).replace("'", "").strip().title() for _ in range(600)}
            self._surnames[locale] = sorted(n for n in names if n.isascii() and len(n) > 2)
        return self._surnames[locale]

    def company_core(self, country: str, rng: random.Random) -> tuple[str, str | None]:
        """(core name, city prefix or None) for a seller in ``country``."""
        conf = vocabulary()["countries"][country]
        industry = rng.choice(vocabulary()["industry"])
        if conf.get("pinyin"):
            syl = vocabulary()["pinyin"]
            word = (rng.choice(syl) + rng.choice(syl)).capitalize()
            if rng.random() < 0.4:
                word += " " + (rng.choice(syl) + rng.choice(syl)).capitalize()
            return f"{word} {industry}", rng.choice(conf["cities"])
        names = self.surnames(conf.get("latin_locale", conf["locale"]))
        first = rng.choice(names)
        if rng.random() < 0.3:
            first = f"{first} & {rng.choice(names)}"
        return f"{first} {industry}", None

    def russian_company(self, rng: random.Random) -> tuple[str, str]:
        """(Cyrillic core, Latin transliteration) of a Russian company name."""
        fk = self.faker("ru_RU")
        core = fk.last_name()
        if rng.random() < 0.5:
            core = f"{core}-{rng.choice(['Трейд', 'Техно', 'Электро', 'Снаб', 'Пром', 'Микро', 'Систем'])}"
        return core, anyascii(core)

    def street(self, country: str, rng: random.Random) -> str:
        conf = vocabulary()["countries"][country]
        name = rng.choice(self.surnames(conf.get("latin_locale", conf["locale"])))
        kind = rng.choice(["Street", "Road", "Avenue"])
        city = rng.choice(conf["cities"])
        unit = rng.choice(["", f"Floor {rng.randint(2, 30)}, ", f"Room {rng.randint(100, 2999)}, "])
        building = f"{rng.choice(['Tower', 'Building', 'Plaza'])} {rng.randint(1, 9)}, " \
            if rng.random() < 0.4 else ""
        return f"{unit}{building}{rng.randint(1, 400)} {name} {kind}, {city}"


def inn(rng: random.Random) -> str:
    """A 10-digit Russian legal-entity INN with a valid check digit."""
    digits = [rng.randint(0, 9) for _ in range(9)]
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)
