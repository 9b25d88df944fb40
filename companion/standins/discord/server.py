"""The stand-in server: lifecycle, request recording, failure injection and the test API.

Waiting methods take a plain `timeout=` (ASYNC109 is silenced on them): tests read better so.
"""

from __future__ import annotations

import asyncio
import copy
import fnmatch
import hashlib
import json
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import BodyPartReader, hdrs, web

from . import payloads
from .aim import point_discord_py_at
from .gateway import OP_HEARTBEAT, OP_RECONNECT, Gateway, GatewaySession
from .interactions import InteractionFactory
from .models import (
    PRIVILEGED_INTENTS,
    ChangeFeed,
    GuildSpec,
    Intent,
    InteractionRecord,
    MemberSpec,
    RecordedRequest,
    StoredMessage,
    UploadedFile,
    Violation,
)
from .rest import API_PREFIX, GATEWAY_PATH, RECORD, RESUME_GATEWAY_PATH, RestApi, json_response
from .state import World
from .validation import RATE_LIMIT_BODY, RATE_LIMIT_HEADERS, ApiError

DEFAULT_APPLICATION_ID = 1288000000000000001
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class _Failure:
    method: str | None
    pattern: str
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    remaining: int = 1

    def matches(self, method: str, path: str) -> bool:
        same_method = self.method is None or self.method.upper() == method
        return self.remaining > 0 and same_method and fnmatch.fnmatchcase(path, self.pattern)


@dataclass
class HeldRequest:
    """A request the stand-in stops at, so a test can act (kill the client) at that moment.

    ``handled=False`` stops it before Discord does anything (as if it was never sent);
    ``handled=True`` lets Discord do the work and holds only the answer.
    """

    method: str | None
    pattern: str
    handled: bool
    record: RecordedRequest | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str) -> bool:
        """Whether this hold is for a request with ``method`` and ``path`` not yet seen."""
        same_method = self.method is None or self.method.upper() == method
        return self.record is None and same_method and fnmatch.fnmatchcase(path, self.pattern)

    async def wait(self, timeout: float = 10.0) -> RecordedRequest:  # noqa: ASYNC109
        """Wait until the request arrived (and, if ``handled``, was carried out)."""
        await asyncio.wait_for(self.arrived.wait(), timeout)
        assert self.record is not None
        return self.record

    def release(self) -> None:
        """Let the request go on: an unhandled one is then dropped with a 503."""
        self.released.set()


