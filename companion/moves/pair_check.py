"""The single check: one linked pair asked of both servers, asking only what it needs.

A member is checked in this order:

1. the old account on its home server (by stored id when resolved, else by lookup);
   where the software may hide ``moved`` (Pleroma/Akkoma) the old actor's ``movedTo``;
2. the new account on its home server (skipped when the old account is gone);
3. before the move only: the new account's actor (``alsoKnownAs``), from the URI the
   server gave. Bulk rechecks reuse a recent alias reading instead of fetching again.

An account is called missing only when its server's WebFinger agrees. Server trouble
never raises: it becomes ``server_unreachable`` or ``unsupported_server`` with the reason.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from companion.core.handles import Handle
from companion.core.models import CachedAccount
from companion.core.move_facts import (
    AccountFacts,
    AliasAnswer,
    AliasFacts,
    Answer,
    CachedAccounts,
    Evidence,
    MovedTarget,
    MoveFacts,
)
from companion.core.move_report import MoveReport, build_report
from companion.core.move_rules import MoveRules
from companion.i18n import N_, _

from .client import is_home_account, lookup_home
from .discovery import Server, ServerDirectory, server_evidence
from .problems import ANOTHER_ACCOUNT, UNEXPECTED_ERROR, ServerProblem, Trouble, classify
from .webfinger import (
    also_known_as,
    fetch_actor,
    host_of,
    is_full_actor,
    moved_to,
    webfinger,
)

log = logging.getLogger(__name__)

_ABSENT = {Answer.NOT_FOUND, Answer.GONE, Answer.SUSPENDED}

# Why a check could not tell, worded when observed (companion check and the store show them).
UNEXPECTED_WHILE_CHECKING = N_("unexpected error while checking ({kind}); it was logged")
NOT_THE_OLD_SERVER = N_(
    "{domain} is not the campaign's old server ({old_server}); "
    "the bot only contacts the campaign's servers"
)
DELETED_FOR_GOOD = N_("{handle} was deleted for good (its server answers 410 Gone)")
UNKNOWN_TO_SERVER = N_("{host} does not know {handle} (API and WebFinger agree)")
STILL_LISTED = N_(
    "could not confirm {handle}: {host}'s API does not find it, but its WebFinger still "
    "lists the account, so the bot does not call it gone"
)
WEBFINGER_SILENT = N_(
    "could not confirm {handle}: {host}'s API does not find it, and WebFinger could not be "
    "asked ({reason})"
)
ACTOR_UNKNOWN = N_("the profile (actor) address is unknown")
MOVE_UNREADABLE = N_("the move could not be read: {reason}")
PROFILE_HIDDEN = N_("the server hides the profile from the bot")
NO_ACTOR_ADDRESS = N_("the new server does not say where the profile (actor) is")
SIGNED_ONLY = N_(
    "{host} only shows profiles to signed requests (authorized fetch), so the alias cannot be read"
)
MINIMAL_PROFILE = N_(
    "{host} shows only a minimal profile to unsigned requests (authorized fetch), so the "
    "alias cannot be read"
)
TOKEN_NEEDED = N_(
    "{host} requires an access token for this (a locked-down server); "
    "set servers.{domain}.access_token"
)
TOKEN_REFUSED = N_("{host} refused the configured access token ({reason})")
TOKEN_NOT_SENT = N_("{host} requires an access token, and the configured one was not sent: {why}")


@dataclass(frozen=True, slots=True)
class MemberPair:
    """One linked member to recheck, with what the store remembers about them."""

    old: Handle
    new: Handle
    recorded_followers: int | None = None
    cached: CachedAccounts | None = None
    previous: MoveReport | None = None


@dataclass(slots=True)
class Prefetch:
    """Accounts fetched in batches before the member checks, by (API host, id)."""

    accounts: dict[tuple[str, str], dict[str, Any] | ServerProblem] = field(default_factory=dict)
    covered: set[tuple[str, str]] = field(default_factory=set)
    # Lookups already sent during this check's discovery, by handle.
    lookups: dict[Handle, Future[tuple[dict[str, Any], str]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Call:
    """What one check or recheck was asked with."""

    rules: MoveRules
    guide: str
    old_server: str | None = None

    def report(
        self,
        pair: MemberPair,
        facts: MoveFacts,
        now: datetime,
        accounts: CachedAccounts | None,
        evidence: tuple[Evidence, ...] = (),
    ) -> MoveReport:
        """The pair's report under this call's rules and guide, the last report carried over."""
        return build_report(
            facts,
            self.rules,
            guide_base=self.guide,
            checked_at=now,
            previous=pair.previous,
            accounts=accounts,
            extra_evidence=evidence,
        )

    def contacts(self, domain: str, *, old: bool) -> bool:
        """Whether a handle on ``domain`` may be contacted for this call."""
        wanted = self.old_server if old else self.rules.new_server
        return not wanted or domain == wanted


class PairCheck:
    """Checks one pair on a worker thread against the servers the directory knows."""

    def __init__(self, servers: ServerDirectory) -> None:
        """Check through ``servers``, with its timeout and address policy."""
        self.servers = servers
        self.timeout = servers.timeout
        self.policy = servers.policy

    def check(
        self,
        pair: MemberPair,
        now: datetime,
        prefetch: Prefetch,
        alias_max_age: timedelta,
        call: Call,
    ) -> MoveReport:
        """Check one member on a worker thread; a bug in one check cannot sink a recheck."""
        try:
            return self._check(pair, now, prefetch, alias_max_age, call)
        except Exception as exc:
            log.exception("checking %s -> %s failed", pair.old, pair.new)
            facts = AccountFacts(
                handle=str(pair.old),
                answer=Answer.UNREACHABLE,
                server=pair.old.domain,
                observed_at=now,
                reason=_(UNEXPECTED_WHILE_CHECKING).format(kind=type(exc).__name__),
            )
            facts_now = MoveFacts(pair.old, pair.new, facts, None, None, pair.recorded_followers)
            return call.report(pair, facts_now, now, pair.cached)

    def _check(
        self,
        pair: MemberPair,
        now: datetime,
        prefetch: Prefetch,
        alias_max_age: timedelta,
        call: Call,
    ) -> MoveReport:
        cached = pair.cached or CachedAccounts()
        if not call.contacts(pair.new.domain, old=False):
            facts = MoveFacts(pair.old, pair.new, recorded_followers=pair.recorded_followers)
            return call.report(pair, facts, now, cached)
        if not call.contacts(pair.old.domain, old=True):
            reason = _(NOT_THE_OLD_SERVER).format(
                domain=pair.old.domain, old_server=call.old_server
            )
            old_facts = AccountFacts(
                str(pair.old), Answer.UNSUPPORTED, pair.old.domain, now, reason=reason
            )
            facts = MoveFacts(pair.old, pair.new, old_facts, None, None, pair.recorded_followers)
            return call.report(pair, facts, now, cached)
        evidence: list[Evidence] = []
        old_server = self.servers.server(pair.old.domain, pair.old)
        evidence.append(server_evidence(old_server))
        old, old_ref = self._account(old_server, pair.old, cached.old, prefetch, now)
        if old.found:
            old, old_ref = self._settle_move(old_server, pair.old, old, old_ref)
        new: AccountFacts | None = None
        new_ref, new_server = cached.new, None
        if old.answer not in _ABSENT:
            new_server = self.servers.server(pair.new.domain, pair.new)
            if new_server is not old_server:
                evidence.append(server_evidence(new_server))
            new, new_ref = self._account(new_server, pair.new, cached.new, prefetch, now)
        alias_used: AliasFacts | None = None
        alias_kept = cached.alias
        before_move = old.found and old.moved is None and old.moved_visible
        if before_move and new is not None and new.found and new_server is not None:
            alias_used = _reusable_alias(cached.alias, new, now, alias_max_age)
            if alias_used is None:
                new, new_ref = self._with_actor_uri(new_server, pair.new, new, new_ref)
                alias_used = self._alias(new_server, new, now)
            alias_kept = alias_used
            if alias_used.answer is AliasAnswer.READ and old.actor_uri is None:
                old, old_ref = self._with_actor_uri(old_server, pair.old, old, old_ref)
        facts = MoveFacts(
            pair.old,
            pair.new,
            old,
            new,
            alias_used,
            pair.recorded_followers,
            old_software=old_server.info.software,
        )
        accounts = CachedAccounts(old_ref, new_ref, alias_kept)
        return call.report(pair, facts, now, accounts, tuple(evidence))

    def _account(
        self,
        server: Server,
        handle: Handle,
        ref: CachedAccount | None,
        prefetch: Prefetch,
        now: datetime,
    ) -> tuple[AccountFacts, CachedAccount | None]:
        """The account's facts from its home server: by stored id when possible."""
        if not server.usable or server.client is None:
            answer = Answer.UNSUPPORTED if server.info.reachable else Answer.UNREACHABLE
            return trouble_facts(handle, server, answer, server.info.reason, now), ref
        client = server.client
        raw: dict[str, Any] | None = None
        asked = ""
        if ref is not None and ref.handle == handle and ref.api_host == server.api_host:
            key = (server.api_host, ref.account_id)
            if key in prefetch.accounts:
                got = prefetch.accounts[key]
                if isinstance(got, ServerProblem):
                    return problem_facts(handle, server, got, now, "accounts batch"), ref
                raw, asked = got, "GET /api/v1/accounts?id[] (batch)"
            elif key not in prefetch.covered:
                try:
                    raw = client.account(ref.account_id)
                    asked = f"GET /api/v1/accounts/{ref.account_id}"
                except ServerProblem as problem:
                    if problem.trouble not in {Trouble.NOT_FOUND, Trouble.GONE}:
                        return problem_facts(handle, server, problem, now, "account"), ref
            if raw is not None and not is_home_account(raw, handle):
                raw = None  # the id now names someone else: resolve the handle again
        if raw is None:
            early = prefetch.lookups.pop(handle, None)
            try:
                raw, asked = early.result() if early is not None else lookup_home(client, handle)
            except ServerProblem as problem:
                if problem.trouble in {Trouble.NOT_FOUND, Trouble.GONE}:
                    return self._confirm_missing(server, handle, problem, now), None
                return problem_facts(handle, server, problem, now, "lookup"), ref
            if not is_home_account(raw, handle):
                reason = _(ANOTHER_ACCOUNT).format(host=server.api_host, handle=handle)
                return trouble_facts(handle, server, Answer.UNSUPPORTED, reason, now), ref
        facts = _account_facts(raw, handle, server, asked, now)
        same = ref is not None and ref.account_id == str(raw["id"]) and ref.handle == handle
        new_ref = CachedAccount(
            handle=handle,
            api_host=server.api_host,
            account_id=str(raw["id"]),
            actor_uri=facts.actor_uri or (ref.actor_uri if same and ref else None),
            resolved_at=ref.resolved_at if same and ref else now,
        )
        if facts.actor_uri is None and new_ref.actor_uri is not None:
            facts = replace(facts, actor_uri=new_ref.actor_uri)
        return facts, new_ref

    def _webfinger(self, server: Server, handle: Handle) -> Any:
        """Ask the handle's server about it, with this checker's timeout and address policy."""
        return webfinger(
            server.session,
            server.start,
            handle.acct,
            timeout=self.timeout,
            policy=self.policy,
            template=server.template,
        )

    def _confirm_missing(
        self, server: Server, handle: Handle, problem: ServerProblem, now: datetime
    ) -> AccountFacts:
        """The API does not know the account: only WebFinger's agreement makes it missing.

        A false "account gone" tells a member their followers may be lost, so an account
        is missing only when its own server's WebFinger says so too (404, or 410 for
        deleted for good). While WebFinger still lists it, or cannot be asked, the answer
        is "could not confirm", and the reason says what.
        """
        asked = "lookup (with and without the domain), then WebFinger"
        try:
            found = self._webfinger(server, handle)
        except ServerProblem as webfinger_problem:
            if webfinger_problem.trouble is Trouble.GONE or problem.trouble is Trouble.GONE:
                reason = _(DELETED_FOR_GOOD).format(handle=handle)
                return trouble_facts(handle, server, Answer.GONE, reason, now, asked=asked)
            if webfinger_problem.trouble is Trouble.NOT_FOUND:
                reason = _(UNKNOWN_TO_SERVER).format(host=server.api_host, handle=handle)
                return trouble_facts(handle, server, Answer.NOT_FOUND, reason, now, asked=asked)
            second = webfinger_problem.reason
        except Exception as exc:  # a bug in the second opinion must not make it "gone"
            log.exception("WebFinger for %s failed", handle)
            second = _(UNEXPECTED_ERROR).format(kind=type(exc).__name__)
        else:
            log.debug("WebFinger lists %s at %s", handle, found.actor_uri)
            reason = _(STILL_LISTED).format(handle=handle, host=server.api_host)
            return trouble_facts(handle, server, Answer.UNREACHABLE, reason, now, asked=asked)
        reason = _(WEBFINGER_SILENT).format(handle=handle, host=server.api_host, reason=second)
        return trouble_facts(handle, server, Answer.UNREACHABLE, reason, now, asked=asked)

    def _settle_move(
        self,
        server: Server,
        handle: Handle,
        facts: AccountFacts,
        ref: CachedAccount | None,
    ) -> tuple[AccountFacts, CachedAccount | None]:
        """Read the old actor's movedTo where the REST answer cannot say where it moved."""
        target_unnamed = facts.moved is not None and not (
            facts.moved.acct or facts.moved.uri or facts.moved.url
        )
        if facts.moved_visible and not target_unnamed:
            return facts, ref
        facts, ref = self._with_actor_uri(server, handle, facts, ref)
        if facts.actor_uri is None:
            return replace(facts, reason=_(ACTOR_UNKNOWN)), ref
        try:
            actor = fetch_actor(server.session, facts.actor_uri, timeout=self.timeout)
        except Exception as exc:
            problem = classify(exc, host_of(facts.actor_uri), timeout=self.timeout)
            return replace(facts, reason=_(MOVE_UNREADABLE).format(reason=problem.reason)), ref
        if not is_full_actor(actor):
            return replace(facts, reason=_(PROFILE_HIDDEN)), ref
        target = moved_to(actor)
        moved = MovedTarget(uri=target) if target else None
        return replace(facts, moved=moved, moved_visible=True, reason=""), ref

    def _with_actor_uri(
        self,
        server: Server,
        handle: Handle,
        facts: AccountFacts,
        ref: CachedAccount | None,
    ) -> tuple[AccountFacts, CachedAccount | None]:
        """Make sure the actor URI is known: the Account's ``uri``, else WebFinger ``self``."""
        if facts.actor_uri is not None:
            return facts, ref
        if ref is not None and ref.actor_uri:
            return replace(facts, actor_uri=ref.actor_uri), ref
        try:
            answer = self._webfinger(server, handle)
        except Exception as exc:
            log.debug("WebFinger for %s failed: %s", handle, exc)
            return facts, ref
        if answer.actor_uri is None:
            return facts, ref
        if ref is not None:
            ref = replace(ref, actor_uri=answer.actor_uri)
        return replace(facts, actor_uri=answer.actor_uri), ref

    def _alias(self, server: Server, new: AccountFacts, now: datetime) -> AliasFacts:
        """Read the new account's aliases from its actor; unknown is never "missing"."""
        uri = new.actor_uri
        if uri is None:
            return AliasFacts(
                AliasAnswer.UNREADABLE,
                server.api_host,
                now,
                reason=_(NO_ACTOR_ADDRESS),
            )
        host = host_of(uri)
        try:
            actor = fetch_actor(server.session, uri, timeout=self.timeout)
        except Exception as exc:
            problem = classify(exc, host, timeout=self.timeout)
            if problem.trouble is Trouble.UNAUTHORIZED:
                answer, reason = AliasAnswer.UNREADABLE, _(SIGNED_ONLY).format(host=host)
            elif problem.trouble in {Trouble.NOT_FOUND, Trouble.GONE}:
                answer, reason = AliasAnswer.UNREADABLE, problem.reason
            elif problem.trouble in {Trouble.NOT_JSON, Trouble.BAD_SHAPE}:
                answer, reason = AliasAnswer.UNSUPPORTED, problem.reason
            else:
                answer, reason = AliasAnswer.UNREACHABLE, problem.reason
            return AliasFacts(answer, host, now, actor_uri=uri, reason=reason)
        if not is_full_actor(actor):
            return AliasFacts(
                AliasAnswer.UNREADABLE,
                host,
                now,
                actor_uri=uri,
                reason=_(MINIMAL_PROFILE).format(host=host),
            )
        return AliasFacts(
            AliasAnswer.READ, host, now, actor_uri=uri, also_known_as=also_known_as(actor)
        )


