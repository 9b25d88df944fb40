"""Discord's request limits, checked cheaply so what production would reject is rejected here."""

from __future__ import annotations

import re
from typing import Any

from .models import MessageFlag, iter_components

# Error bodies copied from the fixtures in shared/fixtures/discord (see that README).
UNKNOWN_INTERACTION = {"message": "Unknown interaction", "code": 10062}
ALREADY_ACKNOWLEDGED = {"message": "Interaction has already been acknowledged.", "code": 40060}
CANNOT_DM = {"message": "Cannot send messages to this user", "code": 50007}
MISSING_PERMISSIONS = {"message": "Missing Permissions", "code": 50013}
EMPTY_MESSAGE = {"message": "Cannot send an empty message", "code": 50006}
UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
INVALID_WEBHOOK_TOKEN = {"message": "Invalid Webhook Token", "code": 50027}
RATE_LIMIT_BODY = {"message": "You are being rate limited.", "global": False}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "10",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Bucket": "abcd1234",
}

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
EMBED_FIELDS_MAX = 25
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW_MAX = 5
V2_COMPONENTS_MAX = 40
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
LINK_URL_MAX = 512
SELECT_OPTIONS_MAX = 25
ALLOWED_MENTION_IDS_MAX = 100
AUTOCOMPLETE_CHOICES_MAX = 25
MODAL_TITLE_MAX = 45
INTERACTION_RESPONSE_FLAGS = int(
    MessageFlag.SUPPRESS_EMBEDS
    | MessageFlag.EPHEMERAL
    | MessageFlag.IS_COMPONENTS_V2
    | MessageFlag.IS_VOICE_MESSAGE
    | MessageFlag.SUPPRESS_NOTIFICATIONS
)
COMMAND_NAME_RE = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")

Errors = dict[str, Any]


class ApiError(Exception):
    """An error answer in Discord's shape: HTTP status plus a JSON body with `code`/`message`."""

    def __init__(
        self,
        status: int,
        body: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        violation: bool = False,
    ) -> None:
        """Keep status, body and headers; `violation` marks errors to report as bot mistakes."""
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.violation = violation

    @classmethod
    def invalid_form(cls, errors: Errors) -> ApiError:
        """Build Discord's 50035 Invalid Form Body answer around a nested `errors` tree."""
        body = {"code": 50035, "errors": errors, "message": "Invalid Form Body"}
        return cls(400, body, violation=True)

    @classmethod
    def of(cls, status: int, body: dict[str, Any], *, violation: bool = False) -> ApiError:
        """Build an error from one of the canned bodies above (copied so callers can't mutate)."""
        return cls(status, dict(body), violation=violation)


def _err(code: str, message: str) -> Errors:
    return {"_errors": [{"code": code, "message": message}]}


def _put(errors: Errors, path: list[str | int], error: Errors) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).extend(error["_errors"])


