"""The simulated community: who its members are, and what each one does and when.

Most members move correctly (alias on the new account first, then the move from the old
one); some forget the alias and are refused by the old server, one deletes the old account
before the followers arrived, one moves to another account than the one linked, one never
acts. Each script implies the status the member must end in, which the test checks.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from companion import texts
from companion.core.move_status import MoveStatus
from companion.i18n import N_, NP_, gettext, ngettext
from companion.i18n.labels import mastodon_label, migration_error
from companion.standins.discord import MemberSpec, Perm, UploadedFile
from companion.standins.mastodon import MoveRefusedError
from companion.standins.mastodon.follows import import_following

from .follows import export_following, would_import
from .world import DOWN_SERVER, OTHER_SOFTWARE_SERVER, STRICT_SERVER

if TYPE_CHECKING:
    from .driver import Driver, Reply
    from .follows import FollowsLedger
    from .world import World

ORGANISER_ID = 1300000000000000100
FIRST_MEMBER_ID = 1300000000000000200
HOSTILE_NAME = "@everyone **FREE NITRO** [click](https://evil.example) <@1300000000000000100>"
MIN_MEMBERS = 5
FOLLOWERS_SAVED = 400  # the followers of the member who saves their list (18 stay behind)
# Where some of those followers live (who came along, and why not).

# Followers reach the new account in waves after a move (share of the count at the move).
TRANSFER_WAVES: tuple[tuple[timedelta, float], ...] = (
    (timedelta(hours=6), 0.35),
    (timedelta(hours=18), 0.30),
    (timedelta(hours=36), 0.20),
    (timedelta(hours=60), 0.15),
)


class Script(StrEnum):
    """What a member does during the campaign."""

    CORRECT = "correct"  # alias first, then the move: followers arrive
    FORGOT_ALIAS = "forgot_alias"  # tries to move first, is refused, fixes the alias, moves
    DELETED_TOO_SOON = "deleted_too_soon"  # moves, then deletes the old account at once
    MOVED_ELSEWHERE = "moved_elsewhere"  # moves to another account than the one linked
    NEVER_ACTS = "never_acts"  # does nothing at all


@dataclass
class Persona:
    """One simulated member: who they are on Discord and Mastodon, and their script."""

    spec: MemberSpec
    handle: str  # username on both servers
    script: Script
    consents: bool = True
    verifies: bool = True
    reminders: bool = False
    procrastinates: bool = False
    first_day: float = 1.0  # days after the start when they first act
    followers: int = 100
    hostile: bool = False
    saves_followers: bool = False  # saves the followers list before moving, compares after
    last_reply: str = ""  # text of the bot's last answer to them
    refused: list[str] = field(default_factory=list)  # move refusals they ran into

    @property
    def name(self) -> str:
        """The display name Discord shows."""
        return self.spec.global_name or self.spec.username

    @property
    def expected_status(self) -> str | None:
        """The status the script implies at the end (None: never linked)."""
        return {
            Script.CORRECT: MoveStatus.FOLLOWERS_ARRIVED.value,
            Script.FORGOT_ALIAS: MoveStatus.FOLLOWERS_ARRIVED.value,
            Script.DELETED_TOO_SOON: MoveStatus.OLD_ACCOUNT_GONE.value,
            Script.MOVED_ELSEWHERE: MoveStatus.MOVED_ELSEWHERE.value,
            Script.NEVER_ACTS: None,
        }[self.script]

    @property
    def moves_to_linked_account(self) -> bool:
        """True when the script moves the old account to the account the member linked."""
        return self.script in {Script.CORRECT, Script.FORGOT_ALIAS, Script.DELETED_TOO_SOON}

    @property
    def expected_in_roster(self) -> bool:
        """Listed publicly: moved to the linked account, verified, and said yes."""
        return self.moves_to_linked_account and self.verifies and self.consents


FIRST_NAMES = (
    "Ada", "Zoë", "Sakura", "Ömer", "Priya", "José", "Kwame", "Marie-Claire", "Łukasz", "Thu Hà",
    "Sam", "Björk", "Aroha", "Dmitri", "Fatima", "Jonas", "Leilani", "Mateo", "Niamh", "Oluwaseun",
    "Ingrid", "Rafael", "Saoirse", "Tomás", "Yuki", "Amara", "Chen", "Élodie", "Farid", "Greta",
    "Hamid", "Isla", "Jamal", "Keiko", "Lars", "Maya", "Nadia", "Oskar", "Pita", "Rosa",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "Ångström", "Watanabe", "Yılmaz", "Raman", "Álvarez", "Mensah", "D'Aubigné",
    "Wróbel", "Nguyễn", "Okafor", "Guðmundsdóttir", "Ngata", "Volkov", "Haddad", "Berg",
    "Kahale", "Rossi", "Byrne", "Adeyemi", "Lind", "Costa", "Murphy", "Ferreira", "Tanaka",
)  # fmt: skip
DECORATIONS = ("🌻 {name}", "{name} (she/her)", "{name} 🐦", "Dr. {name}", "{name} | birds & tea")


_NO_DECOMPOSITION = str.maketrans(
    {"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae"}
)


def _ascii(text: str) -> str:
    """A Mastodon username from a name: letters a-z and digits only."""
    plain = text.translate(_NO_DECOMPOSITION)
    folded = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def build_community(count: int, seed: int) -> tuple[MemberSpec, list[Persona]]:
    """The organiser and ``count`` members: one of each special script, the rest correct."""
    if count < MIN_MEMBERS:
        raise ValueError(f"a rehearsal needs at least {MIN_MEMBERS} members (one per script)")
    rng = random.Random(seed)
    organiser = MemberSpec(
        id=ORGANISER_ID,
        username="organiser",
        global_name="Robin (organiser)",
        permissions=int(Perm.MANAGE_GUILD),
    )
    scripts = [
        Script.CORRECT,
        Script.FORGOT_ALIAS,
        Script.DELETED_TOO_SOON,
        Script.MOVED_ELSEWHERE,
        Script.NEVER_ACTS,
    ]
    for _ in range(len(scripts), count):
        scripts.append(Script.FORGOT_ALIAS if rng.random() < 0.12 else Script.CORRECT)
    used: set[str] = set()
    personas = []
    for index, script in enumerate(scripts):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = rng.choice(LAST_NAMES)
        handle = f"{_ascii(first)}_{_ascii(last)}"[:24]
        while handle in used:
            handle = f"{handle[:21]}{rng.randint(10, 99)}"
        used.add(handle)
        display = f"{first} {last}"
        if index == 0:
            display = HOSTILE_NAME
        elif rng.random() < 0.2:
            display = rng.choice(DECORATIONS).format(name=first)
        spec = MemberSpec(
            id=FIRST_MEMBER_ID + index,
            username=handle.replace("_", ".")[:32],
            global_name=display,
            permissions=0,
        )
        persona = Persona(
            spec=spec,
            handle=handle,
            script=script,
            hostile=index == 0,
            followers=int(min(2500, max(3, rng.lognormvariate(4.3, 1.0)))),
        )
        _vary(persona, index, rng)
        personas.append(persona)
    return organiser, personas


def follower_handles(persona: Persona) -> list[str]:
    """Who follows a member who saves their list, on which servers.

    Most on ordinary servers, some on a server whose software ignores moves, some on one
    that suspends the new server, a few on one that is down. Fewer than a tenth stay
    behind, so the followers still count as arrived.
    """
    stay = [(OTHER_SOFTWARE_SERVER, 8), (STRICT_SERVER, 6), (DOWN_SERVER, 4)]
    names = [f"{persona.handle[:12]}fan{i}" for i in range(persona.followers)]
    handles, start = [], 0
    for domain, count in stay:
        handles += [f"{name}@{domain}" for name in names[start : start + count]]
        start += count
    ordinary = ("birds.example", "tea.example", "coast.example")
    handles += [f"{name}@{ordinary[i % 3]}" for i, name in enumerate(names[start:])]
    return handles


def _vary(persona: Persona, index: int, rng: random.Random) -> None:
    """Give correct movers different habits; the first few cover every habit once."""
    if persona.script is Script.NEVER_ACTS:
        return
    persona.first_day = _first_day(rng)
    if persona.script is not Script.CORRECT or index == 0:
        persona.reminders = rng.random() < 0.3
        return
    if index == 5:
        persona.consents = False
        persona.saves_followers = True
        persona.followers = FOLLOWERS_SAVED
    elif index == 6:
        persona.verifies = False
    elif index == 7:
        persona.procrastinates = True
    elif index > 7:
        roll = rng.random()
        persona.consents = roll >= 0.08
        persona.verifies = not 0.08 <= roll < 0.13
        persona.procrastinates = 0.13 <= roll < 0.33
    persona.reminders = persona.procrastinates or rng.random() < 0.2
    if persona.procrastinates:
        persona.first_day = rng.uniform(0.3, 3.0)


def _first_day(rng: random.Random) -> float:
    """Most act in the first days after the announcement, some after a reminder."""
    roll = rng.random()
    if roll < 0.5:
        return rng.uniform(0.1, 3.0)
    if roll < 0.8:
        return rng.uniform(3.0, 7.0)
    return rng.uniform(7.0, 10.5)


# --------------------------------------------------------------------------- the scripts


@dataclass
class Timeline:
    """The campaign's key moments in simulated time."""

    start: datetime
    deadline: datetime
    end: datetime

    def day(self, days: float) -> datetime:
        """``days`` after the start."""
        return self.start + timedelta(days=days)

    @property
    def span(self) -> timedelta:
        """From the start to the end of the rehearsal."""
        return self.end - self.start

    @property
    def calendar_days(self) -> int:
        """Calendar days the rehearsal touches, first and last included (campaign time)."""
        return (self.end.date() - self.start.date()).days + 1

    def day_number(self, moment: datetime) -> int:
        """Which calendar day of the rehearsal ``moment`` falls on (1 is the first)."""
        local = moment.astimezone(self.start.tzinfo)
        return min(self.calendar_days, max(1, (local.date() - self.start.date()).days + 1))


