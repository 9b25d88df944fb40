"""The stand-in's world: accounts, aliases and moves, with Mastodon's own move rules.

No HTTP here: ``server.py`` turns requests into reads of this state, and a simulation
(tests, the rehearsal, benchmarks) calls the methods below to make things happen, the way
members would on a real server. Several stand-ins share one :class:`Fediverse` so a move
on one can see the aliases and follower counts of the account on another.
"""

from __future__ import annotations

import random
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import idna

from companion.core.clock import Clock, SystemClock

from .follow_book import FollowBook


class Flavour(StrEnum):
    """Which server software the stand-in imitates."""

    MASTODON = "mastodon"  # 4.3 or later: multi-get of up to 40 ids
    MASTODON_42 = "mastodon-4.2"  # no multi-get: 404 on /api/v1/accounts?id[]
    GOTOSOCIAL = "gotosocial"  # string ULID ids, no multi-get, 7-day move cooldown
    PLEROMA = "pleroma"  # Akkoma/Pleroma: opaque ids, "(compatible; Pleroma …)" version
    NOT_MASTODON = "not-mastodon"  # WebFinger and nodeinfo work, the client API does not
    # Speaks Mastodon's API, but accounts/lookup matches only the bare username: asked
    # for "alice@its.domain" it answers 404, as some compatible servers do.
    BARE_LOOKUP = "bare-lookup"


@dataclass(frozen=True, slots=True)
class Traits:
    """What differs between the software flavours, in one place."""

    software: str  # nodeinfo software.name
    software_version: str  # nodeinfo software.version
    api_version: str  # /api/v1/instance "version"
    multi_get: bool
    id_style: str  # "snowflake" | "ulid" | "flake"
    actor_style: str  # "ap" (/ap/users/ID) | "users" (/users/NAME)
    cooldown: timedelta
    instance_v2: bool
    account_uri: bool  # whether the REST Account carries "uri"
    shows_moved: bool  # whether the REST Account carries "moved" after a move
    nodeinfo_path: str
    lookup_bare_only: bool = False  # accounts/lookup ignores "user@own.domain" (404)


_MASTODON = Traits(
    software="mastodon",
    software_version="4.5.2",
    api_version="4.5.2",
    multi_get=True,
    id_style="snowflake",
    actor_style="ap",
    cooldown=timedelta(days=30),
    instance_v2=True,
    account_uri=True,
    shows_moved=True,
    nodeinfo_path="/nodeinfo/2.0",
)

TRAITS: dict[Flavour, Traits] = {
    Flavour.MASTODON: _MASTODON,
    Flavour.MASTODON_42: replace(
        _MASTODON,
        software_version="4.2.12",
        api_version="4.2.12",
        multi_get=False,
        actor_style="users",
    ),
    Flavour.GOTOSOCIAL: replace(
        _MASTODON,
        software="gotosocial",
        software_version="0.17.3+git-6d8ba3e",
        api_version="0.17.3+git-6d8ba3e",
        multi_get=False,
        id_style="ulid",
        actor_style="users",
        cooldown=timedelta(days=7),
        account_uri=False,
    ),
    # Whether Pleroma/Akkoma put "moved" in REST accounts is not confirmed: the stand-in
    # leaves it out, so clients must read the actor's movedTo (the cautious assumption).
    Flavour.PLEROMA: replace(
        _MASTODON,
        software="pleroma",
        software_version="2.6.0",
        api_version="2.7.2 (compatible; Pleroma 2.6.0)",
        multi_get=False,
        id_style="flake",
        actor_style="users",
        instance_v2=False,
        account_uri=False,
        shows_moved=False,
        nodeinfo_path="/nodeinfo/2.0.json",
    ),
    Flavour.BARE_LOOKUP: replace(_MASTODON, lookup_bare_only=True),
    Flavour.NOT_MASTODON: replace(
        _MASTODON,
        software="misskey",
        software_version="2024.11.0",
        api_version="2024.11.0",
        multi_get=False,
        id_style="flake",
        actor_style="users",
        instance_v2=False,
        account_uri=False,
        shows_moved=False,
    ),
}