def trouble_facts(
    handle: Handle,
    server: Server,
    answer: Answer,
    reason: str,
    now: datetime,
    *,
    asked: str = "",
) -> AccountFacts:
    """Facts for an account its server could not show, with the reason."""
    return AccountFacts(
        handle=str(handle),
        answer=answer,
        server=server.api_host,
        observed_at=now,
        asked=asked or f"account {handle}",
        reason=reason,
    )


def problem_facts(
    handle: Handle, server: Server, problem: ServerProblem, now: datetime, what: str
) -> AccountFacts:
    """Facts for an account whose server answered with a problem, in plain words."""
    answer = problem.answer
    if problem.trouble is Trouble.NOT_JSON and server.info.supported:
        # A Mastodon server showing a web page is in trouble (maintenance, proxy error),
        # not a different kind of server.
        answer = Answer.UNREACHABLE
    if problem.trouble is Trouble.UNAUTHORIZED:
        reason = _unauthorized_reason(server, problem)
    else:
        reason = problem.reason
    return trouble_facts(handle, server, answer, reason, now, asked=what)


def _unauthorized_reason(server: Server, problem: ServerProblem) -> str:
    """Say what to do about a 401: configure a token, or fix the one configured."""
    note = server.info.auth
    if note == "anonymous":
        return _(TOKEN_NEEDED).format(host=server.api_host, domain=server.domain)
    if note == "token":
        return _(TOKEN_REFUSED).format(host=server.api_host, reason=problem.reason)
    return _(TOKEN_NOT_SENT).format(host=server.api_host, why=note)


