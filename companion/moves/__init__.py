"""Move checking against the Mastodon servers themselves (no Discord here).

``MoveChecker`` is the entry point: ``check`` one pair, ``recheck_many`` a whole
community, ``server_info`` for organisers, ``profile_text`` for ownership codes. The
decisions live in ``companion.core.move_rules``; this package only gathers the facts,
safely (``netguard``), politely (``http``: rate limits, size caps), in bounded time
(``deadline``: one wall-clock limit per request), and through Mastodon.py (``client``)
and discovery documents (``webfinger``); ``problems`` names whatever goes wrong.
"""

from companion.moves.checker import MemberPair, MoveChecker, ProfileText
from companion.moves.servers import ServerInfo

__all__ = ["MemberPair", "MoveChecker", "ProfileText", "ServerInfo"]
