"""The HTTP transport every Mastodon request goes through, Mastodon.py's included.

One ``requests.Session`` per server, all built by :func:`build_session` around
:class:`GuardedAdapter`, which for every request (and every redirect hop):

- connects only where :mod:`companion.moves.netguard` allows;
- sends a token only to the exact origin it was configured for;
- waits at the host's gate (:mod:`companion.moves.rate_limit`: its rate-limit budget
  and concurrency cap); after a 429 it waits as the gate says and tries again at most
  twice, and when the wait would be too long it gives up at once with
  :class:`~companion.moves.rate_limit.RateLimitedError`, which names the clock time;
- ends every exchange (connect, headers, body) within ``max_seconds`` of wall-clock time
  (:mod:`companion.moves.deadline`), however slowly the server drips its answer;
- reads at most ``max_bytes`` of body.

Mastodon.py never sees a 429: it sees an answer or :class:`RateLimitedError`.
"""

import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import ReadTimeout

from .deadline import DeadlineConnectionMixin, exchange_within
from .netguard import AddressPolicy, Origin, guarded_pool_classes, origin_of
from .rate_limit import RETRIES_AFTER_429, GateRegistry, RateLimitedError, header_int

API_PREFIX = "/api/"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


class ResponseTooLargeError(Exception):
    """An answer was larger than the cap (not an OSError, so nothing retries it)."""

    def __init__(self, url: str, limit: int) -> None:
        super().__init__(f"answer from {urlsplit(url).netloc} larger than {limit} bytes")
        self.limit = limit


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
        retries_after_429: int = RETRIES_AFTER_429,
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
        self.poolmanager.pool_classes_by_scheme = guarded_pool_classes(
            self._policy, mixins=(DeadlineConnectionMixin,)
        )

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
                response = self._exchange(request, url, timeout, verify, cert)
            finally:
                gate.after(is_api, response)
            if response.status_code != 429 or request.method not in {"GET", "HEAD"}:
                return response
            wait = gate.wait_after_429(attempt)
            if attempt >= self._retries_after_429 or wait > gate.wait_limit():
                raise RateLimitedError(gate.host, wait)
            attempt += 1
            gate.pause_after_429(wait)

    def _exchange(
        self, request: requests.PreparedRequest, url: str, timeout: Any, verify: Any, cert: Any
    ) -> requests.Response:
        """One request and its whole answer, within ``max_seconds`` of wall-clock time."""
        with exchange_within(self._max_seconds) as exchange:
            try:
                response = super().send(
                    request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies=None
                )
                self._read_body(response, url)
            except Exception as exc:
                if exchange.expired:
                    raise ReadTimeout(
                        f"answer from {urlsplit(url).netloc} took longer than "
                        f"{self._max_seconds:g} s"
                    ) from exc
                raise
            return response

    def _scope_token(self, request: requests.PreparedRequest, url: str) -> None:
        """Drop the Authorization header unless this hop goes to the token's own origin."""
        if "Authorization" in request.headers and (
            self._token_origin is None or origin_of(url) != self._token_origin
        ):
            del request.headers["Authorization"]

    def _read_body(self, response: requests.Response, url: str) -> None:
        """Read the body into ``response.content``, refusing more than the cap."""
        declared = header_int(response.headers.get("Content-Length"))
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
