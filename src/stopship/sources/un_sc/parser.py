"""UN Security Council Consolidated List from its official XML (also ``.xml.gz``).

One entity per ``INDIVIDUAL`` (person) or ``ENTITY`` (organization); the native id is
the ``REFERENCE_NUMBER`` (``QDi.001``, ``CDe.002``...), ``DATAID`` and ``VERSIONNUM``
are kept as flags. The XML is read with defusedxml and no DTD at all: entity expansion
("billion laughs") and external entities are refused with an InputError naming the
file and line, as is a truncated or malformed file. Maps (alias quality -> name kind,
document type -> identifier scheme) live in ``source.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from stopship.errors import InputError, Location
from stopship.model import Address, Entity, Provenance
from stopship.model.countries import to_code
from stopship.sources.base import ParseReport, Source, file_sha256
from stopship.sources.textio import logical_name, read_bytes

LIST_ID = "un_sc"
_NUMBER_PREFIX = re.compile(r"^([^\d]*?\b(?:number|no\.?))\s*:?\s+(\S.*)$", re.IGNORECASE)

# Unicode character-name prefix -> ISO 15924 script code (for NAME_ORIGINAL_SCRIPT). Kept
# here because sources import only the model; codes agree with stopship.names.scripts.
_SCRIPTS = {
    "LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "CJK": "Hani", "HANGUL": "Hang",
    "HIRAGANA": "Kana", "KATAKANA": "Kana", "GREEK": "Grek", "HEBREW": "Hebr",
    "DEVANAGARI": "Deva", "THAI": "Thai", "ETHIOPIC": "Ethi", "GEORGIAN": "Geor",
    "ARMENIAN": "Armn", "MYANMAR": "Mymr", "KHMER": "Khmr", "BENGALI": "Beng",
    "TAMIL": "Taml", "SYRIAC": "Syrc", "THAANA": "Thaa",
}


def detect_script(text: str) -> str | None:
    """The ISO 15924 code of the script most letters of ``text`` are written in (a tie goes
    to the non-Latin script); None when there is no letter."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        first = unicodedata.name(char, "").split(" ", 1)[0]
        script = _SCRIPTS.get(first)
        if script:
            counts[script] += 1
    if not counts:
        return None
    if "Kana" in counts and "Hani" in counts:
        return "Kana"  # Japanese mixes kanji with kana; Chinese never has kana
    return max(counts.items(), key=lambda item: (item[1], item[0] != "Latn"))[0]


