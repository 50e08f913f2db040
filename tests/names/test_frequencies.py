from __future__ import annotations

from stopship.names import prepare
from stopship.names.frequencies import count, idf_weight, token_weight


def test_common_tokens_weigh_less() -> None:
    names = [prepare(n) for n in ["Alpha Trading LLC", "Beta Trading", "Gamma Trading FZE",
                                  "Romashka OOO", "Mohammed Ali", "Muhammad Khan"]]
    table = count(names)
    assert table.documents == 6
    assert table.tokens["trading"] == 3
    assert token_weight(table, "trading") < token_weight(table, "romashka")
    # every spelling of a frequent name shares its key's frequency
    assert table.keys[names[4].keys[0]] == 2
    assert token_weight(table, "mohamed", names[4].keys[0]) == token_weight(table, "muhammad", names[4].keys[0])


def test_idf_bounds() -> None:
    assert idf_weight(1, 1000) == 1.0
    assert 0.05 <= idf_weight(1000, 1000) <= 0.1
