"""Mastodon handles: parse what members actually type, refuse everything else kindly.

A handle is ``user@domain``. Members paste it in many shapes (``@alice@old.social``,
``https://old.social/@alice``, a profile URL, with odd case and spaces); we accept those
and keep one canonical form: lower-case username, punycode domain. Anything we cannot
read safely (mentions, markdown, IP addresses in any spelling, ports, control characters,
names that cannot be a public server, look-alike names mixing alphabets) is refused with
a sentence a non-technical member understands.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar
from urllib.parse import urlsplit

import idna
from babel.lists import format_list
from fontTools import unicodedata as scripts

from companion.i18n import N_, _, current_language
from companion.i18n.sentences import SentenceError

# Mastodon's own limits: usernames are at most 30 characters for local accounts
# (app/validators/unreserved_username_validator.rb, Account::USERNAME_LENGTH_LIMIT), and a
# domain name at most 253 with labels of 63 (RFC 1035). Remote usernames may be longer on
# other software; 64 leaves room for those without letting junk through.
MAX_USERNAME_LENGTH = 64
MAX_DOMAIN_LENGTH = 253
MAX_LABEL_LENGTH = 63
MAX_INPUT_LENGTH = 512

_USERNAME_RE = re.compile(r"^[a-z0-9_]+(?:[a-z0-9_.\-]*[a-z0-9_])?$")
_LABEL_RE = re.compile(rf"^(?!-)[a-z0-9-]{{1,{MAX_LABEL_LENGTH}}}(?<!-)$")
_DISCORD_MENTION_RE = re.compile(r"<(?:@[!&]?|#|/)[^>]*>|<a?:\w+:\d+>")
_MARKDOWN_CHARS = set("*`~|[]()<>\\#")
_PROFILE_PATH_RE = re.compile(r"^/(?:@|users/|u/|profile/)([^/@]+)/?$")
# A host whose last label is a number is an IPv4 address to every URL parser (WHATWG URL
# standard, "ends in a number"), in inet_aton's shorthand too: 0x7f.0x1 is 127.0.0.1.
_NUMBER_LABEL_RE = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")

_LOOPBACK = N_(
    "The server name {name} points back at the computer it is typed on, so it cannot be a "
    "Mastodon server. "
    "Check the part after the @: it looks like example.social."
)
_PRIVATE = N_(
    "The server name {name} belongs to a private network, not to a Mastodon server on the "
    "internet. "
    "Check the part after the @: it looks like example.social."
)
# Names that cannot be a public Mastodon server, by their last label(s), and why. These are
# the special-use names that applications may or must treat as special (RFC 6761 and the
# RFCs named). ``.example`` and ``.test`` are deliberately absent: RFC 6761 (6.2, 6.5) says
# applications should treat them as ordinary names, they never resolve on the internet, and
# they are what the rehearsal, the stand-ins and staging set-ups use.
SPECIAL_USE_NAMES: dict[str, str] = {
    "localhost": _LOOPBACK,  # RFC 6761 6.3
    "localdomain": _LOOPBACK,  # /etc/hosts' localhost.localdomain on many systems
    "local": _PRIVATE,  # RFC 6762: multicast DNS on the local link
    "internal": _PRIVATE,  # ICANN's private-use TLD (2024); metadata.google.internal
    "home.arpa": _PRIVATE,  # RFC 8375: home networks
    "alt": _PRIVATE,  # RFC 9476: outside DNS altogether
    "invalid": N_(  # RFC 6761 6.4
        "Names ending in .invalid are reserved never to exist. "
        "Check the part after the @: it looks like example.social."
    ),
    "onion": N_(  # RFC 7686: applications without Tor should refuse them
        "The server name {name} is a Tor onion address, which this bot cannot reach. "
        "Give the server's ordinary name, like example.social."
    ),
    "arpa": N_(  # RFC 3172: in-addr.arpa and ip6.arpa spell out number addresses
        "The server name {name} belongs to the internet's own machinery, not to a Mastodon "
        "server. "
        "Check the part after the @: it looks like example.social."
    ),
}

# Scripts a single label may mix, as in UTS #39's "Highly Restrictive" level (what browsers
# use before showing a name in Unicode): Japanese, Chinese and Korean writing with Latin.
_SCRIPT_MIXES_ALLOWED = (
    frozenset({"Latn", "Hani", "Hira", "Kana"}),
    frozenset({"Latn", "Hani", "Bopo"}),
    frozenset({"Latn", "Hani", "Hang"}),
)
_ANY_SCRIPT = frozenset({"Zyyy", "Zinh"})  # Common and Inherited: digits, hyphen, accents


class HandleError(SentenceError):
    """A handle a member typed could not be read; ``message`` says why, in plain words."""

    def __init__(self, template: str, *, text: str = "", **fields: object) -> None:
        super().__init__(template, **fields)
        self.text = text

    def common_fields(self) -> dict[str, object]:
        """Every sentence may show how a handle looks."""
        return {"example": Handle.EXAMPLE}


@dataclass(frozen=True, order=True, slots=True)
class Handle:
    """A canonical Mastodon handle: lower-case username and punycode (ASCII) domain."""

    username: str
    domain: str

    EXAMPLE: ClassVar[str] = "@yourname@example.social"

    def __str__(self) -> str:
        """``user@domain``, the form the store and the exports keep."""
        return f"{self.username}@{self.domain}"

    @property
    def acct(self) -> str:
        """The ``user@domain`` form Mastodon's import files and WebFinger use."""
        return str(self)

    @property
    def display_domain(self) -> str:
        """The domain as people read it (Unicode, not punycode)."""
        return display_domain(self.domain)

    @property
    def display(self) -> str:
        """The handle as people read it: ``@user@dömain``."""
        return f"@{self.username}@{self.display_domain}"

    @property
    def profile_url(self) -> str:
        """The conventional profile address, for links shown to people (not for API calls)."""
        return f"https://{self.domain}/@{self.username}"

    @classmethod
    def parse(cls, text: str) -> Handle:
        """Read a handle in any shape a member might type, or raise ``HandleError``."""
        if not isinstance(text, str):
            raise HandleError(N_("Please type your handle as text, like @yourname@example.social."))
        raw = text
        if len(raw) > MAX_INPUT_LENGTH:
            raise HandleError(N_("That is far too long to be a Mastodon handle."), text=raw[:64])
        text = unicodedata.normalize("NFC", raw).strip()
        if not text:
            raise HandleError(
                N_("The handle is empty. Type it like {example}."),
                text=raw,
            )
        if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in text):
            raise HandleError(
                N_("The handle contains invisible or control characters. Please type it again."),
                text=raw,
            )
        lowered = text.lower()
        if lowered in {"@everyone", "@here", "everyone", "here"} or _DISCORD_MENTION_RE.search(
            text
        ):
            raise HandleError(
                N_(
                    "That looks like a Discord mention, not a Mastodon handle. "
                    "Type your Mastodon handle, like {example}."
                ),
                text=raw,
            )
        if any(ch.isspace() for ch in text):
            raise HandleError(
                N_("A handle has no spaces in it. Type it like {example}."),
                text=raw,
            )
        if lowered.startswith(("http://", "https://")):
            username, domain = _split_profile_url(text, raw)
        else:
            if any(ch in _MARKDOWN_CHARS for ch in text):
                raise HandleError(
                    N_(
                        "The handle contains formatting characters (like * ` [ ] < >). "
                        "Type just the handle, like {example}."
                    ),
                    text=raw,
                )
            username, domain = _split_acct(text, raw)
        return cls(_clean_username(username, raw), _clean_domain(domain, raw))

    @classmethod
    def try_parse(cls, text: str) -> Handle | None:
        """Parse, returning None instead of raising (for data already validated once)."""
        try:
            return cls.parse(text)
        except HandleError:
            return None


