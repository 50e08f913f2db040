import pytest

from stopship.model.countries import name_of, to_code

CASES = [
    ("Russia", "RU"),
    ("Russian Federation", "RU"),
    ("RU", "RU"),
    ("rus", "RU"),
    ("Korea, North", "KP"),
    ("Burma", "MM"),
    ("Crimea Region of Ukraine", "XC"),
    ("United Arab Emirates", "AE"),
    ("Hong Kong", "HK"),
    ("Türkiye", "TR"),
    ("Turkey", "TR"),
    ("uk", "GB"),
    ("Kyrgyzstan", "KG"),
    ("Atlantis", None),
    ("", None),
    (None, None),
    ("ZZ", None),
]


@pytest.mark.parametrize(("value", "code"), CASES)
def test_to_code(value, code):
    assert to_code(value) == code


def test_name_of():
    assert name_of("RU") == "Russian Federation"
    assert name_of("XC") == "XC"
