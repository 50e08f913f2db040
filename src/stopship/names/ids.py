"""Identifier schemes: one small class each (normalise, validate, format) in one registry.

Checksums follow the published algorithms: INN (Federal Tax Service order ММ-3-06/308@,
weights 2,4,10,3,5,9,4,6,8 and 7,2,4,10,3,5,9,4,6,8 / 3,7,2,4,10,3,5,9,4,6,8), OGRN and
OGRNIP (remainder of the first 12 / 14 digits by 11 / 13, last digit), IMO ship numbers
(weights 7..2 on the first six digits), ISO 9362 BIC (structure) and ISO 17442 LEI
(ISO 7064 mod 97-10).
"""

from __future__ import annotations

import re
from typing import ClassVar

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_DIGITS = re.compile(r"\D+")


class Scheme:
    """An identifier scheme: ``normalize`` gives the comparable form (or None when the value
    cannot be one of this scheme), ``validate`` checks length and checksum, ``format`` gives
    the display form."""

    name: ClassVar[str] = "generic"
    label: ClassVar[str] = "Identifier"
    strong: ClassVar[bool] = False  # agreement decides a match on its own

    @classmethod
    def normalize(cls, value: str) -> str | None:
        out = _NON_ALNUM.sub("", value).upper()
        return out or None

    @classmethod
    def validate(cls, value: str) -> bool:
        return cls.normalize(value) is not None

    @classmethod
    def format(cls, value: str) -> str:
        return cls.normalize(value) or value


class _Digits(Scheme):
    lengths: ClassVar[tuple[int, ...]] = ()

    @classmethod
    def normalize(cls, value: str) -> str | None:
        digits = _DIGITS.sub("", value)
        if not digits or (cls.lengths and len(digits) not in cls.lengths):
            return None
        return digits

    @classmethod
    def validate(cls, value: str) -> bool:
        digits = cls.normalize(value)
        return digits is not None and cls.checksum_ok(digits)

    @classmethod
    def checksum_ok(cls, digits: str) -> bool:
        return True


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


class Inn(_Digits):
    """Russian taxpayer number (ИНН): 10 digits for organisations, 12 for individuals."""

    name = "inn"
    label = "INN"
    strong = True
    lengths = (10, 12)
    _W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    _W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    _W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

    @classmethod
    def checksum_ok(cls, digits: str) -> bool:
        if len(digits) == 10:
            return _weighted(digits, cls._W10) == int(digits[9])
        return (_weighted(digits, cls._W11) == int(digits[10])
                and _weighted(digits, cls._W12) == int(digits[11]))


class Ogrn(_Digits):
    """Russian primary state registration number of a legal entity (ОГРН): 13 digits."""

    name = "ogrn"
    label = "OGRN"
    strong = True
    lengths = (13,)

    @classmethod
    def checksum_ok(cls, digits: str) -> bool:
        return int(digits[:12]) % 11 % 10 == int(digits[12])


class Ogrnip(_Digits):
    """Russian registration number of an individual entrepreneur (ОГРНИП): 15 digits."""

    name = "ogrnip"
    label = "OGRNIP"
    strong = True
    lengths = (15,)

    @classmethod
    def checksum_ok(cls, digits: str) -> bool:
        return int(digits[:14]) % 13 % 10 == int(digits[14])


class Kpp(_Digits):
    """Russian tax registration reason code (КПП): 9 characters (no checksum); weak."""

    name = "kpp"
    label = "KPP"
    lengths = (9,)


class Okpo(_Digits):
    """Russian statistical code (ОКПО): 8 digits for organisations, 10 for entrepreneurs."""

    name = "okpo"
    label = "OKPO"
    strong = True
    lengths = (8, 10)

    @classmethod
    def checksum_ok(cls, digits: str) -> bool:
        body, check = digits[:-1], int(digits[-1])
        for offset in (1, 3):
            total = sum(int(d) * ((i + offset - 1) % 10 + 1) for i, d in enumerate(body)) % 11
            if total < 10:
                return total == check
        return check == 0


