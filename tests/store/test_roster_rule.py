"""The roster rule is stated once in the core; the store's queries must agree with it.

Hypothesis generates communities (moved or not, verified or not, yes/no/never asked, some
announced already), writes them to a real SQLite file through the store, and compares what
the store lists with what ``is_listed`` / ``build_roster`` say about the same members.
"""

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.core.handles import Handle
from companion.core.roster import build_roster, is_findable, is_listed
from companion.store import CheckRecord, Store

T0 = datetime(2026, 12, 1, 12, tzinfo=UTC)
GUILD, OTHER_GUILD = 1, 2

member_states = st.fixed_dictionaries(
    {
        "moved_hours": st.one_of(st.none(), st.integers(0, 72)),
        "verified": st.booleans(),
        "consent": st.sampled_from([None, True, False]),
        "announced": st.booleans(),
        "name": st.text(min_size=1, max_size=12),
    }
)


def write_community(store: Store, guild: int, states: list[dict]) -> None:
    for user, state in enumerate(states, start=1):
        store.link_member(
            guild,
            user,
            state["name"],
            Handle.parse(f"u{user}@old.social"),
            Handle.parse(f"u{user}@new.social"),
            now=T0,
        )
        changes: dict = {"roster_consent": state["consent"]} if state["consent"] is not None else {}
        if state["verified"]:
            changes["verified_at"] = T0
        if state["announced"]:
            changes["move_announced_at"] = T0
        if changes:
            store.update_member(guild, user, **changes)
        if state["moved_hours"] is not None:
            moved_at = T0 + timedelta(hours=state["moved_hours"])
            check = CheckRecord(user, moved_at, "moved", {}, moved=True, moved_at=moved_at)
            store.record_checks(guild, [check])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    community=st.lists(member_states, max_size=12),
    elsewhere=st.lists(member_states, max_size=4),
)
def test_the_stores_roster_is_the_cores_rule(community, elsewhere):
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "companion.db")
        try:
            store.migrate()
            write_community(store, GUILD, community)
            write_community(store, OTHER_GUILD, elsewhere)  # must never leak into GUILD's
            members = store.members(GUILD)

            listed = {m.new_handle for m in members if is_listed(m)}
            roster = store.roster(GUILD)
            assert {e.new_handle for e in roster} == listed
            assert {e.new_handle for e in build_roster(members)} == listed
            assert len(roster) == len(listed)  # one entry per new account
            assert [e.moved_at for e in roster] == sorted(e.moved_at for e in roster)

            to_announce = store.moves_to_announce(GUILD, limit=100)
            assert [m.user_id for m in to_announce] == [
                m.user_id
                for m in sorted(members, key=lambda m: (m.moved_at or T0, m.user_id))
                if is_listed(m) and m.move_announced_at is None
            ]
        finally:
            store.close()


def test_whois_finds_verified_consenting_members_before_they_move():
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "companion.db")
        try:
            store.migrate()
            states = [
                {"moved_hours": None, "verified": True, "consent": True, "announced": False},
                {"moved_hours": 1, "verified": True, "consent": None, "announced": False},
                {"moved_hours": 1, "verified": False, "consent": True, "announced": False},
            ]
            write_community(store, GUILD, [{**s, "name": f"m{i}"} for i, s in enumerate(states)])
            members = {m.user_id: m for m in store.members(GUILD)}
            assert [is_findable(members[u]) for u in (1, 2, 3)] == [True, False, False]
            assert [is_listed(members[u]) for u in (1, 2, 3)] == [False, False, False]
        finally:
            store.close()
