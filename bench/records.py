"""Generated customer records (seeded): realistic names in several locales, with listed
parties hidden among them, spelled as customers write them. Used by the speed benchmark
and by the example customer file."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

LOCALES = ("ru_RU", "zh_CN", "tr_TR", "ar_AA", "hy_AM", "en_US", "de_DE")
COUNTRY = {"ru_RU": "RU", "zh_CN": "CN", "tr_TR": "TR", "ar_AA": "AE", "hy_AM": "AM",
           "en_US": "US", "de_DE": "DE", "kk": "KZ"}
KK_GIVEN = ["Ерлан", "Айгүл", "Нұрлан", "Асель", "Дәурен", "Жанар", "Бауыржан", "Гүлнар"]
KK_FAMILY = ["Ахметов", "Жұмабаев", "Сүлейменов", "Қасымов", "Омаров", "Нұрланов", "Әбенов"]


def name_pools(per_locale: int = 3000, seed: int = 1) -> dict[str, tuple[list[str], list[str]]]:
    """(person names, company names) per locale, drawn once from faker."""
    from faker import Faker

    pools: dict[str, tuple[list[str], list[str]]] = {}
    for i, loc in enumerate(LOCALES):
        fake = Faker(loc)
        fake.seed_instance(seed + i)
        people = [fake.name() for _ in range(per_locale)]
        companies = [fake.company() for _ in range(per_locale)]
        pools[loc] = (people, companies)
    rng = random.Random(seed)
    pools["kk"] = ([f"{rng.choice(KK_GIVEN)} {rng.choice(KK_FAMILY)}" for _ in range(500)],
                   [f"ТОО «{rng.choice(KK_FAMILY)} {rng.choice(['Строй', 'Трейд', 'Логистик'])}»"
                    for _ in range(500)])
    return pools


def _mix(name: str, other: str, rng: random.Random) -> str:
    """Recombine words of two generated names so a million records are mostly distinct."""
    a, b = name.split(), other.split()
    if len(a) >= 2 and b:
        a[rng.randrange(len(a))] = rng.choice(b)
    return " ".join(a)


def _usable(name: str) -> bool:
    """Keep generated names that are more than legal forms (``Tic. A.Ş.``)."""
    from stopship.matching.prepared import prepare_name

    return any(len(t) >= 3 for t in prepare_name(name).tokens)


def customer_records(n: int, listed: list[tuple[str, str, str | None]], share_listed: float,
                     seed: int = 42) -> Iterator[dict[str, str]]:
    """``n`` records ``{id, name, schema, country}``; about ``share_listed`` of them are
    listed parties (``listed``: name as a customer writes it, schema, country)."""
    rng = random.Random(seed)
    pools = name_pools(seed=seed)
    locales = list(pools)
    for i in range(n):
        if listed and rng.random() < share_listed:
            name, schema, country = rng.choice(listed)
            yield {"id": f"C{i:07d}", "name": name, "schema": schema or "",
                   "country": country or ""}
            continue
        loc = rng.choice(locales)
        people, companies = pools[loc]
        while True:
            if rng.random() < 0.5:
                name = _mix(rng.choice(people), rng.choice(people), rng)
                schema = "person"
            else:
                name = _mix(rng.choice(companies), rng.choice(companies), rng)
                schema = "organization"
            if _usable(name):
                break
        yield {"id": f"C{i:07d}", "name": re.sub(r"\s+", " ", name),
               "schema": schema if rng.random() < 0.7 else "",
               "country": COUNTRY[loc] if rng.random() < 0.8 else ""}