@dataclass
class Stage:
    """What a member's script needs: the world, the driver, the time, the follower waves."""

    world: World
    driver: Driver
    timeline: Timeline
    rng: random.Random
    schedule_transfers: Callable[[Persona, str], None]
    moved: set[int] = field(default_factory=set)
    follows: FollowsLedger | None = None  # the community's follows files (follows.py)

    async def at(self, moment: datetime) -> None:
        """Wait until this simulated moment."""
        await self.world.clock.sleep_until(moment)

    async def pause(self, minutes: float) -> None:
        """A person's pause between two steps."""
        await self.at(self.world.clock.now() + timedelta(minutes=minutes))


async def act(stage: Stage, persona: Persona) -> None:
    """Run one member's script from their first day to their last step."""
    if persona.script is Script.NEVER_ACTS:
        return
    await stage.at(stage.timeline.day(persona.first_day))
    old, new = stage.world.old.state, stage.world.new.state
    if stage.follows is not None:  # the export, as the guide says: before anything else
        stage.follows.exports[persona.handle] = export_following(old, persona.handle)
    driver, spec = stage.driver, persona.spec
    new_account = new.find_username(persona.handle)
    if new_account is None:
        new.create_account(persona.handle, display_name=persona.name)
        driver.note(
            persona.name,
            N_("signed up as {account}"),
            account=f"@{persona.handle}@{new.local_domain}",
        )
    await stage.pause(8)
    reply = await driver.slash(
        spec,
        "move link",
        {
            "old": f"@{persona.handle}@{old.local_domain}",
            "new": f"@{persona.handle}@{new.local_domain}",
        },
    )
    _remember(persona, reply)
    choice = "yes" if persona.consents else "no"
    button = reply.button(f"mc:consent:{choice}:")
    if button is not None:
        await stage.pause(2)
        _remember(persona, await driver.click(spec, *button))
    if persona.reminders:
        await stage.pause(5)
        _remember(persona, await driver.slash(spec, "move reminders", {"setting": "on"}))
    if persona.saves_followers:
        await stage.pause(3)
        _remember(persona, await driver.slash(spec, "move followers"))
    if persona.procrastinates:
        # Links early, then waits for the last reminders before doing the real work.
        await stage.at(stage.timeline.deadline - timedelta(days=stage.rng.uniform(0.4, 2.6)))
    if persona.verifies:
        await stage.pause(10)
        await verify(stage, persona)
    if stage.follows is not None:  # import (mended) on the new account before the move
        await stage.pause(10)
        await mend_and_import(stage, persona, stage.follows)
    await stage.pause(30)
    if persona.script is Script.MOVED_ELSEWHERE:
        await move_elsewhere(stage, persona)
    else:
        await move(stage, persona, alias_first=persona.script is not Script.FORGOT_ALIAS)
    if persona.script is Script.DELETED_TOO_SOON:
        await stage.pause(60 * 8)
        old.delete(persona.handle)
        driver.note(
            persona.name,
            N_("deleted {account} (before the followers had arrived)"),
            account=f"@{persona.handle}@{old.local_domain}",
        )
    # Now and then over the following days: a look at the status card.
    for days in (1.5, 4.0):
        moment = stage.world.clock.now() + timedelta(days=days + stage.rng.uniform(0, 1))
        if moment >= stage.timeline.end - timedelta(hours=6):
            break
        await stage.at(moment)
        _remember(persona, await driver.slash(spec, "move status"))
        if persona.saves_followers and days > 3:
            await stage.pause(5)
            _remember(persona, await driver.slash(spec, "move followers"))


