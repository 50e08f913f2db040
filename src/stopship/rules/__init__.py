"""Orders: validation, the rule catalogue (data), CHPL, country sets, decisions with evidence.

Entry points: ``orders_io.read_orders`` (files to typed orders), ``engine.OrderScreener``
(orders to decisions), ``catalogue.load_ruleset`` (the rules and their data)."""
