"""Start an old and a new stand-in server with a few members, for trying ``companion check``.

    python -m companion.standins.mastodon            # ports 3001 (old) and 3002 (new)

It prints the campaign settings to use and example commands, then runs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import time

from .server import MastodonStandIn
from .state import Fediverse


def main() -> None:
    """Run two federated stand-ins until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m companion.standins.mastodon")
    parser.add_argument("--old", default="old.example", help="the old server's domain")
    parser.add_argument("--new", default="new.example", help="the new server's domain")
    parser.add_argument("--port", type=int, default=3001, help="old server's port (new: +1)")
    args = parser.parse_args()
    fediverse = Fediverse()
    old = MastodonStandIn(args.old, fediverse=fediverse, port=args.port)
    new = MastodonStandIn(args.new, fediverse=fediverse, port=args.port + 1)
    with old, new:
        _populate(old, new)
        print(_instructions(old, new), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopped.")


def _populate(old: MastodonStandIn, new: MastodonStandIn) -> None:
    """alice: alias missing; bob: ready to move; carol: moved, followers on their way."""
    for name, followers in (("alice", 120), ("bob", 80), ("carol", 200)):
        old.create_account(name, followers_count=followers)
        new.create_account(name)
    for name in ("bob", "carol"):
        new.state.set_aliases(name, [old.state.actor_uri(name)])
    old.state.move("carol", new.state.actor_uri("carol"))
    old.state.transfer_followers("carol", 0.6)


def _instructions(old: MastodonStandIn, new: MastodonStandIn) -> str:
    o, n = old.state.local_domain, new.state.local_domain
    return f"""Stand-in servers running: {o} at {old.base_url}, {n} at {new.base_url}

Put this in companion.toml (test settings: private addresses allowed for these two):

allow_private_addresses = true

[campaign]
old_server = "{o}"
new_server = "{n}"

[servers."{o}"]
api_base_url = "{old.base_url}"

[servers."{n}"]
api_base_url = "{new.base_url}"

Then try:
  companion check alice@{o} alice@{n}                        # alias_missing
  companion check bob@{o} bob@{n}                            # ready_to_move
  companion check carol@{o} carol@{n} --followers-before 200 # moved (60% arrived)
  companion check carol@{o} carol@{n} --json

Press Ctrl-C to stop."""


if __name__ == "__main__":
    main()
