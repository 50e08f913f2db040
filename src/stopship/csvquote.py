"""A CSV quote left open: the one check every CSV reader of stopship shares.

Python's csv module (its default, lenient dialect) reads a quoted field that is never
closed as one value running to the end of the input, without an error: every row after
the opening quote disappears into that value. A reader hands its lines to ``csv.reader``
through ``Lines`` and, after each record, asks ``Lines.end_record`` whether that record ran
to the end of the input with a quote still open. List parsers refuse such a file
(``OpenQuote.error``); the customer reader reports the record as a bad row
(``OpenQuote.reason``).

A stray quote further down can also close such a quote: the record then ends normally and
the rows between sit inside one value. ``swallowed`` finds such a value, so that customer
and order readers report those lines as one bad row rather than read the rows as a name.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from stopship.errors import InputError, Location


@dataclass(frozen=True, slots=True)
class OpenQuote:
    """Where a quote that is never closed opened: its 1-based ``line``, the 0-based index
    of its ``field``, and the input's ``last_line`` (all the lines from ``line`` to
    ``last_line`` were read as one value)."""

    line: int
    field: int
    last_line: int

    def column(self, header: Sequence[str]) -> str:
        """The header name of the field, or ``column N`` past the header's end."""
        return column_name(header, self.field)

    def reason(self, header: Sequence[str]) -> str:
        lines = (f"line {self.line}" if self.line == self.last_line
                 else f"lines {self.line}-{self.last_line}")
        return (f"unterminated quote: the quoted field in column {self.column(header)!r} "
                f"opened on line {self.line} is never closed, so {lines} would be read as "
                f"one value")

    def error(self, file: str, header: Sequence[str]) -> InputError:
        """The InputError located at the file, line and column of the quote."""
        return InputError(self.reason(header), Location(file, self.line, self.column(header)))


class Lines(Iterator[str]):
    """The lines of a CSV text for ``csv.reader``, keeping those of the record being read
    and noting when the input ends. Line endings must be kept (``newline=""``)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._record: list[str] = []
        self.count = 0  # lines handed out so far: the last line of the record just read
        self.ended = False

    def __iter__(self) -> Lines:
        return self

    def __next__(self) -> str:
        try:
            line = next(self._lines)
        except StopIteration:
            self.ended = True
            raise
        self.count += 1
        self._record.append(line)
        return line

    @property
    def record_start(self) -> int:
        """The 1-based line where the record being read starts (the one just returned by
        ``csv.reader``, until ``end_record``)."""
        return self.count - len(self._record) + 1

    def end_record(self, delimiter: str = ",", quote: str = '"') -> OpenQuote | None:
        """Call after each record ``csv.reader`` returns (or fails on): the quote that
        record left open when it ran to the end of the input, else None. The next line
        read starts the next record."""
        record, self._record = self._record, []
        if not self.ended:
            return None
        opened = open_quote(record, delimiter, quote)
        if opened is None:
            return None
        field, offset = opened
        return OpenQuote(self.count - len(record) + 1 + offset, field, self.count)


def open_quote(record: Sequence[str], delimiter: str = ",",
               quote: str = '"') -> tuple[int, int] | None:
    """For the lines of one CSV record: (field index, line offset) of a quoted field left
    open at its end, or None. Reads as the csv module's default (lenient) dialect does: a
    quote opens quoting only at a field's start, two quotes inside are one, and text after
    a closing quote ends the quoting."""
    field, opened_at = 0, 0
    state = "start"  # start | plain | quoted | closing (a quote seen inside quoting)
    for offset, text in enumerate(record):
        for ch in text:
            if state == "quoted":
                state = "closing" if ch == quote else state
            elif state == "closing" and ch == quote:
                state = "quoted"
            elif ch == delimiter:
                field, state = field + 1, "start"
            elif state == "start" and ch == quote:
                state, opened_at = "quoted", offset
            elif ch not in "\r\n":
                state = "plain"
    return (field, opened_at) if state == "quoted" else None


def column_name(header: Sequence[str], index: int) -> str:
    """The header name of the field at ``index``, or ``column N`` past the header's end."""
    name = header[index].strip() if index < len(header) else ""
    return name or f"column {index + 1}"


_BREAK = re.compile(r"\r\n|\r|\n")


def swallowed(values: Sequence[str], one_line: Collection[int], delimiter: str = ",",
              min_width: int = 3) -> int | None:
    """The index of a value that holds rows of its own: a value of a one-line field
    (``one_line``: positions of names, ids, codes) with a line break followed by text
    holding the delimiter, or, in a record of at least ``min_width`` fields, any value with
    a whole row's worth of delimiters on a line of its own. None when no value looks so; a
    name or address broken over lines (``Sberbank`` / ``of Russia``, a spreadsheet cell)
    is not."""
    width = len(values)
    for index, value in enumerate(values):
        if "\n" not in value and "\r" not in value:
            continue
        parts = _BREAK.split(value)[1:]
        if index in one_line and any(delimiter in part for part in parts):
            return index
        if width >= min_width and any(part.count(delimiter) >= width - 1
                                      for part in parts[:-1]):
            return index
    return None


def swallowed_reason(field: str, first: int, last: int) -> str:
    """Why the record read over lines ``first``-``last`` is refused (see ``swallowed``)."""
    return (f"quote closed far from where it opened: the quoted {field!r} field opening on "
            f"line {first} runs to line {last} and holds rows of their own (a stray quote?), "
            f"so lines {first}-{last} were read as one record")