class MoveRefusedError(Exception):
    """Mastodon refused a move; ``code`` is its error key, ``message`` its English text."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(slots=True)
class StandInAccount:
    """One local account and everything the API and the actor show about it."""

    id: str
    username: str
    created_at: datetime
    display_name: str = ""
    note: str = ""  # HTML, as Mastodon stores and serves it
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, HTML value)
    followers_count: int = 0
    following_count: int = 0
    statuses_count: int = 0
    locked: bool = False
    bot: bool = False
    also_known_as: list[str] = field(default_factory=list)  # actor URIs
    moved_to_uri: str | None = None
    moved_snapshot: dict[str, Any] | None = None  # target Account JSON given at move time
    migrations: list[datetime] = field(default_factory=list)  # when each move was made
    followers_at_move: int = 0
    suspended: bool = False
    followers: list[str] = field(default_factory=list)  # accts, oldest follow first
    hide_collections: bool = False  # "hide your network": lists look empty to others
    deleted: bool = False  # 404 everywhere
    gone: bool = False  # deleted for good: WebFinger answers 410

    @property
    def visible(self) -> bool:
        """True while the API still shows the account (suspended ones are shown, flagged)."""
        return not (self.deleted or self.gone)


AccountRef = StandInAccount | str


class Fediverse:
    """Stand-ins that know each other, so moves can check aliases across servers."""

    def __init__(self) -> None:
        self.servers: list[MastodonState] = []
        self.offline: set[str] = set()  # follower domains that are down: no move reaches them
        self.ignores_moves: set[str] = set()  # software names that do not act on a Move

    def delivers_move(self, follower_domain: str, new_domain: str) -> bool:
        """Whether a follower on ``follower_domain`` follows a move to ``new_domain``."""
        if follower_domain in self.offline:
            return False
        for state in self.servers:
            if state.local_domain == follower_domain:
                if state.traits.software in self.ignores_moves:
                    return False
                return state.domain_blocks.get(new_domain) != "suspend"
        return True  # a server outside the simulation: assume it behaves

    def join(self, state: MastodonState) -> None:
        """Add a server (idempotent)."""
        if state not in self.servers:
            self.servers.append(state)

    def find_actor(self, actor_uri: str) -> tuple[MastodonState, StandInAccount] | None:
        """The server and account behind an actor URI, if a member of this fediverse has it."""
        for state in self.servers:
            account = state.account_by_actor_uri(actor_uri)
            if account is not None:
                return state, account
        return None


class MastodonState:
    """Accounts of one server and the rules Mastodon applies to them."""

    def __init__(
        self,
        local_domain: str,
        flavour: Flavour = Flavour.MASTODON,
        *,
        fediverse: Fediverse | None = None,
        clock: Clock | None = None,
        version: str | None = None,
        actor_style: str | None = None,
        seed: int = 0,
        software: str | None = None,
    ) -> None:
        """Create an empty server for ``local_domain`` (Unicode or punycode).

        ``software`` renames the nodeinfo software (e.g. software that ignores moves).
        """
        self.local_domain = idna.encode(local_domain, uts46=True).decode("ascii").lower()
        self.flavour = Flavour(flavour)
        traits = TRAITS[self.flavour]
        if version is not None:
            traits = replace(traits, software_version=version, api_version=version)
        if actor_style is not None:
            traits = replace(traits, actor_style=actor_style)
        if software is not None:
            traits = replace(traits, software=software)
        self.traits = traits
        # Published domain blocks (/api/v1/instance/domain_blocks): domain -> severity.
        self.domain_blocks: dict[str, str] = {}
        self.publish_domain_blocks = False
        self.moved_remote: set[str] = set()  # remote accts whose own account has moved
        self.clock: Clock = clock or SystemClock()
        self.fediverse = fediverse or Fediverse()
        self.fediverse.join(self)
        self.base_url = ""  # set by the HTTP server once it listens, e.g. http://127.0.0.1:5123
        self.lock = threading.RLock()
        self.accounts: dict[str, StandInAccount] = {}
        self._by_username: dict[str, StandInAccount] = {}
        self.follows = FollowBook()  # who local accounts follow (follows.py)
        self._random = random.Random(seed)
        # Different servers hand out different ids, as real ones do.
        self._sequence = zlib.crc32(self.local_domain.encode()) % 4096

    # -- reading ---------------------------------------------------------------------------

    @property
    def web_host(self) -> str:
        """``host:port`` the server answers on (its WEB_DOMAIN)."""
        return self.base_url.split("://", 1)[-1].rstrip("/")

    def get(self, ref: AccountRef) -> StandInAccount:
        """An account by object, id or username (KeyError when unknown)."""
        if isinstance(ref, StandInAccount):
            return ref
        with self.lock:
            found = self.accounts.get(ref) or self._by_username.get(ref.lower().lstrip("@"))
        if found is None:
            raise KeyError(f"no account {ref!r} on {self.local_domain}")
        return found

    def find_username(self, username: str) -> StandInAccount | None:
        """A local account by username, case-insensitively."""
        with self.lock:
            return self._by_username.get(username.lower())

    def actor_uri(self, ref: AccountRef) -> str:
        """The account's ActivityPub id, in this flavour's URL style."""
        account = self.get(ref)
        if self.traits.actor_style == "ap":
            return f"{self.base_url}/ap/users/{account.id}"
        return f"{self.base_url}/users/{account.username}"

    def profile_url(self, ref: AccountRef) -> str:
        """The account's public profile page."""
        return f"{self.base_url}/@{self.get(ref).username}"

    def handle(self, ref: AccountRef) -> str:
        """``user@local_domain``, the handle members type."""
        return f"{self.get(ref).username}@{self.local_domain}"

    def account_by_actor_uri(self, actor_uri: str) -> StandInAccount | None:
        """The local account an actor URI names, if any."""
        prefix = f"{self.base_url}/"
        if not self.base_url or not actor_uri.startswith(prefix):
            return None
        path = actor_uri[len(prefix) :]
        with self.lock:
            if path.startswith("ap/users/"):
                account = self.accounts.get(path.removeprefix("ap/users/"))
            elif path.startswith("users/"):
                account = self._by_username.get(path.removeprefix("users/").lower())
            else:
                return None
        if account is None or self.actor_uri(account) != actor_uri:
            return None
        return account

    def moved_target(self, ref: AccountRef) -> tuple[MastodonState, StandInAccount] | None:
        """Where the account moved, when the target is a known stand-in account."""
        account = self.get(ref)
        if account.moved_to_uri is None:
            return None
        return self.fediverse.find_actor(account.moved_to_uri)

    # -- what members and admins do --------------------------------------------------------

    def create_account(
        self,
        username: str,
        *,
        display_name: str = "",
        note: str = "",
        fields: Iterable[tuple[str, str]] = (),
        followers_count: int = 0,
        following_count: int = 0,
        statuses_count: int = 0,
        locked: bool = False,
        created_at: datetime | None = None,
    ) -> StandInAccount:
        """Sign up a local account (ValueError when the username is taken)."""
        key = username.lower()
        with self.lock:
            if key in self._by_username:
                raise ValueError(f"{username} already exists on {self.local_domain}")
            created = created_at or self.clock.now()
            account = StandInAccount(
                id=self._unique_id(created),
                username=username,
                created_at=created,
                display_name=display_name,
                note=note,
                fields=list(fields),
                followers_count=followers_count,
                following_count=following_count,
                statuses_count=statuses_count,
                locked=locked,
            )
            self.accounts[account.id] = account
            self._by_username[key] = account
        return account

    def update_profile(
        self,
        ref: AccountRef,
        *,
        note: str | None = None,
        fields: Iterable[tuple[str, str]] | None = None,
        followers_count: int | None = None,
    ) -> None:
        """Edit what the profile shows (bio, fields, follower count)."""
        account = self.get(ref)
        with self.lock:
            if note is not None:
                account.note = note
            if fields is not None:
                account.fields = list(fields)
            if followers_count is not None:
                account.followers_count = followers_count

    def set_aliases(self, ref: AccountRef, actor_uris: Sequence[str]) -> None:
        """Replace the account's aliases ("Moving from a different account"), as actor URIs."""
        account = self.get(ref)
        with self.lock:
            account.also_known_as = list(dict.fromkeys(actor_uris))

    def move(
        self,
        old: AccountRef,
        target_actor_uri: str,
        target_account_json: dict[str, Any] | None = None,
        now: datetime | None = None,
        *,
        target_also_known_as: Sequence[str] | None = None,
    ) -> None:
        """Start a move ("Move to a different account"); raise ``MoveRefusedError`` if refused.

        The target's aliases come from ``target_also_known_as`` or, when the target is an
        account of a stand-in in the same fediverse, from that account.
        """
        account = self.get(old)
        moment = now or self.clock.now()
        found = self.fediverse.find_actor(target_actor_uri)
        snapshot: dict[str, Any] | None
        if found is not None:
            target_state, target = found
            aliases = list(target.also_known_as) if target.visible else None
            snapshot = target_account_json or target_state.remote_account_json(target)
        else:
            aliases = list(target_also_known_as) if target_also_known_as is not None else None
            snapshot = target_account_json
        with self.lock:
            # Mastodon's order (AccountMigration): cooldown, then the target checks.
            cooldown = self.traits.cooldown
            if any(moment - when < cooldown for when in account.migrations):
                raise MoveRefusedError("on_cooldown", "You are on cooldown")
            if aliases is None or snapshot is None:
                raise MoveRefusedError("not_found", "could not be found")
            if target_actor_uri == self.actor_uri(account):
                raise MoveRefusedError("move_to_self", "cannot be current account")
            if self.actor_uri(account) not in aliases:
                raise MoveRefusedError("missing_also_known_as", "is not an alias of this account")
            if account.moved_to_uri == target_actor_uri:
                raise MoveRefusedError(
                    "already_moved", "is the same account you have already moved to"
                )
            account.moved_to_uri = target_actor_uri
            account.moved_snapshot = dict(snapshot)
            account.migrations.append(moment)
            account.followers_at_move = account.followers_count

    def cancel_redirect(self, ref: AccountRef) -> None:
        """Cancel the redirect: the profile no longer shows ``moved`` (followers stay moved)."""
        account = self.get(ref)
        with self.lock:
            account.moved_to_uri = None
            account.moved_snapshot = None

    def transfer_followers(self, old: AccountRef, fraction: float) -> int:
        """Move ``fraction`` of the move-time followers to the target; return how many moved."""
        account = self.get(old)
        found = self.moved_target(account)
        if found is None:
            raise ValueError(f"{account.username} has not moved to a known stand-in account")
        target_state, target = found
        with self.lock, target_state.lock:
            count = min(account.followers_count, round(fraction * account.followers_at_move))
            if not account.followers:
                account.followers_count -= count
                target.followers_count += count
                return count
        # Named followers: only those whose server acts on the move come along.
        eligible = [
            acct
            for acct in account.followers
            if self.fediverse.delivers_move(
                acct.rsplit("@", 1)[1] if "@" in acct else self.local_domain,
                target_state.local_domain,
            )
        ]
        return self.arrive_followers(account, eligible[:count])

    def suspend(self, ref: AccountRef) -> None:
        """Suspend the account: the API shows it with ``"suspended": true`` and nothing else."""
        account = self.get(ref)
        with self.lock:
            account.suspended = True

    def delete(self, ref: AccountRef, *, gone: bool = False) -> None:
        """Delete the account (404); ``gone`` makes WebFinger answer 410 as for a tombstone."""
        account = self.get(ref)
        with self.lock:
            account.deleted = True
            account.gone = gone

    # -- followers and following ---------------------------------------------------------

    def set_followers(self, ref: AccountRef, accts: Iterable[str]) -> None:
        """Replace who follows the account (``user@domain``, or a local username)."""
        account = self.get(ref)
        with self.lock:
            account.followers = list(dict.fromkeys(accts))
            account.followers_count = len(account.followers)

    def arrive_followers(self, old: AccountRef, accts: Iterable[str]) -> int:
        """Followers move from the old account to the one it moved to, as servers do."""
        account = self.get(old)
        found = self.moved_target(account)
        if found is None:
            raise ValueError(f"{account.username} has not moved to a known stand-in account")
        target_state, target = found
        moving = set(accts) & set(account.followers)
        with self.lock, target_state.lock:
            account.followers = [a for a in account.followers if a not in moving]
            account.followers_count = len(account.followers)
            # An acct is local (no domain) on its own server and carries it everywhere else.
            seen = [a if "@" in a else f"{a}@{self.local_domain}" for a in sorted(moving)]
            suffix = f"@{target_state.local_domain}"
            seen = [a.removesuffix(suffix) for a in seen]
            target.followers = list(dict.fromkeys([*target.followers, *seen]))
            target.followers_count = len(target.followers)
        return len(moving)

    def block_domain(self, domain: str, severity: str = "suspend") -> None:
        """An admin limits ("silence") or suspends a whole server, and publishes it."""
        with self.lock:
            self.domain_blocks[domain] = severity
            self.publish_domain_blocks = True

    # -- JSON views (the Account entity is built at the end of this module) ------------------

    def account_json(self, ref: AccountRef) -> dict[str, Any]:
        """The REST Account as this server shows it to anyone."""
        return account_json(self, self.get(ref))

    def remote_account_json(self, ref: AccountRef) -> dict[str, Any]:
        """The Account as another server shows it (``acct`` carries the domain)."""
        data = self.account_json(ref)
        data["acct"] = self.handle(ref)
        data.pop("moved", None)
        return data

    # -- ids -----------------------------------------------------------------------------------

    def _unique_id(self, created: datetime) -> str:
        ident = self._next_id(created)
        while ident in self.accounts:
            ident = self._next_id(created)
        return ident

    def _next_id(self, created: datetime) -> str:
        """A new id in this flavour's style (Mastodon snowflake, GoToSocial ULID, flake id)."""
        self._sequence += 1
        millis = int(created.astimezone(UTC).timestamp() * 1000)
        if self.traits.id_style == "snowflake":
            return str((millis << 16) + self._sequence % 65536)
        if self.traits.id_style == "ulid":
            value = (millis << 80) | (self._random.getrandbits(64) << 16) | self._sequence
            return _encode(value, _CROCKFORD, 26)
        value = (millis << 64) | (self._random.getrandbits(48) << 16) | self._sequence
        return _encode(value, _BASE62, 22)


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _encode(value: int, alphabet: str, width: int) -> str:
    digits = []
    base = len(alphabet)
    for _ in range(width):
        value, rest = divmod(value, base)
        digits.append(alphabet[rest])
    return "".join(reversed(digits))


