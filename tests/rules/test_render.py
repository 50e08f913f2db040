from pathlib import Path

from stopship.rules.catalogue import default_ruleset
from stopship.rules.render import catalogue_markdown

DOC = Path(__file__).parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_current():
    """docs/rules.md is generated (uv run python -m stopship.rules.render docs/rules.md)."""
    assert DOC.read_text("utf-8") == catalogue_markdown()


def test_every_rule_and_set_is_on_the_page():
    page = catalogue_markdown()
    rs = default_ruleset()
    for rule in rs.rules.values():
        assert f"### {rule.id}" in page and rule.sentence in page
    for name in rs.ref.country_sets:
        assert f"**{name}**" in page
    assert "ILLUSTRATIVE" in page
