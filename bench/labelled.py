"""Build the labelled quality set from the real lists (seeded, reproducible).

Positives: list names rewritten as customers write them, one family each (script,
romanisation, legal form, abbreviation, typo, word order, missing middle name or
initials, joined or split words). Negatives ("clean"): names that must not alert (same
surname with another given name, company names that share only generic words, generated
names in several locales). A case is a query record and the set of entity ids that
count as correct (every entity carrying the rewritten name).
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stopship.model import Entity

HERE = Path(__file__).parent

# reported, but not counted in the overall recall (see ``latin_only``)
REPORT_ONLY = ("cross_script_org",)
POSITIVE_FAMILIES = ("script", "cross_script", "cross_script_org", "romanisation", "legal_form", "abbreviation", "typo",
                     "word_order", "middle_initials", "joined_split")
RUSSIAN_PROGRAMS = re.compile(r"RUSSIA|UKRAINE|CYBER|BELARUS", re.I)


@dataclass
class Case:
    family: str
    query: str
    schema: str | None
    expected: frozenset[str] = field(default_factory=frozenset)  # empty: must not alert
    source: str = ""
    country: str | None = None

    @property
    def positive(self) -> bool:
        return bool(self.expected)


def load_entities() -> list[Entity]:
    """Every list `stopship lists load --bundled` loads (the manifest's datasets and list
    ids), parsed by stopship's own parsers from the copies bundled in the package."""
    from stopship.sources import ParseReport
    from stopship.store.bundled import load_manifest
    from stopship.store.loader import make_source

    out: list[Entity] = []
    seen: set[str] = set()
    for ds in load_manifest():
        source = make_source(ds.source, ds.mapping, ds.lists)
        for entity in source.parse(ds.files, ParseReport()):
            if entity.list_id in ds.lists and entity.id not in seen:
                seen.add(entity.id)
                out.append(entity)
    return out


def _native(value: str) -> bool:
    from stopship.names.scripts import detect_script

    return detect_script(value) not in ("Latn", "Zyyy")


def latin_only(entities: list[Entity], seed: int = 7) -> tuple[list[Entity], list[Case]]:
    """The entities without their names in other scripts, and the ``cross_script`` cases:
    each entity's first such name (the UN list gives Arabic, Cyrillic and Chinese
    originals beside its latin names) as a query that must find the entity through its
    latin names alone, as written by the list's own editors (real transliterations, not
    generated ones). Organisations form their own family, ``cross_script_org``: most of
    their latin names are translations (LIBYAN ISLAMIC FIGHTING GROUP), which no
    transliteration can reach, so it is reported but kept out of the overall recall."""
    from stopship.matching.prepared import prepare_name

    rng = random.Random(seed)
    kept: list[Entity] = []
    cases: list[Case] = []
    by_tokens: dict[tuple[str, ...], set[str]] = {}  # entities carrying the same latin name
    for e in entities:
        for n in e.names:
            if not _native(n.value):
                key = tuple(sorted(prepare_name(n.value, e.schema).tokens))
                by_tokens.setdefault(key, set()).add(e.id)
    for e in entities:
        native = [n for n in e.names if _native(n.value)]
        latin = [n for n in e.names if not _native(n.value)]
        if not native:
            kept.append(e)
            continue
        kept.append(dataclasses.replace(e, names=latin))
        if latin:
            same = {i for n in latin
                    for i in by_tokens.get(tuple(sorted(prepare_name(n.value, e.schema).tokens)),
                                           ())}
            family = "cross_script" if e.schema == "person" else "cross_script_org"
            cases.append(Case(family, native[0].value,
                              e.schema if rng.random() < 0.5 else None,
                              frozenset(same | {e.id}), latin[0].value))
    return kept, cases