# -- the REST Account entity (payloads.py builds the other bodies) ------------------------


def account_json(state: MastodonState, account: StandInAccount) -> dict[str, Any]:
    """The REST Account entity; ``moved`` only when moved (absent, not null, otherwise)."""
    data = _account_core(state, account)
    if account.moved_to_uri is not None and state.traits.shows_moved:
        data["moved"] = _moved_json(state, account)
    return data


def _account_core(state: MastodonState, account: StandInAccount) -> dict[str, Any]:
    base = state.base_url
    hidden = account.suspended
    avatar = f"{base}/avatars/original/missing.png"
    header = f"{base}/headers/original/missing.png"
    data: dict[str, Any] = {
        "id": account.id,
        "username": account.username,
        "acct": account.username,
        "display_name": "" if hidden else account.display_name,
        "locked": account.locked,
        "bot": account.bot,
        "discoverable": None if hidden else True,
        "indexable": False,
        "group": False,
        "created_at": date_midnight(account.created_at),
        "note": "" if hidden else account.note,
        "url": state.profile_url(account),
        "uri": state.actor_uri(account),
        "avatar": avatar,
        "avatar_static": avatar,
        "avatar_description": "",
        "header": header,
        "header_static": header,
        "header_description": "",
        "followers_count": 0 if hidden else account.followers_count,
        "following_count": 0 if hidden else account.following_count,
        "statuses_count": 0 if hidden else account.statuses_count,
        "last_status_at": None if hidden or not account.statuses_count else "2026-08-01",
        "hide_collections": account.hide_collections,
        "show_media": True,
        "show_media_replies": True,
        "show_featured": True,
        "noindex": False,
        "feature_approval": {"automatic": [], "manual": [], "current_user": "denied"},
        "emojis": [],
        "roles": [],
        "fields": []
        if hidden
        else [
            {"name": name, "value": value, "verified_at": None} for name, value in account.fields
        ],
    }
    if not state.traits.account_uri:
        del data["uri"]
    if hidden:
        data["suspended"] = True
    return data


def _moved_json(state: MastodonState, account: StandInAccount) -> dict[str, Any] | None:
    """The target embedded one level deep; null when the target is no longer available."""
    found = state.moved_target(account)
    if found is not None:
        target_state, target = found
        if not target.visible or target.suspended:
            return None
        return target_state.remote_account_json(target)
    if account.moved_snapshot is None:
        return None
    snapshot = dict(account.moved_snapshot)
    snapshot.pop("moved", None)  # only one level deep
    return snapshot


def date_midnight(moment: datetime) -> str:
    """Mastodon rounds ``created_at`` to the day in API answers."""
    return moment.strftime("%Y-%m-%dT00:00:00.000Z")
