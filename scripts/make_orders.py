"""Write the generated order fixtures: ``tests/fixtures/orders/generated.jsonl`` (orders) and
``generated_expected.json`` (order id -> case name, rules expected to fire, decision).

    uv run python scripts/make_orders.py [--seed 7] [--out tests/fixtures/orders]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from stopship.model import Entity
from stopship.rules.generate import rule_cases
from stopship.rules.orders_io import write_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("tests/fixtures/orders"))
    args = parser.parse_args()
    entities_file = args.out / "listed_entities.jsonl"
    listed = [Entity.from_dict(json.loads(line))
              for line in entities_file.read_text("utf-8").splitlines() if line.strip()]
    cases = rule_cases(listed, seed=args.seed)
    write_jsonl([c.order for c in cases], args.out / "generated.jsonl")
    expected = {c.order.id: {"case": c.name, "rules": sorted(c.rules), "decision": c.decision}
                for c in cases}
    (args.out / "generated_expected.json").write_text(
        json.dumps(expected, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {len(cases)} orders to {args.out}")


if __name__ == "__main__":
    main()
