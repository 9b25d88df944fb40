"""The stand-in's HTTP face: a Mastodon-compatible server on 127.0.0.1 (aiohttp).

Start it inside a running event loop (``async with MastodonStandIn(...) as old``) or from
plain code in a background thread (``with MastodonStandIn(...) as old``); either way it
listens on a random port and ``old.base_url`` says where. Options imitate what real
servers do to clients: latency, Mastodon's rate limit and headers, locked-down API
(token required), authorized fetch, and injected faults (errors, hangs, HTML, oversized
bodies, redirects). Every request is counted per route for the benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

import idna
from aiohttp import web

from companion.core.clock import Clock

from . import follow_book, follows, payloads
from .state import Fediverse, Flavour, MastodonState, StandInAccount

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_PREFIX = "/api/"
MAX_MULTI_GET = 40
API_ROUTES = frozenset(
    {
        "instance_v1",
        "instance_v2",
        "lookup",
        "accounts",
        "account",
        "followers",
        "following",
        "domain_blocks",
    }
)
UNAUTHENTICATED = "This method requires an authenticated user"


class FaultKind(StrEnum):
    """Ways a server lets a client down."""

    ERROR = "error"  # an HTTP error status (500, 502, 503…) with an HTML body (429: JSON)
    HANG = "hang"  # answer only after ``seconds`` (longer than the client's timeout)
    HTML = "html"  # 200 with a web page instead of JSON
    OVERSIZED = "oversized"  # 200 with a body of ``size`` bytes, streamed without a length
    REDIRECT = "redirect"  # 302 to ``url`` (e.g. a private address)
    UNKNOWN_JSON = "unknown_json"  # 200 with JSON of some other API
    DRIP_HEADERS = "drip_headers"  # the status line and headers, one byte every ``interval``
    DRIP_BODY = "drip_body"  # headers at once, then a declared-length body byte by byte
    TRUNCATED_BODY = "truncated_body"  # declares a length, sends half, hangs up
    TRUNCATED_JSON = "truncated_json"  # a complete answer whose JSON stops half-way
    BODY = "body"  # 200 with ``body`` as ``content_type`` (a hostile document, say)


@dataclass(slots=True)
class Fault:
    """One injected fault; ``times`` limits how many requests it spoils (None: all)."""

    kind: FaultKind
    status: int = 503
    seconds: float = 30.0
    url: str = ""
    size: int = 4 * 1024 * 1024
    times: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Retry-After on a 429
    interval: float = 1.0  # seconds between dripped bytes
    body: str = ""
    content_type: str = "application/json"


class AuthorizedFetch(StrEnum):
    """How the actor answers unsigned requests in authorized-fetch mode."""

    REJECT = "reject"  # 401
    BARE = "bare"  # 200 with only id, type, username, inbox, key: aliases invisible


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Mastodon's API throttle: ``limit`` requests per ``window`` seconds, fixed windows."""

    limit: int = 300
    window: float = 300.0


@dataclass(slots=True)
class StandInStats:
    """What clients did to the server, for tests and benchmarks."""

    requests: Counter[str] = field(default_factory=Counter)  # per route name
    rate_limited: int = 0  # 429s sent
    with_token: Counter[str] = field(default_factory=Counter)  # requests carrying a token
    first_at: float | None = None  # time.monotonic() of the first and last request
    last_at: float | None = None
    # (route, arrived, answered) per request, time.monotonic(): shows what overlapped.
    spans: list[tuple[str, float, float]] = field(default_factory=list)

    @property
    def api_requests(self) -> int:
        """Requests to the rate-limited client API (``/api/…``)."""
        return sum(n for route, n in self.requests.items() if route in API_ROUTES)

    @property
    def active_seconds(self) -> float:
        """Time from the first request to the last."""
        if self.first_at is None or self.last_at is None:
            return 0.0
        return self.last_at - self.first_at

    @property
    def total(self) -> int:
        """All requests received."""
        return sum(self.requests.values())

    def sequential_round_trips(self) -> int:
        """The longest chain of requests each sent only after the previous one was answered.

        With a latency well above processing time, this is how many round trips a client
        made one after the other; requests sent in parallel overlap and count once.
        """
        chain, last_end = 0, float("-inf")
        for _, start, end in sorted(self.spans, key=lambda span: span[2]):
            if start >= last_end:
                chain, last_end = chain + 1, end
        return chain


