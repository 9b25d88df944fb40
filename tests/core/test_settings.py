"""Settings: sources in the right order, readable errors naming the culprit, secrets hidden."""

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.settings import Settings, SettingsError, load_settings

CAMPAIGN_TOML = """
[campaign]
community_name = "Birders"
old_server = "Old.Social"
new_server = "new.social"
deadline = "2026-12-15T18:00"
timezone = "Europe/Berlin"
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file():
    settings = load_settings()
    assert settings.database == Path("companion.db")
    assert not settings.campaign.to_campaign().is_configured
    assert settings.allow_private_addresses is False


def test_campaign_file_is_read_and_normalised(tmp_path):
    write(tmp_path / "companion.toml", CAMPAIGN_TOML)
    settings = load_settings()
    assert settings.campaign.old_server == "old.social"
    assert settings.campaign.deadline == datetime(
        2026, 12, 15, 18, tzinfo=ZoneInfo("Europe/Berlin")
    )
    assert settings.origins["campaign.old_server"] == "companion.toml"
    assert settings.origins["database"] == "default"


def test_later_sources_win(tmp_path, monkeypatch):
    write(tmp_path / "companion.toml", 'database = "from-toml.db"\n' + CAMPAIGN_TOML)
    write(tmp_path / ".env", "COMPANION_DATABASE=from-dotenv.db\nCOMPANION_LOG_LEVEL=debug\n")
    assert load_settings().database == Path("from-dotenv.db")
    monkeypatch.setenv("COMPANION_DATABASE", "from-env.db")
    monkeypatch.setenv("COMPANION_CAMPAIGN__NEW_SERVER", "other.social")
    settings = load_settings()
    assert settings.database == Path("from-env.db")
    assert settings.log_level == "DEBUG"
    assert settings.campaign.new_server == "other.social"
    assert settings.campaign.old_server == "old.social"  # nested values merge across sources
    assert settings.origins["database"] == "environment variable"


def test_config_path_can_be_overridden(tmp_path, monkeypatch):
    other = write(tmp_path / "elsewhere.toml", CAMPAIGN_TOML)
    assert load_settings(other).campaign.community_name == "Birders"
    monkeypatch.setenv("COMPANION_CONFIG", str(other))
    assert load_settings().campaign.community_name == "Birders"
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("toml", "setting", "expected"),
    [
        ('[campaign]\ntimezone = "Mars/Olympus"', "campaign.timezone", "IANA time zone"),
        ('[campaign]\ndeadline = "soon"', "campaign.deadline", "date and time"),
        ('[campaign]\nold_server = "10.0.0.1"', "campaign.old_server", "not a number address"),
        ('request_timeout = "fast"', "request_timeout", "a number"),
        ("request_timeout = 0", "request_timeout", "greater than 0"),
        ("followers_arrived_share = 2", "followers_arrived_share", "less than or equal to 1"),
        ('log_level = "LOUD"', "log_level", "DEBUG, INFO"),
        ('datbase = "x.db"', "datbase", "no such setting"),
        (
            '[servers."old.social"]\napi_base_url = "ftp://x"',
            "servers.old.social.api_base_url",
            "https://",
        ),
        ('[campaign]\nold_server = "a.social"\nnew_server = "a.social"', "campaign", "same server"),
    ],
)
def test_invalid_values_name_the_setting_and_source(tmp_path, toml, setting, expected):
    write(tmp_path / "companion.toml", toml)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = caught.value.message
    assert f"- {setting} (from companion.toml" in message
    assert expected in message


def test_environment_errors_name_the_variable(monkeypatch):
    monkeypatch.setenv("COMPANION_CAMPAIGN__ANNOUNCEMENT_CHANNEL_ID", "general")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "campaign.announcement_channel_id (from environment variable" in caught.value.message
    assert "COMPANION_CAMPAIGN__ANNOUNCEMENT_CHANNEL_ID" in caught.value.message
    assert "whole number" in caught.value.message


def test_broken_toml_is_reported_not_raised(tmp_path):
    write(tmp_path / "companion.toml", "[campaign\nname=")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings()


def test_secrets_never_print(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("COMPANION_DISCORD_TOKEN", "super-secret-token")
    write(
        tmp_path / "companion.toml",
        '[servers."old.social"]\naccess_token = "mastodon-secret"\n',
    )
    settings = load_settings()
    logging.getLogger("test").info("settings: %s", settings)
    shown = repr(settings) + str(settings) + caplog.text + settings.model_dump_json()
    assert "super-secret-token" not in shown
    assert "mastodon-secret" not in shown
    assert settings.discord_token.get_secret_value() == "super-secret-token"
    assert settings.server("old.social").access_token.get_secret_value() == "mastodon-secret"


def test_server_overrides_are_keyed_by_canonical_domain(tmp_path):
    write(
        tmp_path / "companion.toml",
        '[servers."Bücher.Example"]\napi_base_url = "https://social.buecher.example/"\n',
    )
    settings = load_settings()
    assert settings.server("xn--bcher-kva.example").api_base_url == "https://social.buecher.example"
    assert settings.server("unknown.example").api_base_url is None


def test_settings_are_not_created_at_import():
    import companion.settings as module

    assert not [v for v in vars(module).values() if isinstance(v, Settings)]


SERVERS_TOML = """
[servers."new.social"]
api_base_url = "https://api.new.social"
[servers."Old.Social"]
api_base_url = "https://api.old.social"
"""


@pytest.mark.parametrize(
    "variable",
    [
        ("COMPANION_SERVERS", '{"old.social": {"access_token": "from-env"}}'),
        ("COMPANION_SERVERS__old.social__ACCESS_TOKEN", "from-env"),
    ],
    ids=["json", "nested"],
)
def test_each_server_value_is_labelled_by_the_source_that_set_it(tmp_path, monkeypatch, variable):
    write(tmp_path / "companion.toml", SERVERS_TOML)
    monkeypatch.setenv(*variable)
    settings = load_settings()
    old = settings.server("old.social")
    assert (old.api_base_url, old.access_token.get_secret_value()) == (
        "https://api.old.social",  # the file's value survives the environment's other field
        "from-env",
    )
    assert {k: v for k, v in settings.origins.items() if k.startswith("servers.")} == {
        "servers.new.social.api_base_url": "companion.toml",
        "servers.old.social.api_base_url": "companion.toml",
        "servers.old.social.access_token": "environment variable",
    }


def test_a_server_value_set_twice_is_labelled_by_the_winner(tmp_path, monkeypatch):
    write(tmp_path / "companion.toml", SERVERS_TOML)
    monkeypatch.setenv("COMPANION_SERVERS", '{"old.social": {"api_base_url": "https://env.old"}}')
    settings = load_settings()
    assert settings.server("old.social").api_base_url == "https://env.old"
    assert settings.origins["servers.old.social.api_base_url"] == "environment variable"
    assert settings.origins["servers.new.social.api_base_url"] == "companion.toml"
