"""Address safety: never let a server steer the bot into private networks.

Members type handles, and servers answer with links and redirects; all of that is
untrusted input. Every connection is checked on the address it actually connects to
(after DNS, so a name cannot rebind to 127.0.0.1), again for every redirect hop, because
each hop opens its own connection through :class:`GuardedHTTPConnection`.

The rule:

- Public (globally routable) addresses are always allowed.
- Link-local (169.254.0.0/16 holds cloud metadata services), multicast, unspecified and
  reserved addresses are never allowed.
- Loopback and private addresses are refused unless ``allow_private_addresses`` is on;
  even then only for *trusted origins*: the ``api_base_url`` origins an organiser wrote in
  the settings, and origins that a configured server's own discovery documents (host-meta,
  WebFinger links and WebFinger redirects) point to. Only a configured origin vouches: an
  origin trusted because a configured one pointed to it cannot pass trust on, so a chain
  of documents from servers nobody configured never reaches 10.0.0.1 or fd00::1. A plain
  redirect from an API or actor request never adds trust, so a redirect to 10.0.0.1,
  169.254.169.254 or 127.0.0.1 on another port is refused even in staging and in tests.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from urllib.parse import urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import create_connection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Origin = tuple[str, str, int]  # scheme, host (lower-case ASCII), port


class AddressRefusedError(Exception):
    """A connection was refused by the address rules (not an OSError, so nothing retries it)."""

    def __init__(self, host: str, port: int, address: str, kind: str) -> None:
        super().__init__(f"refused to connect to {host}:{port} ({address} is a {kind} address)")
        self.host = host
        self.port = port
        self.address = address
        self.kind = kind


def origin_of(url: str) -> Origin:
    """Scheme, lower-case host and explicit port of a URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


def address_kind(address: IPAddress) -> str:
    """Name the kind of address: ``public`` or why it is not."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified:
        return "unspecified"
    if address.is_multicast:
        return "multicast"
    if address.is_link_local:
        return "link-local"
    if address.is_loopback:
        return "loopback"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "non-public"
    return "public"


_SWITCHABLE = frozenset({"loopback", "private", "non-public"})


class AddressPolicy:
    """Decides which resolved addresses a connection may use; shared by all sessions."""

    def __init__(self, *, allow_private: bool, trusted: set[Origin] | None = None) -> None:
        """Build the policy from the settings switch and the configured origins."""
        self.allow_private = allow_private
        self._configured: set[tuple[str, int]] = {(h, p) for _, h, p in trusted or set()}
        self._vouched: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    def trust(self, url: str) -> None:
        """Trust the origin of ``url`` as configured by an organiser (it may vouch for others)."""
        _, host, port = origin_of(url)
        with self._lock:
            self._configured.add((host, port))

    def vouch(self, by: str, url: str) -> bool:
        """Trust ``url``'s origin because the document at ``by`` named it, if ``by`` may vouch.

        Only configured origins vouch; returns whether trust was extended.
        """
        _, by_host, by_port = origin_of(by)
        _, host, port = origin_of(url)
        with self._lock:
            if (by_host, by_port) not in self._configured:
                return False
            self._vouched.add((host, port))
            return True

    def is_trusted(self, host: str, port: int) -> bool:
        """True when private addresses may be used for this host and port."""
        key = (host.lower(), port)
        with self._lock:
            return key in self._configured or key in self._vouched

    def refusal(self, host: str, port: int, address: IPAddress) -> str | None:
        """The kind of address when the connection must be refused, else None."""
        kind = address_kind(address)
        if kind == "public":
            return None
        if kind in _SWITCHABLE and self.allow_private and self.is_trusted(host, port):
            return None
        return kind


def resolve(host: str, port: int) -> list[tuple[socket.AddressFamily, IPAddress]]:
    """All addresses a name resolves to, in the resolver's order."""
    results: list[tuple[socket.AddressFamily, IPAddress]] = []
    for family, _, _, _, sockaddr in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        results.append((family, address))
    return results


class _GuardMixin:
    """Connect only to addresses the policy allows, to the exact address that was checked."""

    policy: AddressPolicy
    host: str
    port: int
    timeout: float | None
    source_address: tuple[str, int] | None
    socket_options: list[tuple[int, int, int | bytes]] | None

    def _guarded_socket(self) -> socket.socket:
        host = self.host.lower().rstrip(".")
        try:
            candidates = resolve(host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        allowed = []
        refused: AddressRefusedError | None = None
        for _, address in candidates:
            kind = self.policy.refusal(host, self.port, address)
            if kind is None:
                allowed.append(address)
            elif refused is None:
                refused = AddressRefusedError(host, self.port, str(address), kind)
        if not allowed:
            raise refused or AddressRefusedError(host, self.port, "?", "unresolvable")
        last_error: OSError | None = None
        for address in allowed:
            try:
                return create_connection(
                    (str(address), self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out (timeout={self.timeout})"
                ) from exc
            except OSError as exc:
                last_error = exc
        raise NewConnectionError(
            self,  # type: ignore[arg-type]
            f"Failed to establish a new connection: {last_error}",
        ) from last_error


class GuardedHTTPConnection(_GuardMixin, HTTPConnection):
    """Plain HTTP connection that checks the resolved address first."""

    def _new_conn(self) -> socket.socket:
        return self._guarded_socket()


class GuardedHTTPSConnection(_GuardMixin, HTTPSConnection):
    """TLS connection that checks the resolved address first (SNI still uses the name)."""

    def _new_conn(self) -> socket.socket:
        return self._guarded_socket()


def guarded_pool_classes(
    policy: AddressPolicy, mixins: tuple[type, ...] = ()
) -> dict[str, type[HTTPConnectionPool]]:
    """Connection pool classes bound to ``policy``, for ``PoolManager.pool_classes_by_scheme``.

    ``mixins`` go in front of the guarded connection classes (the transport's deadline).
    """
    http_conn = type("PolicyHTTPConnection", (*mixins, GuardedHTTPConnection), {"policy": policy})
    https_conn = type(
        "PolicyHTTPSConnection", (*mixins, GuardedHTTPSConnection), {"policy": policy}
    )
    http_pool = type(
        "GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}
    )
    https_pool = type(
        "GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}
    )
    return {"http": http_pool, "https": https_pool}
