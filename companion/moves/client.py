"""Mastodon.py, wrapped: one client per server, raw JSON out, our problems on failure.

Mastodon.py makes the REST calls (over our guarded session, ``ratelimit_method="throw"``,
a short timeout, our User-Agent). Its casting fills every missing key with None, which
would hide the one signal that matters (``moved`` is *absent* when not moved, *null* when
the target is gone) and would turn any JSON into an "Account"; so after each call we read
the raw answer recorded by the session's response hook and check its shape ourselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from typing import Any

from mastodon import Mastodon

from companion import USER_AGENT
from companion.core.handles import Handle
from companion.i18n import N_

from .http import forget_last_response, last_response
from .problems import ServerProblem, Trouble, classify, unreadable

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _UncastMastodon(Mastodon):
    """Mastodon.py without its result casting, which we never read (see the module doc).

    Casting a batch of 40 accounts costs about 0.1 s of CPU under the GIL, which would
    dominate whole-community rechecks. Correctness does not depend on this hook: answers
    are always read from the recorded raw response.
    """

    # Mastodon.py calls self.__try_cast_to_type, which Python mangles to this name.
    def _Mastodon__try_cast_to_type(  # noqa: N802 (the mangled name is what Mastodon.py calls)
        self, value: Any, override_type: Any = None
    ) -> tuple[Any, None]:
        return value, None


class MastodonClient:
    """The client API of one server (one Mastodon.py instance, one session)."""

    def __init__(
        self, api_base: str, session: Any, *, timeout: float, token: str | None = None
    ) -> None:
        """Create the Mastodon.py client; it sends no request until asked."""
        self.api_base = api_base
        self.host = api_base.split("://", 1)[-1]
        self.timeout = timeout
        self.sends_token = token is not None
        self._api = _UncastMastodon(
            api_base_url=api_base,
            access_token=token,
            request_timeout=timeout,
            ratelimit_method="throw",
            session=session,
            user_agent=USER_AGENT,
            version_check_mode="none",
        )

    def _raw(self, call: Callable[..., Any], *args: Any) -> Any:
        """Run a Mastodon.py call and return the raw JSON of its answer."""
        forget_last_response()
        try:
            call(*args)
        except Exception as exc:  # every library error stops here, classified
            problem = classify(exc, self.host, timeout=self.timeout)
            answered = last_response()
            if problem.trouble is Trouble.NOT_JSON and answered is not None:
                problem = unreadable(answered.content, self.host)  # a page, or cut-off JSON?
            raise problem from exc
        response = last_response()
        if response is None:
            raise ServerProblem(
                Trouble.NETWORK, N_("no answer recorded from {host}"), host=self.host
            )
        try:
            return json.loads(response.content)
        except ValueError as exc:
            raise unreadable(response.content, self.host) from exc

    def lookup(self, acct: str) -> dict[str, Any]:
        """``GET /api/v1/accounts/lookup?acct=`` (public on normal servers, 3.4+)."""
        return self._account_shape(self._raw(self._api.account_lookup, acct))

    def account(self, account_id: str) -> dict[str, Any]:
        """``GET /api/v1/accounts/:id``."""
        return self._account_shape(self._raw(self._api.account, _safe_id(account_id)))

    def accounts(self, account_ids: list[str]) -> list[dict[str, Any]]:
        """``GET /api/v1/accounts?id[]=`` (4.3+, at most 40 ids; missing ones are left out)."""
        data = self._raw(self._api.accounts, [_safe_id(ident) for ident in account_ids])
        if not isinstance(data, list):
            raise ServerProblem(
                Trouble.BAD_SHAPE, N_("{host} did not send a list of accounts"), host=self.host
            )
        return [self._account_shape(item) for item in data]

    def account_page(
        self, kind: str, account_id: str, max_id: str | None = None, limit: int = 80
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of an account's ``followers`` or ``following`` and the next ``max_id``.

        Mastodon.py reads the ``Link`` header and keeps only its ``max_id`` (never the
        URL), so a hostile link cannot send the next request anywhere else.
        """
        call = self._api.account_followers if kind == "followers" else self._api.account_following
        forget_last_response()
        try:
            page = call(_safe_id(account_id), max_id=max_id, limit=limit)
        except Exception as exc:
            raise classify(exc, self.host, timeout=self.timeout) from exc
        response = last_response()
        try:
            data = json.loads(response.content) if response is not None else None
        except ValueError as exc:
            raise ServerProblem(
                Trouble.NOT_JSON, N_("{host} sent a web page"), host=self.host
            ) from exc
        if not isinstance(data, list):
            raise ServerProblem(
                Trouble.BAD_SHAPE, N_("{host} did not send a list of accounts"), host=self.host
            )
        following = getattr(page, "_pagination_next", None) or {}
        next_id = following.get("max_id") if isinstance(following, dict) else None
        next_text = str(next_id) if next_id is not None and _ID.match(str(next_id)) else None
        return [item for item in data if isinstance(item, dict)], next_text

    def published_domain_blocks(self) -> list[dict[str, Any]]:
        """``GET /api/v1/instance/domain_blocks`` (401/404 when the admin keeps it private)."""
        data = self._raw(self._api.instance_domain_blocks)
        if not isinstance(data, list):
            raise ServerProblem(
                Trouble.BAD_SHAPE, N_("{host} did not send a list of blocks"), host=self.host
            )
        return [item for item in data if isinstance(item, dict)]

    def instance(self) -> dict[str, Any]:
        """``/api/v2/instance`` (4.0+), falling back to ``/api/v1/instance``."""
        try:
            data = self._raw(self._api.instance_v2)
        except ServerProblem as problem:
            if problem.trouble is not Trouble.NOT_FOUND:
                raise
            data = self._raw(self._api.instance_v1)
        if not isinstance(data, dict) or not isinstance(data.get("version"), str):
            raise ServerProblem(
                Trouble.BAD_SHAPE,
                N_("{host} did not describe itself like a Mastodon server"),
                host=self.host,
            )
        return data

    def _account_shape(self, data: Any) -> dict[str, Any]:
        """Refuse anything that is not a Mastodon Account entity."""
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("id"), str | int)
            or not str(data.get("id"))
            or not isinstance(data.get("username"), str)
            or not isinstance(data.get("acct"), str)
        ):
            raise ServerProblem(
                Trouble.BAD_SHAPE,
                N_("{host} answered with data that is not a Mastodon account"),
                host=self.host,
            )
        return data


