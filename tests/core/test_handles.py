"""Handles: what members really type is accepted; everything else gets a kind refusal."""

import string

import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.core.handles import Handle, HandleError, display_domain, normalise_domain


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("@alice@old.social", "alice@old.social"),
        ("alice@old.social", "alice@old.social"),
        ("https://old.social/@alice", "alice@old.social"),
        ("https://old.social/users/alice", "alice@old.social"),
        ("https://old.social/@alice/", "alice@old.social"),
        ("@Alice@Old.Social", "alice@old.social"),
        ("   @alice@old.social  ", "alice@old.social"),
        ("alice@old.social.", "alice@old.social"),
        ("@bob@bücher.example", "bob@xn--bcher-kva.example"),
        ("@BOB@BÜCHER.example", "bob@xn--bcher-kva.example"),
        ("al.ice_2@sub.old-server.social", "al.ice_2@sub.old-server.social"),
        ("@anna@xn--bcher-kva.example", "anna@xn--bcher-kva.example"),
    ],
)
def test_accepts_what_members_type(typed, canonical):
    assert str(Handle.parse(typed)) == canonical


def test_unicode_domain_is_shown_in_unicode():
    handle = Handle.parse("@bob@bücher.example")
    assert handle.domain == "xn--bcher-kva.example"
    assert handle.display == "@bob@bücher.example"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("alice", "needs its server"),
        ("@alice", "needs its server"),
        ("", "empty"),
        ("   ", "empty"),
        ("al ice@old.social", "no spaces"),
        ("alice@old .social", "no spaces"),
        ("@everyone", "Discord mention"),
        ("@here", "Discord mention"),
        ("<@123456789012345678>", "Discord mention"),
        ("<@&123456789012345678>", "Discord mention"),
        ("<#123456789012345678>", "Discord mention"),
        ("**alice**@old.social", "formatting"),
        ("[alice](https://evil.example)@old.social", "formatting"),
        ("`alice`@old.social", "formatting"),
        ("alice@192.168.1.10", "not a number address"),
        ("alice@127.0.0.1", "not a number address"),
        ("alice@[::1]", "formatting"),
        ("alice@old.social:8443", "without a port"),
        ("https://old.social:8443/@alice", "no port"),
        ("https://user:pass@old.social/@alice", "user name or password"),
        ("https://old.social/@alice?x=1", "extra parts"),
        ("https://old.social/about", "not a profile link"),
        ("alice\u0000@old.social", "control characters"),
        ("alice\u200b@old.social", "control characters"),
        ("alice@old\u202e.social", "control characters"),
        ("alice@localhost", "points back at the computer"),
        ("a" * 65 + "@old.social", "longer than Mastodon allows"),
        ("alice@" + "x" * 64 + ".social", "not a valid web address"),
        ("alice@" + ".".join(["abcdefghij"] * 30), "not a valid web address"),
        ("x" * 600, "far too long"),
        ("alice@old.social@other.social", "too many @"),
        ("ali!ce@old.social", "letters, numbers and underscores"),
        ("alice@-old.social", "not a valid web address"),
    ],
)
def test_refuses_with_a_plain_reason(typed, words):
    with pytest.raises(HandleError) as caught:
        Handle.parse(typed)
    assert words in caught.value.message
    assert "Traceback" not in caught.value.message


def test_refusal_messages_never_echo_markup_back():
    with pytest.raises(HandleError) as caught:
        Handle.parse("[click](https://evil.example)@old.social")
    assert "evil" not in caught.value.message


usernames = st.from_regex(r"\A[a-z0-9_]{1,10}(?:[.\-][a-z0-9_]{1,8})?\Z", fullmatch=True)
labels = st.from_regex(r"\A[a-z][a-z0-9]{0,8}\Z", fullmatch=True)
unicode_labels = st.text(alphabet="äöüßéñøåç", min_size=1, max_size=6)
domains = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(st.one_of(labels, unicode_labels), min_size=1, max_size=3),
    st.sampled_from(["social", "example", "org", "de"]),
)


