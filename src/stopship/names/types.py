"""Plain value types of the names layer (kept apart so every module can import them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name turned into comparable parts; the same steps for list names and queries.

    ``latin`` is romanised, lowercased ASCII without punctuation or legal forms;
    ``tokens`` are its words after abbreviation expansion (order kept); ``keys`` holds one
    skeleton key per token that folds romanisation variants; ``legal_forms`` the canonical
    legal-form class ids that were removed; ``numbers`` the numbers that must agree;
    ``variants`` alternative full latin renderings (other romanisation systems, joined or
    split forms) useful for recall; ``titles`` the titles and honorifics removed from a
    person's name (``President``, ``Mr``), each as its latin words.
    """

    original: str
    script: str
    latin: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    legal_forms: tuple[str, ...]
    numbers: tuple[str, ...]
    variants: tuple[str, ...]
    schema: str | None = None
    titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonName:
    """Best-effort structure of a person's name (all parts are latin tokens)."""

    given: tuple[str, ...]
    family: tuple[str, ...]
    patronymic: tuple[str, ...]
    initials: tuple[str, ...]
    tokens: tuple[str, ...]
