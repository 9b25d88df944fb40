"""What a server is: its software, version, API address and what it supports.

Organisers see this in ``/campaign setup``; the checker uses it to choose batch or
one-by-one rechecks and to know whether an account's ``moved`` can be trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from companion.i18n import N_, _

# Software whose REST Account shows ``moved`` after a move (absent otherwise).
MASTODON_NAMES = frozenset({"mastodon", "hometown"})
MOVED_VISIBLE = MASTODON_NAMES | {"gotosocial"}
MULTI_GET_SINCE = (4, 3, 0)

# How describe() words a server for the organiser's setup card (in the reader's language).
NOT_REACHABLE = N_("not reachable: {reason}")
NOT_SUPPORTED = N_("{server}: not supported ({reason})")
BATCH_RECHECKS = N_("batch rechecks")
ONE_REQUEST_EACH = N_("one request per account")
API_AT = N_("API at {url}")

_SEMVER = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?")
_COMPATIBLE = re.compile(r"\(compatible;\s*([A-Za-z][\w.-]*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """One server as the bot sees it."""

    domain: str  # the handle domain asked about
    api_base: str | None  # where its API really lives (split domains differ)
    reachable: bool
    supported: bool  # answers the Mastodon client API
    software: str | None  # nodeinfo name, e.g. "mastodon", "gotosocial", "pleroma"
    version: str | None  # the software's own version
    api_version: str | None  # /api/v*/instance "version" (Mastodon API compatibility)
    multi_get: bool  # /api/v1/accounts?id[] (Mastodon 4.3+)
    moved_visible: bool  # REST accounts show "moved"; otherwise read the actor's movedTo
    reason: str  # why not reachable or not supported (empty when fine)
    checked_at: datetime
    auth: str = "anonymous"  # "anonymous", "token", or why a configured token is withheld

    @property
    def usable(self) -> bool:
        """True when the bot can check accounts on this server."""
        return self.reachable and self.supported

    def describe(self) -> str:
        """One line for organisers, e.g. ``Mastodon 4.5.2, batch rechecks``."""
        if not self.reachable:
            return _(NOT_REACHABLE).format(reason=self.reason)
        if not self.supported:
            return _(NOT_SUPPORTED).format(server=self.label, reason=self.reason)
        notes = [_(BATCH_RECHECKS) if self.multi_get else _(ONE_REQUEST_EACH)]
        if self.api_base and self.api_base.split("://", 1)[-1] != self.domain:
            notes.append(_(API_AT).format(url=self.api_base))
        if self.auth != "anonymous":
            notes.append(self.auth)
        return f"{self.label}, " + ", ".join(notes)

    @property
    def label(self) -> str:
        """E.g. ``Mastodon 4.5.2`` or ``GoToSocial 0.17.3``."""
        names = {"gotosocial": "GoToSocial", "pleroma": "Pleroma", "akkoma": "Akkoma"}
        name = names.get(self.software or "", (self.software or "unknown").capitalize())
        version = self.version or self.api_version
        return f"{name} {version}" if version else name

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "domain": self.domain,
            "api_base": self.api_base,
            "reachable": self.reachable,
            "supported": self.supported,
            "software": self.software,
            "version": self.version,
            "api_version": self.api_version,
            "multi_get": self.multi_get,
            "moved_visible": self.moved_visible,
            "reason": self.reason,
            "checked_at": self.checked_at.isoformat(),
            "auth": self.auth,
        }


def parse_version(text: str | None) -> tuple[int, int, int] | None:
    """The leading ``major.minor.patch`` of a version string."""
    match = _SEMVER.match(text or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def software_from(nodeinfo: dict[str, Any] | None, api_version: str | None) -> str | None:
    """The software's name: nodeinfo first, else what the instance version string hints."""
    if nodeinfo is not None:
        name = nodeinfo.get("software", {}).get("name")
        if isinstance(name, str) and name.strip():
            return name.strip().lower()
    if api_version is None:
        return None
    compatible = _COMPATIBLE.search(api_version)
    if compatible:
        return compatible.group(1).lower()
    if "git-" in api_version:
        return "gotosocial"
    if parse_version(api_version) is not None:
        return "mastodon"
    return None


def describe(
    domain: str,
    api_base: str,
    *,
    nodeinfo: dict[str, Any] | None,
    instance: dict[str, Any] | None,
    checked_at: datetime,
    reachable: bool = True,
    supported: bool = True,
    reason: str = "",
    auth: str = "anonymous",
) -> ServerInfo:
    """Assemble what nodeinfo and the instance endpoint said."""
    api_version = instance.get("version") if instance else None
    if not isinstance(api_version, str):
        api_version = None
    software = software_from(nodeinfo, api_version)
    version = None
    if nodeinfo is not None:
        raw = nodeinfo.get("software", {}).get("version")
        version = raw if isinstance(raw, str) else None
    mastodon_version = parse_version(api_version if api_version else version)
    multi_get = bool(
        supported
        and software in MASTODON_NAMES
        and mastodon_version is not None
        and mastodon_version >= MULTI_GET_SINCE
    )
    return ServerInfo(
        domain=domain,
        api_base=api_base,
        reachable=reachable,
        supported=supported,
        software=software,
        version=version,
        api_version=api_version,
        multi_get=multi_get,
        moved_visible=software in MOVED_VISIBLE,
        reason=reason,
        checked_at=checked_at,
        auth=auth,
    )
