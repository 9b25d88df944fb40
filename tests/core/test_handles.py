"""Handles: what members really type is accepted; everything else gets a kind refusal."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.core.handles import Handle, HandleError, normalise_domain


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
        ("alice@localhost", "needs a dot"),
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
