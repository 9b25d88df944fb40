"""Settings: one typed object built in ``main()`` and passed down, never a global.

Sources, later ones winning: defaults, the campaign file (``companion.toml``), ``.env``,
then environment variables prefixed ``COMPANION_`` (nested with ``__``, e.g.
``COMPANION_CAMPAIGN__NEW_SERVER``). Tokens are ``SecretStr`` so they never print.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from companion.core.handles import HandleError, normalise_domain
from companion.core.models import Campaign
from companion.i18n import DEFAULT_LANGUAGE, LANGUAGES

ENV_PREFIX = "COMPANION_"
DEFAULT_CONFIG_FILE = Path("companion.toml")
CONFIG_FILE_ENV = "COMPANION_CONFIG"
EXAMPLE_VALUES_NOTE = "example values: no campaign is configured yet"


class ServerSettings(BaseModel):
    """Overrides for one Mastodon server, keyed by the domain in members' handles."""

    model_config = ConfigDict(extra="forbid")

    api_base_url: str | None = Field(
        default=None,
        description=(
            "Where this server's API really lives, when it differs from the handle's domain "
            "(split-domain setups, staging), e.g. https://social.example.org"
        ),
    )
    access_token: SecretStr | None = Field(
        default=None,
        description="Access token for servers that refuse anonymous API calls (read scope only).",
    )

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value


class CampaignSettings(BaseModel):
    """The community's move: who, from where, to where, by when."""

    model_config = ConfigDict(extra="forbid")

    community_name: str = Field(
        default="Example Community",
        min_length=1,
        max_length=80,
        description="The community's name, shown in the guide, reminders and export file names.",
    )
    old_server: str | None = Field(
        default=None, description="Domain of the server the community leaves, e.g. old.social."
    )
    new_server: str | None = Field(
        default=None, description="Domain of the server the community moves to, e.g. new.social."
    )
    deadline: datetime | None = Field(
        default=None,
        description=(
            "Cutover date and time, e.g. 2026-12-15T18:00; read in `timezone` unless it "
            "carries its own offset."
        ),
    )
    timezone: str = Field(
        default="UTC", description="IANA time zone of the deadline, e.g. Europe/Berlin."
    )
    language: str = Field(
        default=DEFAULT_LANGUAGE,
        description=(
            "Language of the channel posts (announcement, reminders, roster, movers): "
            + ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
            + ". Each member's own replies follow their Discord app."
        ),
    )
    guide_url: str = Field(
        default="http://127.0.0.1:8000/",
        description="Public address of the published member guide (links in every reply).",
    )
    discord_invite: str | None = Field(
        default=None, description="Invite link to the community's Discord server, for the guide."
    )
    announcement_channel_id: int | None = Field(
        default=None, description="Discord channel id for announcements and reminders."
    )
    roster_channel_id: int | None = Field(
        default=None,
        description="Discord channel id for the roster post (defaults to the announcement one).",
    )
    organiser_role_id: int | None = Field(
        default=None,
        description="Discord role id whose members may use /campaign (besides Manage Server).",
    )

    @field_validator("old_server", "new_server")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return normalise_domain(value)
        except HandleError as exc:
            raise ValueError(exc.message) from exc

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                "is not an IANA time zone name (like Europe/Berlin or America/New_York)"
            ) from exc
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError("is not a language the bot speaks: use one of " + ", ".join(LANGUAGES))
        return value

    @field_validator("guide_url")
    @classmethod
    def _guide_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be a web address starting with https://")
        return value if value.endswith("/") else value + "/"

    @model_validator(mode="after")
    def _deadline_in_zone(self) -> CampaignSettings:
        if self.deadline is not None and self.deadline.tzinfo is None:
            self.deadline = self.deadline.replace(tzinfo=ZoneInfo(self.timezone))
        if self.old_server and self.old_server == self.new_server:
            raise ValueError("old_server and new_server are the same server")
        return self

    def to_campaign(self, guild_id: int = 0) -> Campaign:
        """The core's campaign these settings describe: the one conversion, field by name.

        Every field the two share is copied (a field added to both needs no change here);
        ``discord_invite`` is the guide's alone. Guild 0 stands for no guild in particular
        (the guide, ``config check``).
        """
        ours = type(self).model_fields
        shared = {f.name: getattr(self, f.name) for f in fields(Campaign) if f.name in ours}
        return Campaign(guild_id=guild_id, **shared)


