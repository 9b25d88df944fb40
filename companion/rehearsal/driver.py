"""How simulated people use Discord and Mastodon: commands, clicks, and what they did.

Every interaction goes through the Discord stand-in exactly as a person's client would send
it; the driver waits for the bot's complete answer and keeps, for the transcript and the
summary, who did what and how long the bot took to answer (Discord allows 3 real seconds).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from companion.bot.translator import NAME_CONTEXT
from companion.i18n.catalog import N_, gettext, translations
from companion.standins.discord import (
    DiscordStandin,
    InteractionRecord,
    MemberSpec,
    StoredMessage,
    message_text,
)
from companion.standins.discord.models import iter_components

# Discord's locale values for our languages (English clients send en-US or en-GB).
DISCORD_LOCALES = {"en": "en-US", "de": "de", "fr": "fr"}

log = logging.getLogger(__name__)

FIRST_RESPONSE_TIMEOUT = 10.0  # real seconds; Discord itself gives up after 3
SETTLE_TIMEOUT = 20.0  # real seconds for a deferred answer to arrive
CODE_PATTERN = re.compile(r"MOVE-[A-Z0-9]{6}")
# An option's suggestions (autocomplete), as the summary names a timed interaction.
AUTOCOMPLETE = N_("suggestions for {option} in {command}")


@dataclass(frozen=True, slots=True)
class Action:
    """Something a person did (a command, a click, a change on a Mastodon server)."""

    wall: float
    actor: str
    text: str
    user_id: int | None = None
    interaction_id: int | None = None
    kind: str = "command"  # command | click | mastodon | note


@dataclass(slots=True)
class Latency:
    """How long the bot took to acknowledge one interaction, in real seconds."""

    label: str
    actor: str
    first_response: float | None
    complete: float | None
    status: int | None
    shown: str = ""  # what the member's app showed: the command's name, the button's label


@dataclass(slots=True)
class Reply:
    """The bot's answer to one interaction, once it is complete."""

    record: InteractionRecord
    label: str
    failed: str | None = None

    @property
    def message(self) -> StoredMessage | None:
        """What the person sees now: the latest follow-up, else the original response."""
        if self.record.followups:
            return self.record.followups[-1]
        return self.record.original_message

    @property
    def messages(self) -> list[StoredMessage]:
        """The original response and every follow-up, in order."""
        found = [self.record.original_message, *self.record.followups]
        return [m for m in found if m is not None]

    @property
    def text(self) -> str:
        """Everything readable in the answer (content, embed titles, descriptions, fields)."""
        return "\n".join(message_text(m) for m in self.messages)

    def button(self, prefix: str) -> tuple[StoredMessage, str] | None:
        """The message and custom id of the first button whose id starts with ``prefix``."""
        for message in reversed(self.messages):
            for custom_id in message.custom_ids:
                if custom_id.startswith(prefix):
                    return message, custom_id
        return None

    def code(self) -> str | None:
        """The one-time verification code shown in the answer, if any."""
        found = CODE_PATTERN.search(self.text)
        return found.group(0) if found else None


def button_label(message: StoredMessage, custom_id: str) -> str:
    """The label of the button with this custom id (for the transcript's narration)."""
    for component in iter_components(message.components):
        if component.get("custom_id") == custom_id:
            return str(component.get("label") or custom_id)
    return custom_id


