"""Arabic-script romanisation: compounds written as one latin word, Persian/Urdu letters."""

from __future__ import annotations

import pytest

from stopship.names.translit.arabic import romanize_arabic


@pytest.mark.parametrize(("text", "joined"), [
    ("امین الله", "amin ullah"),     # Aminullah
    ("سراج الدين", "sraj uddin"),    # Sirajuddin
    ("عبد الله", "abd ullah"),       # Abdullah
    ("آخوند زاده", "akhund zada"),   # Akhundzada (Persian / Pashto zadeh, "born of")
    ("کاکا زاده", "kaka zada"),      # Kakazada
    ("شهيد خيل", "shhid khel"),      # Shahidkhel (khel, "clan")
])
def test_compounds_are_offered_joined(text: str, joined: str) -> None:
    renderings = romanize_arabic(text)
    assert joined.replace(" ", "") in renderings[1].replace(" ", "")
    assert "ullah" not in renderings[0] and "uddin" not in renderings[0]
    assert len(renderings[0].split()) == 2  # the default rendering keeps the words apart


def test_urdu_heh_and_a_final_waw() -> None:
    # ثناء اللہ (Urdu heh goal) is read as Allah; الحبو ends in a vowel (al-Habbo)
    assert romanize_arabic("ثناء اللہ")[0].endswith("allah")
    assert romanize_arabic("الحبو")[-1] == "alhbu"
