"""Load benchmark: C concurrent clients screening single records against `stopship serve`
for D seconds, on loopback only. Reports requests/s, latency percentiles and errors.

Prepares a fresh data dir (bundled lists loaded, an API key with the screen scope), starts
the server as a subprocess, drives it with asyncio + httpx from this process.

    uv run python bench/bench_server.py [--clients 50] [--seconds 60] [--workers 1] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from faker.providers.person.en_US import Provider as PersonProvider

LISTED = ["Sberbank", "Rostec", "Ivan Petrov", "Alpha Trading LLC", "Kirienko Sergei",
          "Gazprombank", "Almaz-Antey", "Kalashnikov Concern", "Promtekhnologiya",
          "Novikombank"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(data_dir: Path, env: dict[str, str], *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "stopship.cli.main", "--data-dir",
                          str(data_dir), *args], env=env, check=True, capture_output=True,
                         text=True)
    return out.stdout.strip()


async def _client(url: str, key: str, stop: float, names: list[str],
                  latencies: list[float], errors: list[str]) -> None:
    rng = random.Random()
    async with httpx.AsyncClient(base_url=url, timeout=30,
                                 headers={"Authorization": f"Bearer {key}"}) as client:
        while time.perf_counter() < stop:
            body = {"name": rng.choice(names)}
            t0 = time.perf_counter()
            try:
                res = await client.post("/api/v1/screen", json=body)
                if res.status_code != 200:
                    errors.append(str(res.status_code))
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            latencies.append(time.perf_counter() - t0)


async def _drive(url: str, key: str, clients: int, seconds: float) -> dict[str, Any]:
    rng = random.Random(3)
    first, last = list(PersonProvider.first_names), list(PersonProvider.last_names)
    names = LISTED + [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(500)]
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*[_client(url, key, stop, names, latencies, errors)
                           for _ in range(clients)])
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {"requests": len(latencies), "seconds": round(elapsed, 1),
            "requests_per_s": round(len(latencies) / elapsed, 1), "p50_ms": pct(0.50),
            "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": round(1000 * latencies[-1], 1),
            "errors": len(errors), "error_kinds": sorted(set(errors))[:5]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = {**os.environ, "STOPSHIP_PASSWORD": "bench-password-123"}
        env.pop("STOPSHIP_DATABASE_URL", None)
        if args.postgres:
            from stopship.cases.testing import temp_postgres

            env["STOPSHIP_DATABASE_URL"] = stack.enter_context(temp_postgres("benchsrv"))
        t0 = time.perf_counter()
        _cli(data_dir, env, "lists", "load", "--bundled")
        key = _cli(data_dir, env, "users", "key", "bench", "--scope", "screen").splitlines()[-1]
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "stopship.cli.main", "--data-dir",
                                 str(data_dir), "serve", "--host", "127.0.0.1", "--port",
                                 str(port), "--workers", str(args.workers)], env=env)
        stack.callback(proc.wait, 30)
        stack.callback(proc.terminate)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.3)
        # warm up: the first screening opens (or builds) the index, in every worker
        for _ in range(4 * args.workers):
            httpx.post(f"{url}/api/v1/screen", json={"name": "warm up"}, timeout=300,
                       headers={"Authorization": f"Bearer {key}"})
        setup = time.perf_counter() - t0
        figures = asyncio.run(_drive(url, key, args.clients, args.seconds))
        figures = {"database": "postgresql" if args.postgres else "sqlite",
                   "clients": args.clients, "workers": args.workers,
                   "setup_s": round(setup, 1), **figures}
    for name, value in figures.items():
        print(f"{name:15} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
