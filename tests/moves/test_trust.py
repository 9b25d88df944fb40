"""With private addresses allowed, only a configured server may extend trust to another origin.

The untrusted server is one a configured server's discovery redirected to (so it may be
contacted, but nobody configured it). Its host-meta template, WebFinger redirect or
``self`` link then points at a private address. ``internal`` is a real stand-in listening
on 127.0.0.2, so "no request reached it" is counted, not assumed; 10.0.0.1 and fd00::1 are
refused by the address guard before any connection is opened.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from companion.core.move_status import MoveStatus
from companion.moves import MoveChecker
from companion.standins.mastodon import Fault, FaultKind

from .conftest import CAMPAIGN, NEW, OLD, alias, settings_for

TARGETS = ["internal", "http://10.0.0.1", "http://[fd00::1]"]


def _host_meta(template: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">'
        f'<Link rel="lrdd" template="{template}"/></XRD>'
    )


def _jrd(actor: str) -> str:
    return json.dumps(
        {
            "subject": "acct:alice@old.example",
            "links": [{"rel": "self", "type": "application/activity+json", "href": actor}],
        }
    )


@pytest.fixture
async def world(pair, start_standin):
    """old (configured) hands discovery to ``untrusted``; ``internal`` sits on 127.0.0.2."""
    old, new = pair
    alias(old, new)
    untrusted = await start_standin("untrusted.example")
    internal = await start_standin("internal.example", host="127.0.0.2")
    internal.create_account("alice")
    return old, new, untrusted, internal


def _target(internal, target: str) -> str:
    return internal.base_url if target == "internal" else target


def _never_trusted(checker: MoveChecker, internal, base: str) -> None:
    parts = urlsplit(base)
    assert not checker.policy.is_trusted(parts.hostname or "", parts.port or 80)
    assert internal.stats.total == 0  # nothing ever reached the private address


def _refused(report, base: str) -> None:
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    host = urlsplit(base).hostname
    assert f"refused to contact {host}" in report.reason


@pytest.mark.parametrize("target", TARGETS)
async def test_host_meta_template_from_an_untrusted_server(world, target):
    old, new, untrusted, internal = world
    base = _target(internal, target)
    old.inject(
        Fault(FaultKind.REDIRECT, url=f"{untrusted.base_url}/.well-known/host-meta"),
        route="host_meta",
    )
    template = f"{base}/.well-known/webfinger?resource={{uri}}"
    untrusted.inject(
        Fault(FaultKind.BODY, body=_host_meta(template), content_type="application/xrd+xml"),
        route="host_meta",
    )
    async with MoveChecker(settings_for(old, new)) as checker:
        info = await checker.server_info("old.example")
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        _never_trusted(checker, internal, base)
    assert not info.reachable
    _refused(report, base)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("how", ["redirect", "self-link"])
async def test_webfinger_from_an_untrusted_server(world, target, how):
    """Discovery by WebFinger: old redirects (it may), the untrusted server points inside."""
    old, new, untrusted, internal = world
    base = _target(internal, target)
    old.inject(Fault(FaultKind.ERROR, status=404), route="host_meta")
    old.inject(
        Fault(
            FaultKind.REDIRECT,
            url=f"{untrusted.base_url}/.well-known/webfinger?resource=acct:alice@old.example",
        ),
        route="webfinger",
    )
    if how == "redirect":
        fault = Fault(
            FaultKind.REDIRECT,
            url=f"{base}/.well-known/webfinger?resource=acct:alice@old.example",
        )
    else:
        fault = Fault(FaultKind.BODY, body=_jrd(f"{base}/ap/users/1"))
    untrusted.inject(fault, route="webfinger")
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        _never_trusted(checker, internal, base)
    assert untrusted.stats.requests["webfinger"] == 1  # a configured server may vouch
    if how == "redirect":
        # Discovery found nothing it may follow, so it kept the configured address.
        assert report.status is MoveStatus.READY_TO_MOVE
    else:
        _refused(report, base)


async def test_a_configured_server_still_vouches_for_its_own_discovery(world):
    """The split-domain case stays working: configured old's host-meta names untrusted."""
    old, new, untrusted, _ = world
    untrusted.create_account("alice")
    template = f"{untrusted.base_url}/.well-known/webfinger?resource={{uri}}"
    old.inject(
        Fault(FaultKind.BODY, body=_host_meta(template), content_type="application/xrd+xml"),
        route="host_meta",
    )
    async with MoveChecker(settings_for(old, new)) as checker:
        info = await checker.server_info("old.example")
    assert info.reachable
    assert info.api_base == untrusted.base_url
    assert untrusted.stats.requests["instance_v2"] == 1
