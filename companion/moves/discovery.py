"""Server discovery: where each handle domain's API lives and what the server is.

Each server is discovered once (host-meta, else WebFinger, then nodeinfo and the instance
endpoint) and remembered for a while (an unreachable one for a minute, a guess until a
few handles have been tried). Discovery sends its independent requests at once
(host-meta, nodeinfo and the instance endpoint at the configured address, and for a
member's own check the account lookup too), so a first contact with slow servers costs
three round trips, not six one after the other. Only the campaign's servers (``contact``)
are ever asked.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import requests

from companion import USER_AGENT
from companion.core.handles import Handle
from companion.core.move_facts import (
    Evidence,
)
from companion.i18n import N_, _
from companion.settings import Settings

from .client import MastodonClient, lookup_home
from .http import build_session
from .netguard import AddressPolicy, origin_of
from .problems import ServerProblem, Trouble, classify
from .rate_limit import GateRegistry
from .servers import ServerInfo, describe
from .webfinger import (
    fetch_nodeinfo,
    host_meta_template,
    host_of,
    origin_url,
    webfinger,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# A server found unreachable is asked again after this long, even within one checker.
_RETRY_UNREACHABLE = timedelta(seconds=60)
# Discovery that finds neither host-meta nor a WebFinger answer is retried with the next
# few handles (the first one may not exist), then the guess (the handle's domain) stands.
_DISCOVERY_TRIES = 3
# Reasons are worded when observed: organisers read them in /campaign setup straight away.
NOT_A_CAMPAIGN_SERVER = N_(
    "{domain} is not one of the campaign's servers; the bot only contacts those"
)
TOKEN_WITHHELD = N_(
    "access token withheld: it is configured for {configured}, but the API is at {api}"
)
NOT_THE_CLIENT_API = N_("{reason}: it does not answer the Mastodon client API")
FOUND_SERVER = N_("{software}; API at {address}")
NO_BATCH = N_("no batch lookups (one request per account)")
NOT_USABLE = N_("not usable")
_DOWN = frozenset({Trouble.TIMEOUT, Trouble.NETWORK, Trouble.REFUSED_ADDRESS, Trouble.TOO_LARGE})


@dataclass(slots=True)
class Server:
    """One handle domain as discovered: where its API is and what it is."""

    domain: str
    start: str  # configured api_base_url, or https://domain
    api_base: str
    template: str | None  # WebFinger template from host-meta
    session: requests.Session
    client: MastodonClient | None
    info: ServerInfo
    confirmed: bool = True  # False when discovery found nothing better than a guess
    multi_get: bool = False
    attempts: int = 1  # discoveries that ended in a guess
    tried: frozenset[Handle] = frozenset()  # probe handles those discoveries asked about
    # Lookups sent alongside discovery (a member's own check); ``check`` takes them at once.
    early: dict[Handle, Future[tuple[dict[str, Any], str]]] = field(default_factory=dict)

    @property
    def api_host(self) -> str:
        """The host the API answers on (not always the handle's domain)."""
        return host_of(self.api_base)

    @property
    def usable(self) -> bool:
        """True when accounts can be read here."""
        return self.client is not None and self.info.reachable and self.info.supported


class ServerDirectory:
    """Every handle domain's server, discovered once and shared by all checks."""

    def __init__(
        self,
        settings: Settings,
        *,
        now: Callable[[], datetime],
        policy: AddressPolicy,
        gates: GateRegistry,
        contact: frozenset[str] | None,
        max_response_bytes: int,
        server_ttl: timedelta,
        fanout_workers: int,
    ) -> None:
        """Prepare the caches; nothing is contacted until asked."""
        self.settings = settings
        self.timeout = settings.request_timeout
        self.policy = policy
        self.gates = gates
        self.server_ttl = server_ttl
        self.max_response_bytes = max_response_bytes
        self._now = now
        self._contact = contact
        # Single requests sent side by side during discovery. Only leaves run here (they
        # never wait on this pool themselves), so it cannot deadlock.
        self._fanout = ThreadPoolExecutor(
            max_workers=fanout_workers, thread_name_prefix="move-fanout"
        )
        self._servers: dict[str, Server] = {}
        self._sessions: dict[str, requests.Session] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def close(self) -> None:
        """Stop the side-by-side requests and close every session."""
        self._fanout.shutdown(wait=True, cancel_futures=True)
        for session in self._sessions.values():
            session.close()

    def known(self, domain: str) -> Server | None:
        """The server as last discovered, without asking anything."""
        return self._servers.get(domain)

    def _side_by_side(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Send one request on the fanout pool, carrying this thread's context."""
        return self._fanout.submit(contextvars.copy_context().run, fn, *args)

    def _lock(self, domain: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(domain, threading.Lock())

    def server(
        self, domain: str, probe: Handle | None, fresh: bool = False, early: bool = False
    ) -> Server:
        """The server behind a handle domain, discovered once and reused for a while.

        ``early``: when discovery is needed, look ``probe`` up alongside it.
        """
        with self._lock(domain):
            known = self._servers.get(domain)
            if known is not None and not fresh and not self._stale(known, probe):
                return known
            server = self._discover(domain, probe, known, early=early)
            if probe is not None:
                server.tried = frozenset({probe})
            if known is not None and not server.confirmed:
                server.attempts = known.attempts + 1
                server.tried |= known.tried
            self._servers[domain] = server
            return server

    def early(self, handle: Handle) -> Server | None:
        """Discover a handle's server ahead of its check; a bug here is left to the check."""
        try:
            return self.server(handle.domain, handle, False, True)
        except Exception:
            log.exception("discovering %s failed", handle.domain)
            return None

    def _stale(self, server: Server, probe: Handle | None) -> bool:
        age = self._now() - server.info.checked_at
        if not server.info.reachable:
            return age > _RETRY_UNREACHABLE
        if (
            not server.confirmed
            and probe is not None
            and probe not in server.tried
            and server.attempts < _DISCOVERY_TRIES
        ):
            return True  # a guess: let the next handle's WebFinger confirm it
        return age > self.server_ttl

    def _session(self, domain: str, token_origin: tuple[str, str, int] | None) -> requests.Session:
        session = self._sessions.get(domain)
        if session is None:
            session = build_session(
                policy=self.policy,
                gates=self.gates,
                user_agent=USER_AGENT,
                max_bytes=self.max_response_bytes,
                token_origin=token_origin,
                max_seconds=self.timeout,
            )
            self._sessions[domain] = session
        return session

    def _discover(
        self, domain: str, probe: Handle | None, known: Server | None, *, early: bool = False
    ) -> Server:
        """Find where the API lives (host-meta, else WebFinger) and what the server is.

        The API is almost always at the configured address, so nodeinfo, the instance
        endpoint (and with ``early`` the probe's lookup) are asked there at the same time
        as host-meta; only when discovery points elsewhere are they asked again there.
        """
        now = self._now()
        configured = self.settings.servers.get(domain)
        start = (
            configured.api_base_url
            if configured and configured.api_base_url
            else f"https://{domain}"
        ).rstrip("/")
        token = (
            configured.access_token.get_secret_value()
            if configured and configured.access_token
            else None
        )
        token_origin = origin_of(start) if token else None
        session = self._session(domain, token_origin)
        if self._contact is not None and domain not in self._contact:
            reason = _(NOT_A_CAMPAIGN_SERVER).format(domain=domain)
            return self._unusable(domain, start, session, now, reason, reachable=False)
        template, api_base, confirmed = None, start, False
        side = self._side_by_side
        start_client = MastodonClient(start, session, timeout=self.timeout, token=token)
        host_meta = side(self._host_meta, session, start)
        nodeinfo_here = side(self._nodeinfo_or_none, session, start, domain)
        instance_here = side(_instance, start_client)
        looked_up = (
            {probe: side(lookup_home, start_client, probe)} if early and probe is not None else {}
        )
        try:
            template = host_meta.result()
        except Exception as exc:  # host-meta is optional, but a dead address is not
            problem = classify(exc, host_of(start), timeout=self.timeout)
            if problem.trouble in _DOWN:
                # Fail once, fast: asking nodeinfo and the API would only time out again.
                return self._unusable(domain, start, session, now, problem.reason, reachable=False)
        if template is not None:
            api_base, confirmed = origin_url(template), True
        elif probe is None and known is not None and known.confirmed:
            api_base, confirmed = known.api_base, True  # found through a handle before
        elif probe is not None:
            try:
                answer = webfinger(
                    session, start, probe.acct, timeout=self.timeout, policy=self.policy
                )
                located = answer.actor_uri or answer.served_by
                api_base, confirmed = origin_url(located), True
            except Exception as exc:  # the probe handle may not exist: keep the guess
                log.debug("WebFinger discovery for %s failed: %s", domain, exc)
        sends_token = token is not None and origin_of(api_base) == token_origin
        if token is None:
            auth = "anonymous"
        elif sends_token:
            auth = "token"
        else:
            auth = _(TOKEN_WITHHELD).format(configured=host_of(start), api=host_of(api_base))
        if api_base == start:
            client = start_client
            nodeinfo, answered = nodeinfo_here.result(), instance_here.result()
        else:  # the API lives elsewhere (split domain): ask there, both at once
            looked_up = {}
            client = MastodonClient(
                api_base, session, timeout=self.timeout, token=token if sends_token else None
            )
            nodeinfo_there = side(self._nodeinfo_or_none, session, api_base, domain)
            answered = _instance(client)
            nodeinfo = nodeinfo_there.result()
        reachable, supported, reason = True, True, ""
        instance = None if isinstance(answered, ServerProblem) else answered
        if isinstance(answered, ServerProblem):
            problem = answered
            reason = problem.reason
            if problem.trouble is Trouble.UNAUTHORIZED:
                reason = ""  # limited federation hides instance info; accounts may still work
            elif problem.trouble in {
                Trouble.NOT_JSON,
                Trouble.BAD_SHAPE,
                Trouble.NOT_FOUND,
                Trouble.GONE,
                Trouble.HTTP_ERROR,
            }:
                supported = False
                reason = _(NOT_THE_CLIENT_API).format(reason=reason)
            else:
                reachable = supported = False
        info = describe(
            domain,
            api_base,
            nodeinfo=nodeinfo,
            instance=instance,
            checked_at=now,
            reachable=reachable,
            supported=supported,
            reason=reason,
            auth=auth,
        )
        return Server(
            domain=domain,
            start=start,
            api_base=api_base,
            template=template,
            session=session,
            client=client if reachable and supported else None,
            info=info,
            confirmed=confirmed,
            multi_get=info.multi_get,
            early=looked_up if reachable and supported else {},
        )

    def _host_meta(self, session: requests.Session, base: str) -> str | None:
        return host_meta_template(session, base, timeout=self.timeout, policy=self.policy)

    def _nodeinfo_or_none(
        self, session: requests.Session, base: str, domain: str
    ) -> dict[str, Any] | None:
        """The nodeinfo document, or None: it is optional, the instance endpoint decides."""
        try:
            return fetch_nodeinfo(session, base, timeout=self.timeout)
        except Exception as exc:
            log.debug("nodeinfo for %s failed: %s", domain, exc)
            return None

    def _unusable(
        self,
        domain: str,
        start: str,
        session: requests.Session,
        now: datetime,
        reason: str,
        *,
        reachable: bool,
    ) -> Server:
        info = describe(
            domain,
            start,
            nodeinfo=None,
            instance=None,
            checked_at=now,
            reachable=reachable,
            supported=False,
            reason=reason,
        )
        return Server(domain, start, start, None, session, None, info)


def _instance(client: MastodonClient) -> dict[str, Any] | ServerProblem:
    """The instance endpoint's answer, or the problem asking it (for a side-by-side request)."""
    try:
        return client.instance()
    except ServerProblem as problem:
        return problem


def server_evidence(server: Server) -> Evidence:
    """One evidence line saying what discovery found (or why the server is not usable)."""
    info = server.info
    if info.reachable and info.supported:
        answer = _(FOUND_SERVER).format(software=info.label, address=server.api_base)
        if not info.multi_get:
            answer += "; " + _(NO_BATCH)
    else:
        answer = info.reason or _(NOT_USABLE)
    return Evidence(
        server=server.domain,
        asked="host-meta, nodeinfo, instance",
        answer=answer,
        observed_at=info.checked_at,
    )