class _Throttle:
    """Fixed windows aligned on the epoch, like rack-attack; one counter per client key."""

    def __init__(self, rule: RateLimit) -> None:
        self.rule = rule
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> tuple[bool, dict[str, str]]:
        """Count one request; say whether it is allowed and the headers to send."""
        now = time.time()
        period = int(now // self.rule.window)
        with self._lock:
            count = self._counts.get((key, period), 0) + 1
            self._counts[(key, period)] = count
            for stale in [k for k in self._counts if k[1] < period]:
                del self._counts[stale]
        reset = datetime.fromtimestamp((period + 1) * self.rule.window, UTC)
        headers = {
            "X-RateLimit-Limit": str(self.rule.limit),
            "X-RateLimit-Remaining": str(max(0, self.rule.limit - count)),
            "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        return count <= self.rule.limit, headers


class _HttpServer:
    """Start/stop plumbing shared by the stand-in and the domain front."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None

    def _make_app(self) -> web.Application:
        raise NotImplementedError

    def _on_listening(self) -> None:
        """Hook for subclasses that need the base URL once it is known."""

    async def start(self) -> None:
        """Listen on ``host`` (random port unless given) in the running event loop."""
        runner = web.AppRunner(
            self._make_app(), handler_cancellation=True, shutdown_timeout=0.5, access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only here
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.base_url = f"http://{self.host}:{self.port}"
        self._runner = runner
        self._on_listening()

    async def stop(self) -> None:
        """Stop listening; cancels requests still hanging."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self) -> Self:
        """Run the server in a background thread with its own event loop (for sync callers)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._thread_loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # handed to the caller below
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name=f"standin-{id(self)}", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop_thread(self) -> None:
        """Stop a server started with :meth:`start_in_thread`."""
        if self._thread_loop is not None and self._thread is not None:
            self._thread_loop.call_soon_threadsafe(self._thread_loop.stop)
            self._thread.join(timeout=10)
            self._thread = None
            self._thread_loop = None

    def __enter__(self) -> Self:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_thread()


class MastodonStandIn(_HttpServer):
    """A Mastodon-compatible server over a :class:`MastodonState`."""

    def __init__(
        self,
        local_domain: str = "old.example",
        flavour: Flavour = Flavour.MASTODON,
        *,
        state: MastodonState | None = None,
        fediverse: Fediverse | None = None,
        clock: Clock | None = None,
        version: str | None = None,
        actor_style: str | None = None,
        latency: float = 0.0,
        rate_limit: RateLimit | None = None,
        require_token: str | None = None,
        authorized_fetch: AuthorizedFetch | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        software: str | None = None,
    ) -> None:
        """Describe the server; nothing listens until it is started."""
        super().__init__(host, port)
        self.state = state or MastodonState(
            local_domain,
            flavour,
            fediverse=fediverse,
            clock=clock,
            version=version,
            actor_style=actor_style,
            software=software,
        )
        self.latency = latency
        self.rate_limit = rate_limit
        self.require_token = require_token
        self.authorized_fetch = authorized_fetch
        self.stats = StandInStats()
        self._throttle = _Throttle(rate_limit) if rate_limit else None
        self._faults: list[tuple[str, Fault]] = []
        self._fault_lock = threading.Lock()

    # -- simulation controls ---------------------------------------------------------------

    def create_account(self, username: str, **profile: Any) -> StandInAccount:
        """Shortcut for ``state.create_account``."""
        return self.state.create_account(username, **profile)

    def inject(self, fault: Fault, route: str = "*") -> None:
        """Spoil requests to ``route``: a route name, ``instance``, ``api`` or ``*`` (all).

        Route names: webfinger, host_meta, nodeinfo_links, nodeinfo, instance_v1,
        instance_v2, lookup, accounts, account, actor, profile, other.
        """
        with self._fault_lock:
            self._faults.append((route, fault))

    def clear_faults(self) -> None:
        """Answer normally again."""
        with self._fault_lock:
            self._faults.clear()

    def reset_stats(self) -> None:
        """Forget the request counts (e.g. between a cold and a warm benchmark run)."""
        self.stats = StandInStats()

    def _on_listening(self) -> None:
        self.state.base_url = self.base_url

    # -- HTTP --------------------------------------------------------------------------------

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        add = app.router.add_get
        add("/.well-known/webfinger", self._webfinger, name="webfinger")
        add("/.well-known/host-meta", self._host_meta, name="host_meta")
        add("/.well-known/nodeinfo", self._nodeinfo_links, name="nodeinfo_links")
        add("/nodeinfo/2.0", self._nodeinfo, name="nodeinfo")
        add("/nodeinfo/2.0.json", self._nodeinfo, name="nodeinfo_json")
        # Mastodon.py asks for /api/v1/instance/ with a trailing slash.
        add("/api/v1/instance", self._instance_v1, name="instance_v1")
        add("/api/v1/instance/", self._instance_v1, name="instance_v1_slash")
        add("/api/v2/instance", self._instance_v2, name="instance_v2")
        add("/api/v2/instance/", self._instance_v2, name="instance_v2_slash")
        add("/api/v1/accounts/lookup", self._lookup, name="lookup")
        add("/api/v1/accounts", self._accounts, name="accounts")
        add("/api/v1/accounts/{id}", self._account, name="account")
        add("/api/v1/accounts/{id}/followers", self._followers, name="followers")
        add("/api/v1/accounts/{id}/following", self._following, name="following")
        add("/api/v1/instance/domain_blocks", self._domain_blocks, name="domain_blocks")
        add("/ap/users/{id}", self._actor_by_id, name="actor")
        add("/users/{username}", self._actor_by_name, name="actor_by_name")
        add("/@{username}", self._profile_page, name="profile")
        app.router.add_route("*", "/{tail:.*}", self._not_found, name="other")
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = _route_name(request)
        token = _bearer(request)
        stats = self.stats
        stats.last_at = time.monotonic()
        if stats.first_at is None:
            stats.first_at = stats.last_at
        stats.requests[route] += 1
        if token is not None:
            self.stats.with_token[route] += 1
        arrived = time.monotonic()
        try:
            return await self._answer(request, handler, route, token)
        finally:
            stats.spans.append((route, arrived, time.monotonic()))

    async def _answer(
        self, request: web.Request, handler: Handler, route: str, token: str | None
    ) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self._take_fault(route, request.path)
        if fault is not None:
            return await _fault_response(fault, request)
        is_api = request.path.startswith(API_PREFIX)
        limit_headers: dict[str, str] = {}
        if is_api and self._throttle is not None:
            allowed, limit_headers = self._throttle.hit(token or request.remote or "?")
            if not allowed:
                self.stats.rate_limited += 1
                return web.json_response(
                    {"error": "Too many requests"}, status=429, headers=limit_headers
                )
        if is_api and self.state.flavour is Flavour.NOT_MASTODON:
            response: web.StreamResponse = _html(200, "Welcome")
        elif is_api and (refusal := self._auth_refusal(route, token)) is not None:
            response = refusal
        else:
            response = await handler(request)
        response.headers.update(limit_headers)
        return response

    def _take_fault(self, route: str, path: str) -> Fault | None:
        with self._fault_lock:
            for index, (target, fault) in enumerate(self._faults):
                matches = (
                    target in {"*", route}
                    or (target == "api" and path.startswith(API_PREFIX))
                    or (target == "instance" and route.startswith("instance"))
                )
                if not matches:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        del self._faults[index]
                return fault
        return None

    def _auth_refusal(self, route: str, token: str | None) -> web.Response | None:
        """Locked-down servers refuse anonymous account calls (instance info stays public)."""
        if self.require_token is None or route.startswith("instance"):
            return None
        if token is None:
            return web.json_response({"error": UNAUTHENTICATED}, status=401)
        if token != self.require_token:
            return web.json_response({"error": "The access token is invalid"}, status=401)
        return None

    # -- discovery -----------------------------------------------------------------------------

    async def _webfinger(self, request: web.Request) -> web.Response:
        account = self._resource_account(request.query.get("resource", ""))
        if account is None:
            return web.json_response(payloads.not_found(), status=404)
        if account.gone:
            return web.Response(status=410)
        if account.deleted:
            return web.json_response(payloads.not_found(), status=404)
        with self.state.lock:
            body = payloads.webfinger(self.state, account)
        return _json(body, content_type=payloads.JRD_JSON)

    def _resource_account(self, resource: str) -> StandInAccount | None:
        resource = unquote(resource).strip()
        if resource.startswith(("http://", "https://")):
            return self.state.account_by_actor_uri(resource) or self._profile_account(resource)
        acct = resource.removeprefix("acct:").lstrip("@")
        if "@" not in acct:
            return None
        username, domain = acct.rsplit("@", 1)
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii").lower()
        except idna.IDNAError:
            return None
        if domain not in {self.state.local_domain, self.state.web_host}:
            return None
        return self.state.find_username(username)

    def _profile_account(self, url: str) -> StandInAccount | None:
        path = urlsplit(url).path
        if path.startswith("/@"):
            return self.state.find_username(path[2:])
        return None

    async def _host_meta(self, request: web.Request) -> web.Response:
        return web.Response(text=payloads.host_meta(self.base_url), content_type=payloads.XRD_XML)

    async def _nodeinfo_links(self, request: web.Request) -> web.Response:
        return _json(payloads.nodeinfo_links(self.state))

    async def _nodeinfo(self, request: web.Request) -> web.Response:
        return _json(payloads.nodeinfo(self.state))

    # -- client API ------------------------------------------------------------------------------

    async def _instance_v1(self, request: web.Request) -> web.Response:
        return _json(payloads.instance_v1(self.state))

    async def _instance_v2(self, request: web.Request) -> web.Response:
        if not self.state.traits.instance_v2:
            return web.json_response(payloads.not_found(), status=404)
        return _json(payloads.instance_v2(self.state))

    async def _lookup(self, request: web.Request) -> web.Response:
        acct = request.query.get("acct", "").strip().lstrip("@")
        username, _, domain = acct.partition("@")
        if domain:
            try:
                domain = idna.encode(domain, uts46=True).decode("ascii").lower()
            except idna.IDNAError:
                domain = "?"
        # The home server only finds its own accounts (it knows no remote ones here).
        local = not domain or domain in {self.state.local_domain, self.state.web_host}
        if domain and self.state.traits.lookup_bare_only:
            local = False  # matches "alice", never "alice@its.domain"
        account = self.state.find_username(username) if local else None
        return self._account_response(account)

    async def _account(self, request: web.Request) -> web.Response:
        with self.state.lock:
            account = self.state.accounts.get(request.match_info["id"])
        return self._account_response(account)

    def _account_response(self, account: StandInAccount | None) -> web.Response:
        if account is None or not account.visible:
            return web.json_response(payloads.not_found(), status=404)
        with self.state.lock:
            return _json(payloads.account_json(self.state, account))

    async def _accounts(self, request: web.Request) -> web.Response:
        if not self.state.traits.multi_get:
            return web.json_response(payloads.not_found(), status=404)
        ids = request.query.getall("id[]", [])
        if len(ids) > MAX_MULTI_GET:
            return web.json_response(
                {"error": f"Too many ids requested (at most {MAX_MULTI_GET})"}, status=422
            )
        with self.state.lock:
            found = [self.state.accounts.get(ident) for ident in dict.fromkeys(ids)]
            visible = [account for account in found if account is not None and account.visible]
            body = payloads.accounts_json(self.state, visible)
        return _json(body)

    async def _followers(self, request: web.Request) -> web.Response:
        return self._relation_page(request, "followers")

    def _relation_page(self, request: web.Request, kind: str) -> web.Response:
        """One page, newest follow first, with Mastodon's ``Link`` header (``max_id``).

        A follow's id is its position in the list (1 = oldest); like Mastodon, ``next`` is
        only sent when the page is full, and hidden networks look empty to others.
        """
        with self.state.lock:
            account = self.state.accounts.get(request.match_info["id"])
            if account is None or not account.visible:
                return web.json_response(payloads.not_found(), status=404)
            accts = [] if account.hide_collections else list(getattr(account, kind))
        try:
            limit = int(request.query.get("limit", follow_book.DEFAULT_PAGE))
        except ValueError:
            limit = follow_book.DEFAULT_PAGE
        limit = min(max(limit, 1), follow_book.MAX_PAGE)
        try:
            max_id = int(request.query["max_id"]) if "max_id" in request.query else None
        except ValueError:
            max_id = None
        top = len(accts) if max_id is None else min(len(accts), max_id - 1)
        follow_ids = list(range(top, max(0, top - limit), -1))  # newest first
        with self.state.lock:
            body = [payloads.relation_account_json(self.state, accts[i - 1]) for i in follow_ids]
        links = []
        path = f"{self.base_url}/api/v1/accounts/{account.id}/{kind}"
        if follow_ids and len(follow_ids) == limit:
            links.append(f'<{path}?limit={limit}&max_id={follow_ids[-1]}>; rel="next"')
        if follow_ids:
            links.append(f'<{path}?limit={limit}&min_id={follow_ids[0]}>; rel="prev"')
        response = _json(body)
        if links:
            response.headers["Link"] = ", ".join(links)
        return response

    async def _domain_blocks(self, request: web.Request) -> web.Response:
        if not self.state.publish_domain_blocks:
            return web.json_response(payloads.not_found(), status=404)
        with self.state.lock:
            return _json(payloads.domain_blocks_json(self.state))

    async def _following(self, request: web.Request) -> web.Response:
        """``/api/v1/accounts/:id/following``: paged like Mastodon (follows.py)."""
        with self.state.lock:
            account = self.state.accounts.get(request.match_info["id"])
        if account is None or not account.visible:
            return web.json_response(payloads.not_found(), status=404)
        try:
            limit = int(request.query.get("limit", follow_book.DEFAULT_PAGE))
            max_id = int(request.query["max_id"]) if "max_id" in request.query else None
        except ValueError:
            return web.json_response({"error": "Invalid paging parameters"}, status=400)
        limit = max(1, min(limit, follow_book.MAX_PAGE))
        page = self.state.follows.page(account.id, max_id, limit)
        body = []
        for row in page:
            found = follows.resolve(self.state, row.target)
            if found is None:
                continue
            server, target = found
            with server.lock:
                body.append(
                    server.account_json(target)
                    if server is self.state
                    else server.remote_account_json(target)
                )
        headers = {}
        if page:
            path = f"{self.base_url}/api/v1/accounts/{account.id}/following"
            links = [f'<{path}?limit={limit}&min_id={page[0].id}>; rel="prev"']
            if len(page) == limit:
                links.insert(0, f'<{path}?limit={limit}&max_id={page[-1].id}>; rel="next"')
            headers["Link"] = ", ".join(links)
        response = _json(body)
        response.headers.update(headers)
        return response

    # -- ActivityPub ---------------------------------------------------------------------------

    async def _actor_by_id(self, request: web.Request) -> web.Response:
        with self.state.lock:
            account = self.state.accounts.get(request.match_info["id"])
        return self._actor_response(request, account)

    async def _actor_by_name(self, request: web.Request) -> web.Response:
        return self._actor_response(
            request, self.state.find_username(request.match_info["username"])
        )

    def _actor_response(self, request: web.Request, account: StandInAccount | None) -> web.Response:
        if account is None or (account.deleted and not account.gone):
            return web.json_response(payloads.not_found(), status=404)
        if account.gone:
            return web.Response(status=410)
        if self.authorized_fetch is AuthorizedFetch.REJECT and "Signature" not in request.headers:
            return web.json_response({"error": "Request not signed"}, status=401)
        with self.state.lock:
            if self.authorized_fetch is AuthorizedFetch.BARE and "Signature" not in request.headers:
                body = payloads.bare_actor(self.state, account)
            else:
                body = payloads.actor(self.state, account)
        return _json(body, content_type=payloads.ACTIVITY_JSON)

    async def _profile_page(self, request: web.Request) -> web.Response:
        account = self.state.find_username(request.match_info["username"])
        if account is None or not account.visible:
            return _html(404, "The page you are looking for isn't here.")
        return _html(200, f"{account.display_name or account.username} (stand-in profile)")

    async def _not_found(self, request: web.Request) -> web.Response:
        if request.path.startswith(API_PREFIX):
            return web.json_response(payloads.not_found(), status=404)
        return _html(404, "The page you are looking for isn't here.")


class FrontMode(StrEnum):
    """How a split domain's LOCAL_DOMAIN hands discovery over to the real server."""

    REDIRECT = "redirect"  # 301 on /.well-known/webfinger only (Mastodon's documented setup)
    HOST_META = "host_meta"  # WebFinger 404; host-meta names the web domain's template
    SERVE = "serve"  # answers the JRD itself (``self`` on the web domain); no host-meta


class DomainFront(_HttpServer):
    """The handle's domain of a split-domain server: only discovery, pointing elsewhere."""

    def __init__(
        self,
        target: MastodonStandIn,
        mode: FrontMode = FrontMode.REDIRECT,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Front ``target`` (whose ``local_domain`` is the handle domain) in ``mode``."""
        super().__init__(host, port)
        self.target = target
        self.mode = FrontMode(mode)
        self.stats = StandInStats()

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/.well-known/webfinger", self._webfinger, name="webfinger")
        app.router.add_get("/.well-known/host-meta", self._host_meta, name="host_meta")
        app.router.add_route("*", "/{tail:.*}", self._other, name="other")
        return app

    async def _webfinger(self, request: web.Request) -> web.StreamResponse:
        self.stats.requests["webfinger"] += 1
        if self.mode is FrontMode.REDIRECT:
            raise web.HTTPMovedPermanently(f"{self.target.base_url}{request.path_qs}")
        if self.mode is FrontMode.HOST_META:
            return web.json_response(payloads.not_found(), status=404)
        return await self.target._webfinger(request)

    async def _host_meta(self, request: web.Request) -> web.StreamResponse:
        self.stats.requests["host_meta"] += 1
        if self.mode is not FrontMode.HOST_META:
            return _html(404, "Not here.")
        return web.Response(
            text=payloads.host_meta(self.target.base_url), content_type=payloads.XRD_XML
        )

    async def _other(self, request: web.Request) -> web.Response:
        self.stats.requests["other"] += 1
        return _html(404, "This domain only hands out addresses.")


def _route_name(request: web.Request) -> str:
    name = request.match_info.route.name or "other"
    for suffix in ("_slash", "_json", "_by_name"):
        name = name.removesuffix(suffix)
    return name


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def _json(body: Any, *, content_type: str = "application/json") -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), content_type=content_type, charset="utf-8"
    )


def _html(status: int, title: str) -> web.Response:
    return web.Response(
        status=status, text=payloads.html_page(title), content_type="text/html", charset="utf-8"
    )


async def _fault_response(fault: Fault, request: web.Request) -> web.StreamResponse:
    if fault.kind is FaultKind.ERROR and fault.status == 429:
        # Mastodon's own 429 is JSON; the headers are whatever the test wants to send.
        return web.json_response({"error": "Too many requests"}, status=429, headers=fault.headers)
    if fault.kind is FaultKind.ERROR:
        response = _html(fault.status, f"{fault.status} error")
        response.headers.update(fault.headers)
        return response
    if fault.kind is FaultKind.BODY:
        return web.Response(text=fault.body, content_type=fault.content_type)
    if fault.kind is FaultKind.DRIP_HEADERS:
        return await _drip_headers(fault, request)
    if fault.kind is FaultKind.DRIP_BODY:
        return await _drip_body(fault, request)
    if fault.kind is FaultKind.TRUNCATED_BODY:
        return await _truncated_body(request)
    if fault.kind is FaultKind.TRUNCATED_JSON:
        body = json.dumps(payloads.not_found() | {"padding": "x" * 200}).encode()
        return web.Response(body=body[: len(body) // 2], content_type="application/json")
    if fault.kind is FaultKind.HTML:
        return _html(200, "We're down for maintenance")
    if fault.kind is FaultKind.UNKNOWN_JSON:
        return web.json_response({"ok": True, "data": {"kind": "something else"}})
    if fault.kind is FaultKind.REDIRECT:
        return web.Response(status=302, headers={"Location": fault.url})
    if fault.kind is FaultKind.HANG:
        await asyncio.sleep(fault.seconds)
        return web.json_response(payloads.not_found(), status=404)
    return await _oversized(fault.size, request)


async def _drip_headers(fault: Fault, request: web.Request) -> web.StreamResponse:
    """Write a valid status line and an endless header one byte at a time, for ``seconds``."""
    transport = request.transport
    assert transport is not None
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: "
    deadline = time.monotonic() + fault.seconds
    index = 0
    while time.monotonic() < deadline and not transport.is_closing():
        transport.write(head[index : index + 1] if index < len(head) else b"x")
        index += 1
        await asyncio.sleep(fault.interval)
    transport.close()
    return web.Response(status=500)  # never sent: the connection is closed


async def _drip_body(fault: Fault, request: web.Request) -> web.StreamResponse:
    """Headers at once with a Content-Length, then the body one byte every ``interval``."""
    body = json.dumps(payloads.not_found() | {"padding": "x" * 4096}).encode()
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    response.content_length = len(body)
    await response.prepare(request)
    deadline = time.monotonic() + fault.seconds
    with contextlib.suppress(ConnectionError):
        for index in range(len(body)):
            if time.monotonic() >= deadline:
                break
            await response.write(body[index : index + 1])
            await asyncio.sleep(fault.interval)
    if request.transport is not None:
        request.transport.close()
    return response


async def _truncated_body(request: web.Request) -> web.StreamResponse:
    """Declare a length, send half of it, hang up (a crashed worker or a broken proxy)."""
    body = json.dumps(payloads.not_found() | {"padding": "x" * 2000}).encode()
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    response.content_length = len(body)
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):
        await response.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.close()
    return response


async def _oversized(size: int, request: web.Request) -> web.StreamResponse:
    """Valid JSON far larger than any account, sent in chunks with no Content-Length."""
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    chunk = b"x" * 65536
    # The client is expected to hang up once it has read enough.
    with contextlib.suppress(ConnectionError):
        await response.write(b'{"padding": "')
        sent = 0
        while sent < size:
            await response.write(chunk)
            sent += len(chunk)
        await response.write(b'"}')
        await response.write_eof()
    return response
