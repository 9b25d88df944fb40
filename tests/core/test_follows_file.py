"""Mending a follows file: read as Mastodon reads it, written back as Mastodon imports it."""

from datetime import UTC, datetime

import pytest

from companion.core.exports import FOLLOWING_HEADER
from companion.core.follows_file import (
    MAX_FILE_BYTES,
    MAX_UPLOAD_BYTES,
    FileKind,
    FollowsFileError,
    community_moves,
    follow_room,
    lookup_candidates,
    mend,
    missing_rows,
    read_follows_file,
    write_mended,
    write_rows,
)
from companion.core.handles import Handle
from companion.core.models import Member

H = Handle.parse
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def member(name: str, moved: bool = True) -> Member:
    return Member(
        guild_id=1,
        user_id=hash(name) % 10_000,
        display_name=name,
        old_handle=H(f"{name}@old.example"),
        new_handle=H(f"{name}@new.example"),
        linked_at=T0,
        moved_at=T0 if moved else None,
    )


def following(*rows: str, header: bool = True) -> bytes:
    lines = ([FOLLOWING_HEADER] if header else []) + list(rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_only_confirmed_moves_enter_the_community_mapping():
    moves = community_moves([member("ann"), member("ben", moved=False)])
    assert moves == {H("ann@old.example"): H("ann@new.example")}


def test_following_file_is_mended_with_options_kept_per_row():
    data = following(
        "ann@old.example,true,false,",
        '@Ben@Old.Example,false,true,"en,de"',
        "ben@old.example,true,false,",  # duplicate of the row above, different case and @
        "zoe@elsewhere.example,true,false,",
        "me@old.example,true,false,",  # the member's own old account
        "ann@new.example,true,false,",  # already the new one: a duplicate after mending
    )
    file = read_follows_file(data)
    assert (file.kind, file.has_header, file.encoding) == (FileKind.FOLLOWING, True, "utf-8")
    moves = community_moves([member("ann"), member("ben")])
    mended = mend(file, moves, own=[H("me@old.example"), H("me@new.example")])
    [out] = write_mended(mended)
    assert out.name == "following_accounts_mended.csv"
    assert out.content.decode("utf-8") == (
        f"{FOLLOWING_HEADER}\n"
        "ann@new.example,true,false,\n"
        'ben@new.example,false,true,"en,de"\n'
        "zoe@elsewhere.example,true,false,\n"
    )
    assert (mended.duplicates, mended.own, mended.replaced) == (2, 1, 2)


def test_headerless_following_and_lists_files_keep_their_form():
    plain = read_follows_file(b"ann@old.example\n\n@zoe@elsewhere.example\n")
    assert (plain.kind, plain.has_header) == (FileKind.FOLLOWING, False)
    [out] = write_mended(mend(plain, community_moves([member("ann")])))
    assert out.content == b"ann@new.example\nzoe@elsewhere.example\n"

    lists = read_follows_file(
        b'Birds,ann@old.example\n"Friends, close",ann@old.example\nBirds,ann@new.example\n'
    )
    assert (lists.kind, lists.has_header) == (FileKind.LISTS, False)
    mended = mend(lists, community_moves([member("ann")]))
    [out] = write_mended(mended)
    assert out.name == "lists_mended.csv"
    # The same account in two lists is two rows; twice in one list is a duplicate.
    assert out.content == b'Birds,ann@new.example\n"Friends, close",ann@new.example\n'
    assert mended.duplicates == 1


def test_public_moves_and_gone_accounts_from_lookups():
    file = read_follows_file(
        following("zoe@elsewhere.example,true,false,", "gone@elsewhere.example,true,false,")
    )
    mended = mend(
        file,
        {},
        public={H("zoe@elsewhere.example"): H("zoe@far.example")},
        gone=[H("gone@elsewhere.example")],
    )
    assert [row.account for row in mended.rows] == [H("zoe@far.example")]
    assert mended.gone == [H("gone@elsewhere.example")]


def test_lookup_candidates_skip_the_community_and_the_member():
    file = read_follows_file(
        following("ann@old.example,true,false,", "ann@new.example,true,false,", "me@x.example")
    )
    assert lookup_candidates(file, community_moves([member("ann")]), own=[H("me@x.example")]) == []


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("\ufeff" + FOLLOWING_HEADER + "\nann@old.example,true,false,\n", "utf-8 with BOM"),
        ("Café,ann@old.example\n", "Latin-1"),
    ],
)
def test_bom_and_latin1_are_read(data, encoding):
    raw = data.encode("utf-8") if encoding != "Latin-1" else data.encode("latin-1")
    file = read_follows_file(raw)
    assert file.encoding == encoding
    [out] = write_mended(mend(file, community_moves([member("ann")])))
    assert "ann@new.example" in out.content.decode("utf-8")  # written as UTF-8
    assert not out.content.startswith(b"\xef\xbb\xbf")
    if encoding == "Latin-1":
        assert out.content.decode("utf-8") == "Café,ann@new.example\n"


