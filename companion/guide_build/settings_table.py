"""The settings table, generated from the ``Settings`` class (guide and README share it)."""

from __future__ import annotations

import typing
from pathlib import Path

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from companion.guide_build.phrases import phrase
from companion.i18n import DEFAULT_LANGUAGE, gettext
from companion.settings import ENV_PREFIX, Settings


def _model_of(annotation: object) -> type[BaseModel] | None:
    """The pydantic model behind an annotation, if it is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _dict_value_model(annotation: object) -> type[BaseModel] | None:
    """For ``dict[str, Model]`` annotations, the model of the values."""
    if typing.get_origin(annotation) is dict:
        args = typing.get_args(annotation)
        if len(args) == 2:
            return _model_of(args[1])
    return None


def _default(field: FieldInfo, language: str) -> str:
    """A field's default as a short Markdown cell."""
    value = field.default
    if value is PydanticUndefined or value is None or isinstance(value, SecretStr):
        return phrase(language, "not_set")
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):
        return f"`{value.as_posix()}`"
    return f"`{value}`"


def _cell(text: str | None) -> str:
    """Text safe inside a Markdown table cell."""
    return (text or "").replace("|", "\\|").replace("\n", " ").strip()


def _row(setting: str, env: str, field: FieldInfo, language: str) -> str:
    secret = phrase(language, "secret") if _is_secret(field) else ""
    # Descriptions are the settings' own English sentences, translated by the catalogs
    # where a translator has (English until then).
    described = gettext(field.description, language) if field.description else ""
    default = _default(field, language)
    return f"| `{setting}` | `{env}` | {default} | {_cell(described)}{secret} |"


def _is_secret(field: FieldInfo) -> bool:
    annotation = field.annotation
    return annotation is SecretStr or SecretStr in typing.get_args(annotation)


def settings_entries() -> list[tuple[str, str, FieldInfo]]:
    """Every setting as (dotted name, environment variable, field), in table order."""
    entries: list[tuple[str, str, FieldInfo]] = []
    for name, field in Settings.model_fields.items():
        nested = _model_of(field.annotation)
        keyed = _dict_value_model(field.annotation)
        if nested is not None:
            for sub, subfield in nested.model_fields.items():
                env = f"{ENV_PREFIX}{name.upper()}__{sub.upper()}"
                entries.append((f"{name}.{sub}", env, subfield))
        elif keyed is not None:
            for sub, subfield in keyed.model_fields.items():
                env = f"{ENV_PREFIX}{name.upper()}__<domain>__{sub.upper()}"
                entries.append((f"{name}.<domain>.{sub}", env, subfield))
        else:
            entries.append((name, f"{ENV_PREFIX}{name.upper()}", field))
    return entries


def settings_table_markdown(language: str = DEFAULT_LANGUAGE) -> str:
    """A Markdown table of every setting: name, environment variable, default, description."""
    lines = [phrase(language, "settings_header"), "| --- | --- | --- | --- |"]
    lines += [_row(setting, env, field, language) for setting, env, field in settings_entries()]
    return "\n".join(lines) + "\n"
