"""The Gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, RECONNECT."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from . import payloads
from .models import PRIVILEGED_INTENTS, ChangeFeed
from .state import World

_log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

ZLIB_SUFFIX = b"\x00\x00\xff\xff"


class _Compressor:
    """Transport compression as requested in the URL (`compress=zlib-stream|zstd-stream`)."""

    def __init__(self, kind: str | None) -> None:
        """Set up one shared stream for the connection's lifetime, as Discord does."""
        self.kind = kind if kind in ("zlib-stream", "zstd-stream") else None
        self._zlib: Any = None
        self._zstd: Any = None
        if self.kind == "zlib-stream":
            self._zlib = zlib.compressobj()
        elif self.kind == "zstd-stream":
            self._zstd = _zstd_stream()
            if self._zstd is None:
                _log.warning("zstd-stream requested but no zstd module here; sending plain text")
                self.kind = None

    def frame(self, text: str) -> bytes | str:
        """Compress one gateway message; every frame ends flushed so the client can decode it."""
        data = text.encode()
        if self._zlib is not None:
            return self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self._zstd is not None:
            return self._zstd(data)
        return text


def _zstd_stream() -> Callable[[bytes], bytes] | None:
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        try:
            from compression import zstd  # type: ignore[import-not-found]
        except ImportError:
            return None
        compressor = zstd.ZstdCompressor()
        return lambda data: compressor.compress(data, mode=zstd.ZstdCompressor.FLUSH_BLOCK)
    stream = zstandard.ZstdCompressor().compressobj()
    return lambda data: stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)


@dataclass
class GatewayConnection:
    """One websocket connection; several can serve one session over time (resumes)."""

    ws: web.WebSocketResponse
    path: str
    query: dict[str, str]
    compressor: _Compressor
    opened_at: float = field(default_factory=time.monotonic)
    session: GatewaySession | None = None
    closed_at: float | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def open(self) -> bool:
        """Whether frames can still be sent."""
        return not self.ws.closed and self.closed_at is None

    async def send(self, payload: dict[str, Any]) -> None:
        """Serialise, compress and send one payload (the lock keeps the zlib stream ordered)."""
        async with self.lock:
            if not self.open:
                return
            frame = self.compressor.frame(json.dumps(payload, separators=(",", ":")))
            try:
                if isinstance(frame, bytes):
                    await self.ws.send_bytes(frame)
                else:
                    await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                _log.debug("gateway send on a closing socket dropped")


@dataclass
class GatewaySession:
    """A gateway session: survives reconnects, numbers events and keeps them for replay."""

    session_id: str
    intents: int
    shard: list[int] | None
    identify: dict[str, Any]
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    conn: GatewayConnection | None = None
    ready: bool = False
    resumes: int = 0
    heartbeats: int = 0
    last_heartbeat_seq: int | None = None
    presence: dict[str, Any] | None = None
    invalidated: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session's shard receives events of `guild_id` (DMs go to shard 0)."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id


