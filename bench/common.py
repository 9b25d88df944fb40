"""What the benchmarks share: the PASS/MISS verdict and timing a CLI command's own process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def companion_command() -> str:
    """The ``companion`` entry point beside this Python (the project's virtual environment)."""
    return shutil.which("companion", path=str(Path(sys.executable).parent)) or "companion"


def time_cli(
    label: str, args: list[str], database: Path, cwd: Path
) -> tuple[float, subprocess.CompletedProcess[str]] | None:
    """Run a command in a new process on ``database``; print why when it fails (then None)."""
    env = {**os.environ, "COMPANION_DATABASE": str(database)}
    started = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"   {label:<17} FAILED (exit {result.returncode}) after {elapsed:.3f} s: {last}")
        return None
    return elapsed, result
