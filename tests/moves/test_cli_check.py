"""``companion check`` and ``companion recheck`` against stand-ins running in threads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from companion.cli import cli
from companion.core.handles import Handle
from companion.standins.mastodon import Fediverse, MastodonStandIn
from companion.store import Store


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[MastodonStandIn, MastodonStandIn]]:
    """Two stand-ins in background threads and a campaign file pointing at them."""
    fediverse = Fediverse()
    with (
        MastodonStandIn("old.example", fediverse=fediverse) as old,
        MastodonStandIn("new.example", fediverse=fediverse) as new,
    ):
        (tmp_path / "companion.toml").write_text(
            f"""
allow_private_addresses = true
request_timeout = 2.0
database = "{tmp_path / "companion.db"}"

[campaign]
old_server = "old.example"
new_server = "new.example"

[servers."old.example"]
api_base_url = "{old.base_url}"

[servers."new.example"]
api_base_url = "{new.base_url}"
""",
            encoding="utf-8",
        )
        yield old, new


def test_check_prints_a_readable_report(servers):
    old, new = servers
    old.create_account("alice", followers_count=12)
    new.create_account("alice")
    new.state.set_aliases("alice", [old.state.actor_uri("alice")])
    result = CliRunner().invoke(cli, ["check", "@alice@old.example", "https://new.example/@alice"])
    assert result.exit_code == 0, result.output
    assert "Ready to move (ready_to_move)" in result.output
    assert "Next step" in result.output
    assert "Move followers" in result.output
    assert "Evidence (what each server answered):" in result.output


def test_check_json_for_scripts(servers):
    old, _new = servers
    old.create_account("alice")
    result = CliRunner().invoke(cli, ["check", "alice@old.example", "alice@new.example", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "new_account_missing"
    assert data["guide_url"].endswith("problems/#new-account-missing")


def test_check_refuses_bad_handles_and_reports_silent_servers(servers):
    old, new = servers
    result = CliRunner().invoke(cli, ["check", "alice", "alice@new.example"])
    assert result.exit_code == 2
    assert "needs its server too" in result.output
    old.create_account("alice")
    new.create_account("alice")
    old.stop_thread()  # the old server goes away
    result = CliRunner().invoke(cli, ["check", "alice@old.example", "alice@new.example"])
    assert result.exit_code == 1
    assert "Server not answering" in result.output


def test_recheck_stores_observations_and_batches_the_second_time(servers, tmp_path):
    old, new = servers
    store = Store(tmp_path / "companion.db")
    store.migrate()
    for number in range(45):
        name = f"m{number}"
        old.create_account(name, followers_count=10)
        new.create_account(name)
        if number % 2:
            new.state.set_aliases(name, [old.state.actor_uri(name)])
        store.link_member(
            7, 1000 + number, name, Handle(name, "old.example"), Handle(name, "new.example")
        )
    store.close()

    first = CliRunner().invoke(cli, ["recheck", "--guild", "7"])
    assert first.exit_code == 0, first.output
    assert "22 ready_to_move" in first.output
    assert "23 alias_missing" in first.output
    old.reset_stats()
    second = CliRunner().invoke(cli, ["recheck"])
    assert second.exit_code == 0, second.output
    assert old.stats.requests["accounts"] == 2
    assert old.stats.requests["lookup"] == 0

    store = Store(tmp_path / "companion.db")
    member = store.member(7, 1001)
    observations = store.observations(7, 1001)
    store.close()
    assert member.last_status == "ready_to_move"
    assert member.followers_before == 10
    assert len(observations) == 2
    assert observations[0].report["accounts"]["alias"]
