"""JSON and XML bodies in the shapes real servers send (same keys as the recorded fixtures).

Each builder reads the state and returns plain data; the HTTP layer only serialises it.
The Account entity itself is built in ``state.py``, which snapshots it when an account moves.
The key sets follow Mastodon 4.6's recorded answers (Mastodon.py's test cassettes) and
the documentation examples; a test compares them with ``shared/fixtures/mastodon``.
"""

from __future__ import annotations

import hashlib
import zlib
from html import escape
from typing import Any

from .state import Flavour, MastodonState, StandInAccount, account_json, date_midnight

ACTIVITY_JSON = "application/activity+json"
JRD_JSON = "application/jrd+json"
XRD_XML = "application/xrd+xml"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.0"

_SUPPORTED_MIME_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"]


def accounts_json(state: MastodonState, accounts: list[StandInAccount]) -> list[dict[str, Any]]:
    """The multi-get answer: the accounts that exist, in the order asked."""
    return [account_json(state, account) for account in accounts]


def relation_account_json(state: MastodonState, acct: str) -> dict[str, Any]:
    """A follower or followed account as this server shows it (remote ones carry a domain)."""
    local = state.find_username(acct) if "@" not in acct else None
    if local is not None:
        return account_json(state, local)
    username, _, domain = acct.partition("@")
    ident = str(zlib.crc32(acct.encode()) + 10**12)
    data: dict[str, Any] = {
        "id": ident,
        "username": username,
        "acct": acct,
        "display_name": "",
        "locked": False,
        "bot": False,
        "url": f"https://{domain}/@{username}",
        "uri": f"https://{domain}/users/{username}",
        "followers_count": 0,
        "following_count": 0,
        "note": "",
        "fields": [],
        "emojis": [],
    }
    if acct in state.moved_remote:
        data["moved"] = {
            "id": ident + "1",
            "username": username,
            "acct": f"{username}@moved.invalid",
        }
    return data


def domain_blocks_json(state: MastodonState) -> list[dict[str, Any]]:
    """``GET /api/v1/instance/domain_blocks`` when the admin publishes the list."""
    return [
        {
            "domain": domain,
            "digest": hashlib.sha256(domain.encode()).hexdigest(),
            "severity": severity,
            "comment": "",
        }
        for domain, severity in sorted(state.domain_blocks.items())
    ]


def not_found() -> dict[str, str]:
    """Mastodon's 404 body."""
    return {"error": "Record not found"}


def instance_v1(state: MastodonState) -> dict[str, Any]:
    """``GET /api/v1/instance`` (Mastodon 4.6 key set)."""
    base = state.base_url
    return {
        "uri": state.local_domain,
        "title": f"{state.local_domain} (stand-in)",
        "short_description": "",
        "description": "",
        "email": "",
        "version": state.traits.api_version,
        "urls": {"streaming_api": base.replace("http", "ws", 1)},
        "stats": {
            "user_count": len(state.accounts),
            "status_count": 0,
            "domain_count": 1,
        },
        "thumbnail": f"{base}/packs/media/images/preview.png",
        "languages": ["en"],
        "registrations": True,
        "approval_required": False,
        "invites_enabled": True,
        "configuration": {
            "accounts": {"max_featured_tags": 10},
            "statuses": {
                "max_characters": 500,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": list(_SUPPORTED_MIME_TYPES),
                "image_size_limit": 16777216,
                "image_matrix_limit": 33177600,
                "video_size_limit": 103809024,
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8294400,
            },
            "polls": _polls(),
        },
        "contact_account": None,
        "rules": [],
    }


def instance_v2(state: MastodonState) -> dict[str, Any]:
    """``GET /api/v2/instance`` (Mastodon 4.6 key set)."""
    base = state.base_url
    return {
        "domain": state.local_domain,
        "title": f"{state.local_domain} (stand-in)",
        "version": state.traits.api_version,
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "",
        "usage": {"users": {"active_month": len(state.accounts)}},
        "thumbnail": {
            "url": f"{base}/packs/media/images/preview.png",
            "description": "A stand-in server's preview image",
        },
        "icon": [
            {"src": f"{base}/packs/icons/android-chrome-{size}.png", "size": size}
            for size in ("36x36", "192x192")
        ],
        "languages": ["en"],
        "configuration": {
            "urls": {
                "streaming": base.replace("http", "ws", 1),
                "status": None,
                "about": f"{base}/about",
                "privacy_policy": f"{base}/privacy-policy",
                "terms_of_service": None,
            },
            "vapid": {"public_key": "BStandInVapidKeyNotReal="},
            "accounts": {
                "max_display_name_length": 30,
                "max_note_length": 500,
                "max_avatar_description_length": 150,
                "max_header_description_length": 150,
                "max_featured_tags": 10,
                "max_pinned_statuses": 5,
                "max_profile_fields": 4,
                "profile_field_name_limit": 255,
                "profile_field_value_limit": 255,
            },
            "statuses": {
                "max_characters": 500,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "description_limit": 1500,
                "image_matrix_limit": 33177600,
                "image_size_limit": 16777216,
                "supported_mime_types": list(_SUPPORTED_MIME_TYPES),
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8294400,
                "video_size_limit": 103809024,
            },
            "polls": _polls(),
            "translation": {"enabled": False},
            "timelines_access": {
                name: {"local": "public", "remote": "public"}
                for name in ("live_feeds", "hashtag_feeds", "trending_link_feeds")
            },
            "limited_federation": False,
        },
        "registrations": {
            "enabled": True,
            "approval_required": False,
            "reason_required": False,
            "message": None,
            "min_age": None,
            "url": None,
        },
        "api_versions": {"mastodon": 6},
        "wrapstodon": None,
        "contact": {"email": "", "account": None},
        "rules": [],
    }


