"""Run the real bot in a process of its own against the stand-ins, as ``companion run`` does.

Crash tests start this with ``python -m tests.bot.bot_process CONFIG.json`` and SIGKILL it;
the stand-ins live in the test's process. CONFIG holds the settings and the stand-in's
REST base. Nothing here changes the bot: it only points discord.py at the stand-in.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

from companion.bot.app import run_bot
from companion.settings import Settings
from companion.standins.discord import point_discord_py_at


def main() -> None:
    """Read the config, point discord.py at the stand-in and run the bot until killed."""
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings(_env_file=None, **config["settings"])
    with point_discord_py_at(config["api_base"]):
        asyncio.run(run_bot(settings))


if __name__ == "__main__":
    main()