@given(username=usernames, domain=domains, shape=st.integers(0, 3))
def test_parse_format_parse_round_trips(username, domain, shape):
    typed = [
        f"@{username}@{domain}",
        f"{username}@{domain}",
        f"https://{domain}/@{username}",
        f"https://{domain}/users/{username}",
    ][shape]
    handle = Handle.parse(typed)
    assert Handle.parse(str(handle)) == handle
    assert Handle.parse(handle.display) == handle
    assert Handle.parse(handle.profile_url) == handle
    assert str(handle) == str(handle).lower()
    assert str(handle).isascii()


@settings(max_examples=400)
@given(st.text(alphabet=string.printable + "äöü@<>`*_~|\u200b\u0000\ufeff:/#", max_size=80))
def test_never_raises_anything_but_handle_error(text):
    try:
        handle = Handle.parse(text)
    except HandleError as exc:
        assert exc.message
    else:
        # Whatever is accepted is safe to show in Discord and to use as a host name.
        assert not set("<>`*|[]()\\ ") & set(handle.display)
        assert Handle.parse(str(handle)) == handle


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("Old.Social", "old.social"),
        ("https://old.social/", "old.social"),
        (" bücher.example ", "xn--bcher-kva.example"),
    ],
)
def test_normalise_domain(typed, domain):
    assert normalise_domain(typed) == domain


@pytest.mark.parametrize(
    "typed", ["old.social:443", "https://old.social/about", "10.0.0.1", "a@b.c"]
)
def test_normalise_domain_refuses(typed):
    with pytest.raises(HandleError):
        normalise_domain(typed)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("a@0x7f.0x1", "not a number address (0x7f.0x1 means 127.0.0.1)"),
        ("a@0x7f.0x0.0x0.0x1", "not a number address (0x7f.0x0.0x0.0x1 means 127.0.0.1)"),
        ("a@0177.0.0.1", "means 127.0.0.1"),
        ("a@127.1", "means 127.0.0.1"),
        ("a@2130706433", "means 127.0.0.1"),
        ("a@0x7f000001", "means 127.0.0.1"),
        ("a@169.254.169.254.", "not a number address"),
        ("https://0x7f.1/@alice", "not a number address"),
        ("a@x.localhost", "x.localhost points back at the computer it is typed on"),
        ("a@localhost.localdomain", "points back at the computer"),
        ("a@metadata.google.internal", "metadata.google.internal belongs to a private network"),
        ("https://metadata.google.internal/@alice", "private network"),
        ("a@printer.local", "private network"),
        ("a@nas.home.arpa", "private network"),
        ("a@x.alt", "private network"),
        ("a@nope.invalid", "reserved never to exist"),
        ("a@expyuzz4wqqyqhjn.onion", "Tor onion address"),
        ("a@1.0.0.127.in-addr.arpa", "the internet's own machinery"),
    ],
)
def test_refuses_numbers_in_disguise_and_names_that_are_not_public(typed, words):
    with pytest.raises(HandleError) as caught:
        Handle.parse(typed)
    assert words in caught.value.message
    assert "example.social" in caught.value.message  # and says what a server name looks like


def test_refuses_a_mixed_script_look_alike_showing_its_real_address():
    with pytest.raises(HandleError) as caught:
        Handle.parse("a@\u0430pple.com")  # Cyrillic а, then Latin "pple"
    assert caught.value.message == (
        "The server name \u0430pple.com mixes letters from different alphabets (Cyrillic and "
        "Latin) in one word, which is how look-alike addresses are made; its real address is "
        "xn--pple-43d.com. Type the server's name yourself, or copy it from the server's own "
        "page."
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("a@日本語テキストabc.jp", "@a@日本語テキストabc.jp"),  # Japanese with Latin: allowed
        ("a@пример.рф", "@a@пример.рф"),  # one script per label
        ("a@παράδειγμα.gr", "@a@παράδειγμα.gr"),
        ("a@old.example", "@a@old.example"),  # RFC 6761: ordinary names to applications
        ("a@staging.test", "@a@staging.test"),
        ("a@local.social", "@a@local.social"),  # special only as the last label
        ("a@0x7f.social", "@a@0x7f.social"),  # a number only counts as the last label
        ("a@localhost-fans.org", "@a@localhost-fans.org"),
    ],
)
def test_still_accepts_real_names_that_resemble_refused_ones(typed, shown):
    assert Handle.parse(typed).display == shown


