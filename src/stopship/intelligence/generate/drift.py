"""Spelling drift as real trade records show it: legal-form variants, case, punctuation,
abbreviations, transliteration variants, typos and dropped words. Pure functions of a
``random.Random`` so the generator stays reproducible."""

from __future__ import annotations

import random
import re

# Latin transliteration alternatives seen for the same Cyrillic/Armenian/Georgian letters.
_TRANSLIT = [("kh", "h"), ("ts", "tz"), ("y", "i"), ("iy", "y"), ("sh", "ch"), ("zh", "j"),
             ("ya", "ia"), ("yu", "iu"), ("ou", "u"), ("ei", "ey")]


def typo(word: str, rng: random.Random) -> str:
    """One keyboard-style error: swap, drop or double a letter (never the first one)."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def translit(text: str, rng: random.Random) -> str:
    """Swap one transliteration alternative if the text has one."""
    options = [(a, b) for a, b in _TRANSLIT if a in text.lower()]
    if not options:
        return text
    a, b = rng.choice(options)
    return re.sub(a, b, text, count=1, flags=re.IGNORECASE)


def abbreviate(text: str, table: dict[str, str], rng: random.Random) -> str:
    hits = [k for k in table if k.lower() in text.lower()]
    if not hits:
        return text
    key = rng.choice(hits)
    return re.sub(re.escape(key), table[key], text, count=1, flags=re.IGNORECASE)


def variants(core: str, legal: list[str], prefix: str | None, abbreviations: dict[str, str],
             rng: random.Random, count: int) -> list[str]:
    """The canonical spelling ``prefix core legal[0]`` first, then up to ``count - 1`` distinct
    drifted spellings of the same company."""
    def join(pre: str | None, body: str, form: str) -> str:
        return " ".join(p for p in (pre, body, form) if p)

    canonical = join(prefix, core, legal[0])
    out = [canonical]
    tries = 0
    while len(out) < count and tries < count * 6:
        tries += 1
        pre, body, form = prefix, core, rng.choice(legal)
        ops = rng.sample(["upper", "punct", "abbr", "typo", "translit", "prefix", "form", "comma"],
                         k=rng.choice([1, 1, 2, 2, 3]))
        for op in ops:
            if op == "abbr":
                body = abbreviate(body, abbreviations, rng)
            elif op == "typo":
                words = body.split()
                j = rng.randrange(len(words))
                words[j] = typo(words[j], rng)
                body = " ".join(words)
            elif op == "translit":
                body = translit(body, rng)
            elif op == "prefix" and pre:
                pre = None
            elif op == "form":
                form = ""
        text = join(pre, body, form)
        if "comma" in ops and form:
            text = f"{join(pre, body, '')}, {form}"
        if "punct" in ops:
            text = re.sub(r"[.,&'\-]", " ", text)
            text = " ".join(text.split())
        if "upper" in ops:
            text = text.upper()
        if text not in out:
            out.append(text)
    return out


def address_variants(address: str, abbreviations: dict[str, str], rng: random.Random,
                     count: int) -> list[str]:
    out = [address]
    for _ in range(count * 3):
        if len(out) >= count:
            break
        text = address
        if rng.random() < 0.6:
            text = abbreviate(text, abbreviations, rng)
        if rng.random() < 0.4:
            text = text.upper()
        if rng.random() < 0.3:
            text = text.replace(",", "")
        if text not in out:
            out.append(text)
    return out
