"""Screen records and files against the indexed lists; thresholds; report writers."""
