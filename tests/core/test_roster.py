"""Roster: only listed members, canonical and unique, and hostile names shown harmlessly."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.core.handles import Handle
from companion.core.models import Member
from companion.core.roster import RosterEntry, build_roster, roster_line, roster_pages
from companion.core.text import ZERO_WIDTH_SPACE, clean_line, escape_markdown

T0 = datetime(2026, 12, 1, 12, tzinfo=UTC)


def member(
    user_id: int,
    name: str = "Alice",
    *,
    old: str = "",
    new: str = "",
    moved: datetime | None = T0,
    verified: bool = True,
    consent: bool | None = True,
) -> Member:
    return Member(
        guild_id=1,
        user_id=user_id,
        display_name=name,
        old_handle=Handle.parse(old or f"u{user_id}@old.social"),
        new_handle=Handle.parse(new or f"u{user_id}@new.social"),
        linked_at=T0 - timedelta(days=5),
        verified_at=T0 if verified else None,
        roster_consent=consent,
        moved_at=moved,
    )


def test_only_moved_verified_consenting_members_are_listed():
    members = [
        member(1, "Listed"),
        member(2, "Not moved", moved=None),
        member(3, "Not verified", verified=False),
        member(4, "Said no", consent=False),
        member(5, "Never asked", consent=None),
    ]
    assert [e.discord_name for e in build_roster(members)] == ["Listed"]


def test_sorted_by_move_time_then_name_without_duplicate_new_accounts():
    members = [
        member(1, "bob", moved=T0 + timedelta(hours=2)),
        member(2, "Carol", moved=T0),
        member(3, "alice", moved=T0),
        member(4, "Impostor", new="u2@new.social", moved=T0 + timedelta(days=1)),
    ]
    roster = build_roster(members)
    assert [e.discord_name for e in roster] == ["alice", "Carol", "bob"]
    assert [str(e.new_handle) for e in roster] == [
        "u3@new.social",
        "u2@new.social",
        "u1@new.social",
    ]


def test_handles_are_canonical():
    loose = Member(
        guild_id=1,
        user_id=9,
        display_name="Bö",
        old_handle=Handle("Bob", "Old.Social"),
        new_handle=Handle("bob", "bücher.example"),
        linked_at=T0,
        verified_at=T0,
        roster_consent=True,
        moved_at=T0,
    )
    [entry] = build_roster([loose])
    assert str(entry.old_handle) == "bob@old.social"
    assert str(entry.new_handle) == "bob@xn--bcher-kva.example"
    assert entry.verified is True
    assert entry.moved_at == T0


HOSTILE = [
    "@everyone",
    "@here please",
    "<@123456789012345678>",
    "<@&987654321098765432>",
    "<#123456789012345678>",
    "[x](https://evil.example)",
    "**bold** __under__ ~~strike~~ ||spoiler||",
    "`code` ```block```",
    "> quote",
    "# Heading",
    "https://evil.example/phish",
    "<:emoji:123456789012345678>",
    "line\nbreak @everyone",
    "\u202eevil\u202c reversed",
    "back\\slash\\",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_display_names_are_neutralised(name):
    entry = RosterEntry(
        name, Handle.parse("a@old.social"), Handle.parse("a@new.social"), T0, verified=True
    )
    line = roster_line(entry)
    shown = line.split(" — ")[0]
    assert "\n" not in line
    assert "@everyone" not in line
    assert "@here" not in line
    assert not re.search(r"(?<!\\)<[@#:]", line), line  # no mention or emoji tag
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", line), line  # no masked link
    assert not re.search(r"https?://", shown), line  # no auto-link (the ":" is escaped)
    assert "\u202e" not in line
    # Every markdown character of the name is escaped (preceded by a backslash).
    assert not re.search(r"(?<!\\)(?:\\\\)*[*_~|`>#\[\]()]", shown.removeprefix("• ")), line
    assert line.endswith("— `@a@old.social` → `@a@new.social`")


def test_escaping_keeps_the_words():
    assert escape_markdown("**bold**") == r"\*\*bold\*\*"
    assert escape_markdown("@everyone") == f"@{ZERO_WIDTH_SPACE}everyone"
    assert escape_markdown("<@123>") == f"\\<@{ZERO_WIDTH_SPACE}123\\>"
    assert escape_markdown("[x](https://evil)") == r"\[x\]\(https\://evil\)"
    assert escape_markdown("a`b") == r"a\`b"
    assert escape_markdown("Zoë 👩‍💻 東京") == "Zoë 👩‍💻 東京"


@given(st.text(max_size=80))
def test_escaping_any_text_never_leaves_an_active_mention(text):
    escaped = escape_markdown(text)
    assert "@everyone" not in escaped
    assert "@here" not in escaped
    assert not re.search(r"(?<!\\)<@", escaped)
    assert "\n" not in escaped


def test_clean_line_folds_whitespace_and_truncates():
    assert clean_line("  a \t b\n\nc  ") == "a b c"
    assert clean_line("x" * 70, 64) == "x" * 63 + "…"


def test_pages_fit_discords_limit_and_keep_whole_lines():
    entries = [
        RosterEntry(
            f"Member {i} " + "✨" * 20,
            Handle.parse(f"member{i}@old.social"),
            Handle.parse(f"member{i}@new.social"),
            T0 + timedelta(minutes=i),
            verified=True,
        )
        for i in range(300)
    ]
    pages = roster_pages(entries)
    assert len(pages) > 1
    assert all(len(page) <= 2000 for page in pages)
    lines = [line for page in pages for line in page.split("\n")]
    assert lines == [roster_line(e) for e in entries]
    assert roster_pages([]) == []
    assert roster_pages(entries[:1], max_chars=30) == [roster_line(entries[0])[:29] + "…"]


def test_long_names_are_cut_before_escaping():
    entry = RosterEntry(
        "*" * 500, Handle.parse("a@old.social"), Handle.parse("a@new.social"), T0, verified=True
    )
    assert len(roster_line(entry)) < 200