# -- rewriting helpers ------------------------------------------------------------------
_LAT2CYR = [("shch", "щ"), ("sch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"),
            ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("ye", "е"), ("yo", "ё"), ("iy", "ий"),
            ("yy", "ый"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"),
            ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"), ("l", "л"), ("m", "м"),
            ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
            ("f", "ф"), ("c", "к"), ("h", "х"), ("w", "в"), ("x", "кс"), ("q", "к"),
            ("j", "дж")]
_SYSTEMS = {
    "german": [("shch", "schtsch"), ("zh", "sch"), ("kh", "ch"), ("ch", "tsch"), ("sh", "sch"),
               ("v", "w"), ("yu", "ju"), ("ya", "ja"), ("ye", "je"), ("iy", "ij"), ("yy", "ij"),
               ("y", "j"), ("ovich", "owitsch"), ("evich", "ewitsch")],
    "french": [("shch", "chtch"), ("kh", "kh"), ("ch", "tch"), ("sh", "ch"), ("u", "ou"),
               ("zh", "j"), ("yu", "iou"), ("ya", "ia"), ("iy", "i")],
    "icao": [("kh", "kh"), ("yu", "iu"), ("ya", "ia"), ("iy", "ii"), ("ye", "e"), ("y", "i")],
    "loose": [("kh", "h"), ("ts", "tz"), ("iy", "y"), ("yev", "ev"), ("ks", "x")],
}
LEGAL_SWAPS = {
    "LIMITED LIABILITY COMPANY": ["LLC", "OOO", "ООО", "L.L.C."],
    "LIMITED LIABILITY PARTNERSHIP": ["LLP", "TOO"],
    "PUBLIC JOINT STOCK COMPANY": ["PJSC", "PAO", "ПАО"],
    "OPEN JOINT STOCK COMPANY": ["OJSC", "OAO", "ОАО"],
    "CLOSED JOINT STOCK COMPANY": ["CJSC", "ZAO", "ЗАО"],
    "JOINT STOCK COMPANY": ["JSC", "AO", "АО"],
    "LLC": ["OOO", "ООО", "Limited Liability Company", "L.L.C.", "TOO", "Obshchestvo s ogranichennoy otvetstvennostyu"],
    "OOO": ["LLC", "ООО", "Limited Liability Company", "L.L.C."],
    "JSC": ["AO", "АО", "Joint Stock Company", "J.S.C."],
    "AO": ["JSC", "АО", "Joint-Stock Company", "Aktsionernoe Obshchestvo"],
    "OJSC": ["OAO", "ОАО", "Open Joint Stock Company"],
    "PJSC": ["PAO", "ПАО", "Public Joint Stock Company"],
    "CO., LTD.": ["Company Limited", "Co Ltd", "CO. LIMITED", "有限公司"],
    "CO. LTD": ["Company Limited", "Co., Ltd.", "LTD"],
    "LIMITED": ["Ltd", "Ltd."],
    "LTD": ["Limited", "Co., Ltd."],
    "INC": ["Incorporated", "Inc."],
    "CORPORATION": ["Corp", "Corp."],
    "GMBH": ["Gesellschaft mit beschränkter Haftung", "G.m.b.H."],
    "FZE": ["F.Z.E.", "Free Zone Establishment"],
}
ABBREVIATIONS = {
    "INTERNATIONAL": "Intl", "TECHNOLOGY": "Tech", "TECHNOLOGIES": "Techs",
    "COMMUNICATIONS": "Comm", "COMMUNICATION": "Comm", "GROUP": "Grp",
    "MANUFACTURING": "Mfg", "ELECTRONICS": "Elec", "ELECTRONIC": "Elec", "CORPORATION": "Corp",
    "COMPANY": "Co", "INDUSTRIAL": "Ind", "ENGINEERING": "Eng", "DEVELOPMENT": "Dev",
    "EQUIPMENT": "Equip", "TRADING": "Trdg", "INSTITUTE": "Inst", "SCIENTIFIC": "Sci",
    "RESEARCH": "Res", "LIMITED": "Ltd", "INDUSTRY": "Ind", "INDUSTRIES": "Inds",
    "SERVICES": "Svcs", "MANAGEMENT": "Mgmt", "DEPARTMENT": "Dept", "ASSOCIATION": "Assn",
    "NATIONAL": "Natl", "SYSTEMS": "Sys", "AVIATION": "Aviat", "INSTRUMENTS": "Instr",
}
KK_GIVEN = ["Ерлан", "Айгүл", "Нұрлан", "Асель", "Дәурен", "Жанар", "Бауыржан", "Гүлнар",
            "Қайрат", "Мадина", "Серік", "Динара", "Ержан", "Сәуле", "Талғат", "Әлия"]
KK_FAMILY = ["Ахметов", "Жұмабаев", "Сүлейменов", "Қасымов", "Омаров", "Нұрланов", "Әбенов",
             "Сейітқали", "Бекмұхамбетов", "Тоқаев", "Исабеков", "Құдайбергенов", "Мұратов"]


def to_cyrillic(text: str) -> str:
    out = []
    for word in text.split():
        w = re.sub(r"[^A-Za-z]", "", word).lower()
        if not w:
            continue
        if len(w) > 2 and w.endswith("y") and w[-2] not in "aeiouy":
            w = w[:-1] + "iy"
        res, i = "", 0
        while i < len(w):
            for lat, cyr in _LAT2CYR:
                if w.startswith(lat, i):
                    res += cyr
                    i += len(lat)
                    break
            else:
                i += 1
        out.append(res.capitalize())
    return " ".join(out)


def romanise_as(text: str, system: str) -> str:
    """Re-spell a BGN/PCGN-romanised Russian name in another system (one pass, longest
    sequence first, so ``kh`` never becomes ``tsch``)."""
    table = dict(_SYSTEMS[system])
    pattern = re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    words = []
    for word in text.split():
        w = word.lower()
        if system == "german" and len(w) > 2 and w.endswith("y") and w[-2] not in "aeiou":
            w = w[:-1] + "i"  # Yury -> Juri
        w = pattern.sub(lambda m: table[m.group(0)], w)
        words.append(w.capitalize())
    return " ".join(words)


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("sdti")
    letters = "aeioulnrstkm"
    if op == "s":
        return word[:i] + rng.choice(letters) + word[i + 1:]
    if op == "d":
        return word[:i] + word[i + 1:]
    if op == "t":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice(letters) + word[i:]


def person_split(value: str) -> tuple[list[str], list[str]]:
    """``SURNAME, Given Names`` -> (surname words, given words)."""
    if "," in value:
        last, _, first = value.partition(",")
        return last.split(), first.split()
    words = value.split()
    return words[-1:], words[:-1]


# -- the set ----------------------------------------------------------------------------
def _primary_names(entities: list[Entity]) -> Iterator[tuple[Entity, str]]:
    for e in entities:
        for n in e.names:
            if n.kind == "primary" and n.script in (None, "Latn") and n.value.isascii():
                yield e, n.value


def build_cases(entities: list[Entity], per_family: int = 300, clean: int = 3000,
                seed: int = 7) -> list[Case]:
    """The labelled cases: ``per_family`` positives per family, ``clean`` negatives."""
    from stopship.matching.prepared import prepare_name

    rng = random.Random(seed)
    by_tokens: dict[tuple[str, ...], set[str]] = {}
    for e in entities:
        for n in e.names:
            toks = tuple(sorted(prepare_name(n.value, e.schema).tokens))
            by_tokens.setdefault(toks, set()).add(e.id)

    def expected_for(e: Entity, name: str) -> frozenset[str]:
        toks = tuple(sorted(prepare_name(name, e.schema).tokens))
        return frozenset(by_tokens.get(toks, set()) | {e.id})

    by_keys = {tuple(sorted(prepare_name(n.value, e.schema).keys))
               for e in entities for n in e.names}

    def listed(name: str, schema: str | None) -> bool:
        prep = prepare_name(name, schema)
        return (tuple(sorted(prep.tokens)) in by_tokens
                or tuple(sorted(prep.keys)) in by_keys)

    names = list(_primary_names(entities))
    rng.shuffle(names)
    persons = [(e, v) for e, v in names if e.schema == "person" and len(v.split()) >= 2]
    orgs = [(e, v) for e, v in names if e.schema == "organization" and len(v.split()) >= 2]
    russian = [(e, v) for e, v in persons + orgs
               if any(RUSSIAN_PROGRAMS.search(p) for p in e.programs)
               or any(c.code in ("RU", "BY") for c in e.countries)]
    cases: list[Case] = []

    def add(family: str, pool: list[tuple[Entity, str]], make) -> None:  # type: ignore[no-untyped-def]
        made = 0
        for e, v in pool:
            if made >= per_family:
                break
            q = make(e, v)
            if not q or q.strip().lower() == v.strip().lower():
                continue
            cases.append(Case(family, q, e.schema if rng.random() < 0.5 else None,
                              expected_for(e, v), v))
            made += 1

    def script(e: Entity, v: str) -> str:
        if e.schema == "person":
            last, first = person_split(v)
            return to_cyrillic(" ".join(first + last) if rng.random() < 0.5 else
                               " ".join(last + first))
        base = re.sub(r"\b(LLC|OOO|JSC|AO|OAO|PAO|ZAO|PJSC|OJSC|CJSC|LIMITED|LTD)\b\.?", "", v,
                      flags=re.I)
        return f'ООО "{to_cyrillic(base)}"' if rng.random() < 0.5 else to_cyrillic(base)

    def romanisation(e: Entity, v: str) -> str:
        system = rng.choice(list(_SYSTEMS))
        last, first = person_split(v)
        return romanise_as(" ".join(first + last), system)

    def legal(e: Entity, v: str) -> str | None:
        up = v.upper()
        for form, subs in LEGAL_SWAPS.items():
            m = re.search(rf"(?<![A-Z]){re.escape(form)}(?![A-Z])", up)
            if m:
                new = rng.choice(subs)
                rest = (v[:m.start()] + v[m.end():]).strip(" ,.")
                return f"{new} {rest}" if rng.random() < 0.4 else f"{rest} {new}"
        return None

    def abbreviate(e: Entity, v: str) -> str | None:
        words = v.split()
        out, changed = [], False
        for w in words:
            key = re.sub(r"[^A-Z]", "", w.upper())
            if key in ABBREVIATIONS and (rng.random() < 0.8 or not changed):
                out.append(ABBREVIATIONS[key])
                changed = changed or key not in ("LIMITED", "COMPANY", "CORPORATION")
            else:
                out.append(w)
        return " ".join(out) if changed else None

    def make_typo(e: Entity, v: str) -> str | None:
        words = v.split()
        idx = [i for i, w in enumerate(words) if len(re.sub(r"\W", "", w)) >= 5]
        if not idx:
            return None
        i = max(idx, key=lambda k: len(words[k]) + rng.random())
        words[i] = typo(words[i], rng)
        return " ".join(words)

    def order(e: Entity, v: str) -> str | None:
        last, first = person_split(v)
        if not first:
            return None
        return " ".join(first + last) if rng.random() < 0.7 else f"{' '.join(last)} {' '.join(first)}"

    def middle(e: Entity, v: str) -> str | None:
        last, first = person_split(v)
        if len(first) >= 2:
            return " ".join([first[0]] + last)
        if first and len(first[0]) > 2:
            return f"{first[0][0]}. {' '.join(last)}"
        return None

    def joined(e: Entity, v: str) -> str | None:
        words = v.split()
        long_ix = [i for i, w in enumerate(words) if len(w) >= 10 and w.isalpha()]
        if long_ix and rng.random() < 0.4:
            i = long_ix[0]
            cut = len(words[i]) // 2
            words[i:i + 1] = [words[i][:cut], words[i][cut:]]
            return " ".join(words)
        def plain(w: str) -> bool:
            prep = prepare_name(w, "organization")
            return w.isalpha() and bool(prep.tokens) and not prep.legal_forms

        pairs = [i for i in range(len(words) - 1) if plain(words[i]) and plain(words[i + 1])]
        if not pairs:
            return None
        i = rng.choice(pairs)
        words[i:i + 2] = [words[i] + words[i + 1].lower()]
        return " ".join(words)

    add("script", russian, script)
    add("romanisation", [p for p in russian if p[0].schema == "person"], romanisation)
    add("legal_form", orgs, legal)
    add("abbreviation", orgs, abbreviate)
    add("typo", persons[: len(persons) // 2] + orgs, make_typo)
    add("word_order", persons, order)
    add("middle_initials", persons, middle)
    add("joined_split", orgs + persons, joined)
    cases.extend(_clean_cases(persons, orgs, clean, rng, listed))
    return cases


def _clean_cases(persons: list[tuple[Entity, str]], orgs: list[tuple[Entity, str]], total: int,
                 rng: random.Random, listed) -> list[Case]:  # type: ignore[no-untyped-def]
    from faker import Faker

    from stopship.names.abbreviations import generic_words

    out: list[Case] = []
    from stopship.matching.prepared import is_patronymic

    given_pool = sorted({w for _, v in persons for w in person_split(v)[1]
                         if len(w) > 3 and w.isalpha() and not is_patronymic(w.lower())})
    share = total // 4
    for _e, v in persons:
        if len([c for c in out if c.family == "clean_same_surname"]) >= share:
            break
        last, first = person_split(v)
        if not first:
            continue
        other = rng.choice(given_pool)
        if other.lower() in (f.lower() for f in first):
            continue
        q = f"{other} {' '.join(last)}"
        if not listed(q, "person"):
            out.append(Case("clean_same_surname", q, "person" if rng.random() < 0.5 else None))
    generic = {w.upper() for w in generic_words()}
    fake = Faker("en_US")
    fake.seed_instance(11)
    for _e, v in orgs:
        if len([c for c in out if c.family == "clean_generic_words"]) >= share:
            break
        words = v.split()
        kept = [w for w in words if re.sub(r"\W", "", w.upper()) in generic or
                re.sub(r"\W", "", w.upper()) in LEGAL_SWAPS]
        if not kept or len(kept) == len(words):
            continue
        q = f"{fake.last_name()} {' '.join(kept)}"
        if not listed(q, "organization"):
            out.append(Case("clean_generic_words", q, None))
    locales = ["ru_RU", "zh_CN", "tr_TR", "ar_AA", "hy_AM", "en_US", "de_DE"]
    rest = total - len(out)
    per = rest // (len(locales) + 1)
    for loc in locales:
        f = Faker(loc)
        f.seed_instance(rng.randrange(1 << 30))
        made = 0
        while made < per:
            schema = "person" if made % 2 else "organization"
            name = f.name() if schema == "person" else f.company()
            if listed(name, schema):
                continue  # faker knows real companies (e.g. listed Russian ones): not clean
            out.append(Case(f"clean_{loc[:2]}", name, schema))
            made += 1
    for i in range(rest - per * len(locales)):
        name = f"{rng.choice(KK_GIVEN)} {rng.choice(KK_FAMILY)}"
        out.append(Case("clean_kk", name, "person" if i % 2 else None))
    return out


def eval_cases(entities: list[Entity]) -> list[Case]:
    """The small external cases in bench/data: 80 spellings of Putin (positives)."""
    putin = frozenset(e.id for e in entities for n in e.names
                      if n.value.upper().startswith("PUTIN, VLADIMIR"))
    lines = (HERE / "data" / "nomenklatura_putin_names.txt").read_text("utf-8").splitlines()
    return [Case("eval_putin", line.strip(), None, putin, "PUTIN, Vladimir Vladimirovich")
            for line in lines if line.strip() and not line.startswith("#")]