class Settings(BaseSettings):
    """Everything the bot, the CLI and the guide read, from one place."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="forbid",
        toml_file=DEFAULT_CONFIG_FILE,
    )

    discord_token: SecretStr | None = Field(
        default=None,
        description="The bot's token from the Discord Developer Portal (Bot > Reset Token).",
    )
    discord_guild_id: int | None = Field(
        default=None,
        description="Sync commands to this guild only (instant; handy while setting up).",
    )
    database: Path = Field(
        default=Path("companion.db"), description="The SQLite file that holds everything stored."
    )
    campaign: CampaignSettings = Field(default_factory=CampaignSettings)
    servers: dict[str, ServerSettings] = Field(
        default_factory=dict,
        description="Per-server overrides keyed by domain: api_base_url, access_token.",
    )
    allow_private_addresses: bool = Field(
        default=False,
        description=(
            "Let the bot reach configured servers on private or loopback addresses "
            "(tests and staging only; link-local and metadata addresses stay refused)."
        ),
    )
    request_timeout: float = Field(
        default=8.0, gt=0, le=60, description="Seconds before a Mastodon request is given up."
    )
    recheck_interval_hours: float = Field(
        default=6.0, gt=0, le=168, description="Hours between automatic rechecks of every member."
    )
    followers_arrived_share: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Share of the recorded follower count that counts as 'followers arrived'.",
    )
    dm_reminders_per_second: float = Field(
        default=2.0,
        gt=0,
        le=10,
        description="Direct-message reminders sent per second at most (below Discord's limits).",
    )
    log_level: str = Field(
        default="INFO", description="Logging level: DEBUG, INFO, WARNING or ERROR."
    )

    # Filled by ``load_settings`` so ``config check`` can say where each value came from.
    _origins: dict[str, str] = {}
    _config_file: ClassVar[Path | None] = None

    @field_validator("servers", mode="before")
    @classmethod
    def _server_keys(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        cleaned: dict[str, Any] = {}
        for domain, override in value.items():
            try:
                key = normalise_domain(str(domain))
            except HandleError as exc:
                raise ValueError(f"server name {domain!r}: {exc.message}") from exc
            earlier = cleaned.get(key)
            if isinstance(earlier, dict) and isinstance(override, dict):
                # Two spellings of one server (``Old.Social`` in the file, ``old.social`` in
                # the environment): keep both sources' fields, the later source winning.
                override = {**earlier, **override}
            cleaned[key] = override
        return cleaned

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Order the sources: init > environment > .env > campaign file > defaults."""
        toml_file = cls._config_file or DEFAULT_CONFIG_FILE
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )

    def server(self, domain: str) -> ServerSettings:
        """The overrides for one server (empty when none are configured)."""
        return self.servers.get(domain, ServerSettings())

    @property
    def origins(self) -> dict[str, str]:
        """Where each top-level or nested setting came from (filled by ``load_settings``)."""
        return self._origins


