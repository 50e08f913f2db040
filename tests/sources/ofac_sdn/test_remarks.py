"""Reading facts out of OFAC remark text: real remark segments as table-driven cases, and
properties (never raises; never loses a quoted alias it is given)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from stopship.sources.ofac_sdn.remarks import (
    RemarkConfig,
    RemarkIdentifier,
    birth_dates,
    parse_remarks,
    partial_date,
)

META = Path(__file__).parents[3] / "src" / "stopship" / "sources" / "ofac_sdn" / "source.yaml"
CONFIG = RemarkConfig.from_meta(yaml.safe_load(META.read_text("utf-8")))

# (remark text as OFAC writes it, expected identifiers)
IDENTIFIER_CASES = [
    ("Tax ID No. 7707083893 (Russia)",
     [RemarkIdentifier("tax_id", "7707083893", "RU", "Tax ID No.")]),
    ("Registration Number 1027700132195 (Russia).",
     [RemarkIdentifier("registration", "1027700132195", "RU", "Registration Number")]),
    ("Government Gazette Number 09804148 (Russia).",
     [RemarkIdentifier("okpo", "09804148", "RU", "Government Gazette Number")]),
    ("Legal Entity Number 253400V1H6ART1UQ0N98 (Russia)",
     [RemarkIdentifier("lei", "253400V1H6ART1UQ0N98", "RU", "Legal Entity Number")]),
    ("Vessel Registration Identification IMO 7406784",
     [RemarkIdentifier("imo", "7406784", None, "Vessel Registration Identification IMO")]),
    ("Identification Number IMO 5342883.",
     [RemarkIdentifier("imo", "5342883", None, "Identification Number IMO")]),
    ("MMSI 572469210",
     [RemarkIdentifier("mmsi", "572469210", None, "MMSI")]),
    ("SWIFT/BIC SABRRUMM", [RemarkIdentifier("swift", "SABRRUMM", None, "SWIFT/BIC")]),
    ("D-U-N-S Number 542957624",
     [RemarkIdentifier("duns", "542957624", None, "D-U-N-S Number")]),
    ("Passport G025057 issued 23 Jun 1999 expires 05 Feb 2004",
     [RemarkIdentifier("passport", "G025057", None,
                       "Passport; issued 23 Jun 1999 expires 05 Feb 2004")]),
    ("Passport E590976 (Tunisia) issued 19 Jun 1987 expires 18 Jun 1992.",
     [RemarkIdentifier("passport", "E590976", "TN",
                       "Passport; issued 19 Jun 1987 expires 18 Jun 1992")]),
    ("alt. Passport D10007350 (Iran) expires 13 Oct 2025.",
     [RemarkIdentifier("passport", "D10007350", "IR", "Passport; expires 13 Oct 2025")]),
    ("Passport Booklet: A5199819 (Pakistan)",
     [RemarkIdentifier("passport", "A5199819", "PK", "Passport Booklet")]),
    ("National ID No. 216040 (Yemen)",
     [RemarkIdentifier("national_id", "216040", "YE", "National ID No.")]),
    ("C.U.R.P. AIMM671225HCHRRG06 (Mexico)",
     [RemarkIdentifier("national_id", "AIMM671225HCHRRG06", "MX", "C.U.R.P.")]),
    ("C.U.I.T. 30-68074603-2 (Argentina)",
     [RemarkIdentifier("tax_id", "30-68074603-2", "AR", "C.U.I.T.")]),
    ("Registration Number HRA 738077 (Stuttgart) (Germany)",
     [RemarkIdentifier("registration", "HRA 738077", "DE", "Registration Number; Stuttgart")]),
    ("NIT # 800018928-0 (Colombia).",
     [RemarkIdentifier("tax_id", "800018928-0", "CO", "NIT #")]),
    ("Unified Social Credit Code (USCC) 9113100033607322XK (China)",
     [RemarkIdentifier("registration", "9113100033607322XK", "CN",
                       "Unified Social Credit Code (USCC)")]),
    ("Aircraft Manufacturer's Serial Number (MSN) 1023409321",
     [RemarkIdentifier("aircraft_serial", "1023409321", None,
                       "Aircraft Manufacturer's Serial Number (MSN)")]),
    ("Aircraft Tail Number RA-76842",
     [RemarkIdentifier("aircraft_tail", "RA-76842", None, "Aircraft Tail Number")]),
    ("Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
     [RemarkIdentifier("crypto_wallet", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", None,
                       "Digital Currency Address - XBT")]),
    ("Registration Number 26740 (Korea, North)",
     [RemarkIdentifier("registration", "26740", "KP", "Registration Number")]),
]


@pytest.mark.parametrize(("text", "expected"), IDENTIFIER_CASES,
                         ids=[c[0][:40] for c in IDENTIFIER_CASES])
def test_identifiers(text, expected):
    assert parse_remarks(text, CONFIG).identifiers == expected


# (remark, expected dates as (role, value))
DATE_CASES = [
    ("DOB 28 Sep 1973", [("birth", "1973-09-28")]),
    ("DOB 1962", [("birth", "1962")]),
    ("DOB circa 1960", [("birth", "1960")]),
    ("DOB Dec 1948", [("birth", "1948-12")]),
    ("DOB 1958 to 1960", [("birth", "1958"), ("birth", "1959"), ("birth", "1960")]),
    ("DOB circa 1951-1952", [("birth", "1951"), ("birth", "1952")]),
    ("DOB 01 Jan 1960 to 31 Dec 1962",
     [("birth", "1960-01-01"), ("birth", "1961"), ("birth", "1962-12-31")]),
    ("DOB 1900 to 1950", [("birth", "1900"), ("birth", "1950")]),
    ("DOB 10 Dec 1948; alt. DOB 1936", [("birth", "1948-12-10"), ("birth", "1936")]),
    ("Organization Established Date 1969.", [("incorporated", "1969")]),
    ("Organization Established Date Oct 1920", [("incorporated", "1920-10")]),
    ("DOB unknown", []),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES, ids=[c[0] for c in DATE_CASES])
def test_dates(text, expected):
    assert parse_remarks(text, CONFIG).dates == expected


def test_a_person_remark():
    facts = parse_remarks(
        "DOB 22 Dec 1968; POB Moscow, Russia; alt. POB St. Petersburg, Russia; nationality "
        "Russia; citizen Ukraine; Gender Male; Passport 643267034 (Russia); Linked To: AO ABR "
        "MANAGEMENT.", CONFIG)
    assert facts.countries == [("RU", "birth"), ("RU", "birth"), ("RU", "nationality"),
                               ("UA", "citizenship")]
    assert facts.properties == [("place_of_birth", "Moscow, Russia"),
                                ("place_of_birth", "St. Petersburg, Russia"),
                                ("gender", "male"), ("linked_to", "AO ABR MANAGEMENT")]
    assert facts.unparsed == []


@pytest.mark.parametrize(("text", "linked"), [
    ("Linked To: HAMAS.", "HAMAS"),
    ("Linked To: FUJIAN PROVINCIAL PINGTAN COUNTY OCEAN FISHING GROUP CO., LTD.",
     "FUJIAN PROVINCIAL PINGTAN COUNTY OCEAN FISHING GROUP CO., LTD."),
    ("Linked To: PETROLEOS DE VENEZUELA, S.A.", "PETROLEOS DE VENEZUELA, S.A."),
    ("Linked To: RAHMANI, Ajmal.", "RAHMANI, Ajmal"),
])
def test_the_closing_period_stays_on_abbreviations(text, linked):
    assert parse_remarks(text, CONFIG).properties == [("linked_to", linked)]


def test_contact_data_and_flags():
    facts = parse_remarks(
        "Website www.sberbank.ru; alt. Website www.sberbank.com; Email Address a@b.ru; "
        "Phone Number 982188526300; Secondary sanctions risk: Ukraine-/Russia-Related "
        "Sanctions Regulations, 31 CFR 589.201 and/or 589.209; Listing Date (EO 14024 "
        "Directive 2): 24 Feb 2022; Member of the State Duma of the Federal Assembly of the "
        "Russian Federation.", CONFIG)
    assert facts.properties == [("website", "www.sberbank.ru"), ("website", "www.sberbank.com"),
                                ("email", "a@b.ru"), ("phone", "982188526300")]
    assert facts.flags == {
        "secondary_sanctions_risk": ["Secondary sanctions risk: Ukraine-/Russia-Related "
                                     "Sanctions Regulations, 31 CFR 589.201 and/or 589.209"],
        "directive_dates": ["Listing Date (EO 14024 Directive 2): 24 Feb 2022"]}
    assert facts.unparsed == [
        "Member of the State Duma of the Federal Assembly of the Russian Federation"]


@pytest.mark.parametrize(("text", "aliases"), [
    ("a.k.a. 'BNC'.", [("BNC", "weak")]),
    ("f.k.a. 'SAND SWAN'.", [("SAND SWAN", "former")]),
    ("n.k.a. 'NEW NAME'", [("NEW NAME", "weak")]),
    ("a.k.a. 'ABU-'UMAR'.", [("ABU-'UMAR", "weak")]),
    ("a.k.a. 'DOCTOR M.R.O.'; a.k.a. 'K.A.S.'.", [("DOCTOR M.R.O.", "weak"), ("K.A.S.", "weak")]),
    ("Website www.sberbank.aka.ru", []),
])
def test_quoted_aliases(text, aliases):
    got = parse_remarks(text, CONFIG).aliases
    assert [(a.value, a.kind) for a in got] == aliases
    assert all(a.quality == "weak" for a in got)


def test_label_boundaries():
    # `C.U.I.` must not swallow `C.U.I.P.`, nor `RFC` a longer word.
    assert parse_remarks("C.U.I.P. FOFS770822H09576414 (Mexico)", CONFIG).identifiers[0].note \
        == "C.U.I.P."
    assert parse_remarks("RFCX 1234", CONFIG).identifiers == []


def test_partial_date_and_ranges_are_pure():
    assert partial_date("31 May 2007", CONFIG) == "2007-05-31"
    assert partial_date("not a date", CONFIG) is None
    assert birth_dates("1958 to", CONFIG) == ["1958"]


remark_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
alias_value = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"),
                                             whitelist_characters=" -.&"),
                      min_size=1, max_size=40).filter(lambda s: s.strip(" .") != "")


@settings(max_examples=300, deadline=None)
@given(remark_text)
def test_never_raises_on_any_text(text):
    facts = parse_remarks(text, CONFIG)
    assert isinstance(facts.unparsed, list)


@settings(max_examples=300, deadline=None)
@given(st.lists(remark_text.map(lambda t: t.replace("'", "")), max_size=3), alias_value,
       st.sampled_from(["a.k.a.", "f.k.a.", "n.k.a."]))
def test_never_loses_a_quoted_alias(segments, alias, marker):
    text = "; ".join([*segments, f"{marker} '{alias}'"]) + "."
    values = [a.value for a in parse_remarks(text, CONFIG).aliases]
    assert " ".join(alias.split()) in values
