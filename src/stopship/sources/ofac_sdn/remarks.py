"""Facts OFAC writes into the free-text remarks of an SDN record.

A remark is a ``; ``-separated run of segments such as ``DOB 28 Sep 1973``,
``Tax ID No. 7707083893 (Russia)``, ``a.k.a. 'SBERBANK INDIA'`` or
``Linked To: HAMAS.``. ``parse_remarks(text, config)`` turns one remark into a
``RemarkFacts`` value; it is pure (no I/O, no entity) and never raises on any text.
Which label means which identifier scheme, property or flag is data: the
``identifiers``, ``remark_properties``... maps of ``source.yaml``, read into a
``RemarkConfig``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stopship.model.countries import to_code

_ALIAS = re.compile(r"\b([afn]\.k\.a\.),?\s*'(.*?)'(?=\s*(?:[;.,)]|$))", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r";\s*")
_ALT = re.compile(r"^alt\.\s+", re.IGNORECASE)
_TAIL = re.compile(r"\s+(?=(?:issued|expires)\b)", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_RANGE = re.compile(r"\s+to(?:\s+|$)|(?<=\d{4})\s*-\s*(?=\d{4}\b)", re.IGNORECASE)
_DATE_FORMATS = ("%d %b %Y", "%b %Y", "%Y")
_CIRCA = re.compile(r"^(circa|approximately|about)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RemarkConfig:
    """The label maps of ``source.yaml`` used to read remarks."""

    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = _DATE_FORMATS
    max_birth_range_years: int = 10
    keep_final_period: frozenset[str] = frozenset()
    country_names: dict[str, str] = field(default_factory=dict)  # lower-case name -> ISO
    # (lower-case label, kind, target) longest label first; built in __post_init__
    labels: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        table: list[tuple[str, str, str]] = []
        for kind, mapping in (
            ("identifier", self.identifiers),
            ("property", self.properties),
            ("date", self.dates),
            ("country", self.countries),
            ("flag", self.flags),
        ):
            table.extend((label.lower(), kind, target) for label, target in mapping.items())
        table.sort(key=lambda item: -len(item[0]))
        object.__setattr__(self, "labels", tuple(table))

    @classmethod
    def from_meta(cls, extra: dict[str, Any]) -> RemarkConfig:
        return cls(
            aliases={str(k).lower(): dict(v) for k, v in extra.get("remark_aliases", {}).items()},
            identifiers=dict(extra.get("identifiers", {})),
            properties=dict(extra.get("remark_properties", {})),
            dates=dict(extra.get("remark_dates", {})),
            countries=dict(extra.get("remark_countries", {})),
            flags=dict(extra.get("remark_flags", {})),
            date_formats=tuple(extra.get("date_formats", _DATE_FORMATS)),
            max_birth_range_years=int(extra.get("max_birth_range_years", 10)),
            keep_final_period=frozenset(s.upper() for s in extra.get("keep_final_period", [])),
            country_names={str(k).lower(): str(v)
                           for k, v in extra.get("country_names", {}).items()},
        )

    def country(self, text: str | None) -> str | None:
        """ISO code of a country as OFAC writes it (``Korea, North``, ``Man, Isle of``)."""
        if not text or not text.strip():
            return None
        clean = text.strip().rstrip(".")
        return self.country_names.get(clean.lower()) or to_code(clean)


@dataclass(slots=True)
class RemarkAlias:
    value: str
    kind: str
    quality: str | None = None


@dataclass(slots=True)
class RemarkIdentifier:
    scheme: str
    value: str
    country: str | None = None
    note: str | None = None


@dataclass(slots=True)
class RemarkFacts:
    """Everything read from one remark; ``unparsed`` keeps the segments no label matched."""

    aliases: list[RemarkAlias] = field(default_factory=list)
    identifiers: list[RemarkIdentifier] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)  # (role, ISO partial date)
    countries: list[tuple[str, str]] = field(default_factory=list)  # (ISO code, role)
    properties: list[tuple[str, str]] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)
    unparsed: list[str] = field(default_factory=list)


def parse_remarks(text: str | None, config: RemarkConfig) -> RemarkFacts:
    """Read the facts of one OFAC remark. Unknown segments land in ``unparsed``."""
    facts = RemarkFacts()
    if not text or not text.strip():
        return facts
    rest = _take_aliases(text, config, facts)
    segments = [s.strip() for s in _SEGMENT_SPLIT.split(rest)]
    segments = [s for s in segments if s and s.strip(" .,")]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        _read_segment(_end_period(segment, config) if last else segment, config, facts)
    return facts


def _take_aliases(text: str, config: RemarkConfig, facts: RemarkFacts) -> str:
    def take(match: re.Match[str]) -> str:
        marker = match.group(1).lower()
        info = config.aliases.get(marker, {"kind": "weak"})
        value = " ".join(match.group(2).split())
        if value:
            facts.aliases.append(RemarkAlias(value, info.get("kind", "weak"), info.get("quality")))
        return ""

    return _ALIAS.sub(take, text)


def _end_period(segment: str, config: RemarkConfig) -> str:
    """Drop the period that ends the whole remark, unless it belongs to an abbreviation."""
    if not segment.endswith(".") or segment.endswith(".."):
        return segment
    body = segment[:-1]
    last_word = body.rsplit(" ", 1)[-1].rstrip(",")
    if "." in last_word or last_word.upper() in config.keep_final_period:
        return segment
    return body


def _read_segment(segment: str, config: RemarkConfig, facts: RemarkFacts) -> None:
    body = _ALT.sub("", segment).strip()
    lower = body.lower()
    head = lower.split(" ", 1)[0]
    value = body[len(head):].strip()
    if head == "dob" and value:
        for iso in birth_dates(value, config):
            facts.dates.append(("birth", iso))
        return
    if head == "pob" and value:
        facts.properties.append(("place_of_birth", value))
        code = config.country(value.rsplit(",", 1)[-1])
        if code:
            facts.countries.append((code, "birth"))
        return
    if head == "gender" and value:
        facts.properties.append(("gender", value.lower()))
        return
    for label, kind, target in config.labels:
        if not lower.startswith(label):
            continue
        after = body[len(label):]
        if after[:1].isalnum() and (label[-1].isalnum() or label[-1] == "."):
            continue  # `RFC` must not match `RFCX...`, nor `C.U.I.` match `C.U.I.P.`
        rest = after.lstrip(" :#").strip()
        _apply(kind, target, body[: len(label)].strip(), rest, segment, config, facts)
        return
    facts.unparsed.append(segment)


def _apply(kind: str, target: str, label: str, rest: str, segment: str,
           config: RemarkConfig, facts: RemarkFacts) -> None:
    if kind == "flag":
        facts.flags.setdefault(target, []).append(_ALT.sub("", segment).strip())
    elif not rest:
        facts.unparsed.append(segment)
    elif kind == "identifier":
        facts.identifiers.append(identifier(target, label, rest, config))
    elif kind == "property":
        facts.properties.append((target, rest))
    elif kind == "date":
        iso = partial_date(rest, config)
        if iso:
            facts.dates.append((target, iso))
        else:
            facts.unparsed.append(segment)
    elif kind == "country":
        code = config.country(rest)
        if code:
            facts.countries.append((code, target))
        else:
            facts.unparsed.append(segment)


def identifier(scheme: str, label: str, text: str, config: RemarkConfig) -> RemarkIdentifier:
    """``A10472263 (Malaysia) issued 01 Jan 2010`` -> value, country code and a note
    holding the label, non-country parentheses and issue/expiry text."""
    notes = [label]
    parts = _TAIL.split(text, maxsplit=1)
    value = parts[0].strip()
    tail = parts[1].strip() if len(parts) > 1 else ""
    country: str | None = None
    extra: list[str] = []
    while True:
        match = _TRAILING_PAREN.search(value)
        if not match or match.start() == 0:
            break
        inner = match.group(1).strip()
        code = config.country(inner) if country is None else None
        if code:
            country = code
        else:
            extra.insert(0, inner)
        value = value[: match.start()].strip()
    notes.extend(extra)
    if tail:
        notes.append(tail)
    return RemarkIdentifier(scheme, value.rstrip(" ,"), country, "; ".join(notes))


def partial_date(text: str, config: RemarkConfig) -> str | None:
    """``28 Sep 1973`` -> ``1973-09-28``; ``Sep 1973`` -> ``1973-09``; ``1973`` -> ``1973``."""
    text = _CIRCA.sub("", text.strip().rstrip("."))
    for fmt in config.date_formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if "%d" in fmt:
            return parsed.strftime("%Y-%m-%d")
        if "%b" in fmt or "%m" in fmt:
            return parsed.strftime("%Y-%m")
        return parsed.strftime("%Y")
    return None


def birth_dates(text: str, config: RemarkConfig) -> list[str]:
    """Dates of a ``DOB`` value: one date, ``circa`` a date, or a range (``1958 to 1960``:
    every year of a short range, the two ends of a long one)."""
    text = _CIRCA.sub("", text.strip().rstrip("."))
    ends = _RANGE.split(text, maxsplit=1)
    if len(ends) == 1:
        single = partial_date(text, config)
        return [single] if single else []
    start, end = partial_date(ends[0], config), partial_date(ends[1], config)
    if not start or not end:
        return [d for d in (start, end) if d]
    first, last = int(start[:4]), int(end[:4])
    if 0 <= last - first <= config.max_birth_range_years:
        years = [str(year) for year in range(first, last + 1)]
        if len(start) == 4 and len(end) == 4:
            return years
        return [start, *years[1:-1], end] if first != last else [start, end]
    return [start, end]