def _safe_id(account_id: str) -> str:
    """Ids go into URL paths: accept only the characters real servers use."""
    text = str(account_id)
    if not _ID.match(text):
        raise ServerProblem(
            Trouble.BAD_SHAPE, N_("unusable account id {text}"), text=repr(text[:40])
        )
    return text


class _TextExtractor(HTMLParser):
    """Collect the text of profile HTML, with line breaks where paragraphs end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html_text: str) -> str:
    """Profile HTML (bio, field values) as plain text."""
    parser = _TextExtractor()
    parser.feed(html_text or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def profile_plain_text(account: dict[str, Any]) -> str:
    """The bio and the profile fields' values of an Account, as plain text."""
    parts = [plain_text(str(account.get("note") or ""))]
    for item in account.get("fields") or []:
        if isinstance(item, dict):
            name = plain_text(str(item.get("name") or ""))
            value = plain_text(str(item.get("value") or ""))
            parts.append(f"{name}: {value}" if name else value)
    return "\n".join(part for part in parts if part)


def lookup_home(client: MastodonClient, handle: Handle) -> tuple[dict[str, Any], str]:
    """Find a local account on its own server: ``user@domain``, else the bare username.

    Servers differ in how ``accounts/lookup`` matches their own accounts: some find only
    the bare username. Asking the handle's own server, the bare name is that account.
    """
    try:
        return client.lookup(handle.acct), f"GET /api/v1/accounts/lookup?acct={handle.acct}"
    except ServerProblem as problem:
        if problem.trouble is not Trouble.NOT_FOUND:
            raise
    raw = client.lookup(handle.username)
    return raw, f"GET /api/v1/accounts/lookup?acct={handle.username}"


def is_home_account(raw: Mapping[str, Any], handle: Handle) -> bool:
    """True when the answer is the handle's own local account, not a cached remote copy."""
    if str(raw.get("username", "")).lower() != handle.username:
        return False
    acct = str(raw.get("acct", "")).lstrip("@")
    if "@" not in acct:
        return True
    other = Handle.try_parse(acct)
    return other is not None and other == handle
