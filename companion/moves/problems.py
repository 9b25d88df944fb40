"""Server trouble, in a few kinds of our own: the boundary where library errors stop.

Mastodon.py, requests and urllib3 each raise their own trees of exceptions (and
Mastodon.py wraps network errors, keeping the cause only in ``__context__``). Everything
that goes wrong talking to a server becomes one :class:`ServerProblem` here, with a kind
the checker can map to a status and a sentence an organiser can act on.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from urllib3.exceptions import NameResolutionError

from companion.core.statuses import Answer

from .http import RateLimitedError, ResponseTooLargeError
from .netguard import AddressRefusedError


class Trouble(StrEnum):
    """What kind of trouble a request ran into."""

    NOT_FOUND = "not_found"  # 404
    GONE = "gone"  # 410
    UNAUTHORIZED = "unauthorized"  # 401/403: token needed, refused, or signed fetch only
    RATE_LIMITED = "rate_limited"  # waiting for the window would take too long
    TIMEOUT = "timeout"
    NETWORK = "network"  # DNS, connection refused or reset, TLS
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
    for link in _chain(exc):
        found = _specific(link, host, timeout)
        if found is not None:
            return found
    if isinstance(exc, MastodonError):
        return _mastodon(exc, host)
    if isinstance(exc, requests.RequestException):
        return ServerProblem(Trouble.NETWORK, f"could not talk to {host}: {_short(exc)}")
    if isinstance(exc, ValueError):
        return ServerProblem(Trouble.NOT_JSON, f"{host} answered with something unreadable")
    return ServerProblem(Trouble.NETWORK, f"could not talk to {host}: {_short(exc)}")


def _specific(link: BaseException, host: str, timeout: float) -> ServerProblem | None:
    """Our own guard errors and timeouts, wherever they sit in the chain."""
    if isinstance(link, AddressRefusedError):
        return ServerProblem(
            Trouble.REFUSED_ADDRESS,
            f"refused to contact {link.host}: it points to a {link.kind} address "
            f"({link.address}); private addresses are only allowed for configured test or "
            "staging servers",
        )
    if isinstance(link, ResponseTooLargeError):
        return ServerProblem(
            Trouble.TOO_LARGE, f"{host} sent an answer larger than {link.limit} bytes"
        )
    if isinstance(link, RateLimitedError):
        return ServerProblem(
            Trouble.RATE_LIMITED,
            f"{host} is rate-limiting us; the next request is allowed in {link.wait:.0f} s",
        )
    if isinstance(link, requests.Timeout | TimeoutError):
        return ServerProblem(Trouble.TIMEOUT, f"{host} did not answer within {timeout:g} s")
    if isinstance(link, NameResolutionError):
        return ServerProblem(Trouble.NETWORK, f"the name {host} does not resolve (DNS)")
    if isinstance(link, requests.exceptions.SSLError):
        return ServerProblem(Trouble.NETWORK, f"{host} has a broken secure connection (TLS)")
    return None


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
        return ServerProblem(
            Trouble.SERVER_ERROR, f"{host} answered with server error {status}", status
        )
    if isinstance(exc, MastodonRatelimitError):
        return ServerProblem(Trouble.RATE_LIMITED, f"{host} is rate-limiting us")
    if isinstance(exc, MastodonNetworkError):
        return ServerProblem(Trouble.NETWORK, f"could not connect to {host}")
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
            Trouble.HTTP_ERROR, f"{host} answered with error {status}: {detail}", status
        )
    return ServerProblem(Trouble.NETWORK, f"could not talk to {host}: {_short(exc)}")


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
        return ServerProblem(
            Trouble.SERVER_ERROR, f"{host} answered {what} with server error {status}", status
        )
    return ServerProblem(Trouble.HTTP_ERROR, f"{host} answered {what} with {status}", status)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
