"""Discovery over the same guarded session: host-meta, WebFinger, nodeinfo and actors.

A handle's domain may not be where the server runs (``LOCAL_DOMAIN`` vs ``WEB_DOMAIN``):
host-meta and WebFinger (including its redirects) say where it does, and only these
discovery documents, served by a configured origin, may extend the address policy's
trust to another origin (see :mod:`companion.moves.netguard`). Actors are
fetched from the URI the server itself gave (WebFinger ``self`` link or the Account's
``uri``), never from a guessed ``/users/NAME``. These functions are synchronous; the
checker runs them on worker threads.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests

from companion.i18n import N_

from .netguard import AddressPolicy
from .problems import ServerProblem, Trouble, from_status, unreadable

ACTIVITY_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
JRD_ACCEPT = "application/jrd+json, application/json;q=0.9"
XRD_ACCEPT = "application/xrd+xml, application/xml;q=0.9"
ACTOR_TYPES = {"application/activity+json", "application/ld+json"}
NODEINFO_SCHEMA_PREFIX = "http://nodeinfo.diaspora.software/ns/schema/2."
MAX_DISCOVERY_REDIRECTS = 5

_LINK_TAG = re.compile(r"<Link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'(\w+)\s*=\s*"([^"]*)"|(\w+)\s*=\s*\'([^\']*)\'')


@dataclass(frozen=True, slots=True)
class WebFingerAnswer:
    """What WebFinger said about one handle."""

    subject: str
    actor_uri: str | None  # the ``self`` link: the actor, wherever it lives
    profile_url: str | None
    served_by: str  # the URL that finally answered (after redirects)


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, for messages and rate-limit keys."""
    return urlsplit(url).netloc.lower()


