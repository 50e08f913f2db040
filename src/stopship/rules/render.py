"""Render the rule catalogue for people: ``docs/rules.md`` is this module's output
(``uv run python -m stopship.rules.render docs/rules.md``), so the page never drifts from
the data files."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from stopship.rules.catalogue import DATA_FILES, RuleSet, default_ruleset
from stopship.settings import RESOURCES

INTRO = """# Order rules

`stopship orders screen` decides each order: **clear**, **review** or **hold**. Every party of
the order (buyer, ship-to / consignee, intermediate consignee, end user, freight forwarder,
payer, notify party, and the owners named on a party) is screened against the loaded lists in
one batch; then each rule below runs on the order. The decision is the strongest action of the
rules that fired (clear < review < hold). Each fired rule is reported with its plain sentence,
its published source, the evidence (field path, value, list entry and score) and what would
clear it. The decision records the rules version (catalogue version + hash of every data file
and override) and the version of every list screened, so it can be reproduced.

Rules, parameters and reference data are data files under `src/stopship/resources/`; nothing
here is hard-coded. Tune them with `--rules-config FILE.yaml` (see the end of this page).
This page is generated from those files: `uv run python -m stopship.rules.render docs/rules.md`.
"""

CONFIG = """## Tuning rules: `--rules-config`

```yaml
rules:
  R-C3: {enabled: false}              # switch a rule off
  R-B1:
    action: hold                      # clear | review | hold
    severity: high                    # low | medium | high | critical
    params: {min_weight: 1.0}         # only the parameters the rule has (see above)
  R-A1:
    params: {review_below_score: 0.9} # weak name matches: review instead of hold
country_sets:
  transshipment: {add: [VN], remove: [IL]}   # or countries: [...] to replace the set
```

Unknown rules, keys, parameters or actions are refused with the field that is wrong.
R-A5 never holds on its own, whatever the configuration says.
"""

NOTES = """## What the order data must carry for some rules

- **R-A4 (50% rule)** needs ownership: give a party `owners: [{name, share, country?,
  schema?}]` (share in percent). Each owner is screened against the lists; owners found on a
  blocking list (`blocking_lists`, default OFAC SDN) are summed: 50% or more holds the order,
  any smaller stake is a review. Only the owners the order names are used: for indirect
  ownership, list the blocked persons' effective stakes (or the intermediate owner, if it is
  itself listed). Control without ownership is not assessed.
- **R-A5** compares normalised addresses (folded, trailing country dropped, multi-address
  entries split), phones (last nine digits), e-mails and web/e-mail domains (free-mail
  domains excluded) with those of the list entities loaded. Only as good as the lists'
  contact data: the SDN remarks carry websites and e-mails; the Entity List carries addresses.
- **R-C2** uses `parties[].customer_since` and/or `history` (earlier orders with `order_date`,
  `value`, `chpl_value`, `hs6`); without either it stays silent.
- **R-C3** counts residential address (`address_type: residential` or words such as "apt",
  "flat"), missing website and free-mail e-mail; it fires at `min_signals` (2) for parties
  that are not people.
- **R-C4** only judges lines of business it recognises (`lines_of_business.yaml`).
- **R-D2** needs `changes` (field, changed_on, old, new); **R-D4** uses `shipments` and
  `history`; **R-D5** uses `declined_services` and `end_use_refused`.
- **R-D3** price bands are ILLUSTRATIVE (no public source publishes market prices per HS
  code): replace `resources/items/price_bands.yaml` with your own figures before relying on
  it.

## Not covered

- Control without ownership (R-A4) and indirect ownership chains: not computable from an order.
- Licence determination (ECCN x country chart, licence exceptions): out of scope; `eccn` is
  carried and reported, not evaluated.
- Free-trade-zone detection is by keywords and `address_type`, not by a geocoded zone map.
"""


def _data_table() -> str:
    rows = ["| data | file | version / source |", "|---|---|---|"]
    for name, path in DATA_FILES.items():
        rel = path.relative_to(RESOURCES.parent.parent.parent)
        version = ""
        if path.suffix == ".yaml":
            data = yaml.safe_load(path.read_text("utf-8")) or {}
            version = str(data.get("version", ""))
            if data.get("source"):
                version += f"; {' '.join(str(data['source']).split())}"
        else:
            version = "CHPL of 2024-02-23 (see resources/items/README.md)"
        rows.append(f"| {name} | `{rel}` | {version} |")
    return "\n".join(rows)


def catalogue_markdown(ruleset: RuleSet | None = None) -> str:
    rs = ruleset or default_ruleset()
    out = [INTRO, f"Catalogue version **{rs.catalogue_version}**.\n", "## The rules\n",
           "| id | rule | action | severity |", "|---|---|---|---|"]
    for r in rs.rules.values():
        out.append(f"| [{r.id}](#{r.id.lower()}) | {r.title} | {r.action} | {r.severity} |")
    for r in rs.rules.values():
        out.append(f"\n### {r.id}\n\n**{r.title}.** {r.sentence}\n")
        out.append(f"- action: **{r.action}**, severity: {r.severity}")
        out.append(f"- clears when: {r.clears_when}")
        if r.settled_by_alerts:
            out.append("- settled by alerts: fires only on a party's list match, which opens "
                       "an alert; an order held by this rule alone is released when all its "
                       "alerts are cleared (four eyes)")
        out.append("- sources: " + "; ".join(r.sources))
        if r.params:
            params = yaml.safe_dump(r.params, sort_keys=False, default_flow_style=None).rstrip()
            out.append(f"- parameters:\n\n```yaml\n{params}\n```")
    out.append("\n## Country sets\n")
    for name, meta in rs.ref.country_set_meta.items():
        codes = ", ".join(sorted(rs.ref.country_sets[name]))
        out.append(f"- **{name}** ({meta['title']}; as of {meta['as_of']}): {codes}. "
                   f"Source: {meta['source']}")
    out.append("\n## CHPL tiers and weights\n")
    tiers: dict[str, list[str]] = {}
    for item in rs.ref.chpl.values():
        tiers.setdefault(item.tier, []).append(item.hs6)
    out.append("| tier | weight | HS-6 codes |\n|---|---|---|")
    for tier, hs_codes in sorted(tiers.items()):
        weight = next(i.weight for i in rs.ref.chpl.values() if i.tier == tier)
        out.append(f"| {tier} | {weight:g} | {', '.join(hs_codes)} |")
    out.append("\n## Data files\n")
    out.append(_data_table())
    out.append("")
    out.append(NOTES)
    out.append(CONFIG)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules.md").write_text(
        catalogue_markdown(), "utf-8")
