"""The peer's own virtualenv, ``bench/.peer-venv`` (gitignored): OpenSanctions'
nomenklatura is installed there, never into stopship's environment. A fresh clone has
none, so the benchmarks create it on first use; offline, they carry on without the peer.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PEER_DIR = Path(__file__).parent / ".peer-venv"
PEER_PYTHON = PEER_DIR / "bin" / "python"


def _works() -> bool:
    if not PEER_PYTHON.exists():
        return False
    probe = subprocess.run([str(PEER_PYTHON), "-c", "import nomenklatura.matching"],
                           capture_output=True, check=False)
    return probe.returncode == 0


def ensure_peer() -> Path | None:
    """The peer's python, creating the virtualenv and installing nomenklatura into it
    when missing (saying so); None when that fails (no network, no uv)."""
    if _works():
        return PEER_PYTHON
    uv = shutil.which("uv")
    if uv is None:
        print("peer: bench/.peer-venv is missing and uv is not on PATH; carrying on without "
              "the peer", flush=True)
        return None
    steps = [[uv, "venv", "--clear", "--python", "3.11", str(PEER_DIR)],
             [uv, "pip", "install", "--python", str(PEER_PYTHON), "nomenklatura"]]
    for step in steps:
        print("peer: " + " ".join(step[1:]), flush=True)
        try:
            subprocess.run(step, check=True, timeout=1800)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"peer: setting up bench/.peer-venv failed ({exc}); carrying on without "
                  "the peer", flush=True)
            return None
    if not _works():
        print("peer: nomenklatura does not import in bench/.peer-venv; carrying on without "
              "the peer", flush=True)
        return None
    return PEER_PYTHON