VERIFY_ATTEMPTS = 3
# How an import on Mastodon went, in the 🐘 line after it (each count its own plural).
IMPORT_FOLLOWED = NP_("{count} followed", "{count} followed")
IMPORT_FAILED = NP_("{count} failed", "{count} failed")


def verified_openings(language: str) -> tuple[str, str]:
    """How the bot's "verified" answers begin in the members' language."""
    return tuple(
        gettext(t, language).split("{")[0] for t in (texts.VERIFY_DONE, texts.VERIFY_ALREADY)
    )  # type: ignore[return-value]


async def verify(stage: Stage, persona: Persona) -> None:
    """Get a one-time code, put it in the new account's bio, press Check now.

    Like a member whose code ran out, they ask for a new one when the bot says so.
    """
    driver, spec, new = stage.driver, persona.spec, stage.world.new.state
    verified = verified_openings(driver.language)
    for _attempt in range(VERIFY_ATTEMPTS):
        reply = await driver.slash(spec, "move verify")
        _remember(persona, reply)
        if reply.text.startswith(verified):
            return
        code = reply.code()
        button = reply.button("mc:verify:")
        if code is None or button is None:
            driver.note(persona.name, N_("found no code in the bot's answer"), kind="note")
            return
        await stage.pause(6)
        note = f"<p>Birdwatcher. Verifying for the community bot: {code}</p>"
        new.update_profile(persona.handle, note=note)
        driver.note(
            persona.name,
            N_("put {code} in the bio of {account}"),
            code=code,
            account=f"@{persona.handle}@{new.local_domain}",
        )
        await stage.pause(2)
        answer = await driver.click(spec, *button)
        _remember(persona, answer)
        if answer.text.startswith(verified):
            return
        await stage.pause(10)


