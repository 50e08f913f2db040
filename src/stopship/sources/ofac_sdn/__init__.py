"""OFAC SDN list, legacy CSV set (``sdn.csv``, ``alt.csv``, ``add.csv``, ``sdn_comments.csv``)."""