class _LineTreeBuilder(ET.TreeBuilder):
    """A tree builder that remembers the line each record element starts on."""

    def __init__(self, records: set[str]) -> None:
        super().__init__()
        self.records = records
        self.lines: dict[int, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:  # type: ignore[override]
        element = super().start(tag, attrs)
        if tag in self.records and self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


class UnScSource(Source):
    """Parser for the UN Security Council Consolidated List XML."""

    meta_file = Path(__file__).parent / "source.yaml"

    def __init__(self) -> None:
        super().__init__()
        extra = self.meta.extra
        self.records: dict[str, dict[str, str]] = dict(extra["records"])
        self.name_parts: list[str] = list(extra["name_parts"])
        self.alias_quality: dict[str, str] = {
            str(k).lower(): v for k, v in extra.get("alias_quality", {}).items()}
        self.max_range = int(extra.get("max_birth_range_years", 10))
        self.document_types: list[dict[str, str]] = list(extra.get("document_types", []))
        self.document_default: str = extra.get("document_default", "other")
        self.country_names: dict[str, str] = {
            str(k).lower(): str(v) for k, v in (extra.get("country_names") or {}).items()}

    # -- files ---------------------------------------------------------------------------
    def parse(self, files: Sequence[Path], report: ParseReport) -> Iterator[Entity]:
        for given in files:
            path = Path(given)
            root, lines = self._tree(path)
            shown, sha, prov_file = str(path), file_sha256(path), logical_name(path)
            seen: set[str] = set()
            for element in root.iter():
                if element.tag not in self.records:
                    continue
                line = lines.get(id(element))
                report.rows_read[shown] += 1
                ref = _text(element, "REFERENCE_NUMBER")
                if not ref:
                    report.skip(shown, line, "REFERENCE_NUMBER", "record without a reference number")
                    continue
                if ref in seen:
                    report.skip(shown, line, "REFERENCE_NUMBER", f"duplicate reference number {ref}")
                    continue
                entity = self._entity(element, ref, Provenance(prov_file, sha, line))
                if not entity.names:
                    report.skip(shown, line, "FIRST_NAME", "record without a name")
                    continue
                seen.add(ref)
                report.entities[LIST_ID] += 1
                yield entity

    def _tree(self, path: Path) -> tuple[ET.Element, dict[int, int]]:
        data = read_bytes(path)
        builder = _LineTreeBuilder(set(self.records))
        parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                                  forbid_external=True)
        builder.parser = parser
        try:
            parser.feed(data)
            root = parser.close()
        except DefusedXmlException as exc:
            line = parser.parser.CurrentLineNumber
            raise InputError(f"refused unsafe XML ({type(exc).__name__}): DTDs, entity "
                             "declarations and external entities are not allowed",
                             Location(str(path), line)) from exc
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            raise InputError(f"malformed or truncated XML: {exc}",
                             Location(str(path), line)) from exc
        if root.tag != "CONSOLIDATED_LIST":
            raise InputError(f"not a UN consolidated list (root element {root.tag!r})",
                             Location(str(path), 1))
        return root, builder.lines

    # -- one record ------------------------------------------------------------------------
    def _entity(self, element: ET.Element, ref: str, provenance: Provenance) -> Entity:
        spec = self.records[element.tag]
        entity = Entity(LIST_ID, ref, spec["schema"], provenance=provenance)
        primary = " ".join(p for p in (_text(element, tag) for tag in self.name_parts) if p)
        entity.add_name(primary, "primary", script=detect_script(primary) if primary else None)
        for original in _texts(element, "NAME_ORIGINAL_SCRIPT"):
            entity.add_name(original, "original", script=detect_script(original))
        for alias in element.findall(spec["alias"]):
            self._alias(entity, alias)
        for address in element.findall(spec["address"]):
            self._address(entity, address)
        for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
            for value in self._birth_dates(dob):
                entity.add_date("birth", value)
        for pob in element.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
            parts = [_text(pob, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
            entity.add_property("place_of_birth", ", ".join(p for p in parts if p) or None)
            self._country(entity, _text(pob, "COUNTRY"), "birth", "birth_country")
        for nationality in _texts(element, "NATIONALITY/VALUE"):
            self._country(entity, nationality, "nationality", "nationality")
        for document in element.findall("INDIVIDUAL_DOCUMENT"):
            self._document(entity, document)
        for designation in _texts(element, "DESIGNATION/VALUE"):
            entity.add_property("designation", designation)
        for title in _texts(element, "TITLE/VALUE"):
            entity.add_property("title", title)
        entity.add_property("gender", (_text(element, "GENDER") or "").lower() or None)
        program = _text(element, "UN_LIST_TYPE")
        if program:
            entity.programs.append(program)
        entity.listed_on = _text(element, "LISTED_ON")
        entity.remarks = _text(element, "COMMENTS1")
        flags: dict[str, Any] = {}
        for key, tag in (("dataid", "DATAID"), ("version", "VERSIONNUM")):
            if _text(element, tag):
                flags[key] = _text(element, tag)
        updated = _texts(element, "LAST_DAY_UPDATED/VALUE")
        if updated:
            flags["last_day_updated"] = updated
        list_types = _texts(element, "LIST_TYPE/VALUE")
        if list_types:
            flags["list_type"] = list_types
        entity.flags.update(flags)
        return entity

    def _alias(self, entity: Entity, alias: ET.Element) -> None:
        name = _text(alias, "ALIAS_NAME")
        if not name:
            return
        quality = _text(alias, "QUALITY")
        kind = self.alias_quality.get((quality or "").lower(), "alias")
        entity.add_name(name, kind, script=detect_script(name), quality=quality)
        entity.add_date("birth", _text(alias, "DATE_OF_BIRTH"))
        self._country(entity, _text(alias, "COUNTRY_OF_BIRTH"), "birth", "birth_country")

    def _address(self, entity: Entity, element: ET.Element) -> None:
        street, city = _text(element, "STREET"), _text(element, "CITY")
        region, postal = _text(element, "STATE_PROVINCE"), _text(element, "ZIP_CODE")
        country_text, note = _text(element, "COUNTRY"), _text(element, "NOTE")
        parts = [p for p in (street, city, region, postal, country_text) if p]
        if not parts:
            return
        code = self._code(country_text)
        full = ", ".join(parts) + (f" ({note})" if note else "")
        address = Address(full=full, street=street, city=city, postal_code=postal,
                          region=region, country=code)
        if address not in entity.addresses:
            entity.addresses.append(address)
        entity.add_country(code, "address")

    def _document(self, entity: Entity, element: ET.Element) -> None:
        number = _text(element, "NUMBER")
        if not number:
            return
        kinds = [k for k in (_text(element, "TYPE_OF_DOCUMENT"),
                             _text(element, "TYPE_OF_DOCUMENT2")) if k]
        prefixed = _NUMBER_PREFIX.match(number)  # "Russian foreign travel passport number 5154"
        if prefixed:
            kinds.append(prefixed.group(1))
            number = prefixed.group(2)
        # TYPE_OF_DOCUMENT decides; TYPE_OF_DOCUMENT2 only when the first names no scheme
        # (a Russian "national passport" is typed National Identification Number).
        scheme = self.document_default
        for kind in kinds:
            scheme = self._scheme(kind)
            if scheme != self.document_default:
                break
        country_text = _text(element, "ISSUING_COUNTRY") or _text(element, "COUNTRY_OF_ISSUE")
        notes = [*kinds]
        for label, tag in (("issued", "DATE_OF_ISSUE"), ("in", "CITY_OF_ISSUE")):
            if _text(element, tag):
                notes.append(f"{label} {_text(element, tag)}")
        if country_text and not self._code(country_text):
            notes.append(country_text)
        if _text(element, "NOTE"):
            notes.append(str(_text(element, "NOTE")))
        entity.add_identifier(scheme, number, self._code(country_text), "; ".join(notes) or None)

    def _scheme(self, kind: str) -> str:
        lower = " ".join(kind.lower().split())
        for rule in self.document_types:
            if str(rule["contains"]).lower() in lower:
                return str(rule["scheme"])
        return self.document_default

    def _birth_dates(self, dob: ET.Element) -> list[str]:
        date = _text(dob, "DATE")
        year = _text(dob, "YEAR")
        start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
        values = [v for v in (date, year) if v]
        if start and end and start.isdigit() and end.isdigit():
            first, last = int(start), int(end)
            if 0 <= last - first <= self.max_range:
                values.extend(str(y) for y in range(first, last + 1))
            else:
                values.extend([start, end])
        elif start or end:
            values.extend(v for v in (start, end) if v)
        return values

    def _code(self, text: str | None) -> str | None:
        if not text:
            return None
        return self.country_names.get(text.strip().lower()) or to_code(text)

    def _country(self, entity: Entity, text: str | None, role: str, fallback: str) -> None:
        """Add a country by code; a text that names no known country stays a property."""
        if not text:
            return
        code = self._code(text)
        if code:
            entity.add_country(code, role)
        else:
            entity.add_property(fallback, text)


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    value = " ".join(found.text.split())
    return value or None


def _texts(element: ET.Element, path: str) -> list[str]:
    values: list[str] = []
    for found in element.findall(path):
        value = " ".join((found.text or "").split())
        if value and value not in values:
            values.append(value)
    return values
