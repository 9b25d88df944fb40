"""Servers that misbehave: slow drips, rate limits, broken answers, each named plainly."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from companion.core.move_facts import AliasAnswer
from companion.core.move_status import MoveStatus
from companion.moves import MoveChecker
from companion.standins.mastodon import Fault, FaultKind

from .conftest import CAMPAIGN, NEW, OLD, alias, settings_for

LIBRARY_WORDS = ("Pool", "Max retries", "urllib3", "HTTPConnection", "Errno", "object at 0x")


def _plain(reason: str) -> None:
    """A member reads this: no library internals, no Python reprs."""
    for word in LIBRARY_WORDS:
        assert word not in reason, reason


@pytest.mark.parametrize("kind", [FaultKind.DRIP_HEADERS, FaultKind.DRIP_BODY])
async def test_a_drip_ends_within_the_request_timeout(pair, kind):
    """1 byte every 0.2 s keeps every socket read alive; the whole exchange still ends."""
    old, new = pair
    drip_seconds = 60.0
    async with MoveChecker(settings_for(old, new, request_timeout=1.0)) as checker:
        await checker.server_info("old.example")
        old.inject(Fault(kind, seconds=drip_seconds, interval=0.2), route="lookup")
        started = time.monotonic()
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        elapsed = time.monotonic() - started
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "did not answer within 1 s" in report.reason
    # Bounded by the 1 s deadline (plus slack for a busy machine), not by the 60 s drip.
    assert elapsed < drip_seconds / 4
    assert old.stats.requests["lookup"] == 1


async def test_a_dripped_tls_handshake_ends_within_the_request_timeout(pair):
    """A server announcing a 16 KB TLS record and sending it at 5 bytes a second."""
    old, new = pair
    writers: list[asyncio.StreamWriter] = []

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(ConnectionError):
            writer.write(b"\x16\x03\x03\x40\x00")  # handshake record, 16384 bytes long
            for _ in range(300):
                writer.write(b"\x00")
                await writer.drain()
                await asyncio.sleep(0.2)

    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = settings_for(
        old,
        new,
        extra_servers={"slow.example": f"https://127.0.0.1:{port}"},
        request_timeout=1.0,
        campaign=False,
    )
    try:
        async with MoveChecker(settings) as checker:
            started = time.monotonic()
            info = await checker.server_info("slow.example")
            elapsed = time.monotonic() - started
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()
    assert not info.reachable
    assert "did not answer within 1 s" in info.reason
    assert elapsed < 15  # the drip would last a minute; each request ends after about 1 s


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "3600"},
        {"Retry-After": "HTTP-DATE"},
        {"X-RateLimit-Reset": "2096-10-02T07:06:40.000000Z"},
        {"X-RateLimit-Reset": "4000000000"},
    ],
    ids=["retry-after-seconds", "retry-after-date", "reset-iso", "reset-epoch"],
)
async def test_told_to_wait_too_long_gives_up_at_once_with_a_clock_time(pair, headers):
    old, new = pair
    if headers.get("Retry-After") == "HTTP-DATE":
        headers = {"Retry-After": format_datetime(datetime.now(UTC) + timedelta(hours=1), True)}
    old.inject(Fault(FaultKind.ERROR, status=429, headers=headers), route="lookup")
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        waited = checker.request_counts()[old.base_url.split("://")[1]].waited
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert old.stats.requests["lookup"] == 1  # never retried while told to wait
    assert waited == 0
    assert re.search(r"allows requests again at \d\d:\d\d UTC", report.reason), report.reason
    assert not re.search(r"\d{4,} s", report.reason)  # not "allowed in 2274795611 s"
    if "2096" in str(headers) or "4000000000" in str(headers):
        assert "2 October 2096" in report.reason


async def test_a_member_waiting_for_a_reply_is_not_held_up_by_a_minute_long_wait(pair):
    """Retry-After 90 s is fine for a background recheck, too long for a member's reply."""
    old, new = pair
    old.inject(Fault(FaultKind.ERROR, status=429, headers={"Retry-After": "90"}), route="lookup")
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        later = datetime.now(UTC) + timedelta(seconds=90)
    assert old.stats.requests["lookup"] == 1
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    clock = re.search(r"allows requests again at (\d\d:\d\d) UTC", report.reason)
    assert clock is not None, report.reason
    allowed = [later + timedelta(minutes=delta) for delta in (-1, 0, 1)]
    assert clock.group(1) in {moment.strftime("%H:%M") for moment in allowed}


async def test_429_without_any_header_backs_off_boundedly(pair):
    old, new = pair
    old.inject(Fault(FaultKind.ERROR, status=429), route="lookup")
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
        counters = checker.request_counts()[old.base_url.split("://")[1]]
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert "rate-limiting the bot" in report.reason
    assert old.stats.requests["lookup"] == 3  # the first try and two more, no hammering
    assert 2.5 <= counters.waited <= 4  # waited 1 s, then 2 s, between them


async def test_a_short_retry_after_is_honoured(pair):
    old, new = pair
    old.inject(
        Fault(FaultKind.ERROR, status=429, headers={"Retry-After": "1"}, times=1), route="lookup"
    )
    async with MoveChecker(settings_for(old, new)) as checker:
        report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.ALIAS_MISSING
    lookups = [span for span in old.stats.spans if span[0] == "lookup"]
    assert len(lookups) == 2
    assert lookups[1][1] - lookups[0][2] >= 0.95  # came back when told, not before


async def test_503_on_the_actor_is_temporary(pair, checker):
    """Mastodon 4.5.4+ answers 503 when it could not fetch an actor: try again later."""
    old, new = pair
    alias(old, new)
    new.inject(Fault(FaultKind.ERROR, status=503), route="actor")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.accounts.alias.answer is AliasAnswer.UNREACHABLE
    assert "server error 503 (temporarily unavailable" in report.accounts.alias.reason
    assert report.status is not MoveStatus.UNSUPPORTED_SERVER


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (FaultKind.TRUNCATED_BODY, "broke off its answer before the end"),
        (FaultKind.TRUNCATED_JSON, "sent incomplete data"),
        (FaultKind.HTML, "a web page instead of data"),
        ("loop", "redirects in a loop"),
    ],
)
async def test_broken_answers_are_named(pair, checker, kind, words):
    old, _ = pair
    await checker.server_info("old.example")
    if kind == "loop":
        own = f"{old.base_url}/api/v1/accounts/lookup?acct=alice"
        old.inject(Fault(FaultKind.REDIRECT, url=own), route="lookup")
    else:
        old.inject(Fault(kind), route="lookup")
    report = await checker.check(OLD, NEW, campaign=CAMPAIGN)
    assert report.status is MoveStatus.SERVER_UNREACHABLE
    assert words in report.reason
    assert "could not connect" not in report.reason
    _plain(report.reason)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_refused_connection_and_broken_tls_are_named(pair):
    old, new = pair
    settings = settings_for(
        old,
        new,
        extra_servers={
            "down.example": f"http://127.0.0.1:{_closed_port()}",
            # TLS spoken to a plain-HTTP server: the handshake fails.
            "tls.example": f"https://127.0.0.1:{old.port}",
        },
        campaign=False,
    )
    async with MoveChecker(settings) as checker:
        down = await checker.server_info("down.example")
        tls = await checker.server_info("tls.example")
    assert "refused the connection" in down.reason
    assert "broken secure connection (its TLS" in tls.reason
    for reason in (down.reason, tls.reason):
        _plain(reason)
