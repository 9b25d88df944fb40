"""INTERACTION_CREATE payloads built against the stand-in's world, as Discord sends them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .models import (
    ALL_PERMISSIONS,
    ChannelSpec,
    InteractionRecord,
    MemberSpec,
    Perm,
    RoleSpec,
    StoredMessage,
    UploadedFile,
    as_int,
    iter_components,
)
from .payloads import interaction_token, member_payload, role_payload, user_payload
from .state import World

# --------------------------------------------------------------------------- interactions


class CommandNotVisibleError(PermissionError):
    """The Discord client would not offer this command to this user (default_member_permissions)."""


class InteractionFactory:
    """Builds realistic INTERACTION_CREATE payloads against the stand-in's world."""

    def __init__(self, world: World) -> None:
        """Read guilds, members, synced commands and stored messages from `world`."""
        self.world = world

    # ----------------------------------------------------------------- common parts

    def _base(
        self,
        kind: int,
        *,
        guild_id: int | None,
        channel_id: int,
        user: MemberSpec,
        permissions: int | None,
        locale: str | None,
    ) -> dict[str, Any]:
        world = self.world
        interaction_id = world.ids.next()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": kind,
            "token": interaction_token(interaction_id),
            "version": 1,
            "locale": locale or user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": world.attachment_size_limit,
            "channel_id": str(channel_id),
        }
        if guild_id is not None:
            guild = world.guilds[guild_id]
            member_perms = world.channel_permissions(guild_id, channel_id, user.id, permissions)
            payload["guild_id"] = str(guild_id)
            payload["guild"] = {
                "id": str(guild_id),
                "locale": guild.preferred_locale,
                "features": list(guild.features),
            }
            payload["guild_locale"] = guild.preferred_locale
            payload["member"] = member_payload(
                user, world.member_role_ids(guild_id, user.id), permissions=member_perms
            )
            payload["app_permissions"] = str(
                world.channel_permissions(guild_id, channel_id, world.bot.id)
            )
            payload["channel"] = world.channel_object(channel_id, permissions=member_perms)
            payload["authorizing_integration_owners"] = {"0": str(guild_id)}
            payload["context"] = 0
        else:
            payload["user"] = user_payload(user)
            payload["app_permissions"] = str(
                int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.ATTACH_FILES)
                | int(Perm.READ_MESSAGE_HISTORY | Perm.USE_APPLICATION_COMMANDS)
            )
            payload["channel"] = world.channel_object(channel_id)
            payload["authorizing_integration_owners"] = {"0": "0"}
            payload["context"] = 1
        return payload

    def _user(self, guild_id: int | None, user: int | MemberSpec | None) -> MemberSpec:
        world = self.world
        if isinstance(user, MemberSpec):
            return user
        if user is not None:
            found = world.find_user(int(user), guild_id)
            if found is None:
                raise LookupError(f"no member {user} in guild {guild_id}; add a MemberSpec")
            return found
        if guild_id is None:
            raise ValueError("pass user= for an interaction outside a guild")
        humans = [m for m in world.guilds[guild_id].members if not m.bot]
        if not humans:
            raise ValueError(f"guild {guild_id} has no members to act as the user")
        return humans[0]

    def _where(self, guild_id: int | None, channel_id: int | None) -> tuple[int, int]:
        world = self.world
        gid = guild_id if guild_id is not None else world.default_guild_id()
        if gid is None:
            raise ValueError("no guild configured; pass guild_id")
        if channel_id is None:
            texts = [c for c in world.guilds[gid].channels if c.type == 0]
            if not texts:
                raise ValueError(f"guild {gid} has no text channel; pass channel_id")
            channel_id = texts[0].id
        return gid, channel_id

    # ----------------------------------------------------------------- application commands

    def slash(
        self,
        path: list[str] | str,
        options: Mapping[str, Any] | None = None,
        *,
        user: int | MemberSpec | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | str | None = None,
        locale: str | None = None,
        focused: str | None = None,
        enforce_permissions: bool = True,
    ) -> dict[str, Any]:
        """A chat-input (type 2) or, with `focused`, autocomplete (type 4) interaction."""
        names = path.split() if isinstance(path, str) else list(path)
        gid, cid = self._where(guild_id, channel_id)
        member = self._user(gid, user)
        perms = None if permissions is None else as_int(permissions)
        command, command_guild = self.world.find_command(names[0], gid)
        if enforce_permissions:
            self._check_visible(command, gid, cid, member, perms)
        resolved: dict[str, dict[str, Any]] = {}
        leaf_options = self._build_options(
            command, names, dict(options or {}), resolved, gid, cid, focused=focused
        )
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": leaf_options,
        }
        if focused is not None:
            data["version"] = command.get("version")
        if resolved and focused is None:
            data["resolved"] = resolved
        if command_guild is not None:
            data["guild_id"] = str(command_guild)
        payload = self._base(
            4 if focused is not None else 2,
            guild_id=gid,
            channel_id=cid,
            user=member,
            permissions=perms,
            locale=locale,
        )
        payload["data"] = data
        return payload

    def _check_visible(
        self,
        command: dict[str, Any],
        guild_id: int,
        channel_id: int,
        member: MemberSpec,
        permissions: int | None,
    ) -> None:
        required = command.get("default_member_permissions")
        contexts = command.get("contexts")
        if contexts is not None and 0 not in contexts:
            raise CommandNotVisibleError(f"/{command['name']} is not available in guilds")
        if required is None:
            return
        have = self.world.channel_permissions(guild_id, channel_id, member.id, permissions)
        need = int(required)
        if have != ALL_PERMISSIONS and (need == 0 or have & need != need):
            raise CommandNotVisibleError(
                f"/{command['name']} needs permissions {need} (default_member_permissions); "
                f"{member.username} has {have}. Pass enforce_permissions=False to send it anyway."
            )

    def _build_options(
        self,
        command: dict[str, Any],
        names: list[str],
        values: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        guild_id: int,
        channel_id: int,
        *,
        focused: str | None,
    ) -> list[dict[str, Any]]:
        definitions: list[dict[str, Any]] = command.get("options") or []
        chain: list[dict[str, Any]] = []
        for name in names[1:]:
            match = next(
                (o for o in definitions if o["name"] == name and o.get("type") in (1, 2)), None
            )
            if match is None:
                known = [o["name"] for o in definitions if o.get("type") in (1, 2)]
                raise LookupError(f"no subcommand {name!r} under /{' '.join(names)}; have {known}")
            chain.append(match)
            definitions = match.get("options") or []
        if any(o.get("type") in (1, 2) for o in definitions):
            known = [o["name"] for o in definitions]
            raise ValueError(f"/{' '.join(names)} is a group; pick one of {known}")
        leaf: list[dict[str, Any]] = []
        by_name = {o["name"]: o for o in definitions}
        for name in values:
            if name not in by_name:
                raise LookupError(f"/{' '.join(names)} has no option {name!r}; has {list(by_name)}")
        for definition in definitions:
            name = definition["name"]
            if name not in values:
                if definition.get("required") and focused is None:
                    raise ValueError(f"/{' '.join(names)} requires option {name!r}")
                continue
            option: dict[str, Any] = {"type": definition["type"], "name": name}
            if name == focused:
                option["value"] = str(values[name])
                option["focused"] = True
            else:
                option["value"] = self._option_value(
                    definition, values[name], resolved, guild_id, channel_id
                )
            leaf.append(option)
        if focused is not None and focused not in by_name:
            raise LookupError(f"focused option {focused!r} is not an option of /{' '.join(names)}")
        for parent in reversed(chain):
            leaf = [{"type": parent["type"], "name": parent["name"], "options": leaf}]
        return leaf

    def _option_value(
        self,
        definition: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild_id: int,
        channel_id: int,
    ) -> Any:
        kind = definition["type"]
        name = definition["name"]
        world = self.world
        if kind == 3:
            text = str(value)
            low, high = definition.get("min_length", 0), definition.get("max_length", 6000)
            if not low <= len(text) <= high:
                raise ValueError(f"option {name!r} must be {low}-{high} characters")
            result: Any = text
        elif kind == 4:
            if isinstance(value, bool) or int(value) != value:
                raise TypeError(f"option {name!r} is an INTEGER")
            result = int(value)
        elif kind == 5:
            if not isinstance(value, bool):
                raise TypeError(f"option {name!r} is a BOOLEAN")
            result = value
        elif kind == 10:
            result = float(value)
        elif kind in (6, 9) and self._as_user(value, guild_id) is not None:
            spec = self._as_user(value, guild_id)
            assert spec is not None
            resolved.setdefault("users", {})[str(spec.id)] = user_payload(spec)
            if world.is_member(guild_id, spec.id):
                resolved.setdefault("members", {})[str(spec.id)] = member_payload(
                    spec,
                    world.member_role_ids(guild_id, spec.id),
                    permissions=world.channel_permissions(guild_id, channel_id, spec.id),
                    include_user=False,
                )
            return str(spec.id)
        elif kind in (6, 8, 9):
            role_id = int(value.id if isinstance(value, RoleSpec) else value)
            role = world.find_role(guild_id, role_id) if kind != 6 else None
            if role is None:
                wanted = {6: "user", 8: "role", 9: "user or role"}[kind]
                raise LookupError(f"option {name!r}: no {wanted} {role_id} in guild {guild_id}")
            resolved.setdefault("roles", {})[str(role.id)] = role_payload(role)
            return str(role.id)
        elif kind == 7:
            target = int(value.id if isinstance(value, ChannelSpec) else value)
            spec_found = world.guild_channel(target)
            if spec_found is None:
                raise LookupError(f"option {name!r}: unknown channel {target}")
            allowed = definition.get("channel_types")
            if allowed and spec_found.type not in allowed:
                raise ValueError(f"option {name!r} accepts channel types {allowed}")
            entry = world.channel_object(target, permissions=None)
            entry["permissions"] = str(world.channel_permissions(guild_id, target, world.bot.id))
            resolved.setdefault("channels", {})[str(target)] = entry
            return str(target)
        elif kind == 11:
            if not isinstance(value, UploadedFile):
                raise TypeError(f"option {name!r} is an ATTACHMENT: pass an UploadedFile")
            attachment = world.host_file(value, channel_id, ephemeral=True)
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return attachment["id"]
        else:
            raise TypeError(f"option {name!r}: cannot build a value for option type {kind}")
        choices = definition.get("choices")
        if choices and result not in [c["value"] for c in choices]:
            raise ValueError(f"option {name!r} must be one of {[c['value'] for c in choices]}")
        low_v, high_v = definition.get("min_value"), definition.get("max_value")
        if (low_v is not None and result < low_v) or (high_v is not None and result > high_v):
            raise ValueError(f"option {name!r} must be within [{low_v}, {high_v}]")
        return result

    def _as_user(self, value: Any, guild_id: int) -> MemberSpec | None:
        if isinstance(value, MemberSpec):
            return value
        if isinstance(value, RoleSpec):
            return None
        return self.world.find_user(int(value), guild_id)

    # ----------------------------------------------------------------- components and modals

    def component(
        self,
        message: int | StoredMessage,
        custom_id: str,
        *,
        user: int | MemberSpec | None = None,
        values: list[Any] | None = None,
        permissions: int | str | None = None,
        locale: str | None = None,
    ) -> dict[str, Any]:
        """A component (type 3) interaction: a click on a button or a choice in a select."""
        world = self.world
        stored = message if isinstance(message, StoredMessage) else world.messages.get(message)
        if stored is None or stored.deleted:
            raise LookupError(f"no message {message} to click on")
        component = next(
            (c for c in iter_components(stored.components) if c.get("custom_id") == custom_id),
            None,
        )
        if component is None:
            raise LookupError(
                f"message {stored.id} has no component {custom_id!r}: {stored.custom_ids}"
            )
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; Discord would not send a click")
        gid = stored.guild_id
        member = self._user(gid, user) if gid is not None else self._dm_user(stored, user)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if isinstance(component.get("id"), int):
            data["id"] = component["id"]
        if component["type"] != 2:
            data["values"], resolved = self._select_values(component, values or [], gid, stored)
            if resolved:
                data["resolved"] = resolved
        elif values:
            raise ValueError("buttons carry no values")
        payload = self._base(
            3,
            guild_id=gid,
            channel_id=stored.channel_id,
            user=member,
            permissions=None if permissions is None else as_int(permissions),
            locale=locale,
        )
        payload["data"] = data
        payload["message"] = world.message_payload(stored)
        return payload

    def _dm_user(self, stored: StoredMessage, user: int | MemberSpec | None) -> MemberSpec:
        recipient = self.world.dm_recipient(stored.channel_id)
        if user is None and recipient is not None:
            return recipient
        return self._user(None, user)

    def _select_values(
        self,
        component: dict[str, Any],
        values: list[Any],
        guild_id: int | None,
        stored: StoredMessage,
    ) -> tuple[list[str], dict[str, dict[str, Any]]]:
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"select {component.get('custom_id')!r} takes {low}-{high} values")
        kind = component["type"]
        resolved: dict[str, dict[str, Any]] = {}
        if kind == 3:
            allowed = [o["value"] for o in component.get("options") or []]
            for value in values:
                if value not in allowed:
                    raise ValueError(f"{value!r} is not an option of the select: {allowed}")
            return [str(v) for v in values], resolved
        if guild_id is None:
            raise ValueError("entity selects need a guild message in the stand-in")
        option_type = {5: 6, 6: 8, 7: 9, 8: 7}[kind]
        definition = {"type": option_type, "name": component.get("custom_id", "select")}
        ids = [
            str(self._option_value(definition, v, resolved, guild_id, stored.channel_id))
            for v in values
        ]
        return ids, resolved

    def modal_submit(
        self,
        opened_by: InteractionRecord,
        values: Mapping[str, str | list[str]],
        *,
        user: int | MemberSpec | None = None,
    ) -> dict[str, Any]:
        """A modal submit (type 5) answering the modal the bot opened on `opened_by`."""
        modal = opened_by.modal
        if modal is None:
            raise LookupError(f"interaction {opened_by.id} did not open a modal")
        unknown = set(values) - {
            c["custom_id"] for c in iter_components(modal["components"]) if "custom_id" in c
        }
        if unknown:
            raise LookupError(f"modal {modal['custom_id']!r} has no inputs {sorted(unknown)}")
        components = [self._submitted(c, values) for c in modal["components"]]
        gid = opened_by.guild_id
        member = self._user(gid, opened_by.user_id if user is None else user)
        payload = self._base(
            5,
            guild_id=gid,
            channel_id=opened_by.channel_id,
            user=member,
            permissions=None,
            locale=opened_by.payload.get("locale"),
        )
        payload["data"] = {"custom_id": modal["custom_id"], "components": components}
        if opened_by.message is not None:
            current = self.world.messages.get(int(opened_by.message["id"]))
            payload["message"] = (
                self.world.message_payload(current) if current else opened_by.message
            )
        return payload

    def _submitted(
        self, component: dict[str, Any], values: Mapping[str, str | list[str]]
    ) -> dict[str, Any]:
        kind = component.get("type")
        if kind == 1:
            return {
                "type": 1,
                "id": component.get("id"),
                "components": [self._submitted(c, values) for c in component["components"]],
            }
        if kind == 18:
            return {
                "type": 18,
                "id": component.get("id"),
                "component": self._submitted(component["component"], values),
            }
        custom_id = component.get("custom_id")
        if kind == 4:
            text = values.get(custom_id, "") if custom_id else ""
            if not isinstance(text, str):
                raise TypeError(f"text input {custom_id!r} takes a string")
            if component.get("required", True) and not text:
                raise ValueError(f"text input {custom_id!r} is required")
            low, high = component.get("min_length", 0), component.get("max_length", 4000)
            if text and not low <= len(text) <= high:
                raise ValueError(f"text input {custom_id!r} must be {low}-{high} characters")
            return {"type": 4, "id": component.get("id"), "custom_id": custom_id, "value": text}
        if custom_id is not None and kind in (3, 5, 6, 7, 8):
            chosen = values.get(custom_id, [])
            listed = [chosen] if isinstance(chosen, str) else list(chosen)
            return {
                "type": kind,
                "id": component.get("id"),
                "custom_id": custom_id,
                "values": listed,
            }
        return {"type": kind, "id": component.get("id")}
