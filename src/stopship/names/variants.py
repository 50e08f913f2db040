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

from stopship.names.data import load_yaml

# Ordered (pattern, replacement) rules over a lowercase ASCII token.
_RULES: tuple[tuple[str, str], ...] = (
    # Arabic Abd al- compounds: abdul-, abdel-, abdal-, abdur-r..., abd-  -> abdal
    (r"^abd(?:[aeiou]{0,2}(?:l|([rnstdz])(?=\1)))?(?=[a-z]{3})", "abdal"),
    # щ in every system (German schtsch, French chtch, English shch, stch), and ш (sh,
    # German sch, Polish sz) fold together.
    (r"schtsch|chtch|shtch|shch|stch", "sh"),
    # ч: German tsch, French tch, Dutch tsj, Polish cz; Greek -ovits / -evits (-ович)
    (r"tsch|tch|tsj|cz", "ch"),
    (r"(?<=[aeo]vi)ts$", "ch"),
    (r"sch|sz", "sh"),
    # ж / дж: zh, dzh, dj -> a placeholder J (restored as j at the end) so that the glide
    # rules below, which read j as й, leave it alone.
    (r"dzh|dzj|dj|zh", "J"),
    # х: kh (German ch after a consonant-initial word is ambiguous and left alone)
    (r"kh", "h"),
    (r"ph", "f"),
    (r"ck", "k"),
    (r"x", "ks"),
    (r"q", "k"),  # Kazakh қ, Arabic ق: Qairat / Kairat, Qasim / Kasim
    (r"w", "v"),
    (r"tz", "ts"),
    # French: о+у written oou, у written ou, г written gu before e/i
    (r"oou", "ou"),
    (r"ou", "u"),
    (r"gu(?=[ei])", "g"),
    (r"oe(?!v)", "u"),  # Dutch oe (Poetin), not Russian -oev (Sysoev)
    (r"eo", "o"),
    (r"eu", "u"),
    # й/ы/и glides: y and i are one letter; j after a letter is й (GOST, German, Polish)
    (r"y", "i"),
    (r"(?<=[a-z])j", "i"),
    (r"i+", "i"),
    # ё after a hushing consonant: -chev / -chyov / -chov / -tschow (Gorbachev, Tkachyov)
    (r"(?:(?<=ch)|(?<=sh)|(?<=J))(?:io|o|e)v(?=$|[ai])", "ev"),
    # ё written yo / io elsewhere (Fyodor, Aksyonov) read as e (Fedor, Aksenov)
    (r"(?<=[bcdfgklmnprstvz])io(?=[bcdfgklmnprstvz])(?!ns?$)", "e"),  # not -tion(s)
    (r"ie", "e"),
    # South Slavic -ić / ISO 9 -ič written without the mark: -ic as -ich (Djokovic)
    (r"(?<=[a-z]{3})ic$", "ich"),
    # -off / -of as -ov (Smirnoff)
    (r"(?<=[a-z]{3}o)ff?$", "v"),
    # French mute final e after a consonant (Poutine)
    (r"(?<=[a-z]{3}[bcdfgklmnprstvz])e$", ""),
    (r"J", "j"),
    # doubled letters
    (r"([a-z])\1+", r"\1"),
)



def _fold(token: str) -> str:
    for pattern, repl in _COMPILED:
        token = pattern.sub(repl, token)
    return token


_COMPILED = tuple((re.compile(p), r) for p, r in _RULES)


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


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """The skeleton key of one lowercase latin token (digits pass unchanged).

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


def equivalent_tokens(token: str) -> list[str]:
    """The spellings listed as equivalent to ``token`` in the name-equivalence table."""
    canon = _equivalences().get(token)
    if canon is None:
        return []
    return [w for w, c in _equivalences().items() if c == canon and w != token]