def test_a_stored_look_alike_is_shown_in_punycode_as_browsers_do():
    assert display_domain("xn--pple-43d.com") == "xn--pple-43d.com"
    assert display_domain("xn--bcher-kva.example") == "bücher.example"
    assert Handle("a", "xn--pple-43d.com").display == "@a@xn--pple-43d.com"


@pytest.mark.parametrize("typed", ["metadata.google.internal", "0x7f.1", "x.localhost"])
def test_organisers_cannot_configure_such_servers_either(typed):
    with pytest.raises(HandleError):
        normalise_domain(typed)


def _written(value: int, form: int) -> str:
    return [str(value), f"0x{value:x}", f"0{value:o}" if value else "0"][form]


@given(
    parts=st.lists(st.integers(0, 255), min_size=1, max_size=4),
    forms=st.lists(st.integers(0, 2), min_size=4, max_size=4),
    shape=st.integers(0, 1),
)
def test_every_inet_aton_spelling_of_an_address_is_refused_naming_it(parts, forms, shape):
    host = ".".join(_written(v, f) for v, f in zip(parts, forms, strict=False))
    # inet_aton: the last part fills the bytes the earlier parts leave (a.b → a.0.0.b).
    expected = ".".join(str(v) for v in [*parts[:-1], *[0] * (4 - len(parts)), parts[-1]])
    typed = [f"alice@{host}", f"https://{host}/@alice"][shape]
    with pytest.raises(HandleError) as caught:
        Handle.parse(typed)
    assert "not a number address" in caught.value.message
    if host != expected:  # a plain dotted address needs no explanation
        assert f"means {expected}" in caught.value.message


special_suffixes = st.sampled_from(
    [
        "localhost",
        "localdomain",
        "local",
        "internal",
        "home.arpa",
        "alt",
        "invalid",
        "onion",
        "arpa",
        "in-addr.arpa",
    ]
)


@given(names=st.lists(labels, min_size=0, max_size=3), suffix=special_suffixes)
def test_special_use_names_are_refused_whatever_comes_before(names, suffix):
    host = ".".join([*names, suffix])
    with pytest.raises(HandleError) as caught:
        Handle.parse(f"@alice@{host}")
    assert "example.social" in caught.value.message


latin = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
look_alikes = st.sampled_from(
    ["\u0430", "\u0435", "\u043e", "\u0440", "\u0441", "\u03bf", "\u03b1"]
)


@given(before=latin, foreign=look_alikes, after=latin, tld=st.sampled_from(["com", "social"]))
def test_a_latin_word_with_one_cyrillic_or_greek_letter_is_refused(before, foreign, after, tld):
    domain = f"{before}{foreign}{after}.{tld}"
    with pytest.raises(HandleError) as caught:
        Handle.parse(f"alice@{domain}")
    message = caught.value.message
    assert idna.encode(domain, uts46=True).decode() in message  # the real address
    assert "Latin" in message
    assert ("Cyrillic" in message) != ("Greek" in message)


@given(
    word=st.one_of(
        st.text(alphabet="абвгдежзийклмнопрстуфхцчшщэюя", min_size=2, max_size=8),
        st.text(alphabet="αβγδεζηθικλμνξοπρστυφχψω", min_size=2, max_size=8),
    ),
    tld=st.sampled_from(["com", "social", "рф"]),
)
def test_single_script_words_are_kept_and_shown_in_their_own_letters(word, tld):
    handle = Handle.parse(f"alice@{word}.{tld}")
    assert handle.display == f"@alice@{word}.{tld}"
    assert Handle.parse(str(handle)) == handle
