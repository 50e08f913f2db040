"""Generate examples/customers.csv: a few thousand realistic customer records (seeded,
faker locales ru_RU, zh_CN, tr_TR, ar_AA, hy_AM, en_US, de_DE and Kazakh names) with real
listed parties hidden among them, spelled as customers write them.

    uv run python scripts/make_examples.py [--records 3000]

The hidden parties are real entries of the OFAC SDN list and the BIS Entity List
(bundled lists); each is written the way a customer might: in Cyrillic, another
romanisation, with an abbreviation, another legal form, a typo, or an identifier.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from records import customer_records  # noqa: E402

# (name as the customer writes it, schema, country, identifiers, the list entry behind it)
HIDDEN = [
    ('ООО "Сетелем Банк"', "organization", "RU", "", "SDN 18710 SETELEM BANK LLC"),
    ("Sberbank Rossii PAO", "organization", "RU", "", "SDN 17018 SBERBANK"),
    ("MCST JSC", "organization", "RU", "", "SDN 39180 JSC MOSCOW CENTER OF SPARC TECHNOLOGIES"),
    ("АО МЦСТ", "organization", "RU", "", "SDN 39180 (Cyrillic, acronym)"),
    ("GUANGZHOU HAIGE COMM GRP", "organization", "CN", "", "Entity List: Guangzhou Haige"),
    ("Kirill Konstantinowitsch Schtscherbakow", "person", "DE", "", "SDN 31303 SHCHERBAKOV"),
    ("Krayinvest Bank OAO", "organization", "RU", "", "SDN 19032 KRAYINVESTBANK"),
    ("Rosneft Trading SA", "organization", "CH", "", "SDN 18299 ROSNEFT TRADING S.A."),
    ("Ocean Carrier Ltd", "vessel", "KP", "IMO 8018900", "SDN 17088 HYOK SIN 2 (by IMO)"),
    ("Moscow Centre of SPARC Tech", "organization", "RU", "", "Entity List: MCST Lebedev"),
    ("Milur Elec LLC", "organization", "RU", "", "SDN: MILUR ELECTRONICS LLC"),
    ("Совкомфлот", "organization", "RU", "", "SDN: SOVCOMFLOT"),
    ("Shenzhen Legrit Tech Co Ltd", "organization", "CN", "", "Entity List"),
    ("Huawei Techs Costa Rica SA", "organization", "CR", "", "Entity List"),
    ("Kirovskiy Zavod PAO", "organization", "RU", "", "SDN: KIROVSKY ZAVOD"),
    ("Tactical Missiles Corp JSC", "organization", "RU", "", "SDN: TACTICAL MISSILES CORPORATION"),
    ("Sberbnak Rossii", "organization", "RU", "", "SDN 17018 (typo)"),
    ("SetelemBank", "organization", "RU", "", "SDN 18710 (joined)"),
    ("Unknown Trading House", "organization", "RU", "INN 7736053886", "SDN 39180 (by INN)"),
    ("Владимир Путин", "person", "RU", "", "SDN 35096 PUTIN"),
]
# rows a real customer file also has: reported per row, never stopping the batch
BAD = [
    ("", "organization", "RU", "", "empty name"),
    ("ООО", "organization", "RU", "", "only a legal form"),
    ('=HYPERLINK("http://example.invalid","click")', "", "", "", "formula injection"),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--output", default=str(ROOT / "examples" / "customers.csv"))
    args = ap.parse_args()
    rng = random.Random(2024)
    rows = [{**r, "dob": "", "identifiers": ""}
            for r in customer_records(args.records - len(HIDDEN) - len(BAD), [], 0.0, seed=2024)]
    for name, schema, country, ids, _why in HIDDEN + BAD:
        rows.insert(rng.randrange(len(rows)), {"id": "", "name": name, "schema": schema,
                                               "country": country, "dob": "",
                                               "identifiers": ids})
    for i, row in enumerate(rows, start=1):
        row["id"] = f"CUST-{i:05d}"
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["id", "name", "schema", "country", "dob", "identifiers"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} records ({len(HIDDEN)} hidden listed parties) -> {args.output}")


if __name__ == "__main__":
    main()
