"""Server trouble, in a few kinds of our own: the boundary where library errors stop.

Mastodon.py, requests and urllib3 each raise their own trees of exceptions (and
Mastodon.py wraps network errors, keeping the cause only in ``__context__``). Everything
that goes wrong talking to a server becomes one :class:`ServerProblem` here, with a kind
the checker can map to a status and a sentence a member understands. Library text
(``GuardedHTTPConnectionPool(...)``, ``Max retries exceeded``) never reaches a reason:
each failure has its own sentence, below, in one place.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import requests
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)
from urllib3.exceptions import NameResolutionError, ProtocolError

from companion.core.move_facts import Answer

from .http import ResponseTooLargeError
from .netguard import AddressRefusedError
from .rate_limit import RateLimitedError


class Trouble(StrEnum):
    """What kind of trouble a request ran into."""

    NOT_FOUND = "not_found"  # 404
    GONE = "gone"  # 410
    UNAUTHORIZED = "unauthorized"  # 401/403: token needed, refused, or signed fetch only
    RATE_LIMITED = "rate_limited"  # waiting for the window would take too long
    TIMEOUT = "timeout"
    NETWORK = "network"  # DNS, connection refused or reset, TLS
    REDIRECT_LOOP = "redirect_loop"  # redirects that never arrive anywhere
    TRUNCATED = "truncated"  # the answer broke off (body or JSON incomplete)
    REFUSED_ADDRESS = "refused_address"  # our own address rules said no
    TOO_LARGE = "too_large"
    SERVER_ERROR = "server_error"  # 5xx
    NOT_JSON = "not_json"  # a web page (or anything else) where data was expected
    BAD_SHAPE = "bad_shape"  # JSON, but not the shape this API returns
    HTTP_ERROR = "http_error"  # any other status


# Trouble that says something about the account rather than the server.
ACCOUNT_ANSWERS = {Trouble.NOT_FOUND: Answer.NOT_FOUND, Trouble.GONE: Answer.GONE}


class ServerProblem(Exception):  # noqa: N818 (also kept as a value: a problem, not only an error)
    """One request's trouble, classified, with a plain-words reason."""

    def __init__(self, trouble: Trouble, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.trouble = trouble
        self.reason = reason
        self.status = status

    @property
    def answer(self) -> Answer:
        """The account answer this trouble amounts to (server shape trouble: unsupported)."""
        if self.trouble in ACCOUNT_ANSWERS:
            return ACCOUNT_ANSWERS[self.trouble]
        if self.trouble in {Trouble.NOT_JSON, Trouble.BAD_SHAPE}:
            return Answer.UNSUPPORTED
        return Answer.UNREACHABLE


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it was raised from or during, without loops."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
        # requests and urllib3 keep the real cause in args (e.g. MaxRetryError.reason).
        for arg in current.args:
            if isinstance(arg, BaseException):
                pending.append(arg)
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)


def classify(exc: BaseException, host: str, *, timeout: float) -> ServerProblem:
    """Turn any exception from a request to ``host`` into a :class:`ServerProblem`."""
    if isinstance(exc, ServerProblem):
        return exc
    links = list(_chain(exc))
    # Most specific first: an SSLError is also a ConnectionError, a refusal an OSError.
    for kinds, sentence in _SENTENCES:
        for link in links:
            if isinstance(link, kinds):
                return sentence(link, host, timeout)
    if isinstance(exc, MastodonError):
        return _mastodon(exc, host)
    if isinstance(exc, ValueError):
        return ServerProblem(Trouble.NOT_JSON, f"{host} answered with something unreadable")
    return ServerProblem(
        Trouble.NETWORK, f"could not talk to {host}: the connection failed ({type(exc).__name__})"
    )


def _refused_address(link: AddressRefusedError, host: str, timeout: float) -> ServerProblem:
    return ServerProblem(
        Trouble.REFUSED_ADDRESS,
        f"refused to contact {link.host}: it points to a {link.kind} address "
        f"({link.address}); private addresses are only allowed for configured test or "
        "staging servers",
    )


def _rate_limited(link: RateLimitedError, host: str, timeout: float) -> ServerProblem:
    return ServerProblem(
        Trouble.RATE_LIMITED, f"{host} is rate-limiting the bot; {when_allowed(link.until)}"
    )


def when_allowed(until: datetime, now: datetime | None = None) -> str:
    """When requests are allowed again, as a member reads it: seconds, or a clock time."""
    now = now or datetime.now(UTC)
    left = (until - now).total_seconds()
    if left < 60:
        return f"it allows requests again in {max(1, round(left))} s"
    clock = until.astimezone(UTC).strftime("%H:%M UTC")
    if until - now < timedelta(hours=20):
        return f"it allows requests again at {clock}"
    return f"it allows requests again at {clock} on {until.day} {until:%B %Y}"


def _sentence(trouble: Trouble, text: str) -> Callable[[BaseException, str, float], ServerProblem]:
    def make(link: BaseException, host: str, timeout: float) -> ServerProblem:
        return ServerProblem(trouble, text.format(host=host, timeout=timeout))

    return make