def _split_acct(text: str, raw: str) -> tuple[str, str]:
    """Split ``@user@domain`` or ``user@domain``."""
    body = text[1:] if text.startswith("@") else text
    if "@" not in body:
        raise HandleError(
            N_("A Mastodon handle needs its server too, like {example} (you typed only the name)."),
            text=raw,
        )
    if body.count("@") > 1:
        raise HandleError(
            N_("That has too many @ signs. A handle looks like {example}."),
            text=raw,
        )
    username, domain = body.split("@", 1)
    if "/" in domain or ":" in domain or "?" in domain:
        raise HandleError(
            N_(
                "The server part of the handle should be just a name like example.social, "
                "without a port or a path."
            ),
            text=raw,
        )
    return username, domain


def _split_profile_url(text: str, raw: str) -> tuple[str, str]:
    """Read a profile link such as ``https://old.social/@alice`` or ``/users/alice``."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise HandleError(
            N_("That link could not be read. Copy your handle instead."), text=raw
        ) from exc
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise HandleError(
            N_(
                "That link contains a user name or password before the server name. "
                "Copy your profile link again, or type your handle."
            ),
            text=raw,
        )
    if port is not None:
        raise HandleError(
            N_(
                "Profile links on Mastodon servers have no port number. Type your handle instead, "
                "like {example}."
            ),
            text=raw,
        )
    if parts.query or parts.fragment:
        raise HandleError(
            N_(
                "That link has extra parts after the name. Type your handle instead, "
                "like {example}."
            ),
            text=raw,
        )
    match = _PROFILE_PATH_RE.match(parts.path)
    if not match or not parts.hostname:
        raise HandleError(
            N_(
                "That link is not a profile link. Open your profile and copy its address "
                "(it ends in /@yourname), or type your handle like {example}."
            ),
            text=raw,
        )
    username = match.group(1)
    if "@" in username:
        raise HandleError(N_("That profile link points to another server's account."), text=raw)
    return username, parts.hostname


def _clean_username(username: str, raw: str) -> str:
    name = username.lower()
    if not name:
        raise HandleError(
            N_("The name before the @ is missing. Type your handle like {example}."),
            text=raw,
        )
    if len(name) > MAX_USERNAME_LENGTH:
        raise HandleError(N_("That username is longer than Mastodon allows."), text=raw)
    if not _USERNAME_RE.match(name):
        raise HandleError(
            N_(
                "Mastodon usernames use only letters, numbers and underscores "
                "(dots and dashes in the middle). Check the name before the @."
            ),
            text=raw,
        )
    return name


def _clean_domain(domain: str, raw: str) -> str:
    """Return the domain as lower-case ASCII (punycode), refusing IPs and odd shapes."""
    try:
        return _canonical_domain(domain)
    except HandleError as exc:
        raise HandleError(exc.template, text=raw, **exc.fields) from exc.__cause__


@lru_cache(maxsize=4096)
def _canonical_domain(domain: str) -> str:
    """``_clean_domain`` once per domain: IDNA checks dominate reading a 20,000-row file."""
    raw = domain
    name = domain.rstrip(".") if domain.endswith(".") and not domain.endswith("..") else domain
    if not name:
        raise HandleError(
            N_("The server name after the @ is missing. Type your handle like {example}."),
            text=raw,
        )
    if _is_ip_address(name):
        raise HandleError(
            N_("The server must be a name like example.social, not a number address."),
            text=raw,
        )
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise HandleError(
            N_("The server name after the @ is not a valid web address. Check its spelling."),
            text=raw,
        ) from exc
    ascii_name = ascii_name.lower()
    if len(ascii_name) > MAX_DOMAIN_LENGTH or not all(
        _LABEL_RE.match(label) for label in ascii_name.split(".")
    ):
        raise HandleError(
            N_("The server name after the @ is not a valid web address. Check its spelling."),
            text=raw,
        )
    if _NUMBER_LABEL_RE.match(ascii_name.rsplit(".", 1)[-1]):
        meaning = _ipv4_meaning(ascii_name)
        if meaning:
            raise HandleError(
                N_(
                    "The server must be a name like example.social, not a number address "
                    "({name} means {meaning})."
                ),
                text=raw,
                name=ascii_name,
                meaning=meaning,
            )
        raise HandleError(
            N_("The server must be a name like example.social, not a number address."),
            text=raw,
        )
    reason = _special_use_template(ascii_name)
    if reason:
        raise HandleError(reason, text=raw, name=ascii_name)
    if "." not in ascii_name:
        raise HandleError(
            N_("The server name needs a dot, like example.social. Check the part after the @."),
            text=raw,
        )
    for label in display_domain(ascii_name, check=False).split("."):
        mixed = mixed_scripts(label)
        if mixed:
            raise HandleError(
                N_(
                    "The server name {shown} mixes letters from different alphabets "
                    "({scripts}) in one word, which is how look-alike addresses are made; its "
                    "real address is {name}. Type the server's name yourself, or copy it from "
                    "the server's own page."
                ),
                text=raw,
                shown=display_domain(ascii_name, check=False),
                scripts=format_list(mixed, locale=current_language()),
                name=ascii_name,
            )
    return ascii_name


def _is_ip_address(name: str) -> bool:
    candidate = name.strip("[]")
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _ipv4_meaning(ascii_name: str) -> str | None:
    """The dotted address a numeric host stands for, read as inet_aton reads it.

    One to four parts, each decimal, octal (leading 0) or hex (0x); the last part fills
    the bytes that are left: ``0x7f.1`` is 127.0.0.1, ``2130706433`` too.
    """
    parts = ascii_name.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        try:
            if part.lower().startswith("0x"):
                values.append(int(part[2:], 16))
            elif part.startswith("0") and len(part) > 1:
                values.append(int(part[1:], 8))
            else:
                values.append(int(part, 10))
        except ValueError:
            return None
    *leading, last = values
    if any(value > 255 for value in leading) or last >= 256 ** (5 - len(values)):
        return None
    number = last
    for index, value in enumerate(leading):
        number += value << (8 * (3 - index))
    return str(ipaddress.IPv4Address(number))


def special_use_reason(ascii_name: str) -> str | None:
    """Why a (punycode) name cannot be a public server, or None if it can be one."""
    reason = _special_use_template(ascii_name)
    return _(reason).format(name=ascii_name) if reason else None


def _special_use_template(ascii_name: str) -> str | None:
    labels = ascii_name.split(".")
    for length in (2, 1):
        reason = SPECIAL_USE_NAMES.get(".".join(labels[-length:]))
        if reason and len(labels) >= length:
            return reason
    return None


def mixed_scripts(label: str) -> list[str]:
    """The scripts a label mixes in a way look-alike names do, or [] when it does not.

    UTS #39's "Highly Restrictive" rule: one script throughout (each character's Script
    Extensions counted, Common and Inherited ones fitting any), or one of the Japanese,
    Chinese or Korean mixes with Latin. ``аpple`` (Cyrillic а) gives ["Cyrillic", "Latin"].
    """
    found = [frozenset(scripts.script_extension(ch)) for ch in label]
    found = [extensions for extensions in found if not extensions <= _ANY_SCRIPT]
    if not found or frozenset.intersection(*found):
        return []
    if any(all(ext & mix for ext in found) for mix in _SCRIPT_MIXES_ALLOWED):
        return []
    codes = sorted({min(ext) for ext in found})
    return [scripts.script_name(code) for code in codes]


@lru_cache(maxsize=4096)
def display_domain(domain: str, *, check: bool = True) -> str:
    """Show a punycode domain in Unicode, as browsers do.

    It stays in ASCII when it will not decode, or (``check``) when a label mixes alphabets
    the way look-alike names do.
    """
    try:
        shown = idna.decode(domain)
    except (idna.IDNAError, UnicodeError):
        return domain
    if check and any(mixed_scripts(label) for label in shown.split(".")):
        return domain
    return shown


def normalise_domain(text: str) -> str:
    """Canonical form of a server name typed alone (``Old.Social``, ``https://old.social/``)."""
    stripped = text.strip()
    if stripped.lower().startswith(("http://", "https://")):
        parts = urlsplit(stripped)
        if parts.port is not None or parts.username or (parts.path not in {"", "/"}):
            raise HandleError(N_("Give just the server's name, like example.social."), text=text)
        stripped = parts.hostname or ""
    if any(ch.isspace() or ch in "@/:?#" for ch in stripped):
        raise HandleError(N_("Give just the server's name, like example.social."), text=text)
    return _clean_domain(stripped, text)