@dataclass
class Driver:
    """Sends people's interactions to the bot and remembers what happened."""

    discord: DiscordStandin
    guild_id: int
    default_channel_id: int
    language: str = "en"  # every person's Discord app speaks the campaign's language
    actions: list[Action] = field(default_factory=list)
    latencies: list[Latency] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def locale(self) -> str:
        """The locale value Discord sends for an app set to the rehearsal's language."""
        return DISCORD_LOCALES.get(self.language, self.language)

    def command_line(self, path: str, options: dict[str, Any]) -> str:
        """``/move link old: a@b new: c@d`` as Discord shows a used command.

        With the names the members' Discord app shows (``/umzug verknüpfen alt: …``).
        """
        catalog = translations(self.language)
        choices = _choice_names()
        shown = {
            catalog.pgettext(NAME_CONTEXT, name): (
                catalog.gettext(choices[key])
                if (key := (path, name, str(value))) in choices
                else value
            )
            for name, value in options.items()
        }
        return _command_line(self.command_name(path), shown)

    def command_name(self, path: str) -> str:
        """``/move link`` as the members' Discord app names it (``/umzug verknüpfen``)."""
        catalog = translations(self.language)
        return "/" + " ".join(catalog.pgettext(NAME_CONTEXT, word) for word in path.split())

    def note(
        self,
        actor: str,
        message: str,
        *,
        kind: str = "mastodon",
        user_id: int | None = None,
        **fields: object,
    ) -> None:
        """Record something a person did outside Discord (on a Mastodon server).

        ``message`` is a marked sentence (``N_``); the transcript says it in the members'
        language, with ``fields`` filled in.
        """
        text = gettext(message, self.language).format(**fields)
        self.actions.append(Action(time.time(), actor, text, user_id=user_id, kind=kind))

    async def slash(
        self,
        user: MemberSpec,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        shown: str | None = None,
        channel_id: int | None = None,
    ) -> Reply:
        """Run ``/path`` as ``user`` and wait for the complete answer."""
        payload = self.discord.slash(
            path,
            options or {},
            user=user,
            guild_id=self.guild_id,
            channel_id=channel_id or self.default_channel_id,
            locale=self.locale,
        )
        label = "/" + path
        text = shown if shown is not None else self.command_line(path, options or {})
        return await self._run(payload, user, label, text, "command", self.command_name(path))

    async def autocomplete(
        self, user: MemberSpec, path: str, options: dict[str, Any], focused: str
    ) -> list[str]:
        """Type into an option with suggestions; return the values the bot suggested."""
        payload = self.discord.autocomplete(
            path,
            options,
            focused=focused,
            user=user,
            guild_id=self.guild_id,
            channel_id=self.default_channel_id,
            locale=self.locale,
        )
        record = await self.discord.dispatch_interaction(payload)
        try:
            await record.first_response(timeout=FIRST_RESPONSE_TIMEOUT)
        except TimeoutError as exc:
            self.failures.append(f"{user.username}: autocomplete /{path} {focused}: {exc}")
        actor = user.global_name or user.username
        suggestions = gettext(AUTOCOMPLETE, self.language)
        self.latencies.append(
            Latency(
                f"/{path} (autocomplete)",
                actor,
                record.response_latency,
                record.response_latency,
                record.first_status,
                suggestions.format(
                    command=self.command_name(path),
                    option=translations(self.language).pgettext(NAME_CONTEXT, focused),
                ),
            )
        )
        return [str(choice.get("value")) for choice in record.autocomplete_choices or []]

    async def click(
        self, user: MemberSpec, message: StoredMessage, custom_id: str, *, label: str | None = None
    ) -> Reply:
        """Press a button on a message as ``user`` and wait for the complete answer."""
        name = label or button_label(message, custom_id)
        payload = self.discord.click(message, custom_id, user=user, locale=self.locale)
        label = f"button {custom_id.split(':')[1]}"
        return await self._run(payload, user, label, name, "click", name)

    async def _run(
        self,
        payload: dict[str, Any],
        user: MemberSpec,
        label: str,
        text: str,
        kind: str,
        shown: str,
    ) -> Reply:
        actor = user.global_name or user.username
        first_request = len(self.discord.requests)
        wall = time.time()
        record = await self.discord.dispatch_interaction(payload)
        self.actions.append(Action(wall, actor, text, user.id, record.id, kind))
        reply = Reply(record, label)
        try:
            await record.first_response(timeout=FIRST_RESPONSE_TIMEOUT)
            await self._settle(record, first_request)
        except TimeoutError as exc:
            reply.failed = str(exc)
            self.failures.append(f"{actor}: {text}: {exc}")
            log.warning("Rehearsal interaction did not complete: %s: %s", text, exc)
        complete = time.monotonic() - record.dispatched_at
        self.latencies.append(
            Latency(label, actor, record.response_latency, complete, record.first_status, shown)
        )
        return reply

    async def _settle(self, record: InteractionRecord, first_request: int) -> None:
        """Wait until a deferred answer arrived (Discord shows "thinking…" until then)."""
        kind = record.response_type
        if kind == 5:

            def answered() -> bool:
                original = record.original_message
                return bool(record.followups) or (original is not None and not original.loading)

            await self.discord.wait_for(answered, SETTLE_TIMEOUT, f"the answer to {record.id}")
        elif kind == 6:
            marker = f"/{record.token}"

            def edited() -> bool:
                return any(
                    marker in r.path and r.status is not None
                    for r in self.discord.requests[first_request:]
                )

            await self.discord.wait_for(edited, SETTLE_TIMEOUT, f"the update for {record.id}")
        # Let discord.py finish the handler (a follow-up may come right after an edit).
        await asyncio.sleep(0)


@functools.cache
def _choice_names() -> dict[tuple[str, str, str], str]:
    """(command, option, value) -> the choice's name, which the member's app shows translated."""
    from companion.bot.commands import command_groups, walk_commands

    return {
        (command.qualified_name, param.name, str(choice.value)): choice.name
        for group in command_groups()
        for command in walk_commands(group)
        for param in command.parameters
        for choice in param.choices
    }


def _command_line(label: str, options: dict[str, Any]) -> str:
    """``/move link old: a@b new: c@d`` as Discord shows a used command."""
    shown = " ".join(f"{name}: {_option_text(value)}" for name, value in options.items())
    return f"{label} {shown}".strip()


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)
