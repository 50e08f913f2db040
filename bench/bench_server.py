"""Load benchmark: C concurrent clients screening single records against `stopship serve`
for D seconds, on loopback only. Reports requests/s, latency percentiles and errors.

Prepares a fresh data dir (bundled lists loaded, an API key with the screen scope), starts
the server as a subprocess and drives it with one of two load generators:

- ``--client wrk`` (default): Debian's ``wrk`` (C, epoll; ``apt-get install wrk``) with a
  Lua script that cycles through pre-built POST requests, C connections over 2 threads. It
  needs a few percent of one core, so the 2 cores go to the server.
- ``--client httpx``: C asyncio + httpx clients in this process (the first version of this
  benchmark). Pure Python: at ~1,000 req/s it needs about a core of its own, so it measures
  the client as much as the server.

    uv run python bench/bench_server.py [--clients 50] [--seconds 60] [--workers 1]
        [--client wrk|httpx] [--postgres] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
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


def _cpu_seconds(root: int) -> float:
    """User + system CPU time of a process and its children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root or ppid == root:
            total += int(fields[11]) + int(fields[12])
    return total / tick


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


def _names() -> list[str]:
    rng = random.Random(3)
    first, last = list(PersonProvider.first_names), list(PersonProvider.last_names)
    return LISTED + [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(500)]


async def _drive(url: str, key: str, clients: int, seconds: float) -> dict[str, Any]:
    names = _names()
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


WRK_SCRIPT = """
local bodies = {BODIES}
local requests = {}
local counter = 0
local non200 = 0
function init(args)
  for i, body in ipairs(bodies) do
    requests[i] = wrk.format("POST", "/api/v1/screen",
      {["Authorization"] = "Bearer KEY", ["Content-Type"] = "application/json"}, body)
  end
  counter = math.random(#requests)
end
function request()
  counter = counter % #requests + 1
  return requests[counter]
end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, summary.errors.status, latency.mean))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _drive_wrk(url: str, key: str, clients: int, seconds: float, work: Path) -> dict[str, Any]:
    """Run wrk with a Lua script cycling through the same names as the httpx clients."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk not found: apt-get install -y wrk, or use --client httpx")
    bodies = ", ".join(_lua_string(json.dumps({"name": n})) for n in _names())
    script = work / "screen.lua"
    script.write_text(WRK_SCRIPT.replace("KEY", key).replace("{BODIES}", "{" + bodies + "}"))
    threads = min(2, clients)
    out = subprocess.run([wrk, "-t", str(threads), "-c", str(clients), "-d", f"{seconds:g}s",
                          "--timeout", "30s", "-s", str(script), url],
                         check=True, capture_output=True, text=True).stdout
    match = re.search(r"^RESULT (.*)$", out, re.M)
    if match is None:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    total, micros, p50, p90, p99, top, sock, timeouts, status, _mean = (
        int(float(x)) for x in match.group(1).split())
    elapsed = micros / 1e6
    return {"requests": total, "seconds": round(elapsed, 1),
            "requests_per_s": round(total / elapsed, 1), "p50_ms": round(p50 / 1000, 1),
            "p90_ms": round(p90 / 1000, 1), "p99_ms": round(p99 / 1000, 1),
            "max_ms": round(top / 1000, 1), "errors": sock + timeouts + status,
            "error_kinds": [k for k, v in (("socket", sock), ("timeout", timeouts),
                                           ("non-2xx", status)) if v]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--client", choices=("wrk", "httpx"), default="wrk",
                        help="load generator (see the module docstring)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="keep the prepared data dir here and reuse it on the next run "
                             "(skips loading the lists; the audit trail keeps growing)")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        data_dir = args.data_dir or work / "data"
        reuse = args.data_dir is not None and (data_dir / "bench-key").exists()
        env = {**os.environ, "STOPSHIP_PASSWORD": "bench-password-123"}
        env.pop("STOPSHIP_DATABASE_URL", None)
        if args.postgres:
            from stopship.cases.testing import temp_postgres

            env["STOPSHIP_DATABASE_URL"] = stack.enter_context(temp_postgres("benchsrv"))
        t0 = time.perf_counter()
        if reuse:
            key = (data_dir / "bench-key").read_text().strip()
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            _cli(data_dir, env, "lists", "load", "--bundled")
            key = _cli(data_dir, env, "users", "key", "bench", "--scope",
                       "screen").splitlines()[-1]
            if args.data_dir is not None and not args.postgres:
                (data_dir / "bench-key").write_text(key)
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
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_seconds(proc.pid)
        if args.client == "wrk":
            figures = _drive_wrk(url, key, args.clients, args.seconds, work)
        else:
            figures = asyncio.run(_drive(url, key, args.clients, args.seconds))
        cpu = _cpu_seconds(proc.pid) - cpu_before
        figures["server_cpu_ms_per_request"] = round(1000 * cpu / max(1, figures["requests"]),
                                                     3)
        figures["server_cpu_cores"] = round(cpu / figures["seconds"], 2)
        figures["load_average"] = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
        figures = {"database": "postgresql" if args.postgres else "sqlite",
                   "clients": args.clients, "workers": args.workers, "client": args.client,
                   "setup_s": round(setup, 1), **figures}
    for name, value in figures.items():
        print(f"{name:15} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
