"""Names: turn any name, in any script, into comparable parts.

One entry point, :func:`prepare`, applies the same steps to list names and queries:
romanisation (several systems per script), tokenisation, legal-form stripping, abbreviation
expansion, number extraction and one skeleton key per token that folds romanisation variants.
Reference tables (legal forms, abbreviations, name equivalences) are YAML data under
``stopship/resources/names``, loaded once.
"""

from __future__ import annotations

from stopship.names.legal_forms import legal_form_family, legal_form_label, strip_legal_forms
from stopship.names.normalize import ARABIC_ARTICLES, prepare, tokenize
from stopship.names.person import person_parts
from stopship.names.scripts import detect_script
from stopship.names.translit import romanize
from stopship.names.translit.cjk import is_pinyin
from stopship.names.types import PersonName, PreparedName
from stopship.names.variants import consonant_frame, equivalent, token_key, word_key

__all__ = [
    "ARABIC_ARTICLES",
    "PersonName",
    "PreparedName",
    "consonant_frame",
    "detect_script",
    "equivalent",
    "is_pinyin",
    "legal_form_family",
    "legal_form_label",
    "person_parts",
    "prepare",
    "romanize",
    "strip_legal_forms",
    "token_key",
    "word_key",
    "tokenize",
]
