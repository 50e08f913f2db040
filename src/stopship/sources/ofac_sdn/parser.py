"""OFAC SDN list from its legacy CSV set: ``sdn.csv`` with ``alt.csv``, ``add.csv`` and
``sdn_comments.csv`` (each also as ``.gz``), joined on the entry number.

One entity per ``sdn.csv`` row (native id = entry number). Aliases come from ``alt.csv``
and from the remarks (OFAC's weak AKAs), addresses from ``add.csv``, and the remark
overflow in ``sdn_comments.csv`` is joined to its remark before the remark's facts are
read (``remarks.py``). Rows of the side files whose entry is not in ``sdn.csv`` (the
side files can be newer than the primary file) are counted and reported, never turned
into entities. Column layouts, type and label maps live in ``source.yaml``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from stopship.errors import InputError, Location
from stopship.model import Address, Entity, Provenance
from stopship.sources.base import ParseReport, SkippedRow, Source, file_sha256
from stopship.sources.ofac_sdn.remarks import RemarkConfig, parse_remarks
from stopship.sources.textio import logical_name, read_bytes

LIST_ID = "us_ofac_sdn"
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_POSTAL = re.compile(r"\d")


@dataclass(slots=True)
class Row:
    """One CSV record: its 1-based line and its values (``-0-`` already made None)."""

    line: int
    values: dict[str, str | None]


class OfacSdnSource(Source):
    """Parser for OFAC's legacy CSV set (``sdn.csv`` required; ``alt.csv``, ``add.csv``,
    ``sdn_comments.csv`` optional; any of them gzip-compressed)."""

    meta_file = Path(__file__).parent / "source.yaml"

    def __init__(self) -> None:
        super().__init__()
        extra = self.meta.extra
        self.columns: dict[str, list[str]] = {k: list(v) for k, v in extra["files"].items()}
        self.primary: str = extra.get("primary_file", "sdn.csv")
        self.encoding: str = extra.get("encoding", "latin-1")
        self.null: str = extra.get("null", "-0-")
        self.eof: str = extra.get("end_of_file", "\x1a")
        self.remarks_limit = int(extra.get("remarks_limit", 1000))
        self.min_overlap = int(extra.get("min_overlap", 12))
        self.types: dict[str, str] = {k.lower(): v for k, v in extra["types"].items()}
        self.default_type: str = extra.get("default_type", "organization")
        self.programs_separator: str = extra.get("programs_separator", "] [")
        self.properties: dict[str, str] = dict(extra.get("properties", {}))
        self.alias_types: dict[str, str] = {k.lower(): v for k, v in extra["alias_types"].items()}
        self.remarks = RemarkConfig.from_meta(extra)

    # -- files -------------------------------------------------------------------------
    def parse(self, files: Sequence[Path], report: ParseReport) -> Iterator[Entity]:
        paths: dict[str, Path] = {}
        for given in files:
            path = Path(given)
            name = logical_name(path).lower()
            if name not in self.columns:
                known = ", ".join(self.columns)
                raise InputError(f"not an OFAC SDN legacy CSV file (expected one of {known})",
                                 Location(str(path)))
            if name in paths:
                raise InputError(f"{name} given twice", Location(str(path)))
            paths[name] = path
        if self.primary not in paths:
            raise InputError(f"the OFAC SDN set needs {self.primary}",
                             Location(", ".join(str(p) for p in paths.values()) or None))
        side = {name: self._read(path, name, report) for name, path in paths.items()
                if name != self.primary}
        primary_path = paths[self.primary]
        primary_rows = self._read(primary_path, self.primary, report)
        yield from self._entities(primary_path, primary_rows, side, paths, report)

    def _read(self, path: Path, name: str, report: ParseReport) -> list[Row]:
        """Rows of one file, checked for column count, encoding and entry number."""
        data = read_bytes(path)
        columns = self.columns[name]
        shown = str(path)
        stripped = data.rstrip(b"\r\n")
        if stripped.endswith(self.eof.encode("latin-1")):
            data = stripped[:-1]
        elif data.strip():
            report.notes.append(f"{shown}: no 0x1A end-of-file byte; the file may be cut short")
        rows: list[Row] = []
        # OFAC's specification ends records with CR; the files use CR LF. Accept both.
        for number, raw in enumerate(data.splitlines(), start=1):
            if not raw.strip():
                continue
            report.rows_read[shown] += 1
            text = self._decode(raw)
            if _BAD_CHARS.search(text):
                report.skip(shown, number, None, "invalid encoding (control characters)")
                continue
            try:
                values = next(csv.reader([text], strict=True))
            except csv.Error as exc:
                report.skip(shown, number, None, f"malformed CSV: {exc}")
                continue
            if len(values) != len(columns):
                report.skip(shown, number, None,
                            f"expected {len(columns)} columns, found {len(values)}")
                continue
            row = Row(number, {col: self._value(v) for col, v in zip(columns, values, strict=True)})
            ent_num = row.values["ent_num"] or ""
            if not (ent_num.isascii() and ent_num.isdigit()):
                report.skip(shown, number, "ent_num", "entry number is not a whole number")
                continue
            rows.append(row)
        return rows

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode(self.encoding, errors="replace")

    def _value(self, text: str) -> str | None:
        value = text.strip()
        return None if not value or value == self.null else value

    # -- joining -------------------------------------------------------------------------
    def _entities(self, path: Path, rows: list[Row], side: dict[str, list[Row]],
                  paths: dict[str, Path], report: ParseReport) -> Iterator[Entity]:
        shown, sha = str(path), file_sha256(path)
        prov_file = logical_name(path)
        known: set[str] = set()
        unique: list[Row] = []
        for row in rows:
            num = str(int(row.values["ent_num"] or "0"))
            if num in known:
                report.skip(shown, row.line, "ent_num", f"duplicate entry number {num}")
                continue
            if not row.values["name"]:
                report.skip(shown, row.line, "name", "empty name")
                continue
            known.add(num)
            unique.append(row)
        grouped = {name: self._group(name, str(paths[name]), side_rows, known, report)
                   for name, side_rows in side.items()}
        for row in unique:
            num = str(int(row.values["ent_num"] or "0"))
            entity = self._entity(num, row, Provenance(prov_file, sha, row.line))
            for alt in grouped.get("alt.csv", {}).get(num, []):
                kind = self.alias_types.get((alt.values["alt_type"] or "").lower(), "alias")
                entity.add_name(alt.values["alt_name"], kind)
            for add in grouped.get("add.csv", {}).get(num, []):
                self._address(entity, add)
            extra = [r.values["remarks_extension"] or ""
                     for r in grouped.get("sdn_comments.csv", {}).get(num, [])]
            remark = self._join_remark(row.values["remarks"], extra, num, report)
            self._remarks(entity, remark)
            report.entities[LIST_ID] += 1
            yield entity

    def _group(self, name: str, shown: str, rows: list[Row], known: set[str],
               report: ParseReport) -> dict[str, list[Row]]:
        grouped: dict[str, list[Row]] = {}
        orphans: Counter[str] = Counter()
        for row in rows:
            num = str(int(row.values["ent_num"] or "0"))
            if num not in known:
                orphans[num] += 1
                # Not a malformed row (the side files may be newer than sdn.csv), so it is
                # recorded but does not stop a strict parse.
                report.skipped.append(SkippedRow(shown, row.line, "ent_num",
                                                 "entry not in primary file"))
                continue
            grouped.setdefault(num, []).append(row)
        if orphans:
            report.notes.append(
                f"{shown}: {sum(orphans.values())} rows of {len(orphans)} entries not in "
                f"{self.primary} (entry not in primary file): reported, not loaded")
        return grouped

    # -- one entity ------------------------------------------------------------------------
    def _entity(self, num: str, row: Row, provenance: Provenance) -> Entity:
        values = row.values
        schema = self.types.get((values["type"] or "").lower(), self.default_type)
        entity = Entity(LIST_ID, num, schema, provenance=provenance)
        entity.add_name(values["name"], "primary")
        programs = (values["programs"] or "").strip("[] ")
        for program in programs.split(self.programs_separator) if programs else []:
            program = program.strip("[] ")
            if program and program not in entity.programs:
                entity.programs.append(program)
        for column, key in self.properties.items():
            entity.add_property(key, values.get(column))
        if values["vessel_flag"]:
            entity.add_country(self.remarks.country(values["vessel_flag"]), "flag")
        return entity

    def _address(self, entity: Entity, row: Row) -> None:
        values = row.values
        street, place, country_text = values["address"], values["city_state_postal"], values["country"]
        parts = [p for p in (street, place, country_text) if p]
        if not parts:
            return
        city, postal, region = _split_place(place)
        code = self.remarks.country(country_text)
        address = Address(full=", ".join(parts), street=street, city=city,
                          postal_code=postal, region=region, country=code)
        if address not in entity.addresses:
            entity.addresses.append(address)
        entity.add_country(code, "address")

    def _join_remark(self, remark: str | None, extensions: list[str], num: str,
                     report: ParseReport) -> str | None:
        """Append the ``sdn_comments.csv`` overflow to the remark it continues. A newer
        overflow may restart inside text the older remark already holds: that overlap is
        merged instead of repeated."""
        text = remark or ""
        for extension in extensions:
            if not extension:
                continue
            overlap = _overlap(text, extension, self.min_overlap)
            if overlap:
                text += extension[overlap:]
            elif len(text) >= self.remarks_limit or not text:
                text += extension
            else:
                report.notes.append(
                    f"entry {num}: remark overflow does not continue the primary remark "
                    "(files of different dates); appended as a separate part")
                text = f"{text.rstrip()}; {extension.lstrip()}"
        return text or None

    def _remarks(self, entity: Entity, remark: str | None) -> None:
        entity.remarks = remark
        facts = parse_remarks(remark, self.remarks)
        for alias in facts.aliases:
            entity.add_name(alias.value, alias.kind, quality=alias.quality)
        for ident in facts.identifiers:
            entity.add_identifier(ident.scheme, ident.value, ident.country, ident.note)
        for role, value in facts.dates:
            entity.add_date(role, value)
        for code, role in facts.countries:
            entity.add_country(code, role)
        for key, value in facts.properties:
            entity.add_property(key, value)
        for key, texts in facts.flags.items():
            values = entity.flags.setdefault(key, [])
            values.extend(t for t in texts if t not in values)


def _overlap(text: str, extension: str, minimum: int) -> int:
    """Length of the longest start of ``extension`` that ``text`` ends with (0 if below
    ``minimum``, unless the whole extension is already there)."""
    for size in range(min(len(text), len(extension)), 0, -1):
        if text.endswith(extension[:size]):
            return size if size >= minimum or size == len(extension.rstrip()) else 0
    return 0


def _split_place(place: str | None) -> tuple[str | None, str | None, str | None]:
    """``Moscow 117420`` -> (Moscow, 117420, None); ``Mumbai, Maharashtra 40051`` ->
    (Mumbai, 40051, Maharashtra): trailing words holding digits are the postal code."""
    if not place:
        return None, None, None
    words = place.split()
    cut = len(words)
    while cut > 1 and _POSTAL.search(words[cut - 1]):
        cut -= 1
    postal = " ".join(words[cut:]) or None
    rest = " ".join(words[:cut]).rstrip(",")
    city, _, region = rest.partition(",")
    return city.strip() or None, postal, region.strip() or None