class DiscordStandin:
    """A local Discord (REST + Gateway) that an unmodified discord.py client can run against.

    Use as `async with DiscordStandin(...) as standin:` and point discord.py at it with
    `with standin.discord_py():` (or `point_discord_py_at(standin.api_base)`).
    """

    def __init__(
        self,
        *,
        application_id: int = DEFAULT_APPLICATION_ID,
        guilds: Sequence[GuildSpec] = (),
        bot_username: str = "Migration Companion",
        interaction_deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        heartbeat_interval_ms: int = 41250,
        attachment_size_limit: int = payloads.ATTACHMENT_SIZE_LIMIT,
        privileged_intents: int = PRIVILEGED_INTENTS,
    ) -> None:
        """Describe the world; nothing listens until `start()` (or `async with`)."""
        self.world = World(
            application_id=application_id,
            bot_username=bot_username,
            guilds=guilds,
            attachment_size_limit=attachment_size_limit,
        )
        self.feed = ChangeFeed()
        self.gateway = Gateway(
            self.world,
            self.feed,
            heartbeat_interval_ms=heartbeat_interval_ms,
            privileged_intents=privileged_intents,
            resume_url=lambda: self.base_url.replace("http://", "ws://") + RESUME_GATEWAY_PATH,
        )
        self.rest = RestApi(
            self.world,
            self.gateway,
            self.feed,
            gateway_url=lambda: self.gateway_url,
            interaction_deadline=interaction_deadline,
            token_lifetime=token_lifetime,
        )
        self.interactions_factory = InteractionFactory(self.world)
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self._failures: list[_Failure] = []
        self._holds: list[HeldRequest] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> Self:
        """Start listening on 127.0.0.1 and a free port."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close websockets and stop the server."""
        await self.close()

    async def start(self) -> None:
        """Bind to 127.0.0.1 only, on a random free port."""
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self.rest.add_routes(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.world.base_url = self.base_url

    async def close(self) -> None:
        """Stop serving; a still-running bot will see its gateway go away."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def interaction_deadline(self) -> float:
        """Seconds the bot has for its first callback before Discord answers 10062."""
        return self.rest.interaction_deadline

    @interaction_deadline.setter
    def interaction_deadline(self, seconds: float) -> None:
        self.rest.interaction_deadline = seconds

    @property
    def unhandled(self) -> list[RecordedRequest]:
        """Requests to endpoints the stand-in does not implement (answered 404)."""
        return self.rest.unhandled

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What `discord.http.Route.BASE` must be: `http://127.0.0.1:PORT/api/v10`."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The gateway URL (GET /gateway/bot answers it; unsharded discord.py needs it patched)."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    def discord_py(self) -> AbstractContextManager[None]:
        """Point discord.py's REST base and default gateway at this stand-in for a `with` block."""
        return point_discord_py_at(self.api_base, self.gateway_url)

    # ----------------------------------------------------------------- gateway control

    @property
    def session(self) -> GatewaySession | None:
        """The client's current gateway session (intents, resumes, heartbeats, presence)."""
        return self.gateway.current

    async def wait_until_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until a client identified, got READY and every GUILD_CREATE, and processed them."""
        await self.feed.wait_for(
            lambda: self.gateway.current is not None and self.gateway.current.ready,
            timeout,
            "a client to IDENTIFY and receive READY",
        )
        await self.sync_client(timeout)

    async def sync_client(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Ask for a heartbeat (op 1) and wait until its `d` shows every event was processed."""
        session = self.gateway.require_session()
        await self.feed.wait_for(
            lambda: session.conn is not None and session.conn.open,
            timeout,
            "the client's gateway connection",
        )
        target, before = session.seq, session.heartbeats
        await self.gateway.send_op(session, OP_HEARTBEAT, None)
        await self.feed.wait_for(
            lambda: session.heartbeats > before and (session.last_heartbeat_seq or 0) >= target,
            timeout,
            f"a heartbeat acknowledging sequence {target}",
        )

    async def force_reconnect(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Send op 7 RECONNECT and wait until the client has RESUMEd the same session."""
        session = self.gateway.require_session()
        before = session.resumes
        await self.gateway.send_op(session, OP_RECONNECT, None)
        await self.feed.wait_for(
            lambda: session.resumes > before, timeout, "the client to RESUME after op 7"
        )

    async def drop_connection(self, code: int = 4000, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Close the client's websocket (as a network blip would) and wait for its RESUME."""
        session = self.gateway.require_session()
        before = session.resumes
        await self.gateway.close_connection(session, code)
        await self.feed.wait_for(
            lambda: session.resumes > before, timeout, f"the client to RESUME after close {code}"
        )

    async def invalidate_session(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Send op 9 (not resumable) and wait for the client's fresh IDENTIFY and READY."""
        old = self.gateway.require_session()
        await self.gateway.invalidate(old, resumable=False)
        await self.feed.wait_for(
            lambda: self.gateway.current not in (None, old) and self.gateway.current.ready,
            timeout,
            "the client to IDENTIFY again after op 9",
        )

    # ----------------------------------------------------------------- interactions

    def slash(
        self,
        path: list[str] | str,
        options: Mapping[str, Any] | None = None,
        *,
        user: int | MemberSpec | None = None,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | str | None = None,
        locale: str | None = None,
        enforce_permissions: bool = True,
    ) -> dict[str, Any]:
        """A CHAT_INPUT interaction for a synced command; option types come from the sync."""
        return self.interactions_factory.slash(
            path,
            options,
            user=user if user is not None else user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            locale=locale,
            enforce_permissions=enforce_permissions,
        )

    def autocomplete(
        self,
        path: list[str] | str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: int | MemberSpec | None = None,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | str | None = None,
        locale: str | None = None,
    ) -> dict[str, Any]:
        """An autocomplete (type 4) interaction; `options[focused]` is what the user typed."""
        return self.interactions_factory.slash(
            path,
            options,
            user=user if user is not None else user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            locale=locale,
            focused=focused,
            enforce_permissions=False,
        )

    def click(
        self,
        message: int | StoredMessage,
        custom_id: str,
        *,
        user: int | MemberSpec | None = None,
        user_id: int | None = None,
        values: list[Any] | None = None,
        permissions: int | str | None = None,
        locale: str | None = None,
    ) -> dict[str, Any]:
        """A component (type 3) interaction on a stored message: button click or select values."""
        return self.interactions_factory.component(
            message,
            custom_id,
            user=user if user is not None else user_id,
            values=values,
            permissions=permissions,
            locale=locale,
        )

    def modal_submit(
        self,
        opened_by: InteractionRecord,
        values: Mapping[str, str | list[str]],
        *,
        user: int | MemberSpec | None = None,
    ) -> dict[str, Any]:
        """A MODAL_SUBMIT (type 5) filling the modal the bot opened in answer to `opened_by`."""
        return self.interactions_factory.modal_submit(opened_by, values, user=user)

    async def dispatch_interaction(self, payload: dict[str, Any]) -> InteractionRecord:
        """Send INTERACTION_CREATE to the client; the record tracks callbacks and timing."""
        self.gateway.require_session()
        record = InteractionRecord(
            payload, dispatched_at=time.monotonic(), lookup_message=self.world.messages.get
        )
        self.world.interactions[record.id] = record
        self.world.interactions_by_token[record.token] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=record.guild_id)
        return record

    @property
    def interactions(self) -> list[InteractionRecord]:
        """Every dispatched interaction, oldest first."""
        return list(self.world.interactions.values())

    # ----------------------------------------------------------------- failures and config

    def fail_next(
        self,
        pattern: str,
        *,
        status: int = 500,
        method: str | None = None,
        body: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests whose path matches the glob with this error.

        `pattern` is matched against the path after /api/v10, e.g. "/channels/*/messages".
        discord.py retries 500/502/504 by itself after 1 s, 3 s, ...; 429 needs a `Via` header,
        which every answer of the stand-in carries.
        """
        default = {"message": f"{status}: stand-in injected failure", "code": 0}
        self._failures.append(
            _Failure(method, pattern, status, body or default, dict(headers or {}), times)
        )

    def rate_limit_next(
        self,
        pattern: str,
        *,
        method: str | None = None,
        retry_after: float = 0.05,
        scope: str = "user",
        times: int = 1,
    ) -> None:
        """Answer the next matching request with 429 as rate-limit-429-response.json shows it."""
        headers = {
            **RATE_LIMIT_HEADERS,
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Scope": scope,
        }
        body = {**RATE_LIMIT_BODY, "retry_after": retry_after}
        self.fail_next(pattern, status=429, method=method, body=body, headers=headers, times=times)

    def hold_next(
        self, pattern: str, *, method: str | None = None, handled: bool = False
    ) -> HeldRequest:
        """Stop the next request whose path matches the glob until the test releases it.

        For crash tests: wait for it, kill the client process, then release it. With
        ``handled=False`` Discord never carries it out; with ``handled=True`` it is carried
        out (a message is created) and only the answer is held back.
        """
        hold = HeldRequest(method, pattern, handled)
        self._holds.append(hold)
        return hold

    def close_dms(self, user_id: int, closed: bool = True) -> None:
        """Make DMs to this user fail with 50007 (or open them again)."""
        spec = self.world.find_user(user_id)
        if spec is None:
            raise LookupError(f"unknown user {user_id}")
        spec.dms_open = not closed

    async def set_bot_channel_access(
        self, channel_id: int, *, can_send: bool | None = None, can_pin: bool | None = None
    ) -> None:
        """Change the bot's overwrites in a channel and tell the client (CHANNEL_UPDATE)."""
        spec = self.world.guild_channel(channel_id)
        if spec is None:
            raise LookupError(f"unknown guild channel {channel_id}")
        if can_send is not None:
            spec.bot_can_send = can_send
        if can_pin is not None:
            spec.bot_can_pin = can_pin
        await self.gateway.dispatch(
            "CHANNEL_UPDATE",
            self.world.channel_object(channel_id),
            guild_id=self.world.channel_guild(channel_id),
            intent=Intent.GUILDS,
        )

    # ----------------------------------------------------------------- inspection

    def message(self, message_id: int) -> StoredMessage:
        """A stored message by id (deleted ones too)."""
        return self.world.messages[message_id]

    def messages_in(
        self, channel_id: int, *, include_ephemeral: bool = True, include_deleted: bool = False
    ) -> list[StoredMessage]:
        """The current state of a channel, oldest first (ephemeral ones are flagged)."""
        return self.world.messages_in(
            channel_id, include_ephemeral=include_ephemeral, include_deleted=include_deleted
        )

    @property
    def sent_by_bot(self) -> list[StoredMessage]:
        """Everything the bot sent (channel messages, DMs, responses, followups), in order."""
        bot_id = str(self.world.bot.id)
        ordered = (self.world.messages[i] for i in self.world.message_order)
        return [m for m in ordered if m.author["id"] == bot_id and m.type != 6]

    def dm_messages(self, user_id: int) -> list[StoredMessage]:
        """Messages in the DM channel with a user (empty if the bot never opened one)."""
        channel_id = self.world.dm_channel_id(user_id)
        return [] if channel_id is None else self.world.messages_in(channel_id)

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """The command definitions the bot synced (globally, or to `guild_id`), with ids."""
        return copy.deepcopy(self.world.commands.get(guild_id, []))

    def requests_to(self, method: str | None, pattern: str) -> list[RecordedRequest]:
        """Recorded requests whose path matches a glob (and method, unless None)."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and fnmatch.fnmatchcase(r.path, pattern)
        ]

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "a condition",
    ) -> None:
        """Wait until `predicate()` holds; re-checked after every request and gateway event."""
        await self.feed.wait_for(predicate, timeout, what)

    async def wait_for_request(
        self,
        method: str | None,
        pattern: str,
        *,
        after: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> RecordedRequest:
        """Wait for a finished request (index >= `after`) matching method and path glob."""

        def found() -> RecordedRequest | None:
            for record in self.requests_to(method, pattern):
                if record.index >= after and record.status is not None:
                    return record
            return None

        await self.feed.wait_for(lambda: found() is not None, timeout, f"{method} {pattern}")
        result = found()
        assert result is not None
        return result

    async def post_user_message(self, channel_id: int, user_id: int, content: str) -> StoredMessage:
        """Have a member post in a channel; the client gets MESSAGE_CREATE per its intents."""
        author = self.world.find_user(user_id)
        if author is None:
            raise LookupError(f"unknown user {user_id}")
        msg = self.world.create_message(
            channel_id, {"content": content}, [], via="user", author=author
        )
        await self.rest.emit_message("MESSAGE_CREATE", msg)
        return msg

    # ----------------------------------------------------------------- HTTP plumbing

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        arrived = time.monotonic()
        path = request.path[len(API_PREFIX) :]
        route = _route_template(request)
        record = RecordedRequest(
            index=len(self.requests),
            method=request.method,
            path=path,
            query=dict(request.query),
            json=None,
            files=[],
            at=arrived,
            route=route,
            authorized=_bot_authorized(request),
        )
        self.requests.append(record)
        request[RECORD] = record
        hold = next((h for h in self._holds if h.matches(request.method, path)), None)
        if hold is not None:
            hold.record = record
        try:
            record.json, record.files = await _read_body(request)
            failure = next((f for f in self._failures if f.matches(request.method, path)), None)
            if hold is not None and not hold.handled:
                hold.arrived.set()
                await hold.released.wait()
                raise ApiError(503, {"message": "stand-in: held request dropped", "code": 0})
            if failure is not None:
                failure.remaining -= 1
                record.injected = True
                response: web.StreamResponse = json_response(
                    failure.body, status=failure.status, headers=failure.headers
                )
            elif _needs_bot_auth(path) and not record.authorized:
                raise ApiError(401, {"message": "401: Unauthorized", "code": 0})
            else:
                response = await handler(request)
        except ApiError as exc:
            if exc.violation:
                self.violations.append(
                    Violation(
                        request_index=record.index,
                        method=record.method,
                        path=path,
                        code=int(exc.body.get("code", 0)),
                        message=str(exc.body.get("message", "")),
                        errors=exc.body.get("errors"),
                    )
                )
            response = json_response(exc.body, status=exc.status, headers=exc.headers)
        if hold is not None and hold.handled:
            hold.arrived.set()
            await hold.released.wait()
        _add_rate_limit_headers(response, request.method, route, injected=record.injected)
        record.status = response.status
        if isinstance(response, web.Response) and response.body is not None:
            text = response.text or ""
            record.response = json.loads(text) if text.startswith(("{", "[")) else text
        self.feed.notify()
        return response


# --------------------------------------------------------------------------- helpers


def _route_template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else request.path


def _bot_authorized(request: web.Request) -> bool:
    header = request.headers.get(hdrs.AUTHORIZATION, "")
    return header.startswith("Bot ") and len(header) > len("Bot ")


def _needs_bot_auth(path: str) -> bool:
    return not path.startswith(("/interactions/", "/webhooks/", "/gateway"))


def _add_rate_limit_headers(
    response: web.StreamResponse, method: str, route: str, *, injected: bool
) -> None:
    response.headers.setdefault("Via", "1.1 google")
    if injected and response.status == 429:
        return
    bucket = hashlib.md5(f"{method} {route}".encode(), usedforsecurity=False).hexdigest()
    response.headers.setdefault("X-RateLimit-Limit", "50")
    response.headers.setdefault("X-RateLimit-Remaining", "49")
    response.headers.setdefault("X-RateLimit-Reset", f"{time.time() + 1:.3f}")
    response.headers.setdefault("X-RateLimit-Reset-After", "1.000")
    response.headers.setdefault("X-RateLimit-Bucket", bucket)


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or multipart `payload_json` plus file parts (names, filenames, bytes)."""
    if not request.body_exists:
        return None, []
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        body: dict[str, Any] = {}
        files: list[UploadedFile] = []
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            data = bytes(await part.read(decode=False))
            name = part.name or ""
            if name == "payload_json":
                body.update(_parsejson_response(data.decode()))
            elif part.filename is not None:
                content_type = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
                files.append(UploadedFile(name, part.filename, content_type, data))
            else:
                body[name] = data.decode()
        return body, files
    text = await request.text()
    return (_parsejson_response(text) if text else None), []


def _parsejson_response(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ApiError(
            400,
            {"message": "The request body contains invalid JSON.", "code": 50109},
            violation=True,
        ) from None
