"""A Mastodon-compatible stand-in server for tests, the rehearsal and benchmarks.

Two lines start one from any test (inside an event loop, or with ``with`` in plain code)::

    async with MastodonStandIn("old.example") as old:
        alice = old.create_account("alice", followers_count=120)

``old.base_url`` is where it listens (127.0.0.1, random port), ``old.state`` holds its
accounts and applies Mastodon's move rules, ``old.stats`` counts requests per route.
Stand-ins that share a :class:`Fediverse` see each other's accounts, so a move checks the
target's aliases as Mastodon does. ``python -m companion.standins.mastodon`` starts a pair
for trying ``companion check`` by hand.
"""

from .server import (
    AuthorizedFetch,
    DomainFront,
    Fault,
    FaultKind,
    FrontMode,
    MastodonStandIn,
    RateLimit,
    StandInStats,
)
from .state import Fediverse, Flavour, MastodonState, MoveRefusedError, StandInAccount

__all__ = [
    "AuthorizedFetch",
    "DomainFront",
    "Fault",
    "FaultKind",
    "Fediverse",
    "Flavour",
    "FrontMode",
    "MastodonStandIn",
    "MastodonState",
    "MoveRefusedError",
    "RateLimit",
    "StandInAccount",
    "StandInStats",
]