async def move(stage: Stage, persona: Persona, *, alias_first: bool) -> None:
    """The move on Mastodon: alias on the new account, then the move from the old one."""
    driver, spec = stage.driver, persona.spec
    old, new = stage.world.old.state, stage.world.new.state
    target = new.actor_uri(persona.handle)
    if alias_first:
        await set_alias(stage, persona, persona.handle)
        await check_again(stage, persona)
    else:
        try:
            old.move(persona.handle, target)
        except MoveRefusedError as refusal:
            persona.refused.append(refusal.code)
            driver.note(
                persona.name,
                N_("tried to move {account} first; {server} refused: “{error}”"),
                account=f"@{persona.handle}@{old.local_domain}",
                server=old.local_domain,
                error=migration_error(refusal.code, driver.language),
            )
        await stage.pause(20)
        await check_again(stage, persona)  # the card now says the alias is missing
        await stage.pause(25)
        await set_alias(stage, persona, persona.handle)
        await check_again(stage, persona)
    await stage.pause(15)
    old.move(persona.handle, target)
    driver.note(
        persona.name,
        N_("moved {old} to {new}"),
        old=f"@{persona.handle}@{old.local_domain}",
        new=f"@{persona.handle}@{new.local_domain}",
    )
    stage.moved.add(spec.id)
    stage.schedule_transfers(persona, persona.handle)
    await stage.pause(20)
    await check_again(stage, persona)


