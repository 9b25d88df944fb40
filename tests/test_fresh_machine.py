"""A fresh clone tests itself with nothing but Python and make.

No test or benchmark reads outside the repository, and `make test` gets Debian's chromium
(and the fonts the guide is drawn in) itself when it can, or stops before anything runs with
one sentence giving the command. The Makefile runs for real; only the machine around it is
simulated: a fake `id` (root or not), a fake `apt-get` and `dpkg-query` that keep a list of
installed packages, and a `.venv` whose `ruff`, `mypy` and `python` only note that they were
started.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.paths import DISCORD_FIXTURES, MASTODON_FIXTURES, REPO

PACKAGES = ["chromium", "fonts-dejavu-core", "fonts-liberation"]
COMMAND = (
    "sudo apt-get update && sudo apt-get install -y --no-install-recommends "
    "chromium fonts-dejavu-core fonts-liberation"
)
SENTENCE = (
    "The guide's browser tests need Debian's chromium and its fonts: "
    f"run `{COMMAND}`, then `make test` again."
)
TEST_STEPS = ["ruff check .", "ruff format --check .", "mypy", "python -m pytest"]


def test_no_test_or_benchmark_reads_outside_the_repository():
    outside = re.compile(r"\.\./shared|/work/|REPO\.parent|parents\[2\]|\"shared\"")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("tests", "bench")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    ]
    assert offenders == []


def test_the_fixtures_live_in_the_repository_with_their_provenance():
    for folder in (DISCORD_FIXTURES, MASTODON_FIXTURES):
        assert folder.is_relative_to(REPO / "tests" / "fixtures")
        assert (folder / "README.md").is_file()
        assert sorted(folder.glob("*.json"))


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)


class Machine:
    """A simulated machine around the real Makefile and scripts/ensure-chromium.sh."""

    def __init__(self, root: Path, *, uid: int, installed: list[str], apt_works: bool = True):
        self.root = root
        self.log = root / "log"
        self.log.touch()
        self.chromium = root / "usr-bin" / "chromium"
        self.chromium.parent.mkdir()
        self.installed = root / "installed"
        self.installed.write_text("".join(f"{p}\n" for p in installed), encoding="utf-8")
        if "chromium" in installed:
            _script(self.chromium, "exit 0\n")
        bin_ = root / "bin"
        bin_.mkdir()
        real_id = shutil.which("id")
        _script(bin_ / "id", f'[ "$1" = -u ] && echo {uid} && exit 0\nexec {real_id} "$@"\n')
        _script(
            bin_ / "dpkg-query",
            f'grep -qx "$3" {self.installed} && printf "install ok installed" && exit 0\n'
            'echo "dpkg-query: no packages found matching $3" >&2\nexit 1\n',
        )
        install = (
            f'if [ "$1" = install ]; then\n'
            f'  for a in "$@"; do case "$a" in -*|install) ;; *) echo "$a" >> {self.installed};;'
            f" esac; done\n"
            f"  printf '#!/bin/sh\\n' > {self.chromium}; chmod +x {self.chromium}\nfi\n"
        )
        _script(
            bin_ / "apt-get",
            f'echo "apt-get $*" >> {self.log}\n' + (install if apt_works else "exit 100\n"),
        )
        venv = root / "venv"
        (venv / "bin").mkdir(parents=True)
        for tool in ("ruff", "mypy", "python"):
            _script(venv / "bin" / tool, f'echo "{tool} $*" >> {self.log}\n')
        (venv / ".installed").touch()  # newer than pyproject.toml: make installs nothing
        self.venv = venv
        self.path = f"{bin_}:/usr/bin:/bin"

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "GUIDE_CHROMIUM"}
        }
        env |= {"PATH": self.path, "GUIDE_CHROMIUM": str(self.chromium), "LC_ALL": "C"}
        return subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False
        )

    def make_test(self) -> subprocess.CompletedProcess[str]:
        return self.run("make", "--no-print-directory", "test", f"VENV={self.venv}")

    def steps(self) -> list[str]:
        return [line.strip() for line in self.log.read_text(encoding="utf-8").splitlines()]


def _own_lines(stderr: str) -> list[str]:
    """What the script said, without make's own "*** [Makefile:…] Error 1" trailer."""
    return [line for line in stderr.splitlines() if not line.startswith("make")]


@pytest.mark.parametrize(
    "installed",
    [[], ["fonts-dejavu-core", "fonts-liberation"], ["chromium"], ["chromium", "fonts-liberation"]],
    ids=["nothing", "no-chromium", "no-fonts", "one-font-missing"],
)
def test_make_test_without_root_stops_before_anything_with_the_command(tmp_path, installed):
    machine = Machine(tmp_path, uid=1000, installed=installed)
    done = machine.make_test()
    assert done.returncode != 0
    assert _own_lines(done.stderr) == [SENTENCE]
    assert machine.steps() == []  # neither apt-get, nor ruff, nor pytest started


def test_make_test_as_root_installs_chromium_and_the_fonts_then_runs_the_tests(tmp_path):
    machine = Machine(tmp_path, uid=0, installed=[])
    done = machine.make_test()
    assert done.returncode == 0, done.stderr
    assert machine.steps() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends " + " ".join(PACKAGES),
        *TEST_STEPS,
    ]


def test_make_test_as_root_whose_apt_get_fails_stops_with_the_command(tmp_path):
    machine = Machine(tmp_path, uid=0, installed=[], apt_works=False)
    done = machine.make_test()
    assert done.returncode != 0
    assert _own_lines(done.stderr)[-1] == SENTENCE
    assert machine.steps() == ["apt-get update -qq"]  # and no test step after it


@pytest.mark.parametrize("uid", [0, 1000])
def test_make_test_with_everything_installed_asks_nobody_and_runs_the_tests(tmp_path, uid):
    machine = Machine(tmp_path, uid=uid, installed=PACKAGES)
    done = machine.make_test()
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert machine.steps() == TEST_STEPS


def test_ci_always_asks_apt_even_when_everything_is_there(tmp_path):
    machine = Machine(tmp_path, uid=0, installed=PACKAGES)
    done = machine.run("sh", "scripts/ensure-chromium.sh", "--always")
    assert done.returncode == 0, done.stderr
    assert machine.steps()[0] == "apt-get update -qq"
    assert "--always" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