def origin_url(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _get(
    session: requests.Session,
    url: str,
    *,
    accept: str,
    timeout: float,
    params: dict[str, str] | None = None,
    vouch: AddressPolicy | None = None,
) -> requests.Response:
    """GET; with ``vouch``, follow redirects one by one, each vouched for by its sender."""
    if params:
        url = requests.Request("GET", url, params=params).prepare().url or url
    headers = {"Accept": accept}
    if vouch is None:
        return session.get(url, headers=headers, timeout=timeout)
    for _ in range(MAX_DISCOVERY_REDIRECTS + 1):
        response = session.get(url, headers=headers, timeout=timeout, allow_redirects=False)
        location = response.headers.get("Location")
        if not response.is_redirect or not location:
            return response
        sender, url = url, urljoin(url, location)
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ServerProblem(
                Trouble.HTTP_ERROR, N_("{host} redirected oddly"), host=host_of(response.url)
            )
        vouch.vouch(sender, url)
    raise ServerProblem(
        Trouble.REDIRECT_LOOP,
        N_("{host} redirects in a loop, so its answer never arrives"),
        host=host_of(url),
    )


def _json_body(response: requests.Response, what: str) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise unreadable(response.content, host_of(response.url), what) from exc


def host_meta_template(
    session: requests.Session, base: str, *, timeout: float, policy: AddressPolicy
) -> str | None:
    """The WebFinger URL template host-meta announces (split domains), or None."""
    response = _get(
        session, f"{base}/.well-known/host-meta", accept=XRD_ACCEPT, timeout=timeout, vouch=policy
    )
    if response.status_code != 200:
        return None
    text = response.content.decode("utf-8", errors="replace")
    for tag in _LINK_TAG.findall(text):
        attributes = {
            (m.group(1) or m.group(3)).lower(): html.unescape(m.group(2) or m.group(4) or "")
            for m in _ATTRIBUTE.finditer(tag)
        }
        template = attributes.get("template", "")
        if (
            attributes.get("rel") == "lrdd"
            and "{uri}" in template
            and template.startswith(("https://", "http://"))
        ):
            policy.vouch(response.url, template)
            return template
    return None


def webfinger(
    session: requests.Session,
    base: str,
    acct: str,
    *,
    timeout: float,
    policy: AddressPolicy,
    template: str | None = None,
) -> WebFingerAnswer:
    """Resolve ``user@domain``; 404/410 raise NOT_FOUND/GONE problems."""
    resource = f"acct:{acct}"
    if template:
        url, params = template.replace("{uri}", quote(resource, safe="")), None
    else:
        url, params = f"{base}/.well-known/webfinger", {"resource": resource}
    response = _get(session, url, accept=JRD_ACCEPT, timeout=timeout, params=params, vouch=policy)
    if response.status_code != 200:
        raise from_status(response.status_code, host_of(response.url), "WebFinger")
    data = _json_body(response, "WebFinger")
    if not isinstance(data, dict) or not isinstance(data.get("links", []), list):
        raise ServerProblem(
            Trouble.BAD_SHAPE,
            N_("{host} sent a WebFinger answer of odd shape"),
            host=host_of(response.url),
        )
    actor_uri = profile = None
    for link in data.get("links", []):
        if not isinstance(link, dict) or not isinstance(link.get("href"), str):
            continue
        href = link["href"]
        if not href.startswith(("https://", "http://")):
            continue
        kind = str(link.get("type", "")).split(";", 1)[0].strip()
        if link.get("rel") == "self" and kind in ACTOR_TYPES and actor_uri is None:
            actor_uri = href
        elif link.get("rel") == "http://webfinger.net/rel/profile-page" and profile is None:
            profile = href
    if actor_uri:
        policy.vouch(response.url, actor_uri)
    return WebFingerAnswer(
        subject=str(data.get("subject", resource)),
        actor_uri=actor_uri,
        profile_url=profile,
        served_by=response.url,
    )


def fetch_actor(session: requests.Session, url: str, *, timeout: float) -> dict[str, Any]:
    """The ActivityPub actor at ``url`` (plain redirects are followed but never trusted)."""
    response = _get(session, url, accept=ACTIVITY_ACCEPT, timeout=timeout)
    if response.status_code != 200:
        raise from_status(response.status_code, host_of(response.url), N_("the profile (actor)"))
    data = _json_body(response, N_("the profile (actor)"))
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ServerProblem(
            Trouble.BAD_SHAPE,
            N_("{host} did not send an ActivityPub actor"),
            host=host_of(response.url),
        )
    return data


def fetch_nodeinfo(session: requests.Session, base: str, *, timeout: float) -> dict[str, Any]:
    """The nodeinfo 2.x document (names the server software)."""
    response = _get(
        session, f"{base}/.well-known/nodeinfo", accept="application/json", timeout=timeout
    )
    if response.status_code != 200:
        raise from_status(response.status_code, host_of(response.url), "nodeinfo")
    links = _json_body(response, "nodeinfo")
    href = None
    if isinstance(links, dict) and isinstance(links.get("links"), list):
        candidates = [
            link["href"]
            for link in links["links"]
            if isinstance(link, dict)
            and str(link.get("rel", "")).startswith(NODEINFO_SCHEMA_PREFIX)
            and isinstance(link.get("href"), str)
            and link["href"].startswith(("https://", "http://"))
        ]
        href = max(candidates, default=None)
    if href is None:
        raise ServerProblem(
            Trouble.BAD_SHAPE, N_("{host} has no nodeinfo 2.x link"), host=host_of(base)
        )
    response = _get(session, href, accept="application/json", timeout=timeout)
    if response.status_code != 200:
        raise from_status(response.status_code, host_of(response.url), "nodeinfo")
    data = _json_body(response, "nodeinfo")
    if not isinstance(data, dict) or not isinstance(data.get("software"), dict):
        raise ServerProblem(Trouble.BAD_SHAPE, N_("{host} sent odd nodeinfo"), host=host_of(base))
    return data


def also_known_as(actor: dict[str, Any]) -> tuple[str, ...]:
    """The actor's aliases as a tuple of URIs (a single string and objects are allowed)."""
    return _uris(actor.get("alsoKnownAs"))


def moved_to(actor: dict[str, Any]) -> str | None:
    """The actor's ``movedTo`` URI, if any."""
    found = _uris(actor.get("movedTo"))
    return found[0] if found else None


def is_full_actor(actor: dict[str, Any]) -> bool:
    """False for the bare profile authorized-fetch servers show unsigned requests."""
    return any(key in actor for key in ("followers", "following", "outbox", "url", "name"))


def _uris(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("id")
        if isinstance(item, str) and item.startswith(("https://", "http://")):
            found.append(item)
    return tuple(found)