class Imo(_Digits):
    """IMO ship identification number: 7 digits, the last a check digit ("IMO 9123456")."""

    name = "imo"
    label = "IMO"
    strong = True
    lengths = (7,)

    @classmethod
    def checksum_ok(cls, digits: str) -> bool:
        total = sum(int(d) * w for d, w in zip(digits[:6], (7, 6, 5, 4, 3, 2), strict=True))
        return total % 10 == int(digits[6])

    @classmethod
    def format(cls, value: str) -> str:
        digits = cls.normalize(value)
        return f"IMO {digits}" if digits else value


class Mmsi(_Digits):
    """Maritime mobile service identity: 9 digits (changes with the flag, so not strong)."""

    name = "mmsi"
    label = "MMSI"
    lengths = (9,)


class Bic(Scheme):
    """SWIFT/BIC (ISO 9362): 4 letters bank, 2 letters country, 2 location, optional 3 branch.
    ``XXX`` branch is the head office, so an 11-character BIC ending in XXX equals its 8."""

    name = "swift"
    label = "SWIFT/BIC"
    strong = True
    _RE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")

    @classmethod
    def normalize(cls, value: str) -> str | None:
        out = _NON_ALNUM.sub("", value).upper()
        if not cls._RE.match(out):
            return None
        return out[:8] if out.endswith("XXX") else out

    @classmethod
    def validate(cls, value: str) -> bool:
        return cls.normalize(value) is not None


class Lei(Scheme):
    """Legal Entity Identifier (ISO 17442): 20 characters, ISO 7064 mod 97-10."""

    name = "lei"
    label = "LEI"
    strong = True
    _RE = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")

    @classmethod
    def normalize(cls, value: str) -> str | None:
        out = _NON_ALNUM.sub("", value).upper()
        return out if cls._RE.match(out) else None

    @classmethod
    def validate(cls, value: str) -> bool:
        out = cls.normalize(value)
        if out is None:
            return False
        number = "".join(str(int(c, 36)) for c in out)
        return int(number) % 97 == 1


class Passport(Scheme):
    name = "passport"
    label = "Passport"
    strong = True


class NationalId(Scheme):
    name = "national_id"
    label = "National ID"
    strong = True


class TaxId(Scheme):
    name = "tax_id"
    label = "Tax ID"
    strong = True


class Registration(Scheme):
    name = "registration"
    label = "Registration number"
    strong = True


class Generic(Scheme):
    name = "generic"
    label = "Identifier"


REGISTRY: dict[str, type[Scheme]] = {
    cls.name: cls
    for cls in (Inn, Ogrn, Ogrnip, Kpp, Okpo, Imo, Mmsi, Bic, Lei, Passport, NationalId, TaxId,
                Registration, Generic)
}
_ALIASES = {
    "bic": "swift", "swift_bic": "swift", "swift/bic": "swift", "swift code": "swift",
    "инн": "inn", "огрн": "ogrn", "огрнип": "ogrnip", "кпп": "kpp", "окпо": "okpo",
    "imo number": "imo", "vessel registration identification": "imo",
    "national id": "national_id", "national id no": "national_id", "tax id no": "tax_id",
    "tax id": "tax_id", "registration id": "registration", "registration number": "registration",
    "passport number": "passport", "tin": "tax_id", "vat": "tax_id", "ein": "tax_id",
    "registration": "registration", "reg": "registration", "unified social credit code":
    "registration", "uscc": "registration", "legal entity number": "lei",
    "government gazette number": "registration", "company number": "registration",
}


def scheme(name: str | None) -> type[Scheme]:
    """The scheme class for a name or label ("INN", "SWIFT/BIC", "Tax ID No."); generic when
    unknown."""
    if not name:
        return Generic
    key = name.strip().lower().rstrip(".: ")
    key = _ALIASES.get(key, key)
    return REGISTRY.get(key, REGISTRY.get(key.replace(" ", "_"), Generic))


