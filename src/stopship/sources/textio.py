"""Reading list files the same way in every source: gzip-transparent, size-limited, and
decoded with the byte position of any bad sequence turned into a line number.

Bundled list data ships gzip-compressed (``consolidated.csv.gz``), so every parser reads
``X`` and ``X.gz`` alike. The size limit also applies to what a ``.gz`` file unpacks to,
so a small archive cannot expand into gigabytes.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from stopship.errors import InputError, Location
from stopship.sources.base import MAX_FILE_BYTES, check_size


def logical_name(path: Path) -> str:
    """The file name without a trailing ``.gz``: ``consolidated.csv.gz`` -> ``consolidated.csv``."""
    name = path.name
    return name[:-3] if name.lower().endswith(".gz") else name


def logical_suffix(path: Path) -> str:
    """Lower-case suffix of the logical name: ``.csv``, ``.json``, ``.jsonl``, ``.xlsx``..."""
    return Path(logical_name(path)).suffix.lower()


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's content, unpacked when it ends in ``.gz``; InputError when it is larger
    than ``limit`` (packed or unpacked) or a broken gzip stream."""
    try:
        check_size(path, limit)
        if not path.name.lower().endswith(".gz"):
            return path.read_bytes()
        chunks: list[bytes] = []
        total = 0
        with gzip.open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                total += len(block)
                if total > limit:
                    raise InputError(
                        f"unpacks to more than {limit:,} bytes, over the limit for a list file",
                        Location(str(path)),
                    )
                chunks.append(block)
        return b"".join(chunks)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read file: {exc}", Location(str(path))) from exc


@dataclass
class DecodedText:
    """Text of a file and the 1-based line numbers that held undecodable bytes (replaced
    by U+FFFD in ``text``)."""

    text: str
    bad_lines: set[int] = field(default_factory=set)


def decode(data: bytes, encoding: str = "utf-8") -> DecodedText:
    """Decode ``data``; a leading UTF-8 BOM is dropped. Undecodable bytes are replaced
    and their lines recorded, so the caller can skip (or, strict, refuse) those rows."""
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return DecodedText(data.decode(codec))
    except UnicodeDecodeError:
        pass
    except LookupError as exc:
        raise InputError(f"unknown text encoding {encoding!r}") from exc
    bad: set[int] = set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode(codec if number == 1 else encoding)
        except UnicodeDecodeError:
            bad.add(number)
    return DecodedText(data.decode(codec, errors="replace"), bad)
