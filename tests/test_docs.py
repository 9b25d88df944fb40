"""The README and the example files say what the code does (they cannot drift)."""

import tomllib
from pathlib import Path

import pytest

from companion.reference import SECTIONS, render, sections_of
from companion.settings import Settings, load_settings
from tests.paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SECTIONS)
def test_generated_readme_sections_match_the_code(name):
    assert sections_of(README)[name] == render(name), (
        f"README.md's {name} section is out of date: run `python -m companion.reference`"
    )


def test_readme_has_exactly_two_setup_commands():
    block = README.split("## Try it on a fresh machine", 1)[1].split("```sh", 1)[1]
    commands = [line.split("#")[0].strip() for line in block.split("```", 1)[0].splitlines()]
    assert [c for c in commands if c] == ["make run", "make test"]


def test_every_setting_is_in_the_readme():
    table = sections_of(README)["settings"]
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            for sub in annotation.model_fields:
                assert f"`{name}.{sub}`" in table
        else:
            assert f"`{name}" in table


def test_example_campaign_file_is_valid_and_complete(tmp_path):
    example = REPO / "companion.example.toml"
    data = tomllib.loads(example.read_text(encoding="utf-8"))
    assert set(data["campaign"]) == set(Settings.model_fields["campaign"].annotation.model_fields)
    settings = load_settings(example, env_file=None)
    assert settings.campaign.to_campaign().is_configured


def test_example_env_file_names_only_real_settings(tmp_path):
    lines = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    names = [line.split("=", 1)[0].lstrip("# ").strip() for line in lines if "=" in line]
    assert "COMPANION_DISCORD_TOKEN" in names
    env = tmp_path / ".env"
    env.write_text(
        "\n".join(line.lstrip("# ") for line in lines if "=" in line) + "\n", encoding="utf-8"
    )
    load_settings(env_file=Path(env))  # every documented variable is accepted
