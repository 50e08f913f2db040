"""Turn a QueryRecord into what the matcher compares, and refuse unusable records."""

from __future__ import annotations

import re

from stopship.errors import InputError, Location
from stopship.matching.idvalues import query_values
from stopship.matching.prepared import Prepared, legal_family, prepare_name, with_variants
from stopship.model import normalise_schema
from stopship.model.countries import to_code
from stopship.screening.types import QueryRecord

MAX_NAME_LENGTH = 1000
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_YMD = re.compile(r"^(\d{4})(?:[./-](\d{1,2})(?:[./-](\d{1,2}))?)?$")
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogate escapes)


def normalise_dob(value: str | None) -> str | None:
    """``1952-10-07``, ``07.10.1952``, ``1952`` -> ISO (partial) date; None if unreadable."""
    if not value:
        return None
    text = str(value).strip()[:32]
    m = _YMD.match(text)
    if m:
        parts = [m.group(1)] + [f"{int(g):02d}" for g in m.groups()[1:] if g]
        return "-".join(parts)
    m = _DMY.match(text)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return None


def record_problem(record: QueryRecord) -> str | None:
    """Why a record cannot be screened by name, or None when it can."""
    name = record.name or ""
    if not name.strip():
        return "empty name"
    if len(name) > MAX_NAME_LENGTH:
        return f"name is {len(name):,} characters, over the {MAX_NAME_LENGTH:,}-character limit"
    if not name.isascii() and _UNDECODED.search(name):
        return "name is not valid UTF-8"
    return None


def prepare_record(record: QueryRecord) -> tuple[list[Prepared], str | None, str | None,
                                                 str | None, tuple[str, ...]]:
    """Prepared names (with variants), schema, country code, dob and identifier values.

    Raises InputError (field ``name``) for a record that cannot be screened; a record
    with a usable identifier but an unusable name is still screened by the identifier."""
    schema = normalise_schema(record.schema)
    idvalues = query_values(list(record.identifiers))
    problem = record_problem(record)
    preps: list[Prepared] = []
    if problem is None:
        prep = prepare_name(record.name, schema)
        if schema is None and prep.legal_forms:
            # "S. NAGARAJAN": a leading initial can read as a legal form; when the person
            # reading keeps a one-letter word the other dropped, it was an initial.
            as_person = prepare_name(record.name, "person")
            dropped = set(as_person.tokens) - set(prep.tokens)
            if dropped and all(len(t) == 1 for t in dropped):
                prep = as_person
        if not prep.tokens:
            problem = ("name is only a legal form" if prep.legal_forms
                       else "name has no letters or digits")
        else:
            preps = with_variants(prep)
            if schema is None and any(legal_family(f) != "sole" for f in prep.legal_forms):
                schema = "organization"  # a legal form says it is a company
    if problem is not None and not idvalues:
        raise InputError(problem, Location(None, None, "name"))
    country = to_code(record.country) if record.country else None
    return preps, schema, country, normalise_dob(record.dob), idvalues
