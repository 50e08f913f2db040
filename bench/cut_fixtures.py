"""Cut the small real fixture tests use: tests/fixtures/matching/entities.jsonl.

    uv run python bench/cut_fixtures.py

Entities parsed by stopship's own parsers from the shared real lists: the parties the
matching tests name, plus a seeded sample of others so that word rarity is realistic.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from labelled import load_entities  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "matching" / "entities.jsonl"
IDS = {
    "us_ofac_sdn:35096", "us_ofac_sdn:20157", "us_ofac_sdn:39180", "us_ofac_sdn:31303",
    "us_ofac_sdn:35478", "us_ofac_sdn:12473", "us_ofac_sdn:11556", "us_ofac_sdn:17088",
    "us_ofac_sdn:17087",
}
NAME_PARTS = ("Guangzhou Haige", "MCST", "ROSNEFT", "TRADING", "KIM, ", "MOHAMMED",
              "PETROV", "GROUP", "TECHNOLOG", "AL-", "SHENZHEN", "LIMITED LIABILITY COMPANY")


def main() -> None:
    entities = load_entities()
    rng = random.Random(5)
    chosen: dict[str, object] = {}
    per_part: dict[str, int] = {}
    for e in entities:
        if e.id in IDS:
            chosen[e.id] = e
            continue
        for part in NAME_PARTS:
            if any(part.lower() in n.value.lower() for n in e.names) and per_part.get(part, 0) < 12:
                per_part[part] = per_part.get(part, 0) + 1
                chosen[e.id] = e
                break
    vessels = [e for e in entities if e.schema == "vessel" and e.identifiers][:6]
    with_ids = [e for e in entities if any(i.scheme in ("inn", "passport", "swift")
                                           for i in e.identifiers)][:10]
    originals = [e for e in entities if e.list_id == "un_sc" and any(
        n.script not in (None, "Latn") for n in e.names)][:8]
    for e in vessels + with_ids + originals + rng.sample(entities, 250):
        chosen[e.id] = e
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        for e in chosen.values():
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")  # type: ignore[attr-defined]
    print(f"{len(chosen)} entities -> {OUT}")


if __name__ == "__main__":
    main()