class Gateway:
    """Serves the websocket and pushes dispatch events to the identified client(s)."""

    def __init__(
        self,
        world: World,
        feed: ChangeFeed,
        *,
        heartbeat_interval_ms: int,
        privileged_intents: int,
        resume_url: Callable[[], str],
    ) -> None:
        """Configure the HELLO interval, which privileged intents are enabled, the resume URL."""
        self.world = world
        self.feed = feed
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = privileged_intents
        self.resume_url = resume_url
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []

    # ----------------------------------------------------------------- inspection

    @property
    def current(self) -> GatewaySession | None:
        """The most recently identified, still valid session."""
        live = [s for s in self.sessions.values() if not s.invalidated]
        return live[-1] if live else None

    def require_session(self) -> GatewaySession:
        """The current session, or a clear error if no client ever identified."""
        session = self.current
        if session is None:
            raise RuntimeError("no client has identified on the stand-in's gateway yet")
        return session

    # ----------------------------------------------------------------- websocket handler

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one websocket connection from HELLO to close."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        query = dict(request.query)
        conn = GatewayConnection(ws, request.path, query, _Compressor(query.get("compress")))
        self.connections.append(conn)
        if query.get("v", "10") not in ("9", "10"):
            await self._close(conn, 4012, "Invalid API version")
            return ws
        if query.get("encoding", "json") != "json":
            await self._close(conn, 4002, "The stand-in only speaks encoding=json")
            return ws
        await conn.send(
            {
                "op": OP_HELLO,
                "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["standin"]},
                "s": None,
                "t": None,
            }
        )
        try:
            async for message in ws:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    raw = message.data if message.type is WSMsgType.TEXT else message.data.decode()
                    await self._receive(conn, raw)
                else:
                    break
        finally:
            conn.closed_at = time.monotonic()
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
            self.feed.notify()
        return ws

    async def _close(self, conn: GatewayConnection, code: int, reason: str) -> None:
        async with conn.lock:
            conn.closed_at = conn.closed_at or time.monotonic()
            await conn.ws.close(code=code, message=reason.encode())
        self.feed.notify()

    async def _receive(self, conn: GatewayConnection, raw: str) -> None:
        try:
            payload = json.loads(raw)
            op = payload["op"]
        except (ValueError, KeyError, TypeError):
            await self._close(conn, 4002, "Decode error")
            return
        data = payload.get("d")
        conn.received.append(_without_token(payload))
        if op == OP_HEARTBEAT:
            await self._heartbeat(conn, data)
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif conn.session is None:
            await self._close(conn, 4003, "Not authenticated")
        elif op == OP_PRESENCE:
            conn.session.presence = data
        elif op == OP_REQUEST_MEMBERS:
            await self._request_members(conn.session, data or {})
        elif op == OP_VOICE_STATE:
            return
        else:
            await self._close(conn, 4001, "Unknown opcode")

    async def _heartbeat(self, conn: GatewayConnection, data: Any) -> None:
        session = conn.session
        if session is not None:
            session.heartbeats += 1
            session.last_heartbeat_seq = data if isinstance(data, int) else None
        await conn.send({"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        self.feed.notify()

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            await self._close(conn, 4005, "Already authenticated")
            return
        if not data.get("token"):
            await self._close(conn, 4004, "Authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await self._close(conn, 4013, "Invalid intent(s)")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await self._close(conn, 4014, "Disallowed intent(s)")
            return
        shard = data.get("shard")
        if shard is not None and not (
            isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]
        ):
            await self._close(conn, 4010, "Invalid shard")
            return
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            intents=intents,
            shard=shard,
            identify={k: v for k, v in data.items() if k != "token"},
        )
        self.sessions[session.session_id] = session
        conn.session = session
        session.conn = conn
        guild_ids = [g for g in self.world.guilds if session.owns(g)]
        async with session.lock:
            ready = payloads.ready_payload(
                bot=self.world.bot,
                application_id=self.world.application_id,
                session_id=session.session_id,
                resume_gateway_url=self.resume_url(),
                guild_ids=guild_ids,
                shard=shard,
            )
            await self._send_event(session, "READY", ready)
            for guild_id in guild_ids:
                await self._send_event(
                    session, "GUILD_CREATE", self.world.guild_create(guild_id, intents=intents)
                )
            session.ready = True
        self.feed.notify()

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalidated or not data.get("token"):
            await conn.send({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        old = session.conn
        if old is not None and old is not conn and old.open:
            await self._close(old, 4000, "Session resumed elsewhere")
        seq = data.get("seq") or 0
        async with session.lock:
            conn.session = session
            session.conn = conn
            for event in session.events:
                if event["s"] > seq:
                    await conn.send(event)
            await self._send_event(session, "RESUMED", {"_trace": ["standin"]})
            session.resumes += 1
        self.feed.notify()

    async def _request_members(self, session: GatewaySession, data: dict[str, Any]) -> None:
        raw_ids = data.get("guild_id")
        guild_ids: list[Any] = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        user_ids = [int(u) for u in data.get("user_ids") or []] or None
        for raw in guild_ids:
            guild_id = int(raw)
            if guild_id not in self.world.guilds:
                continue
            members, missing = self.world.members_chunk(
                guild_id,
                query=data.get("query") or "",
                limit=int(data.get("limit") or 0),
                user_ids=user_ids,
            )
            chunk: dict[str, Any] = {
                "guild_id": str(guild_id),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": missing,
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            if data.get("presences"):
                chunk["presences"] = []
            await self.dispatch("GUILD_MEMBERS_CHUNK", chunk, session=session)

    # ----------------------------------------------------------------- pushing events

    async def _send_event(self, session: GatewaySession, event: str, data: dict[str, Any]) -> int:
        session.seq += 1
        payload = {"op": OP_DISPATCH, "d": data, "s": session.seq, "t": event}
        session.events.append(payload)
        if session.conn is not None:
            await session.conn.send(payload)
        return session.seq

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None = None,
        intent: int | None = None,
        session: GatewaySession | None = None,
        transform: Callable[[GatewaySession, dict[str, Any]], dict[str, Any]] | None = None,
    ) -> list[int]:
        """Send a dispatch event to every session that should get it; returns the sequence numbers.

        Events for a session whose connection is down are kept and replayed on RESUME;
        `transform` tailors the payload per session (e.g. content hidden without the intent).
        """
        targets = [session] if session is not None else list(self.sessions.values())
        sent = []
        for target in targets:
            if target.invalidated or not target.owns(guild_id):
                continue
            if intent is not None and not target.intents & intent:
                continue
            payload = transform(target, data) if transform is not None else data
            async with target.lock:
                sent.append(await self._send_event(target, event, payload))
        return sent

    async def send_op(self, session: GatewaySession, op: int, data: Any = None) -> None:
        """Send a non-dispatch opcode (RECONNECT, INVALID_SESSION, HEARTBEAT request)."""
        if session.conn is None:
            raise RuntimeError(f"session {session.session_id} has no live connection")
        await session.conn.send({"op": op, "d": data, "s": None, "t": None})

    async def close_connection(self, session: GatewaySession, code: int) -> None:
        """Drop the live connection of a session the way a network blip or Discord would."""
        if session.conn is not None:
            await self._close(session.conn, code, "Closed by the stand-in")

    async def invalidate(self, session: GatewaySession, *, resumable: bool) -> None:
        """Send op 9; unless resumable, the session is gone and the client must IDENTIFY again."""
        if not resumable:
            session.invalidated = True
        await self.send_op(session, OP_INVALID_SESSION, resumable)

    async def close_all(self) -> None:
        """Close every open connection (used at stand-in shutdown)."""
        for conn in self.connections:
            if conn.open:
                await self._close(conn, WSCloseCode.GOING_AWAY, "Stand-in shutting down")


def _without_token(payload: dict[str, Any]) -> dict[str, Any]:
    data = payload.get("d")
    if isinstance(data, dict) and "token" in data:
        return {**payload, "d": {**data, "token": "<redacted>"}}
    return payload
