"""The HTTP transport every Mastodon request goes through, Mastodon.py's included.

One ``requests.Session`` per server, all built by :func:`build_session` around
:class:`GuardedAdapter`, which for every request (and every redirect hop):

- connects only where :mod:`companion.moves.netguard` allows;
- sends a token only to the exact origin it was configured for;
- waits for the host's rate-limit budget (read from ``X-RateLimit-*`` on every answer),
  keeping a small reserve so the count never reaches zero, and caps concurrent requests
  per host; after a 429 it waits until ``X-RateLimit-Reset`` (Mastodon sends no
  Retry-After) and tries again a few times;
- reads at most ``max_bytes`` of body, within an overall deadline.

Mastodon.py never sees a 429 unless waiting would take longer than ``max_wait``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import ReadTimeout

from .netguard import AddressPolicy, Origin, guarded_pool_classes, origin_of

API_PREFIX = "/api/"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# Seconds added after the announced reset, for clock resolution and transit time.
RESET_MARGIN = 0.1
# Only correct for the server's clock when it is clearly off: its Date has 1 s resolution.
SKEW_TOLERANCE = 2.0


class ResponseTooLargeError(Exception):
    """An answer was larger than the cap (not an OSError, so nothing retries it)."""

    def __init__(self, url: str, limit: int) -> None:
        super().__init__(f"answer from {urlsplit(url).netloc} larger than {limit} bytes")
        self.limit = limit


class RateLimitedError(Exception):
    """The host's rate limit would make us wait longer than allowed."""

    def __init__(self, host: str, wait: float) -> None:
        super().__init__(f"{host} rate limit: next request allowed in {wait:.0f} s")
        self.host = host
        self.wait = wait


@dataclass(slots=True)
class HostCounters:
    """What we sent to one host, for progress output and benchmarks."""

    requests: int = 0
    rate_limited: int = 0  # 429 answers received
    waited: float = 0.0  # seconds spent waiting for the rate-limit window