_SENTENCES: list[tuple[type | tuple[type, ...], Callable[..., ServerProblem]]] = [
    (AddressRefusedError, _refused_address),
    (
        ResponseTooLargeError,
        lambda link, host, timeout: ServerProblem(
            Trouble.TOO_LARGE, f"{host} sent an answer larger than {link.limit} bytes"
        ),
    ),
    (RateLimitedError, _rate_limited),
    (
        (requests.Timeout, TimeoutError),
        _sentence(Trouble.TIMEOUT, "{host} did not answer within {timeout:g} s"),
    ),
    (NameResolutionError, _sentence(Trouble.NETWORK, "the name {host} does not resolve (DNS)")),
    (
        (requests.exceptions.SSLError, ssl.SSLError),
        _sentence(
            Trouble.NETWORK,
            "{host} has a broken secure connection (its TLS certificate or setup is wrong)",
        ),
    ),
    (
        requests.TooManyRedirects,
        _sentence(Trouble.REDIRECT_LOOP, "{host} redirects in a loop, so its answer never arrives"),
    ),
    (
        (http.client.IncompleteRead, requests.exceptions.ChunkedEncodingError),
        _sentence(
            Trouble.TRUNCATED, "{host} broke off its answer before the end (incomplete answer)"
        ),
    ),
    (
        ConnectionRefusedError,
        _sentence(
            Trouble.NETWORK,
            "{host} refused the connection: nothing is answering there (the server may be down)",
        ),
    ),
    (
        (ConnectionResetError, http.client.RemoteDisconnected, ConnectionAbortedError),
        _sentence(Trouble.NETWORK, "{host} closed the connection without answering"),
    ),
    (
        ProtocolError,
        _sentence(Trouble.TRUNCATED, "{host} broke off its answer before the end"),
    ),
]


def unreadable(body: bytes, host: str, what: str = "") -> ServerProblem:
    """Name an answer that should have been JSON but does not parse."""
    about = f" {what}" if what else ""
    start = body.lstrip()[:1]
    if not start:
        return ServerProblem(Trouble.TRUNCATED, f"{host} sent an empty answer{about}")
    if start in {b"{", b"["}:
        return ServerProblem(
            Trouble.TRUNCATED,
            f"{host} sent incomplete data{about}: its answer breaks off or is malformed",
        )
    if start == b"<":
        return ServerProblem(
            Trouble.NOT_JSON, f"{host} answered{about} with a web page instead of data"
        )
    return ServerProblem(
        Trouble.NOT_JSON, f"{host} answered{about} with something that is not data"
    )


def _mastodon(exc: MastodonError, host: str) -> ServerProblem:
    """Mastodon.py's error tree, mapped to our kinds."""
    status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    detail = exc.args[3] if len(exc.args) > 3 and exc.args[3] else ""
    if isinstance(exc, MastodonNotFoundError):
        return ServerProblem(Trouble.NOT_FOUND, f"{host} says: not found", 404)
    if isinstance(exc, MastodonUnauthorizedError):
        return ServerProblem(
            Trouble.UNAUTHORIZED, f"{host} refused: {detail or 'not authorized'}", 401
        )
    if isinstance(exc, MastodonServerError):
        return _server_error(status or 500, host, "")
    if isinstance(exc, MastodonRatelimitError):
        return ServerProblem(Trouble.RATE_LIMITED, f"{host} is rate-limiting us")
    if isinstance(exc, MastodonNetworkError):
        return ServerProblem(Trouble.NETWORK, f"could not talk to {host}: the connection failed")
    if isinstance(exc, MastodonAPIError):
        first = str(exc.args[0]) if exc.args else ""
        if first.startswith("Could not parse response as JSON"):
            return ServerProblem(
                Trouble.NOT_JSON, f"{host} answered with a web page instead of data"
            )
        if status == 410:
            return ServerProblem(Trouble.GONE, f"{host} says: gone for good", 410)
        if status == 403:
            return ServerProblem(Trouble.UNAUTHORIZED, f"{host} refused: forbidden", 403)
        return ServerProblem(
            Trouble.HTTP_ERROR, f"{host} answered with error {status}: {_short(detail)}", status
        )
    return ServerProblem(Trouble.NETWORK, f"could not talk to {host}: the request failed")


def from_status(status: int, host: str, what: str) -> ServerProblem:
    """A problem for an HTTP status we read ourselves (WebFinger, actor, nodeinfo)."""
    if status == 404:
        return ServerProblem(Trouble.NOT_FOUND, f"{host} says {what}: not found", 404)
    if status == 410:
        return ServerProblem(Trouble.GONE, f"{host} says {what}: gone for good", 410)
    if status in {401, 403}:
        return ServerProblem(Trouble.UNAUTHORIZED, f"{host} refused {what} ({status})", status)
    if status == 429:
        return ServerProblem(Trouble.RATE_LIMITED, f"{host} is rate-limiting us", 429)
    if status >= 500:
        return _server_error(status, host, f" {what}")
    return ServerProblem(Trouble.HTTP_ERROR, f"{host} answered {what} with {status}", status)


def _server_error(status: int, host: str, what: str) -> ServerProblem:
    """5xx is the server's own trouble, temporary as far as the member is concerned.

    Mastodon 4.5.4+ also answers 503 when it could not fetch a remote actor to verify a
    signature at that moment: temporary too, so it is asked again later, never "unsupported".
    """
    note = " (temporarily unavailable; it will be asked again later)" if status == 503 else ""
    return ServerProblem(
        Trouble.SERVER_ERROR, f"{host} answered{what} with server error {status}{note}", status
    )


def _short(text: object) -> str:
    text = str(text)
    return text if len(text) <= 160 else text[:157] + "..."