class SettingsError(Exception):
    """Settings could not be loaded; ``message`` is one readable paragraph for the terminal."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Source:
    label: str
    values: dict[str, Any]


def load_settings(
    config_file: Path | None = None, env_file: Path | None = Path(".env"), **overrides: Any
) -> Settings:
    """Build the settings from all sources, or raise ``SettingsError`` naming the culprit."""
    path = config_file or Path(os.environ.get(CONFIG_FILE_ENV, "") or DEFAULT_CONFIG_FILE)
    if config_file is not None and not path.is_file():
        raise SettingsError(f"The campaign file {path} does not exist.")
    sources = _read_sources(path, env_file)
    Settings._config_file = path
    try:
        settings = Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        raise SettingsError(_explain(exc, sources, overrides)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"The campaign file {path} is not valid TOML: {exc}") from None
    finally:
        Settings._config_file = None
    settings._origins = _origins(sources, overrides)
    return settings


def _read_sources(toml_path: Path, env_file: Path | None) -> list[_Source]:
    """Read each source alone, highest priority first, to say later where a value came from."""
    sources: list[_Source] = []
    env = EnvSettingsSource(Settings, env_prefix=ENV_PREFIX, env_nested_delimiter="__")
    sources.append(_Source("environment variable", _safe_call(env)))
    if env_file is not None and env_file.is_file():
        dotenv = DotEnvSettingsSource(
            Settings, env_file=env_file, env_prefix=ENV_PREFIX, env_nested_delimiter="__"
        )
        sources.append(_Source(f"{env_file}", _safe_call(dotenv)))
    if toml_path.is_file():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"The campaign file {toml_path} is not valid TOML: {exc}") from None
        sources.append(_Source(f"{toml_path}", data))
    return sources


def _safe_call(source: PydanticBaseSettingsSource) -> dict[str, Any]:
    try:
        return dict(source())
    except Exception:
        return {}


def _lookup(values: dict[str, Any], loc: tuple[str | int, ...]) -> bool:
    node: Any = values
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _source_of(loc: tuple[str | int, ...], sources: list[_Source], overrides: dict) -> str:
    if _lookup(overrides, loc):
        return "command line"
    for source in sources:
        if _lookup(source.values, loc):
            return source.label
    return "default"


def _setting_name(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _env_name(loc: tuple[str | int, ...]) -> str:
    return ENV_PREFIX + "__".join(str(part).upper() for part in loc)


_EXPECTED = {
    "int_parsing": "a whole number",
    "float_parsing": "a number",
    "bool_parsing": "true or false",
    "datetime_from_date_parsing": "a date and time like 2026-12-15T18:00",
    "datetime_parsing": "a date and time like 2026-12-15T18:00",
    "extra_forbidden": "nothing: this setting does not exist (check its spelling)",
    "missing": "a value",
}


def _explain(exc: ValidationError, sources: list[_Source], overrides: dict) -> str:
    lines = ["The settings are not valid:"]
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if part != "__root__")
        # Model-level checks report the model's own location; name the whole section.
        name = _setting_name(loc) or "settings"
        origin = _source_of(loc, sources, overrides)
        expected = _EXPECTED.get(error["type"])
        detail = error["msg"].removeprefix("Value error, ")
        if expected and error["type"] != "extra_forbidden":
            detail = f"expected {expected}"
        elif error["type"] == "extra_forbidden":
            detail = "no such setting (check its spelling)"
        lines.append(f"  - {name} (from {origin}; environment variable {_env_name(loc)}): {detail}")
    return "\n".join(lines)


def _origins(sources: list[_Source], overrides: dict) -> dict[str, str]:
    """Where each setting came from, nested ones (``servers.<domain>.<sub>``) included."""
    origins: dict[str, str] = {}
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for sub in annotation.model_fields:
                origins[f"{name}.{sub}"] = _source_of((name, sub), sources, overrides)
        else:
            origins[name] = _source_of((name,), sources, overrides)
    origins |= _server_origins(sources, overrides)
    return origins


def _server_origins(sources: list[_Source], overrides: dict) -> dict[str, str]:
    """Label each ``servers.<domain>.<sub>`` by the source that set that very value.

    Sources are merged key by key, so one server's ``api_base_url`` may come from the
    campaign file and its ``access_token`` from the environment. Domains are compared as
    ``servers`` stores them (normalised), whatever their spelling in each source.
    """
    origins: dict[str, str] = {}
    labelled = [_Source("command line", overrides), *sources]
    for source in reversed(labelled):  # lowest priority first: later sources overwrite
        servers = source.values.get("servers")
        if not isinstance(servers, dict):
            continue
        for raw_domain, values in servers.items():
            try:
                domain = normalise_domain(str(raw_domain))
            except HandleError:
                continue  # refused by validation before anyone asks for its origin
            fields = values.keys() if isinstance(values, dict) else ServerSettings.model_fields
            for sub in fields:
                origins[f"servers.{domain}.{sub}"] = source.label
    return origins


def example_deadline() -> datetime:
    """A clearly fictional deadline shown in the guide when no campaign is configured."""
    return datetime(2030, 1, 15, 18, 0, tzinfo=ZoneInfo("UTC"))