async def move_elsewhere(stage: Stage, persona: Persona) -> None:
    """Link one new account, then move to a second one (a typo, a side account)."""
    driver, old, new = stage.driver, stage.world.old.state, stage.world.new.state
    other = f"{persona.handle[:20]}_art"
    if new.find_username(other) is None:
        new.create_account(other, display_name=f"{persona.name} (art)")
    driver.note(
        persona.name, N_("also signed up as {account}"), account=f"@{other}@{new.local_domain}"
    )
    await set_alias(stage, persona, other)
    await stage.pause(15)
    old.move(persona.handle, new.actor_uri(other))
    driver.note(
        persona.name,
        N_("moved {old} to {new}, not to the account they linked"),
        old=f"@{persona.handle}@{old.local_domain}",
        new=f"@{other}@{new.local_domain}",
    )
    stage.moved.add(persona.spec.id)
    stage.schedule_transfers(persona, persona.handle)
    await stage.pause(20)
    await check_again(stage, persona)


async def set_alias(stage: Stage, persona: Persona, new_username: str) -> None:
    """Add the old account as an alias of a new account ("Moving from a different account")."""
    old, new = stage.world.old.state, stage.world.new.state
    new.set_aliases(new_username, [old.actor_uri(persona.handle)])
    stage.driver.note(
        persona.name,
        N_("added {old} as an alias of {new}"),
        old=f"@{persona.handle}@{old.local_domain}",
        new=f"@{new_username}@{new.local_domain}",
    )


async def check_again(stage: Stage, persona: Persona) -> None:
    """Open the status card and press Check again, as members do after a change."""
    driver, spec = stage.driver, persona.spec
    reply = await driver.slash(spec, "move status")
    _remember(persona, reply)
    button = reply.button("mc:recheck:")
    if button is None or gettext(texts.STATUS_CHECKED_NOW, driver.language) in reply.text:
        return  # /move status asked the servers itself: nothing newer to check
    await stage.pause(2)
    _remember(persona, await driver.click(spec, *button))


def _remember(persona: Persona, reply: Reply) -> None:
    text = reply.text
    if text:
        persona.last_reply = text


async def mend_and_import(stage: Stage, persona: Persona, ledger: FollowsLedger) -> None:
    """/move mend-follows, import the mended file (Merge, Confirm), /move check-import."""
    driver, spec = stage.driver, persona.spec
    old, new = stage.world.old.state, stage.world.new.state
    exported = ledger.exports.get(persona.handle)
    if exported is None:
        return
    ledger.unmended_kept[persona.handle] = would_import(old, exported)
    upload = UploadedFile("file", "following_accounts.csv", "text/csv", exported)
    reply = await driver.slash(
        spec,
        "move mend-follows",
        {"file": upload},
        shown=driver.command_line("move mend-follows", {"file": upload.filename}),
    )
    mended = next((f for m in reply.messages for f in m.files if f.filename.endswith(".csv")), None)
    if mended is None:
        driver.note(persona.name, N_("got no mended file back"), kind="note")
        return
    await stage.pause(10)
    outcome = import_following(new, persona.handle, mended.data)
    language = driver.language
    followed, failed = len(outcome.followed), len(outcome.failed)
    driver.note(
        persona.name,
        N_("imported the mended {file} on {account} ({mode}): {followed}, {failed}"),
        file=mended.filename,
        account=f"@{persona.handle}@{new.local_domain}",
        mode=mastodon_label("import_merge", language),
        followed=ngettext(IMPORT_FOLLOWED, followed, language).format(count=followed),
        failed=ngettext(IMPORT_FAILED, failed, language).format(count=failed),
    )
    await stage.pause(30)
    again = UploadedFile("file", mended.filename, "text/csv", mended.data)
    await driver.slash(
        spec,
        "move check-import",
        {"file": again},
        shown=driver.command_line("move check-import", {"file": again.filename}),
    )
