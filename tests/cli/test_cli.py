"""The ``companion`` command as people run it: real processes, real files, exit codes."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from companion.core.handles import Handle
from companion.store import Store


def companion(*args: str, env: dict | None = None, cwd: Path | None = None):
    """Run the console entry point in a fresh process, as a user would."""
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from companion.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def test_help_lists_the_commands(tmp_path):
    result = companion("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "config", "db", "check", "recheck"):
        assert command in result.stdout
    assert companion("db", "--help", cwd=tmp_path).returncode == 0
    assert "backup" in companion("db", "--help", cwd=tmp_path).stdout


def test_help_works_even_with_broken_settings(tmp_path):
    (tmp_path / "companion.toml").write_text("[campaign\n")
    assert companion("--help", cwd=tmp_path).returncode == 0


def test_config_check_prints_settings_with_sources_and_masks_secrets(tmp_path):
    (tmp_path / "companion.toml").write_text(
        '[campaign]\nold_server = "old.social"\nnew_server = "new.social"\n'
        'deadline = "2030-01-15T18:00"\ntimezone = "Europe/Berlin"\n'
    )
    result = companion(
        "config", "check", cwd=tmp_path, env={"COMPANION_DISCORD_TOKEN": "very-secret"}
    )
    assert result.returncode == 0, result.stderr
    assert "Settings are valid" in result.stdout
    assert "campaign.old_server = old.social    [companion.toml]" in result.stdout
    assert "discord_token = ********    [environment variable]" in result.stdout
    assert "very-secret" not in result.stdout + result.stderr


def test_config_check_labels_each_server_value_by_its_own_source(tmp_path):
    (tmp_path / "companion.toml").write_text(
        '[servers."new.social"]\napi_base_url = "https://api.new.social"\n'
    )
    result = companion(
        "config",
        "check",
        cwd=tmp_path,
        env={"COMPANION_SERVERS": '{"old.social": {"access_token": "very-secret"}}'},
    )
    assert result.returncode == 0, result.stderr
    rows = [line.strip() for line in result.stdout.splitlines() if "servers." in line]
    assert rows == [
        "servers.new.social.api_base_url = https://api.new.social    [companion.toml]",
        "servers.new.social.access_token = (not set)    [default]",
        "servers.old.social.api_base_url = (not set)    [default]",
        "servers.old.social.access_token = ********    [environment variable]",
    ]


def test_config_check_refuses_invalid_settings_with_exit_2_and_no_traceback(tmp_path):
    (tmp_path / "companion.toml").write_text('[campaign]\ntimezone = "Nowhere/Atlantis"\n')
    result = companion("config", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert "campaign.timezone (from companion.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_file_option_and_missing_file(tmp_path):
    result = companion("--config", str(tmp_path / "nope.toml"), "config", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_run_without_a_token_explains_how_to_get_one(tmp_path):
    result = companion("run", cwd=tmp_path)
    assert result.returncode == 1
    assert "COMPANION_DISCORD_TOKEN" in result.stderr
    assert "discord.com/developers" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_migrate_and_backup(tmp_path):
    result = companion("db", "migrate", cwd=tmp_path)
    assert result.returncode == 0
    assert "Applied 6 migration(s)" in result.stdout
    assert "up to date" in companion("db", "migrate", cwd=tmp_path).stdout

    store = Store(tmp_path / "companion.db")
    store.link_member(1, 2, "Ann", Handle.parse("ann@old.social"), Handle.parse("ann@new.social"))
    store.close()
    result = companion("db", "backup", str(tmp_path / "copies" / "b.db"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(tmp_path / "copies" / "b.db")
    assert copy.execute("SELECT old_handle FROM members").fetchall() == [("ann@old.social",)]

    again = companion("db", "backup", str(tmp_path / "copies" / "b.db"), cwd=tmp_path)
    assert again.returncode == 1
    assert "already exists" in again.stderr


@pytest.mark.parametrize("odd", ["what?.db", "no#1.db", "%41.db", "a?b#c%41 d"])
def test_db_backup_works_whatever_characters_the_paths_hold(tmp_path, odd):
    folder = tmp_path / f"data {odd}"
    folder.mkdir()
    database = folder / odd
    store = Store(database)
    store.migrate()
    store.link_member(1, 2, "Ann", Handle.parse("ann@old.social"), Handle.parse("ann@new.social"))
    store.close()
    target = folder / f"copy {odd}"
    result = companion(
        "db", "backup", str(target), cwd=tmp_path, env={"COMPANION_DATABASE": str(database)}
    )
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT old_handle FROM members").fetchall() == [("ann@old.social",)]
    copy.close()
    own = {odd, f"{odd}-wal", f"{odd}-shm"}  # the database and SQLite's companions of it
    assert {p.name for p in folder.iterdir()} - own == {target.name}  # and no stray file


def test_a_failed_db_backup_exits_1_with_a_sentence_and_leaves_no_file(tmp_path):
    (tmp_path / "companion.db").write_bytes(b"not a database at all " * 500)
    copies = tmp_path / "copies"
    result = companion("db", "backup", str(copies / "b.db"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("No backup was made: SQLite could not copy")
    assert "Traceback" not in result.stderr
    assert list(copies.iterdir()) == []  # no partial file, under any name


def test_db_backup_without_a_database(tmp_path):
    result = companion("db", "backup", str(tmp_path / "b.db"), cwd=tmp_path)
    assert result.returncode == 1
    assert "no database" in result.stderr.lower()


@pytest.mark.parametrize("args", [["nope"], ["db", "backup"], ["--config"]])
def test_bad_usage_exits_2(tmp_path, args):
    assert companion(*args, cwd=tmp_path).returncode == 2


def test_db_forget_guild_deletes_one_community_only(tmp_path):
    store = Store(tmp_path / "companion.db")
    store.migrate()
    for guild in (1, 2):
        store.link_member(
            guild, 5, "Ann", Handle.parse("ann@old.social"), Handle.parse("ann@new.social")
        )
    store.close()
    refused = companion("db", "forget-guild", "1", cwd=tmp_path)  # no --yes, no terminal
    assert refused.returncode == 1
    assert Store(tmp_path / "companion.db").member(1, 5) is not None

    result = companion("db", "forget-guild", "1", "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 members" in result.stdout
    raw = sqlite3.connect(tmp_path / "companion.db")
    assert raw.execute("SELECT guild_id FROM members").fetchall() == [(2,)]
    missing = companion("db", "forget-guild", "1", "--yes", cwd=tmp_path)
    assert missing.returncode == 1
    assert "Nothing is stored" in missing.stderr
