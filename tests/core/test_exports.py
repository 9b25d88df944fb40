"""Exports: each file parses back the way Mastodon reads it (mastodon-facts.md §5)."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from companion.core.exports import (
    FORMATS,
    MAX_ROWS_PER_FILE,
    community_slug,
    export_roster,
    neutralise_formula,
)
from companion.core.handles import Handle
from companion.core.roster import RosterEntry

T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
GENERATED = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)

# -- Mastodon's import rules, re-implemented from §5 ----------------------------------------
KNOWN_FIRST_HEADERS = {"Account address", "#domain", "#uri", "List name"}
DEFAULT_HEADERS = {"following": ["Account address"], "lists": ["List name", "Account address"]}
BOOLEAN_HEADERS = {"Show boosts", "Notify on new posts", "Hide notifications"}


def mastodon_parse(content: bytes, kind: str) -> tuple[bool, list[dict]]:
    """(had a header, rows) as Mastodon's importer would read the file."""
    text = content.decode("utf-8")  # strict: Mastodon reads UTF-8
    rows = [row for row in csv.reader(io.StringIO(text)) if row and row != [""]]
    has_header = bool(rows) and rows[0][0] in KNOWN_FIRST_HEADERS
    header = rows[0] if has_header else DEFAULT_HEADERS[kind]
    parsed = []
    for row in rows[1:] if has_header else rows:
        record = {}
        for name, cell in zip(header, row, strict=False):
            if name == "Account address":
                user, _, domain = cell.strip().removeprefix("@").partition("@")
                record[name] = f"{user}@{domain.lower()}"
            elif name in BOOLEAN_HEADERS:
                record[name] = {"true": True, "false": False}.get(cell.lower())
            elif name == "Languages":
                record[name] = [part.strip() for part in cell.split(",")] if cell else None
            elif name == "List name":
                record[name] = cell.strip()
            else:
                record[name] = cell
        parsed.append(record)
    return has_header, parsed


def entry(i: int, name: str | None = None, *, new: str | None = None) -> RosterEntry:
    return RosterEntry(
        discord_name=name if name is not None else f"Member {i}",
        old_handle=Handle.parse(f"user{i}@old.social"),
        new_handle=Handle.parse(new or f"user{i}@new.social"),
        moved_at=T0 + timedelta(minutes=i),
        verified=True,
    )


def plain_entry(i: int) -> RosterEntry:
    """A roster entry built without parsing (canonical already), for the 20,000-row tests."""
    return RosterEntry(
        f"Member {i}",
        Handle(f"user{i}", "old.social"),
        Handle(f"user{i}", "new.social"),
        T0 + timedelta(seconds=i),
        verified=True,
    )


def files_of(entries, fmt, community="Garden Club"):
    return export_roster(entries, community, fmt, generated_at=GENERATED)


SAMPLE = [
    entry(1, "Zoë 👩‍💻"),
    entry(2, "東京の友達", new="@Bob@Bücher.Example"),
    entry(3, "Ana", new="ana@xn--caf-dma.example"),
]


def test_following_file_is_mastodons_own_format():
    [file] = files_of(SAMPLE[:1], "mastodon-follows")
    assert file.name == "following_accounts_garden-club.csv"
    assert file.content == (
        b"Account address,Show boosts,Notify on new posts,Languages\nuser1@new.social,true,false,\n"
    )
    assert file.media_type.startswith("text/csv")


def test_following_file_parses_back():
    [file] = files_of(SAMPLE, "mastodon-follows")
    has_header, rows = mastodon_parse(file.content, "following")
    assert has_header
    assert rows == [
        {
            "Account address": acct,
            "Show boosts": True,
            "Notify on new posts": False,
            "Languages": None,
        }
        for acct in ("user1@new.social", "bob@xn--bcher-kva.example", "ana@xn--caf-dma.example")
    ]
    assert not file.content.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in file.content


def test_list_file_has_no_header_and_names_the_list_after_the_community():
    [file] = files_of(SAMPLE, "mastodon-list", community="Café, Bar & Co")
    assert file.name == "lists_cafe-bar-co.csv"
    assert file.content.decode().splitlines()[0] == '"Café, Bar & Co",user1@new.social'
    has_header, rows = mastodon_parse(file.content, "lists")
    assert not has_header
    assert rows == [
        {"List name": "Café, Bar & Co", "Account address": acct}
        for acct in ("user1@new.social", "bob@xn--bcher-kva.example", "ana@xn--caf-dma.example")
    ]
    assert not file.content.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("community", ["List name", "Account address", "#uri"])
def test_a_community_named_like_a_header_does_not_become_one(community):
    [file] = files_of(SAMPLE, "mastodon-list", community=community)
    has_header, rows = mastodon_parse(file.content, "lists")
    assert not has_header
    assert len(rows) == len(SAMPLE)
    assert rows[0]["List name"] == f"{community} (community)"


def test_list_name_is_one_clean_line():
    [file] = files_of(SAMPLE[:1], "mastodon-list", community='The "Club"\nof \u202eFriends')
    _, rows = mastodon_parse(file.content, "lists")
    assert rows == [{"List name": 'The "Club" of Friends', "Account address": "user1@new.social"}]


def test_more_than_20000_members_split_into_numbered_files():
    entries = [plain_entry(i) for i in range(MAX_ROWS_PER_FILE + 1)]
    for fmt, prefix, kind in (
        ("mastodon-follows", "following_accounts", "following"),
        ("mastodon-list", "lists", "lists"),
    ):
        files = files_of(entries, fmt)
        assert [f.name for f in files] == [
            f"{prefix}_garden-club_part1.csv",
            f"{prefix}_garden-club_part2.csv",
        ]
        accounts = []
        for file in files:
            _, rows = mastodon_parse(file.content, kind)
            assert len(rows) <= MAX_ROWS_PER_FILE
            assert len(rows) == file.rows
            accounts += [row["Account address"] for row in rows]
        assert accounts == [str(e.new_handle) for e in entries]
    # Files for people stay whole.
    assert len(files_of(entries, "csv")) == 1
    assert len(files_of(entries, "json")) == 1


