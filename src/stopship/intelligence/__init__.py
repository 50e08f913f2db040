"""Diversion intelligence: find the intermediaries in trade records.

The pipeline (one module per job): ``generate`` (synthetic records with truth) ->
``ingest`` (vendor layouts onto the canonical trade record) -> ``resolve`` (seller spellings
to parties) -> ``indicators`` (per-party facts with evidence, engine SQL) -> ``score``
(documented weights) -> ``network``, ``outputs``, ``letters``, ``report``; ``pipeline``
runs them all on an engine from ``stopship.engines``.
"""
