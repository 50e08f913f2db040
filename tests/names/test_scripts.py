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
