"""`companion db backup` of a 100+ MB database while the bot commits every 20 ms.

Prints figures, asserts nothing. A real writer process links a member every 20 ms through
the store (as the bot does) during the whole copy. Figures, each against its target:
1. the backup's wall-clock time, including start-up (target < 10 s for the file's size);
2. the writer's longest pause between two commits while the copy ran (target < 0.5 s:
   the backup must not stall the bot);
3. whether the copy holds every member committed before it began and nothing torn.

Run: ``python bench/backup.py [--megabytes N]`` (default 120).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import verdict

from companion.core.handles import Handle
from companion.store import Store

TARGET_SECONDS = 10.0
TARGET_WRITER_PAUSE = 0.5
COMMIT_EVERY = 0.02
WRITER = f"""
import sys, time
from datetime import UTC, datetime
from companion.core.handles import Handle
from companion.store import Store
store = Store(sys.argv[1])
i = 0
while True:
    store.link_member(7, i, f"m{{i}}", Handle(f"m{{i}}", "old.social"),
                      Handle(f"m{{i}}", "new.social"), now=datetime.now(UTC))
    print(time.monotonic(), flush=True)
    i += 1
    time.sleep({COMMIT_EVERY})
"""


def make_database(path: Path, megabytes: int) -> None:
    """One member's long check history: real tables, about ``megabytes`` MB of pages."""
    store = Store(path)
    store.migrate()
    store.link_member(9, 1, "filler", Handle("filler", "old.social"), Handle("f", "new.social"))
    store.close()
    report = os.urandom(2000).hex()
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO observations (guild_id, user_id, checked_at, status, report)"
            " VALUES (9, 1, ?, 'moved', ?)",
            ((f"2026-11-{i:08d}", report) for i in range(megabytes * 250)),
        )
    conn.close()


def members(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT user_id FROM members WHERE guild_id = 7")]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=120)
    megabytes = parser.parse_args().megabytes
    command = shutil.which("companion", path=str(Path(sys.executable).parent)) or "companion"
    with tempfile.TemporaryDirectory() as tmp:
        db, copy = Path(tmp) / "bench.db", Path(tmp) / "backup.db"
        make_database(db, megabytes)
        size = db.stat().st_size / 1e6
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True
        )
        commits: list[float] = []
        reader = threading.Thread(
            target=lambda: commits.extend(float(line) for line in writer.stdout), daemon=True
        )
        reader.start()
        try:
            while len(commits) < 25:  # half a second of writes before the copy starts
                time.sleep(0.01)
            before = len(members(db))
            start = time.monotonic()
            done = subprocess.run(
                [command, "db", "backup", str(copy)],
                env={**os.environ, "COMPANION_DATABASE": str(db)},
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            end = time.monotonic()
        finally:
            writer.kill()
            writer.wait()
        reader.join(timeout=5)
        during = [t for t in commits if start <= t <= end]
        pause = max(  # the gaps between two commits that overlap the copy
            (b - a for a, b in itertools.pairwise(commits) if b >= start and a <= end),
            default=end - start,
        )
        seconds = end - start
        print(f"backup of a {size:.0f} MB database, a commit every {COMMIT_EVERY * 1000:.0f} ms")
        if done.returncode != 0:
            print(f"   FAILED (exit {done.returncode}): {done.stderr.strip()}")
            return
        print(
            f"1. backup time            {seconds:6.2f} s   "
            f"(target < {TARGET_SECONDS:.0f} s)   {verdict(seconds < TARGET_SECONDS)}"
        )
        print(
            f"2. writer's longest pause {pause:6.3f} s   (target < {TARGET_WRITER_PAUSE} s)  "
            f"{verdict(pause < TARGET_WRITER_PAUSE)}   ({len(during)} commits during the copy)"
        )
        ids = members(copy)
        whole = sorted(ids) == list(range(len(ids))) and len(ids) >= before
        print(
            f"3. copy holds the {before} members committed before it began, as a prefix "
            f"({len(ids)} in the copy)   {verdict(whole)}"
        )


if __name__ == "__main__":
    main()
