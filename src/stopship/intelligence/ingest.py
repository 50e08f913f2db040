"""Ingest trade records of any vendor layout onto the canonical trade record.

A vendor mapping (YAML, shipped ones under ``resources/intelligence/mappings/``) names, for
each canonical column, the vendor's column (or ``{constant: VALUE}``). The engine reads the
files as found; one SQL projection casts and renames; rows without a record id, a valid date,
a seller name or an HS code are counted and reported, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stopship.engines.base import Engine
from stopship.errors import ConfigError, InputError, Location
from stopship.intelligence.reference import INTEL, load_yaml

# canonical column -> SQL type; required columns first.
REQUIRED = ("record_id", "date", "seller_name", "hs_code", "value_usd")
CANONICAL: dict[str, str] = {
    "record_id": "STRING", "date": "DATE", "importer_name": "STRING",
    "importer_tax_id": "STRING", "importer_country": "STRING", "seller_name": "STRING",
    "seller_address": "STRING", "seller_country": "STRING", "seller_phone": "STRING",
    "origin_country": "STRING", "dispatch_country": "STRING", "hs_code": "STRING",
    "brand": "STRING", "description": "STRING", "quantity": "DOUBLE", "unit": "STRING",
    "value_usd": "DOUBLE",
}
DEFAULT_MAPPING = INTEL / "mappings" / "stopship_generated.yaml"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .\-]*$")


@dataclass
class VendorMapping:
    path: Path
    vendor: str
    format: str
    delimiter: str
    date_format: str | None
    columns: dict[str, str] = field(default_factory=dict)     # canonical -> vendor column
    constants: dict[str, str] = field(default_factory=dict)   # canonical -> constant


def load_vendor_mapping(path: str | Path | None = None) -> VendorMapping:
    path = Path(path) if path else DEFAULT_MAPPING
    data = load_yaml(path)
    cols = data.get("columns")
    if not isinstance(cols, dict):
        raise ConfigError("columns must be a mapping", Location(str(path), None, "columns"))
    mapping = VendorMapping(path, str(data.get("vendor", path.stem)),
                            str(data.get("format", "auto")), str(data.get("delimiter", ",")),
                            data.get("date_format"))
    if mapping.format not in ("auto", "csv", "parquet"):
        raise ConfigError("format must be auto, csv or parquet", Location(str(path), None, "format"))
    for key, value in cols.items():
        if key not in CANONICAL:
            raise ConfigError(f"unknown canonical column {key!r} (known: {', '.join(CANONICAL)})",
                              Location(str(path), None, f"columns.{key}"))
        if isinstance(value, dict) and "constant" in value:
            mapping.constants[key] = str(value["constant"])
        elif isinstance(value, str) and _IDENT.match(value):
            mapping.columns[key] = value
        else:
            raise ConfigError("expected a column name or {constant: VALUE}",
                              Location(str(path), None, f"columns.{key}"))
    missing = [c for c in REQUIRED if c not in mapping.columns and c not in mapping.constants]
    if missing:
        raise ConfigError(f"required canonical column(s) not mapped: {', '.join(missing)}",
                          Location(str(path), None, "columns"))
    return mapping


def _format_of(paths: Sequence[Path], declared: str) -> str:
    if declared != "auto":
        return declared
    suffixes = {p.suffix.lower() for p in paths}
    if suffixes <= {".parquet", ".pq"}:
        return "parquet"
    if suffixes <= {".csv", ".txt", ".tsv"}:
        return "csv"
    raise InputError(f"cannot tell the format of {sorted(suffixes)}: set format in the mapping",
                     Location(file=str(paths[0])))


TRADE_SUFFIXES = (".parquet", ".csv")
NO_RECORDS = ("no trade records in folder: expected .parquet or .csv trade record files in it "
              "or below it, or the top folder written by `stopship trace generate` (which "
              "holds them in records/)")


def _trade_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in TRADE_SUFFIXES)


def generated_records(path: Path) -> Path | None:
    """``path/records`` when ``path`` is the top folder written by ``trace generate``.

    That folder also holds ``truth/*.csv`` (answers, not trade records), so reading all of it
    would mix formats and layouts; its ``records/`` subfolder is what is meant."""
    records = path / "records"
    if path.is_dir() and records.is_dir() and _trade_files(records):
        return records
    return None


def trade_inputs(inputs: Sequence[str | Path]) -> tuple[list[Path], list[str]]:
    """The inputs with each generator top folder replaced by its ``records/`` subfolder, and
    one note per replacement (for the caller to show)."""
    paths: list[Path] = []
    notes: list[str] = []
    for item in inputs:
        path = Path(item)
        records = generated_records(path)
        if records is not None:
            notes.append(f"{path} is a `trace generate` folder: reading its trade records "
                         f"from {records}")
            path = records
        paths.append(path)
    return paths, notes


def expand_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Files as given; a folder means every Parquet/CSV file below it (sorted), except that a
    generator top folder means its ``records/`` subfolder (see :func:`trade_inputs`)."""
    out: list[Path] = []
    for path in trade_inputs(inputs)[0]:
        if path.is_dir():
            found = _trade_files(path)
            if not found:
                raise InputError(NO_RECORDS, Location(file=str(path)))
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise InputError("input not found", Location(file=str(path)))
    return out


@dataclass
class IngestReport:
    files: list[str]
    rows_read: int
    rows_kept: int
    rejected: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "rows_read": self.rows_read, "rows_kept": self.rows_kept,
                "rejected": self.rejected}


def ingest(engine: Engine, inputs: Sequence[str | Path], mapping: VendorMapping | None = None,
           table: str = "records") -> IngestReport:
    """Read ``inputs`` through ``mapping`` into the engine view ``table`` (canonical columns).

    Nothing is copied: the view reads the files on each use (Parquet scans are cheap); the
    analysis materialises only its enriched table."""
    mapping = mapping or load_vendor_mapping()
    paths = expand_inputs(inputs)
    fmt = _format_of(paths, mapping.format)
    engine.read("raw_input", paths, fmt, mapping.delimiter)
    available = set(engine.columns("raw_input"))
    exprs = []
    for canon, sql_type in CANONICAL.items():
        if canon in mapping.constants:
            value = mapping.constants[canon].replace("'", "''")
            exprs.append(f"CAST('{value}' AS {sql_type}) AS {canon}")
            continue
        column = mapping.columns.get(canon)
        if column is None:
            exprs.append(f"CAST(NULL AS {sql_type}) AS {canon}")
            continue
        if column not in available:
            raise InputError(f"column {column!r} (for {canon}) not in the input; found: "
                             f"{', '.join(sorted(available))[:300]}",
                             Location(str(paths[0]), None, column))
        ref = f"`{column}`"
        if canon == "date":
            exprs.append(f"{engine.dialect.parse_date(ref, mapping.date_format)} AS date")
        elif sql_type == "DOUBLE":
            exprs.append(f"TRY_CAST({ref} AS DOUBLE) AS {canon}")
        elif canon in ("hs_code",):
            exprs.append(f"{engine.dialect.digits(ref)} AS {canon}")
        elif fmt == "csv":  # text as typed by people: trim it
            exprs.append(f"NULLIF(trim(CAST({ref} AS STRING)), '') AS {canon}")
        else:
            exprs.append(f"NULLIF(CAST({ref} AS STRING), '') AS {canon}")
    engine.view("typed_input", "SELECT " + ", ".join(exprs) + " FROM raw_input")
    checks = {
        "no_record_id": "record_id IS NULL",
        "bad_date": "date IS NULL",
        "no_seller": "seller_name IS NULL",
        "bad_hs_code": "hs_code IS NULL OR length(hs_code) < 6",
        "bad_value": "value_usd IS NULL OR value_usd < 0",
    }
    counts_sql = ", ".join(f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {key}"
                           for key, cond in checks.items())
    row = engine.sql(f"SELECT count(*) AS n, {counts_sql} FROM typed_input").to_pylist()[0]
    bad = " OR ".join(f"({c})" for c in checks.values())
    engine.view(table, f"SELECT * FROM typed_input WHERE NOT ({bad})")
    kept = int(row["n"]) - int(engine.sql(
        f"SELECT count(*) AS n FROM typed_input WHERE {bad}").to_pylist()[0]["n"])
    return IngestReport([str(p) for p in paths], int(row["n"]), kept,
                        {k: int(row[k] or 0) for k in checks})


@dataclass
class WeaponsEvidence:
    """Components found in weapons: brands (lower-case) and HS-6 codes, with the rows."""

    brands: set[str]
    hs6: set[str]
    rows: list[dict[str, str]]


EVIDENCE_COLUMNS = ("manufacturer", "part_number", "hs_code", "weapon_system", "date")


def load_weapons_evidence(path: str | Path) -> WeaponsEvidence:
    """Read a CSV with the columns manufacturer, part_number, hs_code, weapon_system, date
    (extra columns kept). A row needs a manufacturer or an HS code of 6+ digits."""
    import csv
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read evidence file: {exc.strerror or exc}",
                         Location(str(path))) from exc
    brands: set[str] = set()
    codes: set[str] = set()
    rows: list[dict[str, str]] = []
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in ("manufacturer", "hs_code") if c not in header]
        if missing:
            raise InputError(f"evidence file lacks column(s) {', '.join(missing)}",
                             Location(str(path), 1, missing[0]))
        for line, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            code = re.sub(r"[^0-9]", "", row.get("hs_code", ""))
            maker = " ".join(row.get("manufacturer", "").lower().split())
            if not maker and len(code) < 6:
                raise InputError("row has neither a manufacturer nor an HS code",
                                 Location(str(path), line, "manufacturer"))
            if maker:
                brands.add(maker)
            if len(code) >= 6:
                codes.add(code[:6])
            rows.append(row)
    return WeaponsEvidence(brands, codes, rows)