def test_formula_cells_are_neutralised_and_hostile_rows_left_out():
    file = read_follows_file(
        b'=HYPERLINK("http://evil.example"),ann@old.example\n'
        b"Birds,<@123>\n"
        b"Birds,**bold**@x.example\n"
        b"Birds,zoe@elsewhere.example\n"
        b"Birds,bob@old.example\n"
    )
    assert file.unreadable == [2, 3]
    [out] = write_mended(mend(file, {}))
    assert out.content.decode("utf-8").splitlines() == [
        '"\'=HYPERLINK(""http://evil.example"")",ann@old.example',
        "Birds,zoe@elsewhere.example",
        "Birds,bob@old.example",
    ]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
        (b"Account address,Hide notifications\nann@old.example,true\n", "muted accounts"),
        (b"#domain\nspam.example\n", "blocked domains"),
        (b"name,email\nAnn,ann@example.com\nBen,ben\nCid,cid\n", "not a Mastodon follows"),
        (b"just some text\nand more text\n", "not a Mastodon follows"),
    ],
)
def test_files_that_are_not_follows_files_get_a_sentence(data, says):
    with pytest.raises(FollowsFileError) as caught:
        read_follows_file(data)
    assert says in caught.value.message


def test_an_oversized_upload_is_refused_before_reading():
    with pytest.raises(FollowsFileError, match="larger than 25 MB"):
        read_follows_file(b"a" * (MAX_UPLOAD_BYTES + 1))


def test_big_files_are_split_at_20000_rows_and_keep_the_header():
    file = read_follows_file(
        following(*(f"u{i}@s{i % 50}.example,true,false," for i in range(45_000)))
    )
    parts = write_mended(mend(file, {}))
    assert [p.name for p in parts] == [
        "following_accounts_mended_part1.csv",
        "following_accounts_mended_part2.csv",
        "following_accounts_mended_part3.csv",
    ]
    assert [p.rows for p in parts] == [20_000, 20_000, 5_000]
    assert all(p.content.startswith(FOLLOWING_HEADER.encode() + b"\n") for p in parts)


def test_files_are_split_at_20_mb_too():
    # Long list names: few rows, many bytes.
    name = "L" * 4000
    file = read_follows_file(
        "".join(f"{name},u{i}@s.example\n" for i in range(6000)).encode("utf-8")
    )
    parts = write_rows(FileKind.LISTS, False, mend(file, {}).rows)
    assert len(parts) == 2
    assert all(len(p.content) <= MAX_FILE_BYTES for p in parts)
    assert sum(p.rows for p in parts) == 6000


def test_missing_rows_and_follow_room():
    file = read_follows_file(following("a@x.example,true,false,", "b@x.example,false,false,"))
    mended = mend(file, {})
    assert [r.account for r in missing_rows(mended, [H("a@x.example")])] == [H("b@x.example")]
    assert follow_room(7_000) == 500
    assert follow_room(100, followers=10_000) == 10_900
    assert follow_room(9_000) == 0
