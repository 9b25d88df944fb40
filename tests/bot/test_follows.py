"""``/move mend-follows`` and ``/move check-import`` through the real bot and real servers.

A member uploads the follows file exported before the move; the bot sends it back mended,
the "Look up other moves" button reads the other accounts' moves from their servers, the
member imports the file on the stand-in (which refuses moved accounts like Mastodon), and
``/move check-import`` names exactly the rows that did not arrive.
"""

from __future__ import annotations

import csv
import io

import pytest

from companion.core.exports import FOLLOWING_HEADER
from companion.core.handles import Handle
from companion.standins.discord import UploadedFile, message_text
from companion.standins.mastodon.follows import import_following
from companion.store import Store
from tests.bot.conftest import ALICE, BOB, GUILD_ID, final_message

COMMUNITY = [f"m{i:02d}" for i in range(1, 13)]  # linked members who moved
OTHERS = [f"oth{i}" for i in range(1, 6)]  # moved, but not in the community
GONE = ["gone1", "gone2"]
STAYING = [f"stay{i:02d}" for i in range(1, 39)]  # never moved
LANGS = '"en,de"'


def pinged(message) -> bool:
    return bool(message.pings.users or message.pings.roles or message.pings.everyone)


def upload(data: bytes, name: str = "following_accounts.csv") -> UploadedFile:
    return UploadedFile(field_name="file", filename=name, content_type="text/csv", data=data)


def moved(world, name: str) -> None:
    world.new.create_account(name)
    world.new.state.set_aliases(name, [world.old.state.actor_uri(name)])
    world.old.state.move(name, world.new.state.actor_uri(name))


async def community(world) -> None:
    """Alice linked; twelve members linked and moved; five strangers moved; two gone."""
    record = await world.slash(
        "move link", {"old": "alice@old.example", "new": "alice@new.example"}
    )
    await world.reply(record)
    for index, name in enumerate(COMMUNITY):
        world.old.create_account(name)
        moved(world, name)
        user_id = 1300000000000000000 + index
        await world.services.store.call(
            Store.link_member,
            GUILD_ID,
            user_id,
            name.upper(),
            Handle.parse(f"{name}@old.example"),
            Handle.parse(f"{name}@new.example"),
        )
        await world.services.members.check(GUILD_ID, user_id)  # the servers say: moved
    for name in OTHERS:
        world.old.create_account(name)
        moved(world, name)
    for name in GONE:
        world.old.create_account(name)
        world.old.state.delete(name)
    for name in STAYING:
        world.old.create_account(name)


def source_rows() -> list[str]:
    """60 accounts as exported: 12 community, 5 others moved, 3 duplicates, 2 gone, 38 staying."""
    rows = [f"{name}@old.example" for name in COMMUNITY[:6]]
    rows += [f"{name}@old.example" for name in OTHERS]
    rows += [f"{name}@old.example" for name in STAYING[:19]]
    rows += ["@M01@Old.Example", f"{GONE[0]}@old.example"]  # a duplicate, a gone account
    rows += [f"{name}@old.example" for name in COMMUNITY[6:]]
    rows += [f"{name}@old.example" for name in STAYING[19:]]
    rows += ["stay01@OLD.example", "m02@new.example", f"{GONE[1]}@old.example"]
    assert len(rows) == 60
    return rows


def options(index: int) -> str:
    return f"true,false,{LANGS}" if index % 7 == 0 else "true,false,"


