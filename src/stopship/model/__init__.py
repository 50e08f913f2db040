"""Plain typed data shared by every stage: list entities, names, identifiers, dates."""

from stopship.model.entity import (
    SCHEMAS,
    Address,
    Country,
    DateFact,
    Entity,
    Identifier,
    Name,
    Provenance,
    normalise_schema,
)

__all__ = [
    "SCHEMAS",
    "Address",
    "Country",
    "DateFact",
    "Entity",
    "Identifier",
    "Name",
    "Provenance",
    "normalise_schema",
]
