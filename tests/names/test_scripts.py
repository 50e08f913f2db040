from __future__ import annotations

import pytest

from stopship.names import detect_script, romanize

CASES = [
    ("Romashka", "Latn"), ("Ромашка", "Cyrl"), ("广州海格", "Hani"), ("김정은", "Hang"),
    ("トヨタ自動車", "Kana"), ("Արմեն", "Armn"), ("ჯეოსელი", "Geor"), ("Ελλάδα", "Grek"),
    ("محمد", "Arab"), ("123 ...", "Zyyy"), ("ООО Romashka Ромашка", "Cyrl"),
]


@pytest.mark.parametrize(("text", "script"), CASES)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_romanize_systems() -> None:
    out = romanize("Щербаков")
    assert out[0] == "shcherbakov"
    assert {"schtscherbakow", "chtcherbakov"} <= set(out)
    assert romanize("Юрий")[:2] == ["yuriy", "iurii"]
    assert romanize("plain") == ["plain"]


def test_script_counts_cached_copies() -> None:
    from stopship.names.scripts import char_script, script_counts

    text = "ООО «Ромашка» Romashka 123"
    counts = script_counts(text)
    assert counts == {"Cyrl": 10, "Latn": 8}
    counts["Cyrl"] = 0  # a caller's copy: the cached counts stay as they were
    assert script_counts(text) == {"Cyrl": 10, "Latn": 8}
    by_hand: dict[str, int] = {}
    for ch in text:
        if char_script(ch) != "Zyyy":
            by_hand[char_script(ch)] = by_hand.get(char_script(ch), 0) + 1
    assert list(script_counts(text).items()) == list(by_hand.items())
