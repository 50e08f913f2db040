"""Peer scorer: OpenSanctions nomenklatura ``logic-v2`` (yente's default algorithm).

Runs in its own virtualenv (bench/.peer-venv, ``pip install nomenklatura``), never in
stopship's. Reads JSONL cases ``{id, query: {schema, name, country}, candidates: [{id,
schema, names, countries, birth}]}`` and writes ``{id, scores: {entity_id: score}, seconds}``.
"""

from __future__ import annotations

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

SCHEMAS = {"person": "Person", "organization": "Organization", "vessel": "Vessel",
           "aircraft": "Airplane", None: "LegalEntity"}


def make(eid: str, schema: str | None, names: list[str], countries: list[str],
         birth: list[str]) -> object:
    ent = model.make_entity(SCHEMAS.get(schema, "LegalEntity"))
    ent.id = eid
    ent.add("name", names[:1])
    if len(names) > 1:
        ent.add("alias", names[1:])
    if countries:
        ent.add("country", [c.lower() for c in countries], quiet=True)
    if birth and ent.schema.is_a("Person"):
        ent.add("birthDate", birth, quiet=True)
    return ent


def main() -> None:
    algo = get_algorithm("logic-v2")
    assert algo is not None
    config = ScoringConfig.defaults()
    src, dst = sys.argv[1], sys.argv[2]
    # warm up (model and lookups load on first use) so timings are per record
    warm = make("w", "person", ["Warm Up"], [], [])
    algo.compare(warm, make("v", "person", ["Warm Upp"], [], []), config)  # type: ignore[arg-type]
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for line in fin:
            case = json.loads(line)
            q = case["query"]
            started = time.perf_counter()
            # a fresh id per case: the peer caches per entity id
            query = make(f"query-{case['id']}", q.get("schema"), [q["name"]],
                         [q["country"]] if q.get("country") else [], [])
            scores = {}
            for c in case["candidates"]:
                cand = make(c["id"], c["schema"], c["names"], c["countries"], c["birth"])
                try:
                    scores[c["id"]] = algo.compare(query, cand, config).score  # type: ignore[arg-type]
                except Exception as exc:  # noqa: BLE001 - schema clashes score 0 for the peer
                    print(f"peer error: {exc!r}", file=sys.stderr)
                    scores[c["id"]] = 0.0
            fout.write(json.dumps({"id": case["id"], "scores": scores,
                                   "seconds": time.perf_counter() - started}) + "\n")


if __name__ == "__main__":
    main()
