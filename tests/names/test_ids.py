"""Identifier schemes on real values from the OFAC SDN remarks (May 2024)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopship.names import ids

VALID = [
    ("inn", "7831000122"),  # SDN: Tax ID No. 7831000122 (Russia)
    ("inn", "7718989383"),
    ("inn", "773407989940"),  # 12-digit individual INN
    ("inn", "781012626436"),
    ("ogrn", "1147746803049"),  # SDN: Registration Number 1147746803049 (Russia)
    ("ogrn", "1037825043200"),
    ("ogrnip", "319222500100953"),
    ("imo", "7406784"),  # SDN: IMO 7406784
    ("imo", "9187629"),
    ("imo", "IMO 9187655"),
    ("swift", "HNRBBY2X"),  # SDN: SWIFT/BIC HNRBBY2X
    ("swift", "KDBKKPPY"),
    ("lei", "5493001KJTIIGC8Y1R12"),
]

INVALID = [
    ("inn", "7831000123"),
    ("inn", "77340798994"),
    ("ogrn", "1147746803048"),
    ("imo", "9187620"),
    ("imo", "918762"),
    ("swift", "HNRB1Y2X"),
    ("lei", "5493001KJTIIGC8Y1R13"),
]


@pytest.mark.parametrize(("scheme", "value"), VALID)
def test_valid(scheme: str, value: str) -> None:
    assert ids.validate(scheme, value)


@pytest.mark.parametrize(("scheme", "value"), INVALID)
def test_invalid(scheme: str, value: str) -> None:
    assert not ids.validate(scheme, value)


def test_bic_head_office_equals_eight_characters() -> None:
    assert ids.normalize("swift", "SABR RU MM XXX") == ids.normalize("bic", "SABRRUMM")


def test_format_imo() -> None:
    assert ids.scheme("IMO").format("9187629") == "IMO 9187629"


EQUIVALENT = [
    ("tax_id", "RU", "inn", None, True),
    ("registration", "RU", "ogrn", "RU", True),
    ("inn", None, "inn", None, True),
    ("imo", None, "inn", None, False),
    ("swift", None, "lei", None, False),
    ("generic", None, "passport", None, True),
]


@pytest.mark.parametrize(("a", "ac", "b", "bc", "expected"), EQUIVALENT)
def test_equivalent_schemes(a: str, ac: str | None, b: str, bc: str | None, expected: bool) -> None:
    assert ids.equivalent_schemes(a, ac, b, bc) is expected


def test_registration_value_picks_ogrn() -> None:
    assert ids.equivalent_schemes("registration", "RU", "ogrn", None, "1147746803049", "1147746803049")
    assert not ids.equivalent_schemes("registration", "DE", "ogrn", "DE", "HRB 1234", "1147746803049")


def test_parse_identifiers() -> None:
    text = "INN 7707083893; IMO 9187629; OGRN 1027700132195, SWIFT/BIC HNRBBY2X; Tax ID No. 7831000122 (Russia); 1234567890"
    assert ids.parse_identifiers(text) == [
        ("inn", "7707083893"), ("imo", "9187629"), ("ogrn", "1027700132195"),
        ("swift", "HNRBBY2X"), ("tax_id", "7831000122"), (None, "1234567890"),
    ]


def test_every_scheme_is_registered_once() -> None:
    assert {cls.name for cls in ids.REGISTRY.values()} == set(ids.REGISTRY)


def test_parse_cyrillic_labels() -> None:
    assert ids.parse_identifiers("ИНН 7707083893, ОГРН 1027700132195") == [
        ("inn", "7707083893"), ("ogrn", "1027700132195")]


def test_parse_nothing() -> None:
    assert ids.parse_identifiers("Romashka LLC, Moscow") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_parse_never_crashes(text: str) -> None:
    for scheme_name, value in ids.parse_identifiers(text):
        assert value
        assert scheme_name is None or scheme_name in ids.REGISTRY