def _polls() -> dict[str, int]:
    return {
        "max_options": 4,
        "max_characters_per_option": 50,
        "min_expiration": 300,
        "max_expiration": 2629746,
    }


def nodeinfo_links(state: MastodonState) -> dict[str, Any]:
    """``GET /.well-known/nodeinfo``."""
    return {
        "links": [{"rel": NODEINFO_SCHEMA, "href": f"{state.base_url}{state.traits.nodeinfo_path}"}]
    }


def nodeinfo(state: MastodonState) -> dict[str, Any]:
    """``GET /nodeinfo/2.0``: names the software."""
    return {
        "version": "2.0",
        "software": {"name": state.traits.software, "version": state.traits.software_version},
        "protocols": ["activitypub"],
        "services": {"outbound": [], "inbound": []},
        "usage": {
            "users": {"total": len(state.accounts), "activeMonth": 0, "activeHalfyear": 0},
            "localPosts": 0,
        },
        "openRegistrations": True,
        "metadata": {"nodeName": state.local_domain, "nodeDescription": ""},
    }


def webfinger(state: MastodonState, account: StandInAccount) -> dict[str, Any]:
    """The JRD for ``acct:user@local_domain``; ``self`` is the actor, never guessed."""
    profile = state.profile_url(account)
    actor = state.actor_uri(account)
    return {
        "subject": f"acct:{account.username}@{state.local_domain}",
        "aliases": [profile, actor],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile},
            {"rel": "self", "type": ACTIVITY_JSON, "href": actor},
            {
                "rel": "http://ostatus.org/schema/1.0/subscribe",
                "template": f"{state.base_url}/authorize_interaction?uri={{uri}}",
            },
        ],
    }


def host_meta(web_base: str) -> str:
    """The XRD pointing WebFinger at the server's web address (split domains rely on it)."""
    template = escape(f"{web_base}/.well-known/webfinger?resource={{uri}}", quote=True)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )


def actor(state: MastodonState, account: StandInAccount) -> dict[str, Any]:
    """The full ActivityPub actor; ``alsoKnownAs`` only when set, ``movedTo`` when moved."""
    uri = state.actor_uri(account)
    data: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
            {
                "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
                "toot": "http://joinmastodon.org/ns#",
                "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
                "movedTo": {"@id": "as:movedTo", "@type": "@id"},
            },
        ],
        "id": uri,
        "type": "Person",
        "following": f"{uri}/following",
        "followers": f"{uri}/followers",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "featured": f"{uri}/collections/featured",
        "featuredTags": f"{uri}/collections/tags",
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": account.note,
        "url": state.profile_url(account),
        "manuallyApprovesFollowers": account.locked,
        "discoverable": True,
        "indexable": False,
        "published": date_midnight(account.created_at),
        "memorial": False,
        "publicKey": _public_key(uri),
        "tag": [],
        "attachment": [
            {"type": "PropertyValue", "name": name, "value": value}
            for name, value in account.fields
        ],
        "endpoints": {"sharedInbox": f"{state.base_url}/inbox"},
    }
    if account.also_known_as:
        data["alsoKnownAs"] = list(account.also_known_as)
    if account.moved_to_uri:
        data["movedTo"] = account.moved_to_uri
    if account.suspended:
        data["suspended"] = True
    return data


def bare_actor(state: MastodonState, account: StandInAccount) -> dict[str, Any]:
    """What Mastodon's authorized-fetch mode shows an unsigned request: no aliases at all."""
    uri = state.actor_uri(account)
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": uri,
        "type": "Person",
        "preferredUsername": account.username,
        "inbox": f"{uri}/inbox",
        "publicKey": _public_key(uri),
        "endpoints": {"sharedInbox": f"{state.base_url}/inbox"},
    }


def _public_key(uri: str) -> dict[str, str]:
    return {
        "id": f"{uri}#main-key",
        "owner": uri,
        "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nstand-in\n-----END PUBLIC KEY-----\n",
    }


def html_page(title: str) -> str:
    """A web page where data was expected (maintenance page, proxy error, another app)."""
    return (
        "<!DOCTYPE html>\n<html><head><title>"
        f"{escape(title)}</title></head><body><h1>{escape(title)}</h1></body></html>\n"
    )


def is_mastodon_like(flavour: Flavour) -> bool:
    """True when the flavour answers the Mastodon client API at all."""
    return flavour is not Flavour.NOT_MASTODON
