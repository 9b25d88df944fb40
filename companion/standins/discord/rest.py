"""REST routes of the stand-in: what each Discord endpoint does to the world, and its answer."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import hdrs, web

from . import payloads
from .gateway import Gateway, GatewaySession
from .models import (
    CallbackAttempt,
    ChangeFeed,
    Intent,
    InteractionRecord,
    MemberSpec,
    MessageFlag,
    Perm,
    RecordedRequest,
    StoredMessage,
    UploadedFile,
    as_int,
)
from .state import World
from .validation import (
    ALREADY_ACKNOWLEDGED,
    CANNOT_DM,
    EMPTY_MESSAGE,
    INVALID_WEBHOOK_TOKEN,
    MISSING_PERMISSIONS,
    UNKNOWN_INTERACTION,
    UNKNOWN_WEBHOOK,
    ApiError,
    is_empty_message,
    validate_autocomplete,
    validate_commands,
    validate_message,
    validate_modal,
)

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
RESUME_GATEWAY_PATH = "/gateway-resume"
MAX_PINS = 250
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}
UNKNOWN_GUILD = {"message": "Unknown Guild", "code": 10004}
MISSING_ACCESS = {"message": "Missing Access", "code": 50001}
VALID_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
RECORD = web.RequestKey("record", RecordedRequest)


class RestApi:
    """The REST endpoints discord.py 2.7 uses, with Discord's checks and error answers."""

    def __init__(
        self,
        world: World,
        gateway: Gateway,
        feed: ChangeFeed,
        *,
        gateway_url: Callable[[], str],
        interaction_deadline: float,
        token_lifetime: float,
    ) -> None:
        """Act on `world`, push events through `gateway`, wake waiters through `feed`."""
        self.world = world
        self.gateway = gateway
        self.feed = feed
        self.gateway_url = gateway_url
        self.interaction_deadline = interaction_deadline
        self.token_lifetime = token_lifetime
        self.unhandled: list[RecordedRequest] = []

    def add_routes(self, app: web.Application) -> None:
        """Register the gateway websocket, the file URLs and every REST route."""
        add = app.router.add_route
        api = API_PREFIX
        app.router.add_get(GATEWAY_PATH, self.gateway.handle)
        app.router.add_get(RESUME_GATEWAY_PATH, self.gateway.handle)
        app.router.add_get("/attachments/{cid:\\d+}/{aid:\\d+}/{name}", self._attachment)
        add("GET", f"{api}/gateway", self._get_gateway)
        add("GET", f"{api}/gateway/bot", self._get_gateway_bot)
        add("GET", f"{api}/users/@me", self._get_me)
        add("POST", f"{api}/users/@me/channels", self._open_dm)
        add("GET", f"{api}/users/{{uid:\\d+}}", self._get_user)
        add("GET", f"{api}/oauth2/applications/@me", self._get_application)
        add("GET", f"{api}/applications/@me", self._get_application)
        for scope in ("", "/guilds/{gid:\\d+}"):
            base = f"{api}/applications/{{app:\\d+}}{scope}/commands"
            add("GET", base, self._list_commands)
            add("PUT", base, self._put_commands)
            add("POST", base, self._post_command)
            add("GET", base + "/{cmd:\\d+}", self._get_command)
            add("PATCH", base + "/{cmd:\\d+}", self._patch_command)
            add("DELETE", base + "/{cmd:\\d+}", self._delete_command)
        add("POST", f"{api}/interactions/{{iid:\\d+}}/{{token}}/callback", self._callback)
        hook = f"{api}/webhooks/{{app:\\d+}}/{{token}}"
        add("POST", hook, self._followup)
        for method in ("GET", "PATCH", "DELETE"):
            add(method, hook + "/messages/{mid:\\d+|@original}", self._webhook_message)
        channel = f"{api}/channels/{{cid:\\d+}}"
        add("GET", channel, self._get_channel)
        add("POST", channel + "/typing", self._typing)
        add("GET", channel + "/messages/pins", self._list_pins)
        add("PUT", channel + "/messages/pins/{mid:\\d+}", self._pin)
        add("DELETE", channel + "/messages/pins/{mid:\\d+}", self._unpin)
        add("GET", channel + "/pins", self._list_pins_legacy)
        add("PUT", channel + "/pins/{mid:\\d+}", self._pin)
        add("DELETE", channel + "/pins/{mid:\\d+}", self._unpin)
        add("GET", channel + "/messages", self._list_messages)
        add("POST", channel + "/messages", self._create_message)
        add("GET", channel + "/messages/{mid:\\d+}", self._get_message)
        add("PATCH", channel + "/messages/{mid:\\d+}", self._edit_message)
        add("DELETE", channel + "/messages/{mid:\\d+}", self._delete_message)
        guild = f"{api}/guilds/{{gid:\\d+}}"
        add("GET", guild, self._get_guild)
        add("GET", guild + "/channels", self._get_guild_channels)
        add("GET", guild + "/roles", self._get_guild_roles)
        add("GET", guild + "/members", self._list_members)
        add("GET", guild + "/members/{uid:\\d+}", self._get_member)
        add("*", api + "/{tail:.*}", self._unhandled)

    # ----------------------------------------------------------------- small routes

    async def _unhandled(self, request: web.Request) -> web.StreamResponse:
        self.unhandled.append(request[RECORD])
        raise ApiError(404, {"message": "404: Not Found", "code": 0})

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        key = (int(request.match_info["cid"]), int(request.match_info["aid"]))
        upload = self.world.hosted_files.get(key)
        if upload is None or upload.filename != request.match_info["name"]:
            raise web.HTTPNotFound
        return web.Response(body=upload.data, content_type=upload.content_type)

    async def _get_gateway(self, request: web.Request) -> web.StreamResponse:
        return json_response({"url": self.gateway_url()})

    async def _get_gateway_bot(self, request: web.Request) -> web.StreamResponse:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        return json_response({"url": self.gateway_url(), "shards": 1, "session_start_limit": limit})

    async def _get_me(self, request: web.Request) -> web.StreamResponse:
        user = payloads.user_payload(self.world.bot)
        user.update(verified=True, mfa_enabled=False, email=None, locale="en-US", bot=True)
        return json_response(user)

    async def _get_user(self, request: web.Request) -> web.StreamResponse:
        spec = self.world.find_user(int(request.match_info["uid"]))
        if spec is None:
            raise ApiError(404, {"message": "Unknown User", "code": 10013})
        return json_response(payloads.user_payload(spec))

    async def _get_application(self, request: web.Request) -> web.StreamResponse:
        world = self.world
        guild_id = world.default_guild_id()
        owner = world.find_user(world.owner_id(guild_id)) if guild_id is not None else None
        owner = owner or MemberSpec(id=1, username="standin-owner")
        return json_response(payloads.application_payload(world.application_id, world.bot, owner))

    async def _open_dm(self, request: web.Request) -> web.StreamResponse:
        body = request[RECORD].json or {}
        if "recipient_id" not in body:
            raise ApiError.invalid_form(
                {
                    "recipient_id": {
                        "_errors": [
                            {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}
                        ]
                    }
                }
            )
        channel_id = self.world.open_dm(as_int(body["recipient_id"]))
        return json_response(self.world.channel_object(channel_id))

    async def _get_channel(self, request: web.Request) -> web.StreamResponse:
        return json_response(self.world.channel_object(int(request.match_info["cid"])))

    async def _typing(self, request: web.Request) -> web.StreamResponse:
        self._require_channel(int(request.match_info["cid"]))
        return web.Response(status=204)

    def _guild(self, request: web.Request) -> int:
        guild_id = int(request.match_info["gid"])
        if guild_id not in self.world.guilds:
            raise ApiError.of(404, UNKNOWN_GUILD)
        return guild_id

    async def _get_guild(self, request: web.Request) -> web.StreamResponse:
        guild_id = self._guild(request)
        data = self.world.guild_object(guild_id)
        if request.query.get("with_counts") in ("true", "1"):
            count = len(self.world.guilds[guild_id].members) + 1
            data.update(approximate_member_count=count, approximate_presence_count=0)
        return json_response(data)

    async def _get_guild_channels(self, request: web.Request) -> web.StreamResponse:
        guild_id = self._guild(request)
        channels = [self.world.channel_object(c.id) for c in self.world.guilds[guild_id].channels]
        return json_response(channels)

    async def _get_guild_roles(self, request: web.Request) -> web.StreamResponse:
        guild_id = self._guild(request)
        roles = [payloads.role_payload(r) for r in self.world.guild_roles(guild_id)]
        return json_response(roles)

    async def _get_member(self, request: web.Request) -> web.StreamResponse:
        guild_id = self._guild(request)
        user_id = int(request.match_info["uid"])
        if not self.world.is_member(guild_id, user_id):
            raise ApiError(404, {"message": "Unknown Member", "code": 10007})
        spec = self.world.find_user(user_id, guild_id)
        assert spec is not None
        roles = self.world.member_role_ids(guild_id, user_id)
        data = payloads.member_payload(spec, roles)
        if user_id == self.world.bot.id:
            data["joined_at"] = self.world.guild_joined_at[guild_id]
        return json_response(data)

    async def _list_members(self, request: web.Request) -> web.StreamResponse:
        guild_id = self._guild(request)
        limit = min(int(request.query.get("limit", "1")), 1000)
        after = int(request.query.get("after", "0"))
        everyone = sorted(
            [*self.world.guilds[guild_id].members, self.world.bot], key=lambda m: m.id
        )
        chosen = [m for m in everyone if m.id > after][:limit]
        return json_response(
            [payloads.member_payload(m, self.world.member_role_ids(guild_id, m.id)) for m in chosen]
        )

    # ----------------------------------------------------------------- commands

    def _command_scope(self, request: web.Request) -> int | None:
        if int(request.match_info["app"]) != self.world.application_id:
            raise ApiError.of(403, MISSING_ACCESS)
        if "gid" in request.match_info:
            return self._guild(request)
        return None

    async def _list_commands(self, request: web.Request) -> web.StreamResponse:
        scope = self._command_scope(request)
        return json_response(copy.deepcopy(self.world.commands.get(scope, [])))

    async def _put_commands(self, request: web.Request) -> web.StreamResponse:
        scope = self._command_scope(request)
        body = request[RECORD].json
        if not isinstance(body, list):
            raise ApiError.invalid_form(
                {"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]}
            )
        errors = validate_commands(body)
        if errors:
            raise ApiError.invalid_form(errors)
        if sum(1 for c in body if int(c.get("type") or 1) == 1) > 100:
            raise ApiError(
                400,
                {"message": "Maximum number of application commands reached (100)", "code": 30032},
                violation=True,
            )
        return json_response(self.world.store_commands(scope, body))

    async def _post_command(self, request: web.Request) -> web.StreamResponse:
        scope = self._command_scope(request)
        body = request[RECORD].json or {}
        errors = validate_commands([body])
        if errors:
            raise ApiError.invalid_form(errors.get("0", errors))
        return json_response(self.world.upsert_command(scope, body), status=201)

    def _find_command(self, request: web.Request) -> tuple[int | None, dict[str, Any]]:
        scope = self._command_scope(request)
        wanted = request.match_info["cmd"]
        for command in self.world.commands.get(scope, []):
            if command["id"] == wanted:
                return scope, command
        raise ApiError(404, {"message": "Unknown application command", "code": 10063})

    async def _get_command(self, request: web.Request) -> web.StreamResponse:
        _, command = self._find_command(request)
        return json_response(command)

    async def _patch_command(self, request: web.Request) -> web.StreamResponse:
        scope, command = self._find_command(request)
        merged = {**command, **(request[RECORD].json or {})}
        errors = validate_commands([merged])
        if errors:
            raise ApiError.invalid_form(errors.get("0", errors))
        return json_response(self.world.upsert_command(scope, merged))

    async def _delete_command(self, request: web.Request) -> web.StreamResponse:
        scope, command = self._find_command(request)
        self.world.commands[scope].remove(command)
        return web.Response(status=204)

    # ----------------------------------------------------------------- interactions

    async def _callback(self, request: web.Request) -> web.StreamResponse:
        record: RecordedRequest = request[RECORD]
        interaction = self.world.interactions.get(int(request.match_info["iid"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            raise ApiError.of(404, UNKNOWN_INTERACTION)
        body = record.json if isinstance(record.json, dict) else {}
        attempt = CallbackAttempt(
            type=body.get("type"),
            body=body,
            files=record.files,
            at=record.at,
            latency=record.at - interaction.dispatched_at,
            status=0,
        )
        try:
            response = await self._apply_callback(interaction, body, record, attempt.latency)
        except ApiError as exc:
            attempt.status, attempt.error_code = exc.status, exc.body.get("code")
            interaction._record(attempt)
            raise
        attempt.status = response.status
        interaction._record(attempt)
        return response

    async def _apply_callback(
        self,
        interaction: InteractionRecord,
        body: dict[str, Any],
        record: RecordedRequest,
        latency: float,
    ) -> web.StreamResponse:
        if interaction.acknowledged:
            raise ApiError.of(400, ALREADY_ACKNOWLEDGED, violation=True)
        if latency > self.interaction_deadline:
            raise ApiError.of(404, UNKNOWN_INTERACTION, violation=True)
        kind = body.get("type")
        data = body.get("data") or {}
        if kind not in VALID_CALLBACKS.get(interaction.type, set()):
            raise ApiError.invalid_form(
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_CALLBACK_TYPE_INVALID",
                                "message": f"Callback type {kind} is not valid for "
                                f"interaction type {interaction.type}.",
                            }
                        ]
                    }
                }
            )
        resource: StoredMessage | None = None
        if kind == 4:
            resource = await self._respond_with_message(interaction, data, record.files)
        elif kind == 5:
            flags = int(data.get("flags") or 0)
            if flags & ~MessageFlag.EPHEMERAL:
                raise ApiError.invalid_form(
                    {
                        "data": {
                            "flags": {
                                "_errors": [
                                    {
                                        "code": "INTERACTION_RESPONSE_FLAGS_INVALID",
                                        "message": "Only EPHEMERAL is allowed when deferring.",
                                    }
                                ]
                            }
                        }
                    }
                )
            resource = self.world.create_message(
                interaction.channel_id,
                {},
                [],
                via="interaction_response",
                interaction=interaction,
                msg_type=_response_type(interaction),
                extra_flags=flags | MessageFlag.LOADING,
            )
            interaction.original_message_id = resource.id
            await self.emit_message("MESSAGE_CREATE", resource)
        elif kind in (6, 7):
            target = self._component_message(interaction)
            if kind == 7:
                self._validate_message(data, record.files, interaction=True, edit=True)
                self.world.edit_message(target, data, record.files)
                await self.emit_message("MESSAGE_UPDATE", target)
                resource = target
            interaction.original_message_id = target.id
        elif kind == 8:
            errors = validate_autocomplete(data)
            if errors:
                raise ApiError.invalid_form(errors)
            interaction.autocomplete_choices = data.get("choices")
        elif kind == 9:
            errors = validate_modal(data)
            if errors:
                raise ApiError.invalid_form(errors)
            interaction.modal = copy.deepcopy(data)
        interaction.acknowledged = True
        interaction.response_type = kind
        self.feed.notify()
        if record.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        return json_response(self._callback_answer(interaction, kind, resource))

    def _callback_answer(
        self, interaction: InteractionRecord, kind: int, resource: StoredMessage | None
    ) -> dict[str, Any]:
        inner: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
        answer: dict[str, Any] = {"interaction": inner}
        if interaction.original_message_id is not None and kind in (4, 5, 6, 7):
            inner["response_message_id"] = str(interaction.original_message_id)
            message = self.world.messages[interaction.original_message_id]
            inner["response_message_loading"] = message.loading
            inner["response_message_ephemeral"] = message.ephemeral
        if resource is not None:
            answer["resource"] = {"type": kind, "message": self.world.message_payload(resource)}
        return answer

    def _component_message(self, interaction: InteractionRecord) -> StoredMessage:
        message = interaction.message
        target = self.world.messages.get(int(message["id"])) if message else None
        if target is None or target.deleted:
            raise ApiError.of(404, UNKNOWN_MESSAGE)
        return target

    async def _respond_with_message(
        self, interaction: InteractionRecord, data: dict[str, Any], files: list[UploadedFile]
    ) -> StoredMessage:
        self._validate_message(data, files, interaction=True)
        msg = self.world.create_message(
            interaction.channel_id,
            data,
            files,
            via="interaction_response",
            interaction=interaction,
            msg_type=_response_type(interaction),
        )
        interaction.original_message_id = msg.id
        await self.emit_message("MESSAGE_CREATE", msg)
        return msg

    def _validate_message(
        self,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        interaction: bool = False,
        edit: bool = False,
    ) -> None:
        errors = validate_message(body, interaction=interaction)
        if errors:
            raise ApiError.invalid_form(errors)
        if not edit and is_empty_message(body, bool(files)):
            raise ApiError.of(400, EMPTY_MESSAGE, violation=True)
        if sum(len(f.data) for f in files) > self.world.attachment_size_limit:
            raise ApiError(
                413, {"message": "Request entity too large", "code": 40005}, violation=True
            )

    def _interaction_for_webhook(self, request: web.Request) -> InteractionRecord:
        interaction = self.world.interactions_by_token.get(request.match_info["token"])
        if interaction is None or int(request.match_info["app"]) != self.world.application_id:
            raise ApiError.of(404, UNKNOWN_WEBHOOK)
        if time.monotonic() - interaction.dispatched_at > self.token_lifetime:
            raise ApiError.of(401, INVALID_WEBHOOK_TOKEN, violation=True)
        if not interaction.acknowledged:
            raise ApiError.of(404, UNKNOWN_WEBHOOK, violation=True)
        return interaction

    async def _followup(self, request: web.Request) -> web.StreamResponse:
        interaction = self._interaction_for_webhook(request)
        record: RecordedRequest = request[RECORD]
        body = record.json if isinstance(record.json, dict) else {}
        self._validate_message(body, record.files, interaction=True)
        original = interaction.original_message
        if original is not None and original.loading and not interaction.followup_ids:
            # Discord turns the first followup after a deferral into the deferred message itself.
            msg = self.world.edit_message(original, body, record.files)
            msg.edited_timestamp = None
            await self.emit_message("MESSAGE_UPDATE", msg)
        else:
            msg = self.world.create_message(
                interaction.channel_id,
                body,
                record.files,
                via="followup",
                interaction=interaction,
            )
            interaction.followup_ids.append(msg.id)
            await self.emit_message("MESSAGE_CREATE", msg)
        if record.query.get("wait") in ("1", "true", "True"):
            return json_response(self.world.message_payload(msg))
        return web.Response(status=204)

    async def _webhook_message(self, request: web.Request) -> web.StreamResponse:
        interaction = self._interaction_for_webhook(request)
        wanted = request.match_info["mid"]
        message_id = interaction.original_message_id if wanted == "@original" else int(wanted)
        allowed = {interaction.original_message_id, *interaction.followup_ids}
        known = message_id is not None and message_id in allowed
        msg = self.world.messages.get(message_id) if known and message_id is not None else None
        if msg is None or msg.deleted:
            raise ApiError.of(404, UNKNOWN_MESSAGE)
        record: RecordedRequest = request[RECORD]
        if request.method == "GET":
            return json_response(self.world.message_payload(msg))
        if request.method == "DELETE":
            msg.deleted = True
            await self.emit_message("MESSAGE_DELETE", msg)
            return web.Response(status=204)
        body = record.json if isinstance(record.json, dict) else {}
        self._validate_message(body, record.files, interaction=True, edit=True)
        self.world.edit_message(msg, body, record.files)
        await self.emit_message("MESSAGE_UPDATE", msg)
        return json_response(self.world.message_payload(msg))

    # ----------------------------------------------------------------- channel messages

    def _require_channel(self, channel_id: int) -> None:
        if not self.world.channel_exists(channel_id):
            raise ApiError.of(404, UNKNOWN_CHANNEL)

    def _require_bot_permission(self, channel_id: int, needed: int) -> None:
        guild_id = self.world.channel_guild(channel_id)
        if guild_id is None:
            return
        perms = self.world.channel_permissions(guild_id, channel_id, self.world.bot.id)
        if not perms & Perm.VIEW_CHANNEL:
            raise ApiError.of(403, MISSING_ACCESS, violation=True)
        if not perms & needed:
            raise ApiError.of(403, MISSING_PERMISSIONS, violation=True)

    def _channel_message(self, request: web.Request) -> StoredMessage:
        channel_id = int(request.match_info["cid"])
        self._require_channel(channel_id)
        msg = self.world.messages.get(int(request.match_info["mid"]))
        if msg is None or msg.deleted or msg.channel_id != channel_id or msg.ephemeral:
            raise ApiError.of(404, UNKNOWN_MESSAGE)
        return msg

    async def _create_message(self, request: web.Request) -> web.StreamResponse:
        channel_id = int(request.match_info["cid"])
        self._require_channel(channel_id)
        record: RecordedRequest = request[RECORD]
        body = record.json if isinstance(record.json, dict) else {}
        self._require_bot_permission(channel_id, Perm.SEND_MESSAGES)
        if record.files:
            self._require_bot_permission(channel_id, Perm.ATTACH_FILES)
        recipient = self.world.dm_recipient(channel_id)
        if recipient is not None and (not recipient.dms_open or recipient.bot):
            raise ApiError.of(403, CANNOT_DM, violation=True)
        self._validate_message(body, record.files)
        msg = self.world.create_message(channel_id, body, record.files, via="channel")
        await self.emit_message("MESSAGE_CREATE", msg)
        return json_response(self.world.message_payload(msg))

    async def _list_messages(self, request: web.Request) -> web.StreamResponse:
        channel_id = int(request.match_info["cid"])
        self._require_channel(channel_id)
        self._require_bot_permission(channel_id, Perm.READ_MESSAGE_HISTORY)
        query = request.query
        limit = max(1, min(int(query.get("limit", "50")), 100))
        visible = self.world.messages_in(channel_id, include_ephemeral=False)
        if "before" in query:
            chosen = [m for m in visible if m.id < int(query["before"])][-limit:]
        elif "after" in query:
            chosen = [m for m in visible if m.id > int(query["after"])][:limit]
        elif "around" in query:
            pivot = int(query["around"])
            older = [m for m in visible if m.id <= pivot][-(limit - limit // 2) :]
            newer = [m for m in visible if m.id > pivot][: limit // 2]
            chosen = older + newer
        else:
            chosen = visible[-limit:]
        newest_first = sorted(chosen, key=lambda m: m.id, reverse=True)
        return json_response([self.world.message_payload(m) for m in newest_first])

    async def _get_message(self, request: web.Request) -> web.StreamResponse:
        return json_response(self.world.message_payload(self._channel_message(request)))

    async def _edit_message(self, request: web.Request) -> web.StreamResponse:
        msg = self._channel_message(request)
        if msg.author["id"] != str(self.world.bot.id):
            raise ApiError(
                403,
                {"message": "Cannot edit a message authored by another user", "code": 50005},
                violation=True,
            )
        record: RecordedRequest = request[RECORD]
        body = record.json if isinstance(record.json, dict) else {}
        self._validate_message(body, record.files, edit=True)
        self.world.edit_message(msg, body, record.files)
        await self.emit_message("MESSAGE_UPDATE", msg)
        return json_response(self.world.message_payload(msg))

    async def _delete_message(self, request: web.Request) -> web.StreamResponse:
        msg = self._channel_message(request)
        if msg.author["id"] != str(self.world.bot.id):
            self._require_bot_permission(msg.channel_id, Perm.MANAGE_MESSAGES)
        msg.deleted = True
        await self.emit_message("MESSAGE_DELETE", msg)
        return web.Response(status=204)

    # ----------------------------------------------------------------- pins

    async def _pin(self, request: web.Request) -> web.StreamResponse:
        channel_id = int(request.match_info["cid"])
        self._require_channel(channel_id)
        self._require_bot_permission(channel_id, Perm.PIN_MESSAGES | Perm.MANAGE_MESSAGES)
        msg = self._channel_message(request)
        if msg.pinned:
            return web.Response(status=204)
        if len([m for m in self.world.messages_in(channel_id) if m.pinned]) >= MAX_PINS:
            raise ApiError(
                400,
                {"message": "Maximum number of pins reached (250)", "code": 30003},
                violation=True,
            )
        msg.pinned = True
        msg.pinned_at = payloads.iso_now()
        await self.emit_message("MESSAGE_UPDATE", msg)
        notice = self.world.create_message(
            channel_id,
            {
                "content": "",
                "message_reference": {"message_id": str(msg.id)},
                "allowed_mentions": {"parse": []},
            },
            [],
            via="system",
            msg_type=6,
        )
        await self.emit_message("MESSAGE_CREATE", notice)
        await self._pins_update(channel_id, msg.pinned_at)
        return web.Response(status=204)

    async def _unpin(self, request: web.Request) -> web.StreamResponse:
        channel_id = int(request.match_info["cid"])
        self._require_channel(channel_id)
        self._require_bot_permission(channel_id, Perm.PIN_MESSAGES | Perm.MANAGE_MESSAGES)
        msg = self._channel_message(request)
        if msg.pinned:
            msg.pinned, msg.pinned_at = False, None
            await self.emit_message("MESSAGE_UPDATE", msg)
            await self._pins_update(channel_id, None)
        return web.Response(status=204)

    async def _pins_update(self, channel_id: int, last_pin: str | None) -> None:
        guild_id = self.world.channel_guild(channel_id)
        data: dict[str, Any] = {"channel_id": str(channel_id), "last_pin_timestamp": last_pin}
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        await self.gateway.dispatch("CHANNEL_PINS_UPDATE", data, guild_id=guild_id)

    def _pinned(self, channel_id: int) -> list[StoredMessage]:
        pinned = [
            m for m in self.world.messages_in(channel_id, include_ephemeral=False) if m.pinned
        ]
        return sorted(pinned, key=lambda m: m.pinned_at or "", reverse=True)

    async def _list_pins(self, request: web.Request) -> web.StreamResponse:
        channel_id = int(request.match_info["cid"])
        self._require_channel(channel_id)
        limit = max(1, min(int(request.query.get("limit", "50")), 50))
        before = request.query.get("before")
        pinned = [
            m for m in self._pinned(channel_id) if before is None or (m.pinned_at or "") < before
        ]
        items = [
            {"pinned_at": m.pinned_at, "message": self.world.message_payload(m)}
            for m in pinned[:limit]
        ]
        return json_response({"items": items, "has_more": len(pinned) > limit})

    async def _list_pins_legacy(self, request: web.Request) -> web.StreamResponse:
        channel_id = int(request.match_info["cid"])
        self._require_channel(channel_id)
        return json_response([self.world.message_payload(m) for m in self._pinned(channel_id)])

    # ----------------------------------------------------------------- events

    async def emit_message(self, event: str, msg: StoredMessage) -> None:
        """Send MESSAGE_CREATE/UPDATE/DELETE like Discord: per intent, never for ephemerals."""
        if msg.ephemeral:
            return
        intent = Intent.GUILD_MESSAGES if msg.guild_id is not None else Intent.DIRECT_MESSAGES
        if event == "MESSAGE_DELETE":
            data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id is not None:
                data["guild_id"] = str(msg.guild_id)
        else:
            data = self.world.message_payload(msg, include_guild_id=True)
            author_id = as_int(msg.author["id"])
            if msg.guild_id is not None and self.world.is_member(msg.guild_id, author_id):
                spec = self.world.find_user(author_id, msg.guild_id)
                assert spec is not None
                data["member"] = payloads.member_payload(
                    spec, self.world.member_role_ids(msg.guild_id, author_id), include_user=False
                )
        await self.gateway.dispatch(
            event,
            data,
            guild_id=msg.guild_id,
            intent=intent,
            transform=lambda session, payload: self._content_for(session, msg, payload),
        )

    def _content_for(
        self, session: GatewaySession, msg: StoredMessage, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Without MESSAGE_CONTENT, others' guild messages arrive with content stripped."""
        bot_id = self.world.bot.id
        if (
            session.intents & Intent.MESSAGE_CONTENT
            or "content" not in payload
            or msg.guild_id is None
            or as_int(msg.author["id"]) == bot_id
            or bot_id in msg.pings.users
        ):
            return payload
        return {**payload, "content": "", "embeds": [], "attachments": [], "components": []}


# --------------------------------------------------------------------------- helpers


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON answer with exactly `Content-Type: application/json`, as Discord sends it.

    discord.py's json_or_text() compares the header for equality, so aiohttp's default
    "application/json; charset=utf-8" would make every answer arrive as a plain string.
    """
    body = json.dumps(data, separators=(",", ":")).encode()
    response = web.Response(body=body, status=status, headers=dict(headers or {}))
    response.headers[hdrs.CONTENT_TYPE] = "application/json"
    return response


def _response_type(interaction: InteractionRecord) -> int:
    if interaction.type == 2:
        command_type = (interaction.payload.get("data") or {}).get("type", 1)
        return 20 if command_type == 1 else 23
    return 0