def render(kind: str, accounts: list[str]) -> bytes:
    if kind == "following":
        lines = [FOLLOWING_HEADER] + [f"{a},{options(i)}" for i, a in enumerate(accounts)]
    else:
        names = ['"Friends, close"', "Birds"]  # the first needs CSV quotes
        lines = [f"{names[i % 2]},{a}" for i, a in enumerate(accounts)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def expected(kind: str, *, looked_up: bool) -> list[str]:
    """The mended rows: moves replaced, duplicates (after mending) and gone rows dropped."""
    out, seen = [], set()
    for i, raw in enumerate(source_rows()):
        user, domain = raw.lstrip("@").lower().split("@")
        if user in COMMUNITY or (looked_up and user in OTHERS):
            domain = "new.example"
        if looked_up and user in GONE:
            continue
        list_name = "Birds" if i % 2 else "Friends, close"
        key = (f"{user}@{domain}",) if kind == "following" else (list_name, f"{user}@{domain}")
        if key in seen:
            continue
        seen.add(key)
        if kind == "following":
            out.append(f"{user}@{domain},{options(i)}".replace(LANGS, "en,de"))
        else:
            out.append(f"{list_name},{user}@{domain}")
    return out


def rows_of(data: bytes, kind: str) -> list[str]:
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    if kind == "following":
        assert parsed[0] == FOLLOWING_HEADER.split(",")
        parsed = parsed[1:]
    return [",".join(row) for row in parsed]


@pytest.mark.parametrize(
    ("kind", "name"), [("following", "following_accounts.csv"), ("lists", "lists.csv")]
)
async def test_a_60_row_file_comes_back_mended_then_looked_up(world, kind, name):
    await community(world)
    source = render(kind, source_rows())
    record = await world.slash("move mend-follows", {"file": upload(source, name)})
    reply = await world.reply(record)
    [mended] = reply.files
    assert (
        mended.filename == f"{'following_accounts' if kind == 'following' else 'lists'}_mended.csv"
    )
    assert rows_of(mended.data, kind) == expected(kind, looked_up=False)
    text = message_text(reply)
    assert "12 old accounts of community members replaced" in text
    duplicates = (
        3 if kind == "following" else len(source_rows()) - len(expected(kind, looked_up=False))
    )
    assert f"{duplicates} duplicate rows removed" in text
    assert "Import and export > Import" in text
    assert "`/move check-import`" in text
    assert not pinged(reply)

    world.old.reset_stats()
    world.new.reset_stats()
    clicked = await world.click(reply, f"mc:follows-lookup:{ALICE.id}")

    def finished() -> bool:
        message = final_message(clicked)
        return message is not None and bool(message.files)

    await world.discord.wait_for(finished, timeout=30, what="the looked-up file")
    looked = final_message(clicked)
    # Progress was shown while the lookups ran (edits keep the earlier versions).
    assert any("of 45 done" in (m.get("content") or "") for m in looked.history)
    [final] = looked.files
    assert rows_of(final.data, kind) == expected(kind, looked_up=True)
    summary = message_text(looked)
    assert "5 other accounts that moved replaced" in summary
    assert (
        "2 accounts that no longer exist left out: `@gone1@old.example`, `@gone2@old.example`"
        in summary
    )
    # One lookup per other account (5 moved, 2 gone, 38 staying), none for the community's.
    assert world.old.stats.requests["lookup"] == 45
    assert world.old.stats.rate_limited == 0


async def mended_and_looked_up(world, data: bytes) -> bytes:
    """The file after /move mend-follows and the "Look up other moves" button."""
    reply = await world.reply(await world.slash("move mend-follows", {"file": upload(data)}))
    clicked = await world.click(reply, f"mc:follows-lookup:{ALICE.id}")

    def finished() -> bool:
        message = final_message(clicked)
        return message is not None and bool(message.files)

    await world.discord.wait_for(finished, timeout=30, what="the looked-up file")
    return final_message(clicked).files[0].data


async def test_the_import_check_returns_exactly_the_rows_that_did_not_arrive(world):
    await community(world)
    data = await mended_and_looked_up(world, render("following", source_rows()))
    lines = data.decode("utf-8").splitlines()
    # The import skipped four rows (a server's circuit breaker, say): import all but those.
    skipped = [lines[3], lines[20], lines[33], lines[50]]
    imported = "\n".join(line for line in lines if line not in skipped) + "\n"
    outcome = import_following(world.new.state, "alice", imported.encode("utf-8"))
    assert outcome.failed == []  # every row of the mended file can be followed

    check = await world.reply(await world.slash("move check-import", {"file": upload(data)}))
    [missing] = check.files
    assert missing.filename == "following_accounts_missing.csv"
    assert missing.data.decode("utf-8").splitlines() == [FOLLOWING_HEADER, *skipped]
    assert (
        "4 of 55 accounts in your file are not followed by `@alice@new.example` yet"
        in message_text(check)
    )
    assert "may still be running" in message_text(check)

    import_following(world.new.state, "alice", missing.data)
    done = await world.reply(await world.slash("move check-import", {"file": upload(data)}))
    assert not done.files
    assert "All 55 accounts of your file are followed by `@alice@new.example`" in message_text(done)


async def test_an_unmended_file_is_mended_before_the_check(world):
    """Old handles of moved members count as followed when their new account is."""
    await community(world)
    import_following(world.new.state, "alice", b"m01@new.example\nstay01@old.example\n")
    check = await world.reply(
        await world.slash(
            "move check-import", {"file": upload(b"m01@old.example\nstay01@old.example\n")}
        )
    )
    assert "All 2 accounts" in message_text(check)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        (b"Account address,Hide notifications\nbob@old.example,true\n", "muted accounts"),
        (b"hello\nworld\n<@1200000000000000100>\n", "not a Mastodon follows file"),
        (b"", "empty"),
    ],
)
async def test_bad_files_get_a_sentence_and_ping_nobody(world, data, says):
    record = await world.slash("move mend-follows", {"file": upload(data)}, user=BOB)
    reply = await world.reply(record)
    assert says in message_text(reply)
    assert not reply.files
    assert "Traceback" not in message_text(reply)
    assert not pinged(reply)


