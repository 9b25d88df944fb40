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
from companion.i18n import N_, _
from companion.i18n.dates import format_clock, format_day

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


_SENTENCE_FIELDS = frozenset({"what", "allowed"})

# Reasons the checks give in their own words (not a request's trouble), shared by them.
ANOTHER_ACCOUNT = N_("{host} answered with another account than {handle}")
UNEXPECTED_ERROR = N_("unexpected error ({kind}); it was logged")
CANNOT_READ_NOW = N_("{domain} cannot be read now")

# Trouble that says something about the account rather than the server.
ACCOUNT_ANSWERS = {Trouble.NOT_FOUND: Answer.NOT_FOUND, Trouble.GONE: Answer.GONE}


class ServerProblem(Exception):  # noqa: N818 (also kept as a value: a problem, not only an error)
    """One request's trouble, classified, with a plain-words reason."""

    def __init__(
        self, trouble: Trouble, reason: str, status: int | None = None, **fields: object
    ) -> None:
        super().__init__(reason)
        self.trouble = trouble
        self.template = reason  # an N_-marked sentence with ``str.format`` fields
        self.fields = fields
        self.status = status

    @property
    def reason(self) -> str:
        """The reason in the language of whoever reads it now.

        Fields named ``what`` and ``allowed`` are sentences too, translated with it.
        """
        fields = {
            name: _(value) if name in _SENTENCE_FIELDS and isinstance(value, str) else value
            for name, value in self.fields.items()
        }
        return _(self.template).format(**fields)

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
        return ServerProblem(
            Trouble.NOT_JSON, N_("{host} answered with something unreadable"), host=host
        )
    return ServerProblem(
        Trouble.NETWORK,
        N_("could not talk to {host}: the connection failed ({error})"),
        host=host,
        error=type(exc).__name__,
    )


def _refused_address(link: AddressRefusedError, host: str, timeout: float) -> ServerProblem:
    return ServerProblem(
        Trouble.REFUSED_ADDRESS,
        N_(
            "refused to contact {host}: it points to a {kind} address ({address}); private "
            "addresses are only allowed for configured test or staging servers"
        ),
        host=link.host,
        kind=link.kind,
        address=link.address,
    )


def _rate_limited(link: RateLimitedError, host: str, timeout: float) -> ServerProblem:
    return ServerProblem(
        Trouble.RATE_LIMITED,
        N_("{host} is rate-limiting the bot; {allowed}"),
        host=host,
        allowed=when_allowed(link.until),
    )


def when_allowed(until: datetime, now: datetime | None = None) -> str:
    """When requests are allowed again, as a member reads it: seconds, or a clock time."""
    now = now or datetime.now(UTC)
    left = (until - now).total_seconds()
    if left < 60:
        return _("it allows requests again in {seconds} s").format(seconds=max(1, round(left)))
    if until - now < timedelta(hours=20):
        return _("it allows requests again at {clock} UTC").format(clock=format_clock(until, UTC))
    clock = format_clock(until, UTC)
    day = format_day(until.astimezone(UTC).date())
    return _("it allows requests again at {clock} UTC on {day}").format(clock=clock, day=day)


def _sentence(trouble: Trouble, text: str) -> Callable[[BaseException, str, float], ServerProblem]:
    def make(link: BaseException, host: str, timeout: float) -> ServerProblem:
        return ServerProblem(trouble, text, host=host, timeout=timeout)

    return make


_SENTENCES: list[tuple[type | tuple[type, ...], Callable[..., ServerProblem]]] = [
    (AddressRefusedError, _refused_address),
    (
        ResponseTooLargeError,
        lambda link, host, timeout: ServerProblem(
            Trouble.TOO_LARGE,
            N_("{host} sent an answer larger than {limit} bytes"),
            host=host,
            limit=link.limit,
        ),
    ),
    (RateLimitedError, _rate_limited),
    (
        (requests.Timeout, TimeoutError),
        _sentence(Trouble.TIMEOUT, N_("{host} did not answer within {timeout:g} s")),
    ),
    (NameResolutionError, _sentence(Trouble.NETWORK, N_("the name {host} does not resolve (DNS)"))),
    (
        (requests.exceptions.SSLError, ssl.SSLError),
        _sentence(
            Trouble.NETWORK,
            N_("{host} has a broken secure connection (its TLS certificate or setup is wrong)"),
        ),
    ),
    (
        requests.TooManyRedirects,
        _sentence(
            Trouble.REDIRECT_LOOP, N_("{host} redirects in a loop, so its answer never arrives")
        ),
    ),
    (
        (http.client.IncompleteRead, requests.exceptions.ChunkedEncodingError),
        _sentence(
            Trouble.TRUNCATED, N_("{host} broke off its answer before the end (incomplete answer)")
        ),
    ),
    (
        ConnectionRefusedError,
        _sentence(
            Trouble.NETWORK,
            N_(
                "{host} refused the connection: nothing is answering there (the server may be down)"
            ),
        ),
    ),
    (
        (ConnectionResetError, http.client.RemoteDisconnected, ConnectionAbortedError),
        _sentence(Trouble.NETWORK, N_("{host} closed the connection without answering")),
    ),
    (
        ProtocolError,
        _sentence(Trouble.TRUNCATED, N_("{host} broke off its answer before the end")),
    ),
]


