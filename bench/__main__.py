"""Run every ``bench/bench_*.py`` module's ``main()`` (or those named on the command
line, with or without the ``bench_`` prefix), each with its default options.

    uv run python -m bench            # all
    uv run python -m bench load       # bench/bench_load.py only
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = available()
    wanted = [a if a.startswith("bench_") else f"bench_{a}" for a in argv] or names
    unknown = [w for w in wanted if w not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(names)}",
              file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    failed: list[str] = []
    for name in wanted:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        saved = sys.argv
        sys.argv = [str(HERE / f"{name}.py")]  # each benchmark parses its own defaults
        try:
            importlib.import_module(name).main()
        except SystemExit as exc:
            if exc.code not in (0, None):
                failed.append(name)
        except Exception:  # noqa: BLE001 - report and go on with the next benchmark
            traceback.print_exc()
            failed.append(name)
        finally:
            sys.argv = saved
        print(f"== {name}: {time.perf_counter() - started:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
