"""The screening contract shared by the CLI, the order rules, the server and the batch
engines: a query record in, hits with explanations out."""

from __future__ import annotations

from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any, Protocol

from stopship.model import Entity


@dataclass(slots=True)
class QueryRecord:
    """One record to screen. ``schema`` is person, organization, vessel, aircraft or None
    (unknown); ``country`` an ISO alpha-2 code or None; ``identifiers`` free text such as
    ``INN 7707083893; IMO 9123456`` or a list of such strings."""

    id: str
    name: str
    schema: str | None = None
    country: str | None = None
    dob: str | None = None
    address: str | None = None
    identifiers: list[str] = field(default_factory=list)

    def wire(self) -> Wire:
        """The record as a plain tuple (pickles several times faster than the dataclass),
        for worker processes; ``from_wire`` turns it back."""
        return (self.id, self.name, self.schema, self.country, self.dob, self.address,
                tuple(self.identifiers))

    @staticmethod
    def from_wire(w: Wire) -> QueryRecord:
        rid, name, schema, country, dob, address, idents = w
        return QueryRecord(rid, name, schema, country, dob, address, list(idents))

    def content_key(self) -> bytes:
        """Everything screening reads of the record, except its id, as a 128-bit digest:
        records with equal keys get equal hits (de-duplication keeps 16 bytes a record,
        not its strings; two different records collide with odds of about 2**-128)."""
        return blake2b(repr(self.wire()[1:]).encode("utf-8", "surrogatepass"),
                       digest_size=16).digest()


# (id, name, schema, country, dob, address, identifiers)
Wire = tuple[str, str, str | None, str | None, str | None, str | None, tuple[str, ...]]


@dataclass(slots=True)
class Explanation:
    """Why a hit scored as it did: the names that met, how, and each feature's effect."""

    query_name: str
    matched_name: str
    summary: str
    features: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query_name": self.query_name,
            "matched_name": self.matched_name,
            "summary": self.summary,
            "features": self.features,
        }


@dataclass(slots=True)
class Hit:
    query_id: str
    entity_id: str
    list_id: str
    source_id: str
    name: str
    score: float
    explanation: Explanation
    schema: str | None = None
    entity_version: str | None = None  # content hash of the entity as screened
    # The list entity itself, for rules (flags, programs), alert payloads and /match; not
    # in as_dict(). Every path (screen, screen_many, screen_batch in forked workers or on
    # Spark) fills it; None only when the engine has no entity source (an index loaded
    # without entities or store) or the store no longer has the entity.
    entity: Entity | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "entity_id": self.entity_id,
            "list": self.list_id,
            "source_id": self.source_id,
            "name": self.name,
            "score": round(self.score, 4),
            "schema": self.schema,
            "entity_version": self.entity_version,
            "explanation": self.explanation.as_dict(),
        }


class Screener(Protocol):
    """What every consumer of screening depends on."""

    threshold: float

    def screen(self, record: QueryRecord, min_score: float | None = None,
               limit: int = 10) -> list[Hit]: ...

    def screen_many(self, records: list[QueryRecord], min_score: float | None = None,
                    limit: int = 10) -> list[list[Hit]]: ...
