"""Folding of romanisation variants into one skeleton key per latin token.

Two spellings of the same name written by different romanisation systems or habits should
get the same key: ``yuri``/``yury``/``iurii``/``yuriy`` -> ``iuri``;
``shcherbakov``/``schtscherbakow``/``chtcherbakov`` -> ``sherbakov``.  First the token is
looked up in the name-equivalence table (``resources/names/name_variants.yaml``: Mohammed /
Muhammad, Aleksandr / Oleksandr, Kim / Gim ...), then ordered rewrite rules fold the
systematic differences between romanisation systems.  Keys are for comparison only; they are
not meant to be read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stopship.memo import entries
from stopship.names.data import load_yaml

# Ordered (pattern, replacement, trigger) rules over a lowercase ASCII token. The trigger
# is what any match must contain: ``a|b`` one of these substrings, ``^a`` a prefix, ``$a``
# a suffix, empty when the rule must always run. A substring test is ~20x cheaper than a
# regex pass, and most rules change nothing in most tokens. A pattern without regex syntax
# needs no trigger: it runs as ``str.replace``.
_RULES: tuple[tuple[str, str, str], ...] = (
    # Arabic Abd al- compounds: abdul-, abdel-, abdal-, abdur-r..., abd-  -> abdal
    (r"^abd(?:[aeiou]{0,2}(?:l|([rnstdz])(?=\1)))?(?=[a-z]{3})", "abdal", "^abd"),
    # щ in every system (German schtsch, French chtch, English shch, stch), and ш (sh,
    # German sch, Polish sz) fold together.
    (r"schtsch|chtch|shtch|shch|stch", "sh", "ch"),
    # ч: German tsch, French tch, Dutch tsj, Polish cz; Greek -ovits / -evits (-ович)
    (r"tsch|tch|tsj|cz", "ch", "ch|tsj|cz"),
    (r"(?<=[aeo]vi)ts$", "ch", "$ts"),
    (r"sch|sz", "sh", "sch|sz"),
    # ж / дж: zh, dzh, dj -> a placeholder J (restored as j at the end) so that the glide
    # rules below, which read j as й, leave it alone.
    (r"dzh|dzj|dj|zh", "J", "zh|dzj|dj"),
    # х: kh (German ch after a consonant-initial word is ambiguous and left alone)
    (r"kh", "h", ""),
    (r"ph", "f", ""),
    (r"ck", "k", ""),
    (r"x", "ks", ""),
    (r"q", "k", ""),  # Kazakh қ, Arabic ق: Qairat / Kairat, Qasim / Kasim
    (r"w", "v", ""),
    (r"tz", "ts", ""),
    # French: о+у written oou, у written ou, г written gu before e/i
    (r"oou", "ou", ""),
    (r"ou", "u", ""),
    (r"gu(?=[ei])", "g", "gu"),
    (r"oe(?!v)", "u", "oe"),  # Dutch oe (Poetin), not Russian -oev (Sysoev)
    (r"eo", "o", ""),
    (r"eu", "u", ""),
    # й/ы/и glides: y and i are one letter; j after a letter is й (GOST, German, Polish)
    (r"y", "i", ""),
    (r"(?<=[a-z])j", "i", "j"),
    (r"i+", "i", "ii"),
    # ё after a hushing consonant: -chev / -chyov / -chov / -tschow (Gorbachev, Tkachyov)
    (r"(?:(?<=ch)|(?<=sh)|(?<=J))(?:io|o|e)v(?=$|[ai])", "ev", "ov|ev"),
    # ё written yo / io elsewhere (Fyodor, Aksyonov) read as e (Fedor, Aksenov)
    (r"(?<=[bcdfgklmnprstvz])io(?=[bcdfgklmnprstvz])(?!ns?$)", "e", "io"),  # not -tion(s)
    (r"ie", "e", ""),
    # South Slavic -ić / ISO 9 -ič written without the mark: -ic as -ich (Djokovic)
    (r"(?<=[a-z]{3})ic$", "ich", "$ic"),
    # -off / -of as -ov (Smirnoff)
    (r"(?<=[a-z]{3}o)ff?$", "v", "$f"),
    # French mute final e after a consonant (Poutine)
    (r"(?<=[a-z]{3}[bcdfgklmnprstvz])e$", "", "$e"),
    (r"J", "j", ""),
    # doubled letters
    (r"([a-z])\1+", r"\1", ""),
)

_LITERAL, _ALWAYS, _CONTAINS, _PREFIX, _SUFFIX = range(5)
# per rule, in order: (kind, compiled pattern, pattern text, replacement, trigger strings)
_Step = tuple[int, re.Pattern[str], str, str, tuple[str, ...]]


def _step(pattern: str, repl: str, trigger: str) -> _Step:
    compiled = re.compile(pattern)
    if re.escape(pattern) == pattern:
        return _LITERAL, compiled, pattern, repl, ()
    if not trigger:
        return _ALWAYS, compiled, pattern, repl, ()
    if trigger[0] in "^$":
        return (_PREFIX if trigger[0] == "^" else _SUFFIX), compiled, pattern, repl, (trigger[1:],)
    return _CONTAINS, compiled, pattern, repl, tuple(trigger.split("|"))


_STEPS: tuple[_Step, ...] = tuple(_step(*rule) for rule in _RULES)


def _fold(token: str) -> str:
    """Apply the rules in order; a rule whose trigger is absent could not match."""
    for kind, compiled, text, repl, trigger in _STEPS:
        if kind == _LITERAL:
            if text in token:
                token = token.replace(text, repl)
            continue
        if kind == _CONTAINS:
            for t in trigger:
                if t in token:
                    break
            else:
                continue
        elif kind == _PREFIX:
            if not token.startswith(trigger[0]):
                continue
        elif kind == _SUFFIX and not token.endswith(trigger[0]):
            continue
        token = compiled.sub(repl, token)
    return token


def _fold_every_rule(token: str) -> str:
    """``_fold`` without the triggers: every rule as a regex pass (the reference the tests
    hold ``_fold`` to)."""
    for _kind, compiled, _text, repl, _trigger in _STEPS:
        token = compiled.sub(repl, token)
    return token


@lru_cache(maxsize=1)
def _equivalences() -> dict[str, str]:
    """token -> canonical token, from the name-equivalence groups."""
    data = load_yaml("name_variants.yaml")
    table: dict[str, str] = {}
    for group in data.get("groups") or ():
        words = [str(w).lower() for w in group]
        canon = words[0]
        for w in words:
            table.setdefault(w, canon)
    return table


# A patronymic: the father's given name and an ending (Uladzimir-avich, Oleksandr-ovych).
_PATRONYMIC = re.compile(r"^([a-z]{3,}?)([aeoy]?v(?:ich|ych|itch|itsch|na))$")


def equivalent(a: str, b: str) -> bool:
    """``a`` and ``b`` are spellings the name-equivalence table groups (Chen / Chan / Tan)."""
    table = _equivalences()
    canon = table.get(a)
    return canon is not None and canon == table.get(b)


@lru_cache(maxsize=entries(200_000))
def token_key(token: str) -> str:
    """The skeleton key of one lowercase latin token (digits pass unchanged); cached, as
    names repeat their words. ``word_key`` is the same without the cache."""
    return word_key(token)


def word_key(token: str) -> str:
    """``token_key`` uncached: for a word met once (two query words written as one), which
    would only push words that do repeat out of the cache.

    A patronymic built on a given name of the name-equivalence table takes that name's
    canonical form (``uladzimiravich`` / ``oleksandrovych`` -> ``vladimirovich`` /
    ``aleksandrovich`` keys)."""
    if not token or token.isdigit():
        return token
    canon = _equivalences().get(token)
    if canon is not None:
        token = canon
    else:
        m = _PATRONYMIC.match(token)
        if m is not None:
            root = _equivalences().get(m.group(1))
            if root is not None:
                end = m.group(2)
                token = root + ("o" + end[1:] if end[0] in "aoy" else end)
    return _fold(token) or token


# Arabic tha and dhal, read s and z in Persian and Urdu names (Sanaullah, Nazir)
_INTERDENTALS = re.compile(r"th|dh")
_INTERDENTAL = {"th": "s", "dh": "z"}
# The Arabic article's l before a "sun letter" is assimilated and often not written in
# latin (Shams al-Din / Shamsuddin, Ansar al-Din / Ansar Eddine): dropped on both sides.
_ARTICLE_L = re.compile(r"(?:(?<=[aeiou])|^)l(?=[tdrzsn])")


@lru_cache(maxsize=entries(65_536))
def consonant_frame(key: str) -> tuple[str, int]:
    """The consonants of a skeleton key, repeats folded, and the gaps between them that
    hold a vowel, as bits (bit 0: before the first consonant): what a name written in a
    script without short vowels (Arabic, Persian, Hebrew) and its latin spelling share.
    ``huvaish`` -> (``hs``, 0b10); ``motasadek`` -> (``mtsdk``, 0b11110). v (a key's w)
    counts as a vowel, as Arabic waw writes both; a doubled letter counts once; th and dh
    read as s and z; a final h is dropped (zadeh / zada, mullah / mla), and so is an l
    between a vowel and a sun letter (``aldin`` and ``udin`` both give ``dn``). Digits pass
    unchanged."""
    if not key or key.isdigit():
        return key, 0
    if "h" in key:
        if len(key) > 2 and key[-1] == "h":
            key = key[:-1]
        key = _INTERDENTALS.sub(lambda m: _INTERDENTAL[m.group(0)], key)
    key = _ARTICLE_L.sub("", key)
    consonants: list[str] = []
    gaps = 0
    last = ""
    for ch in key:
        if ch in "aeiouv":  # v: a key's w, which Arabic waw writes as a vowel too
            gaps |= 1 << len(consonants)
        elif ch != last:  # a doubled letter once (tawwab / twab), not across a vowel
            consonants.append(ch)
        last = ch
    return "".join(consonants), gaps


def equivalent_tokens(token: str) -> list[str]:
    """The spellings listed as equivalent to ``token`` in the name-equivalence table."""
    canon = _equivalences().get(token)
    if canon is None:
        return []
    return [w for w, c in _equivalences().items() if c == canon and w != token]
