"""A wall-clock deadline for one HTTP exchange: connect, headers and body together.

``requests``' timeout bounds each socket read, so a server that drips its headers or a
declared-length body one byte a second never trips it. Here every exchange is registered
with one watchdog thread; when its deadline passes, the watchdog shuts the connection's
socket down (``shutdown`` on a duplicate descriptor, which also works under TLS), so the
blocked read returns at once and the transport reports a timeout. The socket is handed
over as soon as it is connected (so a dripped TLS handshake is cut too) and again before
the answer is read (a connection reused from the pool). One thread serves every
exchange, so a recheck of thousands of members starts no thread per request.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

_current = threading.local()


class DeadlineExpiredError(Exception):
    """The exchange ran past its deadline (raised where a reused socket was already late)."""


class Exchange:
    """One request/answer exchange and the socket it is using, if any yet."""

    def __init__(self, seconds: float) -> None:
        """Start the clock now."""
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._done = False
        # The descriptor, not the socket object: wrapping in TLS moves the descriptor to
        # a new object and leaves the first one closed.
        self._fd: int | None = None
        self._lock = threading.Lock()

    @property
    def done(self) -> bool:
        """True once the exchange finished (the watchdog may forget it)."""
        return self._done

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.deadline - time.monotonic())

    def attach(self, sock: Any) -> None:
        """Remember the socket the answer will be read from; refuse it when already late."""
        try:
            fd = sock.fileno()
        except (OSError, ValueError):
            fd = -1
        with self._lock:
            if self.expired or time.monotonic() >= self.deadline:
                self.expired = True
                raise DeadlineExpiredError("deadline passed before the answer")
            if fd >= 0:
                self._fd = fd

    def expire(self) -> None:
        """Called by the watchdog at the deadline: cut the connection if still running."""
        # Cut under the lock: once ``finish`` returns, the socket may serve someone else.
        with self._lock:
            if self._done:
                return
            self.expired = True
            if self._fd is not None:
                _cut(self._fd)
                self._fd = None

    def finish(self) -> None:
        """The exchange ended (either way): the watchdog must leave its socket alone."""
        with self._lock:
            self._done = True
            self._fd = None


def _cut(fd: int) -> None:
    """Shut the connection down under whoever is blocked reading it."""
    try:
        twin = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    with twin, contextlib.suppress(OSError):
        twin.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One daemon thread expiring exchanges whose deadline has passed."""

    def __init__(self) -> None:
        """Nothing runs until the first exchange is watched."""
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Exchange]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, exchange: Exchange) -> None:
        """Expire ``exchange`` at its deadline unless it finishes first."""
        with self._cond:
            heapq.heappush(self._heap, (exchange.deadline, next(self._order), exchange))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="request-deadlines", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, _, exchange = self._heap[0]
                if exchange.done:
                    heapq.heappop(self._heap)
                    continue
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(timeout=wait)
                    continue
                heapq.heappop(self._heap)
            exchange.expire()


WATCHDOG = Watchdog()


@contextlib.contextmanager
def exchange_within(seconds: float) -> Iterator[Exchange]:
    """Run one exchange on this thread under a wall-clock deadline of ``seconds``."""
    exchange = Exchange(seconds)
    previous = getattr(_current, "exchange", None)
    _current.exchange = exchange
    WATCHDOG.watch(exchange)
    try:
        yield exchange
    finally:
        exchange.finish()
        _current.exchange = previous


def current_exchange() -> Exchange | None:
    """The exchange this thread is running, if any."""
    return getattr(_current, "exchange", None)


class DeadlineConnectionMixin:
    """Connection mixin: hand the socket to the thread's exchange (connected, and reused)."""

    sock: Any

    def _new_conn(self) -> Any:
        """Connect as usual, then let the exchange's deadline cover the TLS handshake too."""
        sock = super()._new_conn()  # type: ignore[misc]
        exchange = current_exchange()
        if exchange is not None:
            try:
                exchange.attach(sock)
            except DeadlineExpiredError:
                sock.close()
                raise
        return sock

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        """Register the socket with the running exchange, then read as usual."""
        exchange = current_exchange()
        if exchange is not None and self.sock is not None:
            exchange.attach(self.sock)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]