async def test_hostile_rows_are_left_out_and_formulas_neutralised(world):
    data = (
        b'=HYPERLINK("https://evil.example"),bob@old.example\n'
        b"Birds,@everyone\n"
        b"Birds,**x**@old.example\n"
        b"Birds,alice@old.example\n"
        b"Birds,carol@old.example\n"
        b"Birds,dave@old.example\n"
    )
    reply = await world.reply(
        await world.slash("move mend-follows", {"file": upload(data, "lists.csv")}, user=BOB)
    )
    [mended] = reply.files
    assert mended.data.decode("utf-8").splitlines()[0].startswith("\"'=HYPERLINK")
    text = message_text(reply)
    assert "2 lines are not Mastodon accounts and are left out (line 2, 3)" in text
    assert "1 list name began like a spreadsheet formula" in text
    assert not pinged(reply)


async def test_latin1_and_bom_files_are_read_and_said_so(world):
    data = "Café,bob@old.example\n".encode("latin-1")
    reply = await world.reply(
        await world.slash("move mend-follows", {"file": upload(data, "lists.csv")}, user=BOB)
    )
    assert "Latin-1" in message_text(reply)
    assert reply.files[0].data.decode("utf-8") == "Café,bob@old.example\n"
    bom = b"\xef\xbb\xbf" + FOLLOWING_HEADER.encode() + b"\nbob@old.example,true,false,\n"
    reply = await world.reply(
        await world.slash("move mend-follows", {"file": upload(bom)}, user=BOB)
    )
    assert reply.files[0].data == FOLLOWING_HEADER.encode() + b"\nbob@old.example,true,false,\n"


async def test_nothing_from_the_file_is_stored(world):
    await community(world)
    await world.reply(
        await world.slash("move mend-follows", {"file": upload(render("following", source_rows()))})
    )
    store = world.store()
    try:
        dump = "\n".join(store.db.conn.iterdump())
    finally:
        store.close()
    assert "stay01" not in dump
    assert "oth1" not in dump
    assert "gone1" not in dump


async def test_check_import_needs_a_link(world):
    reply = await world.reply(
        await world.slash("move check-import", {"file": upload(b"bob@old.example\n")}, user=BOB)
    )
    assert "/move link" in message_text(reply)
    assert not reply.files


async def test_mending_and_a_complete_import_tick_the_checklist(world):
    await community(world)
    data = await mended_and_looked_up(world, render("following", source_rows()))
    import_following(world.new.state, "alice", data)
    await world.reply(await world.slash("move check-import", {"file": upload(data)}))
    assert set(world.store().checklist(GUILD_ID, ALICE.id)) == {"mend", "import", "check_import"}
    checklist = await world.reply(await world.slash("move checklist"))
    text = message_text(checklist)
    assert text.index("Mend your follows file") < text.index("Import your files")
    assert text.index("Import your files") < text.index("Check your follows arrived")
    assert "✅ [Mend your follows file" in text


async def test_a_file_over_the_follow_limit_is_warned_about(world):
    await world.reply(
        await world.slash("move link", {"old": "alice@old.example", "new": "alice@new.example"})
    )
    world.new.state.get("alice").following_count = 7_490
    data = "".join(f"u{i}@old.example\n" for i in range(30)).encode()
    reply = await world.reply(await world.slash("move mend-follows", {"file": upload(data)}))
    assert "may follow 10 more accounts (limit 7,500, it follows 7,490)" in message_text(reply)


async def test_a_huge_upload_is_refused_without_downloading_it(world):
    data = b"a@old.example\n" * (26 * 1024 * 1024 // 14 + 1)
    record = await world.slash("move mend-follows", {"file": upload(data)}, user=BOB)
    reply = await world.reply(record)
    assert "That file is 26 MB" in message_text(reply)
    assert not reply.files
    assert record.callbacks[0].type == 4  # answered at once: refused before any download
