"""The stand-in's world: guilds, users, channels, messages and synced commands (no HTTP here)."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from . import payloads
from .models import (
    ALL_PERMISSIONS,
    ChannelSpec,
    GuildSpec,
    Intent,
    InteractionRecord,
    MemberSpec,
    MessageFlag,
    Perm,
    Pings,
    RoleSpec,
    SnowflakeFactory,
    StoredMessage,
    UploadedFile,
    as_int,
)
from .validation import ApiError

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
FILE_FIELD = re.compile(r"files\[(\d+)\]")
EDITABLE_FLAGS = int(MessageFlag.SUPPRESS_EMBEDS | MessageFlag.IS_COMPONENTS_V2)


class World:
    """Everything the fake Discord knows; the server turns requests into calls on this."""

    def __init__(
        self,
        *,
        application_id: int,
        bot_username: str,
        guilds: Sequence[GuildSpec],
        attachment_size_limit: int,
    ) -> None:
        """Index the guild specs and give the bot a managed role in each guild."""
        self.ids = SnowflakeFactory()
        self.application_id = application_id
        self.attachment_size_limit = attachment_size_limit
        self.base_url = ""
        self.bot = MemberSpec(id=application_id, username=bot_username, bot=True)
        self.guilds: dict[int, GuildSpec] = {}
        self.guild_joined_at: dict[int, str] = {}
        self._roles: dict[int, dict[int, RoleSpec]] = {}
        self._bot_role: dict[int, int] = {}
        self._grant_role: dict[tuple[int, int], int] = {}
        self._channels: dict[int, tuple[int, ChannelSpec]] = {}
        self._dm_by_user: dict[int, int] = {}
        self._dm_recipient: dict[int, int] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.message_order: list[int] = []
        self.last_message_id: dict[int, int] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.hosted_files: dict[tuple[int, int], UploadedFile] = {}
        for guild in guilds:
            self.add_guild(guild)

    # ----------------------------------------------------------------- guilds and users

    def add_guild(self, guild: GuildSpec) -> None:
        """Register a guild: @everyone and the bot's managed role are added like Discord does."""
        self.guilds[guild.id] = guild
        self.guild_joined_at[guild.id] = payloads.iso_now()
        roles = {r.id: r for r in guild.roles}
        roles.setdefault(
            guild.id,
            RoleSpec(
                id=guild.id, name="@everyone", permissions=guild.everyone_permissions, position=0
            ),
        )
        bot_role = RoleSpec(
            id=self.ids.next(),
            name=self.bot.username,
            permissions=guild.bot_permissions,
            position=max((r.position for r in roles.values()), default=0) + 1,
            managed=True,
            tags={"bot_id": str(self.application_id)},
        )
        roles[bot_role.id] = bot_role
        for member in guild.members:
            if member.permissions is not None and not member.bot:
                # Discord has no per-member permissions: grant them through a role of their own,
                # so discord.py's Member.guild_permissions agrees with the interaction payloads.
                grant = RoleSpec(
                    id=self.ids.next(),
                    name=f"{member.username} (stand-in grant)",
                    permissions=member.permissions,
                    position=1,
                )
                roles[grant.id] = grant
                self._grant_role[(guild.id, member.id)] = grant.id
        self._roles[guild.id] = roles
        self._bot_role[guild.id] = bot_role.id
        for channel in guild.channels:
            self._channels[channel.id] = (guild.id, channel)

    def default_guild_id(self) -> int | None:
        """The first configured guild, used when a builder is given no guild."""
        return next(iter(self.guilds), None)

    def guild_roles(self, guild_id: int) -> list[RoleSpec]:
        """All roles of a guild, @everyone and the bot's role included, by position."""
        return sorted(self._roles[guild_id].values(), key=lambda r: r.position)

    def find_role(self, guild_id: int, role_id: int) -> RoleSpec | None:
        """A role by id, or None."""
        return self._roles.get(guild_id, {}).get(role_id)

    def owner_id(self, guild_id: int) -> int:
        """The guild owner: the spec's owner, else the first human member."""
        guild = self.guilds[guild_id]
        if guild.owner_id is not None:
            return guild.owner_id
        humans = [m.id for m in guild.members if not m.bot]
        return humans[0] if humans else 0

    def find_user(self, user_id: int, guild_id: int | None = None) -> MemberSpec | None:
        """A user by id: the bot, a member of `guild_id`, or a member of any guild."""
        if user_id == self.bot.id:
            return self.bot
        order = [guild_id] if guild_id in self.guilds else []
        order += [g for g in self.guilds if g != guild_id]
        for gid in order:
            for member in self.guilds[gid].members:
                if member.id == user_id:
                    return member
        return None

    def is_member(self, guild_id: int, user_id: int) -> bool:
        """Whether the user (or the bot) is in the guild."""
        if user_id == self.bot.id:
            return guild_id in self.guilds
        return any(m.id == user_id for m in self.guilds[guild_id].members)

    def member_role_ids(self, guild_id: int, user_id: int) -> list[int]:
        """Role ids on the member (the bot carries its managed role)."""
        if user_id == self.bot.id:
            return [self._bot_role[guild_id]]
        spec = self.find_user(user_id, guild_id)
        grant = self._grant_role.get((guild_id, user_id))
        return [*(spec.roles if spec else []), *([grant] if grant else [])]

    def guild_permissions(self, guild_id: int, user_id: int, override: int | None = None) -> int:
        """Guild-level permissions: owner and Administrator get everything."""
        if override is not None:
            base = override
        elif user_id == self.owner_id(guild_id):
            return ALL_PERMISSIONS
        else:
            base = as_int(self._roles[guild_id][guild_id].permissions)
            for role_id in self.member_role_ids(guild_id, user_id):
                role = self.find_role(guild_id, role_id)
                if role is not None:
                    base |= as_int(role.permissions)
        if base & Perm.ADMINISTRATOR:
            return ALL_PERMISSIONS
        return base

    def channel_permissions(
        self, guild_id: int, channel_id: int, user_id: int, override: int | None = None
    ) -> int:
        """Channel-level permissions: guild permissions minus the bot's overwrites there."""
        perms = self.guild_permissions(guild_id, user_id, override)
        if perms == ALL_PERMISSIONS or user_id != self.bot.id:
            return perms
        spec = self.guild_channel(channel_id)
        return perms & ~self._bot_deny(spec) if spec else perms

    @staticmethod
    def _bot_deny(spec: ChannelSpec) -> int:
        deny = 0
        if not spec.bot_can_send:
            deny |= Perm.SEND_MESSAGES | Perm.SEND_MESSAGES_IN_THREADS
        if not spec.bot_can_pin:
            deny |= Perm.PIN_MESSAGES | Perm.MANAGE_MESSAGES
        return int(deny)

    # ----------------------------------------------------------------- channels

    def guild_channel(self, channel_id: int) -> ChannelSpec | None:
        """A guild channel spec by id."""
        found = self._channels.get(channel_id)
        return found[1] if found else None

    def channel_guild(self, channel_id: int) -> int | None:
        """The guild a channel belongs to (None for DMs and unknown channels)."""
        found = self._channels.get(channel_id)
        return found[0] if found else None

    def dm_recipient(self, channel_id: int) -> MemberSpec | None:
        """The other party of a DM channel."""
        user_id = self._dm_recipient.get(channel_id)
        return self.find_user(user_id) if user_id is not None else None

    def dm_channel_id(self, user_id: int) -> int | None:
        """The DM channel with a user, if the bot opened one."""
        return self._dm_by_user.get(user_id)

    def open_dm(self, user_id: int) -> int:
        """Create (or reuse) the DM channel with a user, like POST /users/@me/channels."""
        if self.find_user(user_id) is None:
            raise ApiError(400, {"message": "Invalid Recipient(s)", "code": 50033})
        if user_id not in self._dm_by_user:
            channel_id = self.ids.next()
            self._dm_by_user[user_id] = channel_id
            self._dm_recipient[channel_id] = user_id
        return self._dm_by_user[user_id]

    def channel_exists(self, channel_id: int) -> bool:
        """Whether a guild or DM channel with this id exists."""
        return channel_id in self._channels or channel_id in self._dm_recipient

    def overwrites(self, spec: ChannelSpec) -> list[dict[str, Any]]:
        """Permission overwrites that make discord.py agree with the REST checks."""
        deny = self._bot_deny(spec)
        if not deny:
            return []
        return [{"id": str(self.bot.id), "type": 1, "allow": "0", "deny": str(deny)}]

    def channel_object(self, channel_id: int, *, permissions: int | None = None) -> dict[str, Any]:
        """GET /channels/{id} (and the `channel` of interactions, with `permissions`)."""
        found = self._channels.get(channel_id)
        last = self.last_message_id.get(channel_id)
        if found is not None:
            guild_id, spec = found
            return payloads.channel_payload(
                spec,
                guild_id,
                overwrites=self.overwrites(spec),
                last_message_id=last,
                permissions=permissions,
            )
        recipient = self.dm_recipient(channel_id)
        if recipient is None:
            raise ApiError(404, {"message": "Unknown Channel", "code": 10003})
        return payloads.dm_channel_payload(channel_id, recipient, last)

    # ----------------------------------------------------------------- gateway payloads

    def guild_create(self, guild_id: int, *, intents: int) -> dict[str, Any]:
        """GUILD_CREATE: the guild object plus the fields only the gateway adds."""
        guild = self.guilds[guild_id]
        data = self.guild_object(guild_id)
        everyone = [m for m in guild.members if not m.bot]
        bots = [m for m in guild.members if m.bot]
        # Without GUILD_PRESENCES Discord only sends the bot's own member (docs: Guild Create).
        shown = [*everyone, *bots] if intents & Intent.GUILD_PRESENCES else []
        member_payloads = [
            payloads.member_payload(m, self.member_role_ids(guild_id, m.id)) for m in shown
        ]
        member_payloads.append(
            payloads.member_payload(self.bot, self.member_role_ids(guild_id, self.bot.id))
        )
        for item in member_payloads:
            item["joined_at"] = item["joined_at"] or self.guild_joined_at[guild_id]
        member_payloads[-1]["joined_at"] = self.guild_joined_at[guild_id]
        channels = [
            payloads.channel_payload(
                c,
                guild_id,
                overwrites=self.overwrites(c),
                last_message_id=self.last_message_id.get(c.id),
            )
            for c in guild.channels
        ]
        for channel in channels:
            channel.pop("guild_id")
        data.update(
            joined_at=self.guild_joined_at[guild_id],
            large=len(guild.members) + 1 > 250,
            unavailable=False,
            member_count=len(guild.members) + 1,
            members=member_payloads,
            channels=channels,
            threads=[],
            presences=[],
            voice_states=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
            embedded_activities=[],
            activity_instances=[],
            lazy=True,
            application_command_counts={},
        )
        return data

    def guild_object(self, guild_id: int) -> dict[str, Any]:
        """The guild as REST returns it."""
        guild = self.guilds[guild_id]
        roles = [payloads.role_payload(r) for r in self.guild_roles(guild_id)]
        return payloads.guild_payload(guild, roles, self.owner_id(guild_id))

    def members_chunk(
        self, guild_id: int, *, query: str, limit: int, user_ids: list[int] | None
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Answer REQUEST_GUILD_MEMBERS (op 8): matching members and ids not found."""
        everyone = [*self.guilds[guild_id].members, self.bot]
        if user_ids:
            found = [m for m in everyone if m.id in user_ids]
            missing = [str(i) for i in user_ids if i not in {m.id for m in found}]
        else:
            found = [m for m in everyone if m.username.lower().startswith(query.lower())]
            missing = []
            if limit:
                found = found[:limit]
        chunk = [payloads.member_payload(m, self.member_role_ids(guild_id, m.id)) for m in found]
        return chunk, missing

    # ----------------------------------------------------------------- commands

    def store_commands(
        self, guild_id: int | None, commands: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Bulk overwrite: keep ids of commands that stay, add Discord's defaulted fields."""
        previous = {(c.get("type", 1), c["name"]): c for c in self.commands.get(guild_id, [])}
        stored = []
        for command in commands:
            kind = int(command.get("type") or 1)
            old = previous.get((kind, command["name"]))
            stored.append(self._command_record(command, guild_id, old))
        self.commands[guild_id] = stored
        return copy.deepcopy(stored)

    def _command_record(
        self, command: dict[str, Any], guild_id: int | None, old: dict[str, Any] | None
    ) -> dict[str, Any]:
        kind = int(command.get("type") or 1)
        record: dict[str, Any] = {
            "id": old["id"] if old else str(self.ids.next()),
            "application_id": str(self.application_id),
            "version": str(self.ids.next()),
            "default_member_permissions": None,
            "type": kind,
            "name": command["name"],
            "name_localizations": None,
            "description": command.get("description", "") if kind == 1 else "",
            "description_localizations": None,
            "dm_permission": True,
            "contexts": None,
            "integration_types": [0],
            "nsfw": False,
        }
        record.update(copy.deepcopy(command))
        record["type"] = kind
        if guild_id is not None:
            record["guild_id"] = str(guild_id)
            record.pop("dm_permission", None)
        if record.get("default_member_permissions") is not None:
            record["default_member_permissions"] = str(record["default_member_permissions"])
        return record

    def upsert_command(self, guild_id: int | None, command: dict[str, Any]) -> dict[str, Any]:
        """POST one command: replaces a same-named one of the same type."""
        current = self.commands.setdefault(guild_id, [])
        kind = int(command.get("type") or 1)
        old = next((c for c in current if c["type"] == kind and c["name"] == command["name"]), None)
        record = self._command_record(command, guild_id, old)
        if old is not None:
            current[current.index(old)] = record
        else:
            current.append(record)
        return copy.deepcopy(record)

    def find_command(self, name: str, guild_id: int | None) -> tuple[dict[str, Any], int | None]:
        """A synced chat-input command: guild commands win over global ones, as in the client."""
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command["type"] == 1:
                    return command, scope
        synced = {scope: [c["name"] for c in cmds] for scope, cmds in self.commands.items() if cmds}
        raise LookupError(
            f"/{name} was not synced (PUT .../commands) to guild {guild_id} or globally; "
            f"synced: {synced or 'nothing'}"
        )

    # ----------------------------------------------------------------- files

    def host_file(
        self, upload: UploadedFile, channel_id: int, *, ephemeral: bool
    ) -> dict[str, Any]:
        """Keep an upload so its URL serves the bytes, and describe it as an attachment."""
        attachment_id = self.ids.next()
        self.hosted_files[(channel_id, attachment_id)] = upload
        return payloads.attachment_payload(
            self.base_url, channel_id, attachment_id, upload, ephemeral=ephemeral
        )

    def _attachments(
        self,
        channel_id: int,
        listed: list[dict[str, Any]] | None,
        files: list[UploadedFile],
        keep: list[dict[str, Any]],
        *,
        ephemeral: bool,
    ) -> list[dict[str, Any]]:
        by_index: dict[int, UploadedFile] = {}
        for upload in files:
            match = FILE_FIELD.fullmatch(upload.field_name)
            index = int(match.group(1)) if match else len(by_index)
            by_index[index] = upload
        kept_ids = {str(a.get("id")) for a in listed or []}
        result = [a for a in keep if a["id"] in kept_ids] if listed is not None else list(keep)
        meta = {int(a["id"]): a for a in listed or [] if str(a.get("id", "")).isdigit()}
        for index, upload in sorted(by_index.items()):
            info = meta.get(index, {})
            named = UploadedFile(
                upload.field_name,
                info.get("filename") or upload.filename,
                upload.content_type,
                upload.data,
            )
            attachment = self.host_file(named, channel_id, ephemeral=ephemeral)
            if info.get("description"):
                attachment["description"] = info["description"]
            result.append(attachment)
        return result

    # ----------------------------------------------------------------- messages

    def user_lookup(self, user_id: int) -> dict[str, Any] | None:
        """User payload for mentions."""
        spec = self.find_user(user_id)
        return payloads.user_payload(spec) if spec else None

    def message_payload(
        self, msg: StoredMessage, *, include_guild_id: bool = False
    ) -> dict[str, Any]:
        """The message object, with its referenced message one level deep."""
        referenced = None
        if msg.message_reference is not None:
            ref = self.messages.get(as_int(msg.message_reference.get("message_id")))
            if ref is not None and not ref.deleted:
                referenced = payloads.message_payload(ref, user_lookup=self.user_lookup)
        return payloads.message_payload(
            msg,
            user_lookup=self.user_lookup,
            include_guild_id=include_guild_id,
            referenced=referenced,
        )

    def compute_pings(
        self,
        content: str,
        allowed: dict[str, Any] | None,
        *,
        default_parse: list[str],
        channel_id: int,
        author_id: int,
        replied_author: int | None,
    ) -> Pings:
        """Apply Discord's allowed_mentions rules (defaults differ for webhooks/interactions)."""
        if allowed is None:
            allowed = {"parse": default_parse, "replied_user": True}
        parse = allowed.get("parse") or []
        in_users = [int(u) for u in dict.fromkeys(USER_MENTION.findall(content))]
        in_roles = [int(r) for r in dict.fromkeys(ROLE_MENTION.findall(content))]
        listed_users = {int(u) for u in allowed.get("users") or []}
        listed_roles = {int(r) for r in allowed.get("roles") or []}
        users = [u for u in in_users if "users" in parse or u in listed_users]
        guild_id = self.channel_guild(channel_id)
        roles: list[int] = []
        everyone = False
        if guild_id is not None:
            can_ping_all = bool(
                self.channel_permissions(guild_id, channel_id, author_id) & Perm.MENTION_EVERYONE
            )
            for role_id in in_roles:
                role = self.find_role(guild_id, role_id)
                if role is None or not ("roles" in parse or role_id in listed_roles):
                    continue
                if role.mentionable or can_ping_all:
                    roles.append(role_id)
            mentions_all = "@everyone" in content or "@here" in content
            everyone = mentions_all and "everyone" in parse and can_ping_all
        replied = replied_author if allowed.get("replied_user") else None
        if replied is not None and replied not in users:
            users.append(replied)
        return Pings(users=users, roles=roles, everyone=everyone, replied_user=replied)

    def create_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        via: str,
        author: MemberSpec | None = None,
        interaction: InteractionRecord | None = None,
        msg_type: int = 0,
        extra_flags: int = 0,
    ) -> StoredMessage:
        """Store a new message as Discord would echo it (ids, timestamps, pings, files)."""
        author = author or self.bot
        ephemeral = bool((int(body.get("flags") or 0) | extra_flags) & MessageFlag.EPHEMERAL)
        reference = body.get("message_reference")
        replied_author = None
        if reference and reference.get("message_id") is not None:
            target = self.messages.get(as_int(reference["message_id"]))
            if target is None and reference.get("fail_if_not_exists", True):
                raise ApiError.invalid_form(
                    {
                        "message_reference": {
                            "_errors": [
                                {"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}
                            ]
                        }
                    }
                )
            if target is not None:
                replied_author = as_int(target.author["id"])
                msg_type = 19 if msg_type == 0 else msg_type
                reference = {
                    "type": 0,
                    "channel_id": str(target.channel_id),
                    "message_id": str(target.id),
                    **({"guild_id": str(target.guild_id)} if target.guild_id else {}),
                }
        webhook = via in ("interaction_response", "followup")
        msg = StoredMessage(
            id=self.ids.next(),
            channel_id=channel_id,
            guild_id=self.channel_guild(channel_id),
            author=payloads.user_payload(author),
            content=str(body.get("content") or ""),
            embeds=payloads.normalise_embeds(body.get("embeds")),
            components=payloads.number_components(body.get("components")),
            flags=(int(body.get("flags") or 0) | extra_flags),
            allowed_mentions=copy.deepcopy(body.get("allowed_mentions")),
            tts=bool(body.get("tts")),
            type=msg_type,
            via=via,
            message_reference=reference if replied_author is not None else None,
            timestamp=payloads.iso_now(),
        )
        msg.attachments = self._attachments(
            channel_id, body.get("attachments"), files, [], ephemeral=ephemeral
        )
        msg.files = list(files)
        msg.pings = self.compute_pings(
            msg.content,
            msg.allowed_mentions,
            default_parse=["users"] if webhook else ["users", "roles", "everyone"],
            channel_id=channel_id,
            author_id=as_int(msg.author["id"]),
            replied_author=replied_author,
        )
        if webhook:
            msg.webhook_id = self.application_id
            msg.application_id = self.application_id
        if interaction is not None:
            msg.interaction_id = interaction.id
            msg.interaction_metadata = self._interaction_metadata(interaction, msg)
        self.messages[msg.id] = msg
        self.message_order.append(msg.id)
        if not msg.ephemeral:
            self.last_message_id[channel_id] = msg.id
        return msg

    def _interaction_metadata(
        self, record: InteractionRecord, msg: StoredMessage
    ) -> dict[str, Any]:
        payload = record.payload
        user = (payload.get("member") or {}).get("user") or payload.get("user")
        meta: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": user,
            "authorizing_integration_owners": payload.get("authorizing_integration_owners", {}),
        }
        if record.type == 2:
            meta["name"] = _command_path(payload.get("data") or {})
            meta["command_type"] = (payload.get("data") or {}).get("type", 1)
        if record.type == 3 and record.message is not None:
            meta["interacted_message_id"] = record.message["id"]
        if msg.via == "followup" and record.original_message_id is not None:
            meta["original_response_message_id"] = str(record.original_message_id)
        return meta

    def edit_message(
        self, msg: StoredMessage, body: dict[str, Any], files: list[UploadedFile]
    ) -> StoredMessage:
        """Apply a PATCH the way Discord does: only the fields present change."""
        msg.history.append(self.message_payload(msg))
        if "content" in body:
            msg.content = str(body["content"] or "")
        if "embeds" in body:
            msg.embeds = payloads.normalise_embeds(body["embeds"])
        if "components" in body:
            msg.components = payloads.number_components(body["components"])
        if "allowed_mentions" in body:
            msg.allowed_mentions = copy.deepcopy(body["allowed_mentions"])
        if body.get("flags") is not None:
            msg.flags = (msg.flags & ~EDITABLE_FLAGS) | (int(body["flags"]) & EDITABLE_FLAGS)
        if "attachments" in body or files:
            msg.attachments = self._attachments(
                msg.channel_id,
                body.get("attachments"),
                files,
                msg.attachments,
                ephemeral=msg.ephemeral,
            )
            msg.files = [*msg.files, *files]
        if msg.loading and any(
            k in body for k in ("content", "embeds", "components", "attachments")
        ):
            msg.flags &= ~MessageFlag.LOADING
        if "content" in body or "allowed_mentions" in body:
            webhook = msg.webhook_id is not None
            msg.pings = self.compute_pings(
                msg.content,
                msg.allowed_mentions,
                default_parse=["users"] if webhook else ["users", "roles", "everyone"],
                channel_id=msg.channel_id,
                author_id=as_int(msg.author["id"]),
                replied_author=None,
            )
        msg.edited_timestamp = payloads.iso_now()
        return msg

    def messages_in(
        self, channel_id: int, *, include_ephemeral: bool = True, include_deleted: bool = False
    ) -> list[StoredMessage]:
        """Messages of a channel, oldest first."""
        return [
            m
            for m in (self.messages[i] for i in self.message_order)
            if m.channel_id == channel_id
            and (include_deleted or not m.deleted)
            and (include_ephemeral or not m.ephemeral)
        ]


def _command_path(data: dict[str, Any]) -> str:
    names = [data.get("name", "")]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        names.append(options[0]["name"])
        options = options[0].get("options") or []
    return " ".join(names)