def _max_len(limit: int) -> Errors:
    return _err("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _bad_len(low: int, high: int) -> Errors:
    return _err("BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def validate_message(body: dict[str, Any], *, interaction: bool = False) -> Errors:
    """Check a message create/edit body; returns Discord's nested error tree (empty if fine)."""
    errors: Errors = {}
    content = body.get("content")
    if isinstance(content, str) and len(content) > CONTENT_MAX:
        _put(errors, ["content"], _max_len(CONTENT_MAX))
    flags = int(body.get("flags") or 0)
    if interaction and flags & ~INTERACTION_RESPONSE_FLAGS:
        _put(errors, ["flags"], _err("INTERACTION_RESPONSE_FLAGS_INVALID", "Invalid flags."))
    embeds = body.get("embeds")
    if embeds:
        _validate_embeds(embeds, errors)
    components = body.get("components")
    if components:
        _validate_components(components, flags, errors)
    if flags & MessageFlag.IS_COMPONENTS_V2 and (content or embeds):
        _put(
            errors,
            ["content"] if content else ["embeds"],
            _err(
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used when using "
                "MessageFlags.IS_COMPONENTS_V2",
            ),
        )
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        _validate_allowed_mentions(mentions, errors)
    return errors


def is_empty_message(body: dict[str, Any], has_files: bool) -> bool:
    """Discord refuses a message with nothing to show (code 50006)."""
    return not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or has_files
    )


def _embed_size(embed: dict[str, Any]) -> int:
    size = len((embed.get("title") or "").strip()) + len((embed.get("description") or "").strip())
    size += len(((embed.get("footer") or {}).get("text") or "").strip())
    size += len(((embed.get("author") or {}).get("name") or "").strip())
    for item in embed.get("fields") or []:
        size += len((item.get("name") or "").strip()) + len((item.get("value") or "").strip())
    return size


def _validate_embeds(embeds: list[dict[str, Any]], errors: Errors) -> None:
    if len(embeds) > EMBEDS_MAX:
        _put(errors, ["embeds"], _max_len(EMBEDS_MAX))
    for index, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            if len(embed.get(key) or "") > limit:
                _put(errors, ["embeds", index, key], _max_len(limit))
        footer = (embed.get("footer") or {}).get("text") or ""
        if len(footer) > 2048:
            _put(errors, ["embeds", index, "footer", "text"], _max_len(2048))
        author = (embed.get("author") or {}).get("name") or ""
        if len(author) > 256:
            _put(errors, ["embeds", index, "author", "name"], _max_len(256))
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            _put(errors, ["embeds", index, "fields"], _max_len(EMBED_FIELDS_MAX))
        for position, item in enumerate(fields):
            if not item.get("name"):
                _put(errors, ["embeds", index, "fields", position, "name"], _required())
            elif len(item["name"]) > 256:
                _put(errors, ["embeds", index, "fields", position, "name"], _max_len(256))
            if not item.get("value"):
                _put(errors, ["embeds", index, "fields", position, "value"], _required())
            elif len(item["value"]) > 1024:
                _put(errors, ["embeds", index, "fields", position, "value"], _max_len(1024))
    if sum(_embed_size(e) for e in embeds) > EMBED_TOTAL_MAX:
        _put(
            errors,
            ["embeds"],
            _err(
                "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"
            ),
        )


def _required() -> Errors:
    return _err("BASE_TYPE_REQUIRED", "This field is required")


def _validate_components(components: list[dict[str, Any]], flags: int, errors: Errors) -> None:
    v2 = bool(flags & MessageFlag.IS_COMPONENTS_V2)
    if v2:
        if len(iter_components(components)) > V2_COMPONENTS_MAX:
            _put(errors, ["components"], _err("BASE_TYPE_MAX_LENGTH", "Too many components."))
    elif len(components) > ACTION_ROWS_MAX:
        _put(errors, ["components"], _bad_len(1, ACTION_ROWS_MAX))
    seen: set[str] = set()
    for row_index, row in enumerate(components):
        if row.get("type") != 1:
            if not v2:
                _put(
                    errors,
                    ["components", row_index, "type"],
                    _err("UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).'),
                )
            _validate_component(row, ["components", row_index], seen, errors)
            continue
        children = row.get("components") or []
        selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
        if not children or len(children) > BUTTONS_PER_ROW_MAX:
            _put(errors, ["components", row_index, "components"], _bad_len(1, BUTTONS_PER_ROW_MAX))
        elif selects and len(children) > 1:
            _put(
                errors,
                ["components", row_index, "components"],
                _err(
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                ),
            )
        for child_index, child in enumerate(children):
            path: list[str | int] = ["components", row_index, "components", child_index]
            _validate_component(child, path, seen, errors)


def _validate_component(
    component: dict[str, Any], path: list[str | int], seen: set[str], errors: Errors
) -> None:
    kind = component.get("type")
    custom_id = component.get("custom_id")
    if custom_id is not None:
        if not 1 <= len(custom_id) <= CUSTOM_ID_MAX:
            _put(errors, [*path, "custom_id"], _bad_len(1, CUSTOM_ID_MAX))
        elif custom_id in seen:
            _put(
                errors,
                [*path, "custom_id"],
                _err("COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"),
            )
        seen.add(custom_id)
    if kind == 2:
        label = component.get("label") or ""
        if len(label) > BUTTON_LABEL_MAX:
            _put(errors, [*path, "label"], _max_len(BUTTON_LABEL_MAX))
        if component.get("style") == 5:
            url = component.get("url") or ""
            if not url:
                _put(errors, [*path, "url"], _required())
            elif len(url) > LINK_URL_MAX:
                _put(errors, [*path, "url"], _max_len(LINK_URL_MAX))
            if custom_id is not None:
                _put(
                    errors,
                    [*path, "custom_id"],
                    _err("BUTTON_LINK_CUSTOM_ID", "Link buttons cannot have a custom_id"),
                )
        elif component.get("style") != 6 and custom_id is None:
            _put(errors, [*path, "custom_id"], _required())
    elif kind == 3:
        options = component.get("options") or []
        if not 1 <= len(options) <= SELECT_OPTIONS_MAX:
            _put(errors, [*path, "options"], _bad_len(1, SELECT_OPTIONS_MAX))
    if kind in (3, 5, 6, 7, 8) and custom_id is None:
        _put(errors, [*path, "custom_id"], _required())
    for index, child in enumerate(component.get("components") or []):
        _validate_component(child, [*path, "components", index], seen, errors)
    for key in ("accessory", "component"):
        child = component.get(key)
        if isinstance(child, dict):
            _validate_component(child, [*path, key], seen, errors)


def _validate_allowed_mentions(mentions: dict[str, Any], errors: Errors) -> None:
    parse = mentions.get("parse") or []
    for index, value in enumerate(parse):
        if value not in ("users", "roles", "everyone"):
            _put(
                errors,
                ["allowed_mentions", "parse", index],
                _err("BASE_TYPE_CHOICES", "Value must be one of {'everyone', 'roles', 'users'}."),
            )
    for kind in ("users", "roles"):
        listed = mentions.get(kind)
        if listed is None:
            continue
        if kind in parse:
            _put(
                errors,
                ["allowed_mentions"],
                _err(
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                ),
            )
        if len(listed) > ALLOWED_MENTION_IDS_MAX:
            _put(errors, ["allowed_mentions", kind], _max_len(ALLOWED_MENTION_IDS_MAX))


def validate_autocomplete(data: dict[str, Any]) -> Errors:
    """Check an autocomplete result (callback type 8)."""
    errors: Errors = {}
    choices = data.get("choices")
    if choices is None:
        _put(errors, ["data", "choices"], _required())
        return errors
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        _put(errors, ["data", "choices"], _max_len(AUTOCOMPLETE_CHOICES_MAX))
    for index, choice in enumerate(choices):
        if not 1 <= len(str(choice.get("name") or "")) <= 100:
            _put(errors, ["data", "choices", index, "name"], _bad_len(1, 100))
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            _put(errors, ["data", "choices", index, "value"], _max_len(100))
    return errors


def validate_modal(data: dict[str, Any]) -> Errors:
    """Check a modal (callback type 9): title, custom_id and 1-5 components."""
    errors: Errors = {}
    title = data.get("title") or ""
    if not 1 <= len(title) <= MODAL_TITLE_MAX:
        _put(errors, ["data", "title"], _bad_len(1, MODAL_TITLE_MAX))
    custom_id = data.get("custom_id") or ""
    if not 1 <= len(custom_id) <= CUSTOM_ID_MAX:
        _put(errors, ["data", "custom_id"], _bad_len(1, CUSTOM_ID_MAX))
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        _put(errors, ["data", "components"], _bad_len(1, 5))
    return errors


def validate_commands(commands: list[dict[str, Any]]) -> Errors:
    """Check a bulk command overwrite: names, descriptions, option and choice counts, duplicates."""
    errors: Errors = {}
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type") or 1)
        name = command.get("name") or ""
        key = (kind, name)
        if key in seen:
            _put(
                errors,
                [index, "name"],
                _err(
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique: {name}",
                ),
            )
        seen.add(key)
        if kind == 1:
            _validate_command_name(name, [index, "name"], errors)
            _validate_description(command.get("description"), [index, "description"], errors)
        elif not 1 <= len(name) <= 32:
            _put(errors, [index, "name"], _bad_len(1, 32))
        _validate_options(command.get("options") or [], [index, "options"], errors)
    return errors


def _validate_command_name(name: str, path: list[str | int], errors: Errors) -> None:
    if not COMMAND_NAME_RE.match(name) or name != name.lower():
        _put(
            errors,
            path,
            _err("APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name}"),
        )


def _validate_description(description: Any, path: list[str | int], errors: Errors) -> None:
    if not isinstance(description, str) or not 1 <= len(description) <= 100:
        _put(errors, path, _bad_len(1, 100))


def _validate_options(options: list[dict[str, Any]], path: list[str | int], errors: Errors) -> None:
    if len(options) > 25:
        _put(errors, path, _max_len(25))
    for index, option in enumerate(options):
        here = [*path, index]
        _validate_command_name(option.get("name") or "", [*here, "name"], errors)
        _validate_description(option.get("description"), [*here, "description"], errors)
        choices = option.get("choices") or []
        if len(choices) > 25:
            _put(errors, [*here, "choices"], _max_len(25))
        _validate_options(option.get("options") or [], [*here, "options"], errors)
