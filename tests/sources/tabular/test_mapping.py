"""Mapping files: the shipped ones load; a bad one names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopship.errors import ConfigError
from stopship.sources.tabular.mapping import load_mapping
from stopship.sources.tabular.parser import MAPPINGS

GOOD = """\
list: {id: my_list, title: Mine, date: 2024-07-15}
format: csv
schema: organization
fields: {name: name}
"""


@pytest.mark.parametrize("name", ["us_bis_el", "us_bis_meu", "us_bis_dpl", "letter_list"])
def test_shipped_mappings_load(name):
    mapping = load_mapping(MAPPINGS / f"{name}.yaml")
    assert mapping.list_id == ("bis_letter_example" if name == "letter_list" else name)


def test_letter_mapping_fields():
    m = load_mapping(MAPPINGS / "letter_list.yaml")
    assert (m.letter_type, m.letter_received, m.format) == ("supplier_list", "2024-07-15", "csv")


BAD = [
    # (change applied to GOOD, key named in the error)
    (GOOD.replace("format: csv", "format: parquet"), "format"),
    (GOOD.replace("id: my_list", "id: My List"), "list.id"),
    (GOOD.replace("list: {id: my_list, ", "list: {"), "list.id"),
    (GOOD.replace("fields: {name: name}", "fields: {aliases: a}"), "fields.name"),
    (GOOD.replace("fields: {name: name}", "fields: {name: name, colour: c}"), "fields.colour"),
    (GOOD.replace("schema: organization", "schema: spaceship"), "schema"),
    (GOOD.replace("schema: organization\n", ""), "schema"),
    (GOOD + "letter: {type: love_letter, received: 2024-07-15}\n", "letter.type"),
    (GOOD + "letter: {type: red_flag, received: July 2024}\n", "letter.received"),
    (GOOD + "letter: {type: red_flag}\n", "letter.received"),
    (GOOD + "flag_rules: [{field: notes, flag: meu, pattern: '(unclosed'}]\n",
     "flag_rules[0].pattern"),
    (GOOD + "identifiers: [{field: inn}]\n", "identifiers[0].scheme"),
    (GOOD + "colour: blue\n", "colour"),
    (GOOD + "id: {generate: [name, address]}\n", "id.generate"),
    (GOOD.replace("fields: {name: name}", "fields: {name: {column: name}}"),
     "fields.name.column"),
]


@pytest.mark.parametrize(("text", "key"), BAD)
def test_bad_mapping_names_file_and_key(tmp_path: Path, text, key):
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_mapping(path)
    assert err.value.location.file == str(path)
    assert err.value.location.field == key


def test_unreadable_and_invalid_yaml(tmp_path: Path):
    with pytest.raises(ConfigError) as err:
        load_mapping(tmp_path / "missing.yaml")
    assert err.value.location.file == str(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("list: {id: x\nformat: csv\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        load_mapping(broken)
    assert err.value.location.file == str(broken) and err.value.location.line is not None
