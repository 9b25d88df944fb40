"""``companion roster export`` on a real SQLite file, through the real click command group."""

import json
from datetime import UTC, datetime, timedelta

import click
import pytest
from click.testing import CliRunner

from companion.cli.roster import roster
from companion.core.handles import Handle
from companion.core.models import Campaign
from companion.store import CheckRecord, Store

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
GUILD = 111


def companion_cli() -> click.Group:
    """The top-level ``companion`` group; a stand-in with the same context until registered."""
    from companion.cli import LazySettings, cli

    if "roster" in cli.commands:
        return cli

    @click.group()
    @click.pass_context
    def stand_in(ctx: click.Context) -> None:
        ctx.obj = LazySettings(None)

    stand_in.add_command(roster)
    return stand_in


def add_member(store: Store, guild: int, user: int, name: str, *, listed: bool = True) -> None:
    store.link_member(
        guild,
        user,
        name,
        Handle.parse(f"user{user}@old.social"),
        Handle.parse(f"user{user}@new.social"),
        now=NOW - timedelta(days=3),
    )
    if listed:
        store.update_member(guild, user, verified_at=NOW, roster_consent=True)
        store.record_checks(
            guild,
            [
                CheckRecord(
                    user_id=user,
                    checked_at=NOW,
                    status="moved",
                    report={},
                    moved=True,
                    moved_at=NOW - timedelta(hours=user),
                )
            ],
        )


@pytest.fixture
def store_file(db_path):
    store = Store(db_path)
    store.migrate()
    store.save_campaign(Campaign(GUILD, "Garden Club", "old.social", "new.social"), now=NOW)
    add_member(store, GUILD, 1, "=HYPERLINK(evil)")
    add_member(store, GUILD, 2, "Zoë 👩‍💻")
    add_member(store, GUILD, 3, "Not listed", listed=False)
    store.close()
    return db_path


def run(db_path, *args: str):
    return CliRunner().invoke(
        companion_cli(), ["roster", "export", *args], env={"COMPANION_DATABASE": str(db_path)}
    )


def test_export_all_writes_every_file_in_the_current_folder(store_file, tmp_path):
    result = run(store_file, "--format", "all")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db" and "db-" not in p.name)
    assert names == [
        "following_accounts_garden-club.csv",
        "lists_garden-club.csv",
        "roster_garden-club.csv",
        "roster_garden-club.json",
        "roster_garden-club.md",
    ]
    assert "Wrote following_accounts_garden-club.csv (2 accounts)." in result.output
    follows = (tmp_path / "following_accounts_garden-club.csv").read_text(encoding="utf-8")
    assert follows == (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "user2@new.social,true,false,\n"
        "user1@new.social,true,false,\n"
    )
    data = json.loads((tmp_path / "roster_garden-club.json").read_text(encoding="utf-8"))
    assert [m["discord_name"] for m in data["members"]] == ["Zoë 👩‍💻", "=HYPERLINK(evil)"]
    plain = (tmp_path / "roster_garden-club.csv").read_text(encoding="utf-8-sig")
    assert "\n'=HYPERLINK(evil)," in plain


def test_refuses_to_overwrite_unless_forced(store_file, tmp_path):
    assert run(store_file, "--format", "mastodon-list").exit_code == 0
    target = tmp_path / "lists_garden-club.csv"
    target.write_text("mine\n", encoding="utf-8")
    refused = run(store_file, "--format", "mastodon-list")
    assert refused.exit_code == 1
    assert "Not overwriting" in refused.output
    assert "--force" in refused.output
    assert target.read_text(encoding="utf-8") == "mine\n"
    forced = run(store_file, "--format", "mastodon-list", "--force")
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("Garden Club,user2@new.social\n")


def test_output_to_a_file_or_a_folder(store_file, tmp_path):
    one = run(store_file, "--format", "json", "--output", str(tmp_path / "out.json"))
    assert one.exit_code == 0, one.output
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["count"] == 2

    folder = tmp_path / "exports" / "december"
    many = run(store_file, "--format", "all", "--output", f"{folder}/")
    assert many.exit_code == 0, many.output
    assert len(list(folder.iterdir())) == 5

    clash = run(store_file, "--format", "all", "--output", str(tmp_path / "roster.csv"))
    assert clash.exit_code == 2
    assert "give --output a folder" in clash.output
    assert not (tmp_path / "roster.csv").exists()


def test_several_guilds_need_a_choice(store_file, tmp_path):
    store = Store(store_file)
    add_member(store, 222, 7, "Other guild")
    store.close()
    ambiguous = run(store_file, "--format", "csv")
    assert ambiguous.exit_code == 2
    assert "111" in ambiguous.output
    assert "222" in ambiguous.output
    chosen = run(store_file, "--format", "json", "--guild", "222")
    assert chosen.exit_code == 0, chosen.output
    # Guild 222 has no stored campaign: the community name comes from the settings.
    data = json.loads((tmp_path / "roster_example-community.json").read_text(encoding="utf-8"))
    assert [m["new_handle"] for m in data["members"]] == ["user7@new.social"]
    unknown = run(store_file, "--format", "json", "--guild", "333")
    assert unknown.exit_code == 2
    assert "333" in unknown.output


def test_no_database_no_roster_and_old_schema_fail_clearly(db_path, tmp_path):
    missing = run(db_path, "--format", "csv")
    assert missing.exit_code == 1
    assert "no database" in missing.output

    store = Store(db_path)
    store.migrate()
    add_member(store, GUILD, 1, "Unlisted", listed=False)
    store.close()
    empty = run(db_path, "--format", "all")
    assert empty.exit_code == 1
    assert "Nobody is on the roster yet" in empty.output
    assert "Nothing was written" in empty.output
    assert not list(tmp_path.glob("*.csv"))

    old = tmp_path / "old.db"
    Store(old).close()  # a file without the schema
    unmigrated = run(old, "--format", "csv")
    assert unmigrated.exit_code == 1
    assert "companion db migrate" in unmigrated.output


def test_unknown_format_is_a_usage_error(store_file):
    result = run(store_file, "--format", "xlsx")
    assert result.exit_code == 2
