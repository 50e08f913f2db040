"""The shared check for a CSV quote left open at the end of the input."""

from __future__ import annotations

import csv
import io

import pytest

from stopship.csvquote import Lines, OpenQuote, open_quote, swallowed


def _records(text: str, delimiter: str = ",") -> list[tuple[int, list[str], OpenQuote | None]]:
    """(first line, cells, open quote) of every record of ``text`` read through Lines."""
    lines = Lines(io.StringIO(text, newline=""))
    reader = csv.reader(lines, delimiter=delimiter)
    out = []
    while True:
        start = lines.count + 1
        try:
            cells = next(reader)
        except StopIteration:
            return out
        out.append((start, cells, lines.end_record(delimiter)))


def test_closed_records_across_lines_keep_their_first_line():
    text = 'a,b\n"x\ny",1\r\n"He said ""hi""",2\nlast,"q" tail\n'
    assert _records(text) == [
        (1, ["a", "b"], None), (2, ["x\ny", "1"], None), (4, ['He said "hi"', "2"], None),
        (5, ["last", "q tail"], None)]


@pytest.mark.parametrize(("text", "quote"), [
    ('a,b\n1,"open\n2,x\n3,y\n', OpenQuote(2, 1, 4)),
    ('a,b\n1,"open', OpenQuote(2, 1, 2)),
    ('a,b\n"two\nlines",x,"open\n', OpenQuote(3, 2, 3)),
    ('a,b\n1,"""quoted"" then open\n', OpenQuote(2, 1, 2)),
])
def test_a_quote_left_open_is_found_on_the_last_record(text: str, quote: OpenQuote):
    records = _records(text)
    assert [r[2] for r in records] == [None] * (len(records) - 1) + [quote]
    assert len(records[-1][1]) == quote.field + 1  # the csv module swallowed the rest


def test_tab_delimiter_and_messages():
    [_, (_, _, quote)] = _records('a\tb\tc\n1\t"x\ty\n2\t3\n', "\t")
    assert quote == OpenQuote(2, 1, 3)
    assert quote.column(["a", "b", "c"]) == "b" and quote.column([]) == "column 2"
    error = quote.error("list.tsv", ["a", "b", "c"])
    assert (error.location.file, error.location.line, error.location.field) == (
        "list.tsv", 2, "b")
    assert "lines 2-3 would be read as one value" in error.message
    assert "line 4 would" in OpenQuote(4, 0, 4).reason(["a"])


def test_open_quote_reads_as_the_lenient_csv_dialect():
    assert open_quote(['a,b"c,d\n']) is None  # a quote inside a field is a character
    assert open_quote(['"a""', '""b"\n']) is None
    assert open_quote(['x,"a"b,"c\n', "d\n"]) == (2, 0)
    assert open_quote(['x;"a,b\n'], delimiter=";") == (1, 0)


@pytest.mark.parametrize(("values", "one_line", "expected"), [
    # a name whose quote a stray quote two lines down closed: the rows between are inside
    (["2", 'Gazprom,Company,RU\n3,Rostec,Company,RU\n4,Vladimir Putin', "RU"], {1}, 1),
    # closed on the next line: the one-line field holds a comma after its line break
    (["2", "Gazprom,RU\n3,Rostec", "RU"], {1}, 1),
    # a whole row on a line of its own inside a multi-line field (an address)
    (["2", "Gazprom", "Nametkina 16\n3,Rostec,RU\nMoscow"], {1}, 2),
    # a name broken over two lines, an address with a comma on its second line: fine
    (["2", "Sberbank\nof Russia", "RU"], {1}, None),
    (["2", "Gazprom", "Nametkina 16,\nMoscow, 117420"], {1}, None),
])
def test_swallowed_rows(values: list[str], one_line: set[int], expected: int | None) -> None:
    assert swallowed(values, one_line) == expected
