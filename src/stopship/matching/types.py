"""Values the matcher compares: a query, a candidate entity, their names, the config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stopship.matching.align import Alignment
from stopship.matching.prepared import Prepared


@dataclass(slots=True)
class QName:
    """A prepared query name with one rarity weight per token."""

    prep: Prepared
    weights: tuple[float, ...]


@dataclass(slots=True)
class CName:
    """A prepared list name with one rarity weight per token."""

    value: str
    kind: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    forms: tuple[str, ...]
    numbers: tuple[str, ...]
    weights: tuple[float, ...]
    script: str = "Latn"
    middle: frozenset[int] = frozenset()  # positions of middle names (people)
    family: frozenset[int] = frozenset()  # positions of the family name (people)


@dataclass(slots=True)
class MatchQuery:
    names: list[QName]
    schema: str | None = None
    country: str | None = None
    birth: str | None = None
    idvalues: tuple[str, ...] = ()


@dataclass(slots=True)
class MatchCandidate:
    entity_id: str
    schema: str
    names: list[CName]
    countries: tuple[str, ...] = ()
    birth: tuple[str, ...] = ()
    idvalues: tuple[str, ...] = ()
    schema_inferred: bool = False  # the list gave no type; ``schema`` is the loader's guess
    # per name (same order as ``names``), the positions of the query names worth aligning
    # with it (retrieval showed the others cannot bring it to the threshold); None: all
    renderings: list[tuple[int, ...] | None] | None = None


@dataclass(slots=True)
class NamePair:
    """One query name against one list name, with their token alignment."""

    query: QName
    candidate: CName
    alignment: Alignment
    person: bool


@dataclass(slots=True)
class FeatureSpec:
    name: str
    level: str  # name | entity
    role: str  # base | adjust | decisive
    weight: float


@dataclass
class MatchConfig:
    """An algorithm: declared features with weights, parameters and the threshold."""

    algorithm: str
    threshold: float
    features: list[FeatureSpec]
    params: dict[str, Any] = field(default_factory=dict)
    idf: Callable[[str], float] = lambda key: 1.0
    max_idf: float = 10.0

    def p(self, key: str) -> Any:
        return self.params[key]


@dataclass(slots=True)
class MatchResult:
    score: float
    pair: NamePair | None
    features: list[dict[str, Any]]
    summary: str
