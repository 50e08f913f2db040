"""Contact details in one comparable form, and the lookup of listed parties' addresses,
phones, e-mails and web domains that R-A5 checks order parties against.

Addresses compare after folding (ASCII, lower case, punctuation dropped) with a trailing
country name removed; a list entry's address text with several addresses (``...; and ...``)
is split into its parts. Phones compare on their last nine digits; web domains without
``www.``; e-mail domains of free-mail providers are never treated as a shared domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from stopship.model import Entity
from stopship.model.countries import to_code
from stopship.rules.text import fold

_DIGITS = re.compile(r"\D+")
_ADDRESS_SPLIT = re.compile(r";\s*(?:and\s+)?|\s+and\s+(?=\d)", re.IGNORECASE)
PHONE_KEYS = ("phone", "phones", "telephone", "tel")
EMAIL_KEYS = ("email", "emails", "e_mail")
WEBSITE_KEYS = ("website", "websites", "url", "domain")


@lru_cache(maxsize=65536)
def address_key(text: str) -> str:
    """Folded address without a trailing country name: ``"12 Main St., Dubai, UAE"`` ->
    ``"12 main st dubai"``."""
    words = fold(text).split()
    for size in (3, 2, 1):
        if len(words) > size and to_code(" ".join(words[-size:])):
            words = words[:-size]
            break
    return " ".join(words)


def phone_key(text: str, min_digits: int = 7) -> str | None:
    """The last nine digits of a phone number (enough to be unique, free of the trunk
    prefix and of how the country code was written); None when too short."""
    digits = _DIGITS.sub("", text)
    if len(digits) < min_digits:
        return None
    return digits[-9:]


def email_key(text: str) -> str | None:
    text = text.strip().lower()
    return text if "@" in text and "." in text.split("@")[-1] else None


@lru_cache(maxsize=65536)
def domain_of(text: str) -> str | None:
    """``https://www.Example.co.uk/about`` -> ``example.co.uk``; ``a@b.com`` -> ``b.com``."""
    text = text.strip().lower()
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r"^[a-z]+://", "", text).split("/")[0].split("?")[0].split(":")[0]
    if text.startswith("www."):
        text = text[4:]
    return text if "." in text else None


@dataclass(slots=True)
class ContactIndex:
    """Normalised contact details of list entities -> the entity ids that carry them."""

    addresses: dict[str, set[str]] = field(default_factory=dict)
    phones: dict[str, set[str]] = field(default_factory=dict)
    emails: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (list_id, caption)
    free_mail: frozenset[str] = frozenset()
    min_address_chars: int = 12

    @classmethod
    def from_entities(cls, entities: Iterable[Entity], free_mail: Iterable[str] = (),
                      min_address_chars: int = 12) -> ContactIndex:
        index = cls(free_mail=frozenset(free_mail), min_address_chars=min_address_chars)
        for entity in entities:
            index.add(entity)
        return index

    def add(self, entity: Entity) -> None:
        eid = entity.id
        found = False
        for address in entity.addresses:
            texts = [address.full] if address.full else []
            if address.full and (";" in address.full or " and " in address.full):
                texts.extend(_ADDRESS_SPLIT.split(address.full))
            for text in texts:
                key = address_key(text)
                if len(key) >= self.min_address_chars:
                    self.addresses.setdefault(key, set()).add(eid)
                    found = True
        for key_name, values in entity.properties.items():
            key_name = key_name.lower()
            for value in values:
                if key_name in PHONE_KEYS:
                    phone = phone_key(value)
                    if phone:
                        self.phones.setdefault(phone, set()).add(eid)
                        found = True
                elif key_name in EMAIL_KEYS:
                    mail = email_key(value)
                    if mail:
                        self.emails.setdefault(mail, set()).add(eid)
                        found = True
                        mail_domain = domain_of(mail)
                        if mail_domain and mail_domain not in self.free_mail:
                            self.domains.setdefault(mail_domain, set()).add(eid)
                elif key_name in WEBSITE_KEYS:
                    site = domain_of(value)
                    if site:
                        self.domains.setdefault(site, set()).add(eid)
                        found = True
        if found:
            self.names[eid] = (entity.list_id, entity.caption)

    def __len__(self) -> int:
        return len(self.names)
