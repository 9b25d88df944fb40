"""Rate limiting: how fast we may ask each host, shared by every worker thread.

:class:`GateRegistry` hands out one :class:`HostGate` per host. A gate caps concurrent
requests to its host and keeps to the host's rate-limit budget, read from
``X-RateLimit-*`` on every answer, with a small reserve so the count never reaches zero.
After a 429 it waits as told (``Retry-After`` in seconds or as an HTTP date, else
``X-RateLimit-Reset``, which is all Mastodon sends), or backs off 1, 2, 4 s when told
nothing. Told to wait longer than ``max_wait`` (or the shorter :data:`WAIT_BUDGET` of a
member's reply), the transport (:mod:`companion.moves.http`) gives up at once with
:class:`RateLimitedError`, which names the clock time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

# Seconds added after the announced reset, for clock resolution and transit time.
RESET_MARGIN = 0.1
# Only correct for the server's clock when it is clearly off: its Date has 1 s resolution.
SKEW_TOLERANCE = 2.0
# Backoff after a 429 that says nothing about when to come back: 1, 2, 4 s, never more.
BACKOFF_START = 1.0
BACKOFF_CAP = 4.0
RETRIES_AFTER_429 = 2
# ``X-RateLimit-Reset`` numbers below this are seconds from now, not an epoch time.
_EPOCH_FLOOR = 1_000_000_000

# Seconds a rate limit may hold up the current work (a member waiting for a reply); None:
# the gate's ``max_wait``. Context-local, so one member's check does not shorten a recheck.
WAIT_BUDGET: ContextVar[float | None] = ContextVar("rate_limit_wait_budget", default=None)


class RateLimitedError(Exception):
    """The host's rate limit would make us wait longer than allowed (or kept refusing)."""

    def __init__(self, host: str, wait: float) -> None:
        self.host = host
        self.wait = max(0.0, wait)
        self.until = datetime.fromtimestamp(time.time() + self.wait, UTC)
        super().__init__(f"{host} rate limit: next request allowed at {self.until.isoformat()}")


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
        self._retry_at: float | None = None  # after a 429: not before this (local epoch)
        self._in_flight = 0  # API requests sent whose answer has not been counted yet
        self._told = False  # whether the latest 429 said when to come back
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
                if self._retry_at is not None:
                    if now < self._retry_at:  # another request was just told to wait
                        self._sleep_locked(self._retry_at - now)
                        continue
                    self._retry_at = None
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
                wait = (self._reset_at - now) if self._reset_at is not None else BACKOFF_START
                if wait > self.wait_limit():
                    raise RateLimitedError(self.host, wait)
                started = time.monotonic()
                self._cond.wait(timeout=max(0.01, wait))
                self.counters.waited += time.monotonic() - started

    def wait_limit(self) -> float:
        """The longest wait allowed now: ``max_wait``, or the caller's shorter budget."""
        budget = WAIT_BUDGET.get()
        return self.max_wait if budget is None else min(self.max_wait, budget)

    def wait_after_429(self, attempt: int) -> float:
        """Seconds to wait before retry ``attempt + 1``: as told, else 1, 2, 4 s at most."""
        with self._cond:
            if self._told and self._retry_at is not None:
                return max(0.0, self._retry_at - time.time())
            return min(BACKOFF_START * 2**attempt, BACKOFF_CAP)

    def pause_after_429(self, wait: float) -> None:
        """Hold every request to this host for ``wait`` seconds (this one sleeps them out)."""
        with self._cond:
            self._retry_at = max(self._retry_at or 0.0, time.time() + wait)
            self._sleep_locked(self._retry_at - time.time())

    def _sleep_locked(self, wait: float) -> None:
        """Sleep ``wait`` seconds on the condition (the caller holds it)."""
        if wait > self.wait_limit():
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
        limit = header_int(headers.get("X-RateLimit-Limit"))
        remaining = header_int(headers.get("X-RateLimit-Remaining"))
        reset = _reset_time(headers)
        if limit is not None:
            self._limit = limit
        if response.status_code == 429:
            remaining = 0
            told = _retry_after(headers)
            if told is None and reset is not None:
                told = max(0.0, reset + RESET_MARGIN - time.time())
            # Told nothing: the sender backs off per attempt (``wait_after_429``).
            self._told = told is not None
            if told is not None:
                self._retry_at = max(self._retry_at or 0.0, time.time() + told)
        if remaining is None or reset is None or reset <= time.time():
            return
        reset += RESET_MARGIN
        if self._reset_at is None or reset > self._reset_at + 0.5:
            self._reset_at, self._remaining = reset, remaining  # a newer window
        elif abs(reset - self._reset_at) <= 0.5:
            self._remaining = min(self._remaining or remaining, remaining)


def header_int(value: str | None) -> int | None:
    """A header's whole number, or None when it is absent or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds from now: delta seconds, or an HTTP date (RFC 9110)."""
    raw = (headers.get("Retry-After") or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    # Measured against the server's own Date when it sent one, so clock skew cancels out.
    try:
        sent = parsedate_to_datetime(headers.get("Date", "")).timestamp()
    except (TypeError, ValueError, IndexError):
        sent = time.time()
    return max(0.0, when.timestamp() - sent)


def _reset_time(headers: Mapping[str, str]) -> float | None:
    """``X-RateLimit-Reset`` as a local epoch time (ISO 8601, or epoch seconds elsewhere)."""
    raw = headers.get("X-RateLimit-Reset")
    if not raw:
        return None
    try:
        reset = float(raw) if raw.replace(".", "", 1).isdigit() else _iso_epoch(raw)
    except ValueError:
        return None
    if reset < _EPOCH_FLOOR:
        return time.time() + reset  # seconds until the reset, as some servers send
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
