"""Pure matching: features, scoring and explanations over prepared names."""

from stopship.matching.scoring import load_config, query_name, score_candidate
from stopship.matching.types import (
    CName,
    MatchCandidate,
    MatchConfig,
    MatchQuery,
    MatchResult,
    QName,
)

__all__ = [
    "CName",
    "MatchCandidate",
    "MatchConfig",
    "MatchQuery",
    "MatchResult",
    "QName",
    "load_config",
    "query_name",
    "score_candidate",
]
