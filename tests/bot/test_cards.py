"""Cards stay within Discord's embed limits however many members they describe."""

from datetime import UTC, datetime, timedelta

from companion.bot.organiser_views import progress_card
from companion.core.handles import Handle
from companion.core.models import Campaign, Member
from companion.reports.progress import build_progress

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
CAMPAIGN = Campaign(
    guild_id=1,
    community_name="Birders",
    old_server="old.example",
    new_server="new.example",
    deadline=NOW + timedelta(days=5),
    guide_url="https://guide.example.org/",
)


def stuck(user_id: int) -> Member:
    return Member(
        guild_id=1,
        user_id=user_id,
        display_name=f"Member with a long name {user_id:03}",
        old_handle=Handle(f"m{user_id}", "old.example"),
        new_handle=Handle(f"m{user_id}", "new.example"),
        linked_at=NOW - timedelta(days=9),
        last_status="alias_missing",
    )


def embed_size(embed) -> int:
    data = embed.to_dict()
    total = len(data.get("title", "")) + len(data.get("description", ""))
    return total + sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", []))


def test_a_long_help_list_keeps_whole_lines_and_says_how_many_more():
    report = build_progress([stuck(i) for i in range(60)], CAMPAIGN, NOW)
    embed = progress_card(report)
    fields = [
        f for f in embed.to_dict()["fields"] if f["name"] in ("Members who need help", "\u200b")
    ]
    assert all(len(f["value"]) <= 1024 for f in embed.to_dict()["fields"])
    assert embed_size(embed) <= 6000
    lines = [line for f in fields for line in f["value"].split("\n")]
    assert lines[-1].startswith("… and ")
    assert "/campaign member" in lines[-1]
    shown = lines[:-1]
    assert all(line.endswith("from the old account.") for line in shown)  # never cut mid-line
    assert int(lines[-1].split()[2]) == 60 - len(shown)


def test_a_short_help_list_fits_in_one_field():
    embed = progress_card(build_progress([stuck(1), stuck(2)], CAMPAIGN, NOW))
    helps = [f for f in embed.to_dict()["fields"] if f["name"] == "Members who need help"]
    assert len(helps) == 1
    assert helps[0]["value"].count("\n") == 1
