"""Move checking against the Mastodon servers themselves (no Discord here).

``MoveChecker`` is the entry point: ``check`` one pair, ``recheck_many`` a whole
community, ``server_info`` for organisers, ``profile_text`` for ownership codes; it
wires ``discovery`` (finding each server), ``pair_check`` (one member), ``recheck`` (a
whole community, with progress) and ``profile`` together on a ``workers`` pool. The
decisions live in ``companion.core.move_rules``; this package only gathers the facts,
safely (``netguard``), politely (``rate_limit``; ``http``: size caps, token scope), in bounded time
(``deadline``: one wall-clock limit per request), and through Mastodon.py (``client``)
and discovery documents (``webfinger``); ``problems`` names whatever goes wrong.
"""

from companion.moves.checker import MoveChecker
from companion.moves.pair_check import MemberPair
from companion.moves.profile import ProfileText
from companion.moves.servers import ServerInfo

__all__ = ["MemberPair", "MoveChecker", "ProfileText", "ServerInfo"]
