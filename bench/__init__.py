"""stopship benchmarks: one ``bench_<area>.py`` module each with a ``main()``; run them
all with ``uv run python -m bench`` or some with ``uv run python -m bench load orders``."""
