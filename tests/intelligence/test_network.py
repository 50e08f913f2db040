"""The brand -> intermediary -> buyer network, its bridges and its picture."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from stopship.intelligence.network import bridges, build_graph, export, neighbourhood_svg

ROWS = [
    {"party_id": "P1", "brand": "Intel", "importer_name": "OOO A", "importer_tax_id": "1", "cents": 100},
    {"party_id": "P1", "brand": "Intel", "importer_name": "OOO B", "importer_tax_id": "2", "cents": 50},
    {"party_id": "P2", "brand": "Intel", "importer_name": "OOO B", "importer_tax_id": "2", "cents": 10},
    {"party_id": "P2", "brand": "Kemet", "importer_name": "OOO C", "importer_tax_id": "3", "cents": 20},
    {"party_id": "P3", "brand": "Kemet", "importer_name": "OOO C", "importer_tax_id": "3", "cents": 5},
]


def test_graph_values_and_bridges(tmp_path: Path) -> None:
    g = build_graph(ROWS, {"P1": "One", "P2": "Two", "P3": "Three"})
    assert g.edges["brand:Intel", "P1"]["value_usd"] == 1.5
    assert g.edges["P1", "buyer:2"]["records"] == 1
    # P2 is the only intermediary linking the Intel side to the Kemet side
    assert bridges(g)[0][0] == "P2"
    export(g, tmp_path)
    back = nx.read_graphml(tmp_path / "network.graphml")
    assert back.number_of_edges() == g.number_of_edges()
    assert (tmp_path / "network.json").read_text().startswith("{")
    svg = neighbourhood_svg(g, "P2")
    assert svg.startswith("<svg") and "Two" in svg and "OOO C" in svg and "Kemet" in svg