def normalize(scheme_name: str | None, value: str) -> str | None:
    """The comparable form of ``value`` under a scheme (None when it cannot be one)."""
    return scheme(scheme_name).normalize(value)


def validate(scheme_name: str | None, value: str) -> bool:
    return scheme(scheme_name).validate(value)


def _specific(scheme_name: str, country: str | None, value: str | None) -> str:
    """A generic scheme read through the country's concrete scheme (tax_id in RU = inn)."""
    cc = (country or "").lower()
    if cc == "ru" and value:
        digits = _DIGITS.sub("", value)
        if scheme_name == "tax_id" and len(digits) in (10, 12):
            return "inn"
        if scheme_name == "registration" and len(digits) == 13:
            return "ogrn"
        if scheme_name == "registration" and len(digits) == 15:
            return "ogrnip"
    if cc in ("kz", "by", "ua", "kg") and scheme_name in ("tax_id", "registration"):
        return "tax_id"
    return scheme_name


def equivalent_schemes(a_scheme: str | None, a_country: str | None, b_scheme: str | None,
                       b_country: str | None, a_value: str | None = None,
                       b_value: str | None = None) -> bool:
    """Whether two identifiers may be compared: same scheme, or one is the generic reading
    of the other in its country (tax_id in RU is an INN; a 13-digit registration number in
    RU is an OGRN).  ``generic`` compares with anything; values refine the RU rules."""
    a = scheme(a_scheme).name
    b = scheme(b_scheme).name
    if a == b or "generic" in (a, b):
        return True
    a_specific = _specific(a, a_country or b_country, a_value)
    b_specific = _specific(b, b_country or a_country, b_value)
    if a_specific == b_specific:
        return True
    loose = {"tax_id", "registration", "national_id"}
    # Without values, a generic RU tax/registration id may stand for any Russian scheme.
    russian = {"inn", "ogrn", "ogrnip", "okpo", "kpp"}
    if (a in loose and b in russian) or (b in loose and a in russian):
        return (a_country or b_country or "").lower() in ("ru", "") and not (a_value and b_value)
    return False


# "INN 7707083893; IMO 9123456; OGRN 1027700132195", "SWIFT/BIC SABRRUMM", "ИНН: 7707083893"
_LABELLED = re.compile(
    r"(?P<label>INN|ИНН|OGRNIP|ОГРНИП|OGRN|ОГРН|KPP|КПП|OKPO|ОКПО|IMO|MMSI|SWIFT/BIC|SWIFT|BIC|"
    r"LEI|Tax\s+ID(?:\s+No)?|TIN|Registration(?:\s+(?:ID|Number|No))?|Reg(?:istration)?\.?\s*No|"
    r"Passport(?:\s+(?:No|Number))?|National\s+ID(?:\s+No)?|VAT)"
    r"\.?\s*(?:No\.?|Number|#)?\s*[:=]?\s*(?P<value>[A-Z0-9][A-Z0-9 \-/]{2,30}?[A-Z0-9])"
    r"(?=\s*(?:[;,()]|$|\s+(?:[A-Z]{2,}\b)))",
    re.IGNORECASE,
)
_BARE = re.compile(r"\b[0-9][0-9 \-]{5,22}[0-9]\b")


def parse_identifiers(text: str) -> list[tuple[str | None, str]]:
    """Identifiers in free text: labelled ones with their scheme, then bare digit runs of a
    plausible length with scheme None.  Values are normalised where the scheme knows how."""
    out: list[tuple[str | None, str]] = []
    spans: list[tuple[int, int]] = []
    for m in _LABELLED.finditer(text):
        sch = scheme(re.sub(r"\s+", " ", m.group("label")))
        value = sch.normalize(m.group("value")) or _NON_ALNUM.sub("", m.group("value")).upper()
        out.append((sch.name, value))
        spans.append(m.span())
    for m in _BARE.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        digits = _DIGITS.sub("", m.group(0))
        if len(digits) >= 7:
            out.append((None, digits))
    return out