def test_exactly_20000_members_fit_in_one_file():
    files = files_of([plain_entry(i) for i in range(MAX_ROWS_PER_FILE)], "mastodon-follows")
    assert [f.name for f in files] == ["following_accounts_garden-club.csv"]


def test_no_duplicate_accounts_in_any_format():
    entries = [*SAMPLE, entry(9, "Again", new="user1@new.social")]
    follows = mastodon_parse(files_of(entries, "mastodon-follows")[0].content, "following")[1]
    assert len(follows) == len({row["Account address"] for row in follows}) == 3
    data = json.loads(files_of(entries, "json")[0].content)
    assert data["count"] == 3
    assert [m["discord_name"] for m in data["members"]] == ["Zoë 👩‍💻", "東京の友達", "Ana"]


FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)", "\t=cmd", "＝HYPERLINK()"]


def test_plain_csv_neutralises_formulas_and_reads_back():
    entries = [entry(i, name) for i, name in enumerate([*FORMULAS, 'Zoë, "the" 👩‍💻'])]
    [file] = files_of(entries, "csv")
    assert file.name == "roster_garden-club.csv"
    assert file.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the BOM only
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert rows[0] == ["Discord name", "Old handle", "New handle", "Moved at", "Verified"]
    names = [row[0] for row in rows[1:]]
    assert names[: len(FORMULAS)] == [
        "'=1+1",
        "'+SUM(A1)",
        "'-2+3",
        "'@SUM(1)",
        "'=cmd",
        "'＝HYPERLINK()",
    ]
    assert names[-1] == 'Zoë, "the" 👩‍💻'
    assert rows[1][1:] == ["user0@old.social", "user0@new.social", "2026-12-01T09:30:00Z", "true"]
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_neutralise_formula_leaves_ordinary_text_alone():
    assert neutralise_formula("Alice") == "Alice"
    assert neutralise_formula("a=b") == "a=b"
    assert neutralise_formula("-x") == "'-x"


def test_json_is_the_documented_object():
    [file] = files_of(SAMPLE, "json")
    assert file.name == "roster_garden-club.json"
    assert file.media_type == "application/json"
    data = json.loads(file.content.decode("utf-8"))
    assert data == {
        "format": "migration-companion-roster",
        "version": 1,
        "community": "Garden Club",
        "generated_at": "2026-12-20T08:00:00Z",
        "count": 3,
        "members": [
            {
                "discord_name": "Zoë 👩‍💻",
                "old_handle": "user1@old.social",
                "new_handle": "user1@new.social",
                "moved_at": "2026-12-01T09:31:00Z",
                "verified": True,
            },
            {
                "discord_name": "東京の友達",
                "old_handle": "user2@old.social",
                "new_handle": "bob@xn--bcher-kva.example",
                "moved_at": "2026-12-01T09:32:00Z",
                "verified": True,
            },
            {
                "discord_name": "Ana",
                "old_handle": "user3@old.social",
                "new_handle": "ana@xn--caf-dma.example",
                "moved_at": "2026-12-01T09:33:00Z",
                "verified": True,
            },
        ],
    }
    assert "東京".encode() in file.content  # UTF-8 text, not \\u escapes
    empty = json.loads(files_of([], "json")[0].content)
    assert empty["members"] == []
    assert empty["count"] == 0


def _cells(line: str) -> list[str]:
    """Split a Markdown table row on pipes that are not escaped."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_markdown_table_has_escaped_cells():
    entries = [*SAMPLE, entry(4, "a | b [x](https://evil) **hi** <b>@everyone</b>")]
    [file] = files_of(entries, "markdown")
    assert file.name == "roster_garden-club.md"
    text = file.content.decode("utf-8")
    assert text.startswith("# Garden Club: who moved\n")
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(entries)
    assert all(len(_cells(line)) == 5 for line in table)
    assert _cells(table[2]) == [
        "Zoë 👩‍💻",
        "`@user1@old.social`",
        "`@user1@new.social`",
        "2026-12-01",
        "yes",
    ]
    assert _cells(table[3])[2] == "`@bob@bücher.example`"  # people read Unicode domains
    hostile = _cells(table[5])[0]
    assert hostile == (r"a \| b \[x\]\(https\://evil\) \*\*hi\*\* \<b\>\@everyone\</b\>")


def test_all_writes_every_format_in_utf8_with_unix_newlines():
    files = files_of(SAMPLE, "all")
    assert [f.name for f in files] == [
        "following_accounts_garden-club.csv",
        "lists_garden-club.csv",
        "roster_garden-club.csv",
        "roster_garden-club.json",
        "roster_garden-club.md",
    ]
    for file in files:
        file.content.decode("utf-8")
        assert b"\r\n" not in file.content
        assert file.content.endswith(b"\n")
    assert set(FORMATS) == {"mastodon-follows", "mastodon-list", "csv", "json", "markdown"}


@pytest.mark.parametrize(
    ("community", "slug"),
    [
        ("Garden Club", "garden-club"),
        ("Café Ünïon!", "cafe-union"),
        ("  ../../etc/passwd  ", "etc-passwd"),
        ("東京", "community"),
        ("x" * 100, "x" * 40),
    ],
)
def test_slug_is_ascii_and_file_name_safe(community, slug):
    assert community_slug(community) == slug


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        export_roster(SAMPLE, "Club", "xlsx")
