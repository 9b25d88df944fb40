"""Roster exports at community scale: 50,000 members in every format, against 1 s each.

Prints figures, asserts nothing. Three measurements:
1. each format from 50,000 roster entries, in process (best of 3 runs);
2. store file -> roster -> every file on disk, in process (the CLI's work without start-up);
3. ``companion roster export --format all`` end to end, as a subprocess on that file.

Run: ``python bench/exports.py [--members N]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import companion_command, time_cli, verdict

from companion.core.exports import FORMATS, export_roster
from companion.core.handles import Handle
from companion.core.models import Campaign
from companion.core.roster import RosterEntry
from companion.store import Store

TARGET_SECONDS = 1.0
GUILD = 1
COMMUNITY = "Bench Community"
T0 = datetime(2026, 11, 1, tzinfo=UTC)
NAMES = ("Alice", "Zoë 👩‍💻", "東京の友達", "=cmd|' /C calc'!A0", "**Bob** <@123>", "Ana")


def entries(count: int) -> list[RosterEntry]:
    return [
        RosterEntry(
            discord_name=f"{NAMES[i % len(NAMES)]} {i}",
            old_handle=Handle(f"member{i}", "old.social"),
            new_handle=Handle(f"member{i}", "xn--bcher-kva.example" if i % 7 else "new.social"),
            moved_at=T0 + timedelta(seconds=i * 37),
            verified=True,
        )
        for i in range(count)
    ]


def bench_formats(rows: list[RosterEntry]) -> None:
    print(f"1. export_roster, {len(rows):,} entries, best of 3 (target < {TARGET_SECONDS:.0f} s)")
    for fmt in (*FORMATS, "all"):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            files = export_roster(rows, COMMUNITY, fmt)
            times.append(time.perf_counter() - start)
        size = sum(len(f.content) for f in files)
        print(
            f"   {fmt:<17} {min(times):7.3f} s  {verdict(min(times) < TARGET_SECONDS)}"
            f"  ({len(files)} file(s), {size / 1e6:.1f} MB)"
        )


def make_store(path: Path, count: int) -> None:
    store = Store(path)
    store.migrate()
    store.save_campaign(Campaign(GUILD, COMMUNITY, "old.social", "new.social"), now=T0)
    moved = T0 + timedelta(days=3)
    rows = [
        {
            "guild_id": GUILD,
            "user_id": 10_000 + i,
            "display_name": f"{NAMES[i % len(NAMES)]} {i}",
            "old_handle": f"member{i}@old.social",
            "new_handle": f"member{i}@new.social",
            "linked_at": T0.isoformat(),
            "verified_at": T0.isoformat(),
            "roster_consent": 1,
            "dm_reminders": 0,
            "last_status": "moved",
            "moved_at": (moved + timedelta(seconds=i)).isoformat(),
        }
        for i in range(count)
    ]
    with store.transaction():
        store.db["members"].insert_all(rows, batch_size=5_000)
    store.close()


def bench_store_to_files(path: Path, out: Path) -> None:
    start = time.perf_counter()
    store = Store(path)
    roster = store.roster(GUILD)
    store.close()
    read = time.perf_counter()
    built = time.perf_counter()
    files = export_roster(roster, COMMUNITY, "all")
    exported = time.perf_counter()
    for file in files:
        (out / file.name).write_bytes(file.content)
    done = time.perf_counter()
    total = done - start
    print(f"2. store file -> {len(roster):,} members -> every file, in process")
    print(
        f"   read {read - start:.3f} s, roster {built - read:.3f} s, "
        f"export {exported - built:.3f} s, write {done - exported:.3f} s"
    )
    print(f"   total             {total:7.3f} s  {verdict(total < TARGET_SECONDS)}")


def bench_cli(path: Path, out: Path) -> None:
    """``companion roster export`` in every format, a new process each, and Python's start-up."""
    env = {**os.environ, "COMPANION_DATABASE": str(path)}
    print("3. companion roster export --format F (a new process each, start-up included)")
    for fmt in (*FORMATS, "all"):
        args = [companion_command(), "roster", "export", "--format", fmt]
        timed = time_cli(fmt, [*args, "--output", f"{out}/", "--force"], path, out)
        if timed is not None:
            elapsed, result = timed
            written = len(result.stdout.strip().splitlines())
            ok = verdict(elapsed < TARGET_SECONDS)
            print(f"   {fmt:<17} {elapsed:7.3f} s  {ok}  ({written} lines of output)")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import companion.cli"], env=env, check=False, capture_output=True
    )
    print(
        f"   of which start-up (python + import companion.cli): {time.perf_counter() - start:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50_000)
    count = parser.parse_args().members
    bench_formats(entries(count))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        start = time.perf_counter()
        make_store(db, count)
        print(
            f"   (store with {count:,} listed members built in {time.perf_counter() - start:.1f} s)"
        )
        out = folder / "out"
        out.mkdir()
        bench_store_to_files(db, out)
        bench_cli(db, out)


if __name__ == "__main__":
    main()