class HostGate:
    """Per-host concurrency cap and rate-limit budget, shared by every worker thread."""

    def __init__(self, host: str, *, concurrency: int, max_wait: float) -> None:
        """Start with an unknown budget: the first answers tell us the limit."""
        self.host = host
        self.max_wait = max_wait
        self.counters = HostCounters()
        self._slots = threading.BoundedSemaphore(concurrency)
        self._cond = threading.Condition()
        self._limit: int | None = None
        self._remaining: int | None = None
        self._reset_at: float | None = None  # local epoch seconds
        self._in_flight = 0  # API requests sent whose answer has not been counted yet
        self._backoff = 1.0
        # None until the first API answer: did it carry rate-limit headers? Until we know,
        # one request at a time, so a fresh process cannot burst into a spent window.
        self._tracked: bool | None = None

    def _reserve(self) -> int:
        # Stop a little before zero: other clients on the same address share the budget.
        limit = self._limit or 300
        return max(1, min(5, limit // 50))

    def before(self, is_api: bool) -> None:
        """Block until a request may go out (budget first, then a concurrency slot)."""
        if is_api:
            self._wait_for_budget()
        self._slots.acquire()
        with self._cond:
            self.counters.requests += 1

    def _wait_for_budget(self) -> None:
        with self._cond:
            while True:
                now = time.time()
                if self._reset_at is not None and now >= self._reset_at:
                    # A new window: assume the full budget until an answer says otherwise.
                    self._remaining = self._limit
                    self._reset_at = None
                if self._tracked is None:
                    if self._in_flight == 0:
                        self._in_flight += 1
                        return
                    self._cond.wait(timeout=0.05)  # the probe's answer is on its way
                    continue
                if (
                    self._tracked is False
                    or self._remaining is None
                    or self._remaining - self._in_flight > self._reserve()
                ):
                    self._in_flight += 1
                    return
                wait = (self._reset_at - now) if self._reset_at is not None else self._backoff
                if wait > self.max_wait:
                    raise RateLimitedError(self.host, wait)
                started = time.monotonic()
                self._cond.wait(timeout=max(0.01, wait))
                self.counters.waited += time.monotonic() - started

    def pause_after_429(self) -> None:
        """Wait out a 429 on a route without a budget of its own (actors, WebFinger)."""
        with self._cond:
            now = time.time()
            wait = (self._reset_at - now) if self._reset_at is not None else self._backoff
            if wait > self.max_wait:
                raise RateLimitedError(self.host, wait)
            started = time.monotonic()
            deadline = started + max(0.01, wait)
            # Other threads' answers wake the condition early: sleep out the whole wait.
            while (left := deadline - time.monotonic()) > 0:
                self._cond.wait(timeout=left)
            self.counters.waited += time.monotonic() - started

    def after(self, is_api: bool, response: requests.Response | None) -> None:
        """Count the answer's rate-limit headers and free the slot."""
        self._slots.release()
        with self._cond:
            if is_api:
                self._in_flight = max(0, self._in_flight - 1)
            if response is not None:
                if is_api and self._tracked is None:
                    self._tracked = "X-RateLimit-Remaining" in response.headers
                self._observe(response)
            self._cond.notify_all()

    def _observe(self, response: requests.Response) -> None:
        headers = response.headers
        if response.status_code == 429:
            self.counters.rate_limited += 1
        limit = _int(headers.get("X-RateLimit-Limit"))
        remaining = _int(headers.get("X-RateLimit-Remaining"))
        reset = _reset_time(headers)
        if limit is not None:
            self._limit = limit
        if response.status_code == 429:
            remaining = 0
            if reset is None:
                # No reset announced: back off exponentially rather than hammer the server.
                reset = time.time() + self._backoff
                self._backoff = min(self._backoff * 2, 60.0)
        elif response.ok:
            self._backoff = 1.0
        if remaining is None or reset is None or reset <= time.time():
            return
        reset += RESET_MARGIN
        if self._reset_at is None or reset > self._reset_at + 0.5:
            self._reset_at, self._remaining = reset, remaining  # a newer window
        elif abs(reset - self._reset_at) <= 0.5:
            self._remaining = min(self._remaining or remaining, remaining)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _reset_time(headers: Mapping[str, str]) -> float | None:
    """``X-RateLimit-Reset`` as a local epoch time (ISO 8601, or epoch seconds elsewhere)."""
    raw = headers.get("X-RateLimit-Reset")
    if not raw:
        return None
    try:
        reset = float(raw) if raw.replace(".", "", 1).isdigit() else _iso_epoch(raw)
    except ValueError:
        return None
    date = headers.get("Date")
    if date:
        try:
            skew = time.time() - parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            skew = 0.0
        if abs(skew) > SKEW_TOLERANCE:
            reset += skew
    return reset


def _iso_epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class GateRegistry:
    """One :class:`HostGate` per host, shared by all sessions (limits are per server)."""

    def __init__(self, *, concurrency: int, max_wait: float) -> None:
        """Configure the gates created later."""
        self.concurrency = concurrency
        self.max_wait = max_wait
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()

    def gate(self, host: str) -> HostGate:
        """The gate for ``host`` (``name:port``), created on first use."""
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = HostGate(host, concurrency=self.concurrency, max_wait=self.max_wait)
                self._gates[host] = gate
            return gate

    def counters(self) -> dict[str, HostCounters]:
        """Counters per host so far."""
        with self._lock:
            return {host: gate.counters for host, gate in self._gates.items()}


class GuardedAdapter(HTTPAdapter):
    """Transport adapter applying address rules, token scope, rate limits and size caps."""

    def __init__(
        self,
        *,
        policy: AddressPolicy,
        gates: GateRegistry,
        max_bytes: int,
        token_origin: Origin | None,
        max_seconds: float,
        retries_after_429: int = 3,
    ) -> None:
        """Bind the adapter to the shared policy and gates."""
        self._policy = policy
        self._gates = gates
        self._max_bytes = max_bytes
        self._token_origin = token_origin
        self._max_seconds = max_seconds
        self._retries_after_429 = retries_after_429
        super().__init__(pool_connections=4, pool_maxsize=gates.concurrency, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Swap in connection pools whose connections check addresses."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = guarded_pool_classes(self._policy)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Refuse proxies: the address check must see the real destination."""
        raise requests.exceptions.InvalidProxyURL("proxies are not used for Mastodon requests")

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one hop, waiting for the rate limit and retrying after a 429."""
        url = request.url or ""
        self._scope_token(request, url)
        parts = urlsplit(url)
        gate = self._gates.gate(parts.netloc.lower())
        is_api = parts.path.startswith(API_PREFIX)
        attempt = 0
        while True:
            gate.before(is_api)
            response: requests.Response | None = None
            try:
                response = super().send(
                    request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies=None
                )
                self._read_body(response, url)
            finally:
                gate.after(is_api, response)
            retry = (
                response.status_code == 429
                and request.method in {"GET", "HEAD"}
                and attempt < self._retries_after_429
            )
            if not retry:
                return response
            attempt += 1
            if not is_api:
                gate.pause_after_429()  # API requests wait in ``before`` instead

    def _scope_token(self, request: requests.PreparedRequest, url: str) -> None:
        """Drop the Authorization header unless this hop goes to the token's own origin."""
        if "Authorization" in request.headers and (
            self._token_origin is None or origin_of(url) != self._token_origin
        ):
            del request.headers["Authorization"]

    def _read_body(self, response: requests.Response, url: str) -> None:
        """Read the body into ``response.content``, refusing more than the cap."""
        declared = _int(response.headers.get("Content-Length"))
        if declared is not None and declared > self._max_bytes:
            response.close()
            raise ResponseTooLargeError(url, self._max_bytes)
        deadline = time.monotonic() + self._max_seconds
        chunks: list[bytes] = []
        total = 0
        for chunk in response.raw.stream(64 * 1024, decode_content=True):
            total += len(chunk)
            if total > self._max_bytes:
                response.close()
                raise ResponseTooLargeError(url, self._max_bytes)
            if time.monotonic() > deadline:
                response.close()
                raise ReadTimeout(f"answer from {urlsplit(url).netloc} took too long")
            chunks.append(chunk)
        response._content = b"".join(chunks)
        response._content_consumed = True
        response.raw.release_conn()


_last = threading.local()


def _record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """Response hook: remember this thread's latest answer (raw JSON, headers, status)."""
    _last.response = response


def last_response() -> requests.Response | None:
    """The latest answer received by this thread (the final hop of the last request)."""
    return getattr(_last, "response", None)


def forget_last_response() -> None:
    """Clear the record before a call, so a failed call cannot show a stale answer."""
    _last.response = None


def build_session(
    *,
    policy: AddressPolicy,
    gates: GateRegistry,
    user_agent: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    token_origin: Origin | None = None,
    max_seconds: float = 20.0,
) -> requests.Session:
    """A session for one server: guarded transport, our User-Agent, no environment proxies."""
    session = requests.Session()
    # No proxies or .netrc credentials from the environment: every hop is ours to check.
    session.trust_env = False
    session.max_redirects = 5
    session.headers["User-Agent"] = user_agent
    adapter = GuardedAdapter(
        policy=policy,
        gates=gates,
        max_bytes=max_bytes,
        token_origin=token_origin,
        max_seconds=max_seconds,
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.hooks["response"].append(_record)
    return session