def _reusable_alias(
    alias: AliasFacts | None, new: AccountFacts, now: datetime, max_age: timedelta
) -> AliasFacts | None:
    """A recent enough alias reading for the same actor, or None."""
    if alias is None or max_age <= timedelta(0):
        return None
    if alias.answer not in {AliasAnswer.READ, AliasAnswer.UNREADABLE}:
        return None
    if new.actor_uri is not None and alias.actor_uri != new.actor_uri:
        return None
    if now - alias.observed_at > max_age:
        return None
    return alias


def _qualify(acct: Any, home_domain: str) -> str | None:
    """An ``acct`` as a canonical handle (local accounts get the server's domain)."""
    if not isinstance(acct, str) or not acct.strip():
        return None
    text = acct.strip().lstrip("@")
    if "@" not in text:
        text = f"{text}@{home_domain}"
    return _canonical(text)


@functools.lru_cache(maxsize=65536)
def _canonical(acct: str) -> str:
    """Parsing (IDNA included) is slow enough to matter across a community: cache it."""
    handle = Handle.try_parse(acct)
    return str(handle) if handle else acct


def _http_uri(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def _account_facts(
    raw: Mapping[str, Any], handle: Handle, server: Server, asked: str, now: datetime
) -> AccountFacts:
    """Facts from one raw Account: ``moved`` absent means not moved, null means target gone."""
    moved: MovedTarget | None = None
    if "moved" in raw:
        target = raw["moved"]
        if isinstance(target, Mapping):
            moved = MovedTarget(
                acct=_qualify(target.get("acct"), handle.domain),
                uri=_http_uri(target.get("uri")),
                url=_http_uri(target.get("url")),
            )
        else:
            moved = MovedTarget()
    followers = raw.get("followers_count")
    if not isinstance(followers, int) or isinstance(followers, bool):
        followers = None
    suspended = raw.get("suspended") is True
    return AccountFacts(
        handle=str(handle),
        answer=Answer.SUSPENDED if suspended else Answer.FOUND,
        server=server.api_host,
        observed_at=now,
        asked=asked,
        reason="suspended by its server" if suspended else "",
        account_id=str(raw["id"]),
        actor_uri=_http_uri(raw.get("uri")),
        profile_url=_http_uri(raw.get("url")),
        followers_count=followers,
        moved=moved,
        moved_visible=server.info.moved_visible or moved is not None,
        locked=raw.get("locked") is True,
        software=server.info.software,
    )