def unreadable(body: bytes, host: str, what: str = "") -> ServerProblem:
    """Name an answer that should have been JSON but does not parse."""
    start = body.lstrip()[:1]
    if not start:
        return ServerProblem(
            Trouble.TRUNCATED,
            N_("{host} sent an empty answer {what}") if what else N_("{host} sent an empty answer"),
            host=host,
            what=what,
        )
    if start in {b"{", b"["}:
        return ServerProblem(
            Trouble.TRUNCATED,
            N_("{host} sent incomplete data {what}: its answer breaks off or is malformed")
            if what
            else N_("{host} sent incomplete data: its answer breaks off or is malformed"),
            host=host,
            what=what,
        )
    if start == b"<":
        return ServerProblem(
            Trouble.NOT_JSON,
            N_("{host} answered {what} with a web page instead of data")
            if what
            else N_("{host} answered with a web page instead of data"),
            host=host,
            what=what,
        )
    return ServerProblem(
        Trouble.NOT_JSON,
        N_("{host} answered {what} with something that is not data")
        if what
        else N_("{host} answered with something that is not data"),
        host=host,
        what=what,
    )


def _mastodon(exc: MastodonError, host: str) -> ServerProblem:
    """Mastodon.py's error tree, mapped to our kinds."""
    status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    detail = exc.args[3] if len(exc.args) > 3 and exc.args[3] else ""
    if isinstance(exc, MastodonNotFoundError):
        return ServerProblem(Trouble.NOT_FOUND, N_("{host} says: not found"), 404, host=host)
    if isinstance(exc, MastodonUnauthorizedError):
        return ServerProblem(
            Trouble.UNAUTHORIZED,
            N_("{host} refused: {detail}"),
            401,
            host=host,
            detail=detail or "not authorized",
        )
    if isinstance(exc, MastodonServerError):
        return _server_error(status or 500, host, "")
    if isinstance(exc, MastodonRatelimitError):
        return ServerProblem(Trouble.RATE_LIMITED, N_("{host} is rate-limiting us"), host=host)
    if isinstance(exc, MastodonNetworkError):
        return ServerProblem(
            Trouble.NETWORK, N_("could not talk to {host}: the connection failed"), host=host
        )
    if isinstance(exc, MastodonAPIError):
        first = str(exc.args[0]) if exc.args else ""
        if first.startswith("Could not parse response as JSON"):
            return ServerProblem(
                Trouble.NOT_JSON, N_("{host} answered with a web page instead of data"), host=host
            )
        if status == 410:
            return ServerProblem(Trouble.GONE, N_("{host} says: gone for good"), 410, host=host)
        if status == 403:
            return ServerProblem(
                Trouble.UNAUTHORIZED, N_("{host} refused: forbidden"), 403, host=host
            )
        return ServerProblem(
            Trouble.HTTP_ERROR,
            N_("{host} answered with error {code}: {detail}"),
            status,
            host=host,
            code=status,
            detail=_short(detail),
        )
    return ServerProblem(
        Trouble.NETWORK, N_("could not talk to {host}: the request failed"), host=host
    )


def from_status(status: int, host: str, what: str) -> ServerProblem:
    """A problem for an HTTP status we read ourselves (WebFinger, actor, nodeinfo)."""
    if status == 404:
        return ServerProblem(
            Trouble.NOT_FOUND, N_("{host} says {what}: not found"), 404, host=host, what=what
        )
    if status == 410:
        return ServerProblem(
            Trouble.GONE, N_("{host} says {what}: gone for good"), 410, host=host, what=what
        )
    if status in {401, 403}:
        return ServerProblem(
            Trouble.UNAUTHORIZED,
            N_("{host} refused {what} ({code})"),
            status,
            host=host,
            what=what,
            code=status,
        )
    if status == 429:
        return ServerProblem(Trouble.RATE_LIMITED, N_("{host} is rate-limiting us"), 429, host=host)
    if status >= 500:
        return _server_error(status, host, what)
    return ServerProblem(
        Trouble.HTTP_ERROR,
        N_("{host} answered {what} with {code}"),
        status,
        host=host,
        what=what,
        code=status,
    )


def _server_error(status: int, host: str, what: str) -> ServerProblem:
    """5xx is the server's own trouble, temporary as far as the member is concerned.

    Mastodon 4.5.4+ also answers 503 when it could not fetch a remote actor to verify a
    signature at that moment: temporary too, so it is asked again later, never "unsupported".
    """
    if status == 503:
        template = (
            N_(
                "{host} answered {what} with server error {code} (temporarily unavailable; "
                "it will be asked again later)"
            )
            if what
            else N_(
                "{host} answered with server error {code} (temporarily unavailable; it will "
                "be asked again later)"
            )
        )
    else:
        template = (
            N_("{host} answered {what} with server error {code}")
            if what
            else N_("{host} answered with server error {code}")
        )
    return ServerProblem(Trouble.SERVER_ERROR, template, status, host=host, what=what, code=status)


def _short(text: object) -> str:
    text = str(text)
    return text if len(text) <= 160 else text[:157] + "..."
