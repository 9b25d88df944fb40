"""The pure decision: properties over arbitrary facts (no servers involved)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from companion.core.guide_links import STATUS_ANCHORS
from companion.core.handles import Handle
from companion.core.move_facts import (
    AccountFacts,
    AliasAnswer,
    AliasFacts,
    Answer,
    MovedTarget,
    MoveFacts,
)
from companion.core.move_report import MoveReport, build_report
from companion.core.move_rules import MoveRules, decide, followers_arrived, moved_to_linked
from companion.core.move_status import MoveStatus

T0 = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
OLD = Handle("alice", "old.example")
OLD_ACTOR = "https://old.example/ap/users/1"
NEW_ACTOR = "https://new.example/users/alice"
GUIDE = "https://guide.example/"

new_handles = st.sampled_from(
    [Handle("alice", "new.example"), Handle("bob", "new.example"), Handle("alice", "other.example")]
)
counts = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))
targets = st.one_of(
    st.none(),
    st.builds(
        MovedTarget,
        acct=st.sampled_from([None, "alice@new.example", "bob@new.example", "carol@far.example"]),
        uri=st.sampled_from([None, NEW_ACTOR, "https://far.example/users/carol"]),
        url=st.none(),
    ),
)


@st.composite
def account_facts(draw: st.DrawFn, handle: Handle, actor: str) -> AccountFacts | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    answer = draw(st.sampled_from(list(Answer)))
    found = answer is Answer.FOUND
    return AccountFacts(
        handle=str(handle),
        answer=answer,
        server=handle.domain,
        observed_at=T0,
        reason="" if found else "because",
        account_id="1" if found else None,
        actor_uri=draw(st.sampled_from([actor, None])) if found else None,
        followers_count=draw(counts) if found else None,
        moved=draw(targets) if found else None,
        moved_visible=draw(st.booleans()) if found else True,
    )


@st.composite
def move_facts(draw: st.DrawFn) -> MoveFacts:
    new = draw(new_handles)
    alias = None
    if draw(st.booleans()):
        alias = AliasFacts(
            answer=draw(st.sampled_from(list(AliasAnswer))),
            server=new.domain,
            observed_at=T0,
            actor_uri=NEW_ACTOR,
            also_known_as=tuple(
                draw(st.lists(st.sampled_from([OLD_ACTOR, "https://x.example/u/1"]), max_size=2))
            ),
        )
    return MoveFacts(
        old=OLD,
        new=new,
        old_account=draw(account_facts(OLD, OLD_ACTOR)),
        new_account=draw(account_facts(new, NEW_ACTOR)),
        alias=alias,
        recorded_followers=draw(counts),
    )


rules_strategy = st.builds(
    MoveRules,
    new_server=st.sampled_from([None, "new.example"]),
    followers_share=st.floats(min_value=0.05, max_value=1.0),
)


@settings(max_examples=400)
@given(facts=move_facts(), rules=rules_strategy)
def test_decision_follows_the_documented_rules(facts: MoveFacts, rules: MoveRules) -> None:
    decision = decide(facts, rules)
    status = decision.status
    old, new, alias = facts.old_account, facts.new_account, facts.alias
    assert status is not MoveStatus.NOT_LINKED
    wrong = rules.new_server is not None and facts.new.domain != rules.new_server
    assert (status is MoveStatus.WRONG_SERVER) == wrong
    if wrong:
        return
    absent = {Answer.NOT_FOUND, Answer.GONE, Answer.SUSPENDED}
    assert (status is MoveStatus.OLD_ACCOUNT_GONE) == (old is not None and old.answer in absent)
    if status in {MoveStatus.MOVED, MoveStatus.FOLLOWERS_ARRIVED}:
        assert old is not None
        assert old.found
        assert old.moved is not None
        assert moved_to_linked(old.moved, facts.new, new)
    if status is MoveStatus.MOVED_ELSEWHERE:
        assert old is not None
        assert old.moved is not None
        assert not moved_to_linked(old.moved, facts.new, new)
    if status in {MoveStatus.READY_TO_MOVE, MoveStatus.ALIAS_MISSING}:
        # Only a readable actor decides the alias: unknown is never reported as missing.
        assert alias is not None
        assert alias.answer is AliasAnswer.READ
        assert old is not None
        assert old.moved is None
        assert old.moved_visible
        listed = OLD_ACTOR in alias.also_known_as and old.actor_uri == OLD_ACTOR
        assert (status is MoveStatus.READY_TO_MOVE) == listed
    if status is MoveStatus.FOLLOWERS_ARRIVED:
        assert decision.followers_before is not None
        assert decision.followers_now is not None
        target = math.ceil(rules.followers_share * decision.followers_before - 1e-9)
        assert decision.followers_now >= target
    if status.is_observation_gap:
        troubled = [
            f
            for f in (old, new)
            if f is None or f.answer in {Answer.UNREACHABLE, Answer.UNSUPPORTED}
        ]
        assert (
            troubled
            or (old is not None and not old.moved_visible)
            or (alias is not None and alias.answer is AliasAnswer.UNREACHABLE)
        )


@settings(max_examples=200)
@given(facts=move_facts(), rules=rules_strategy)
def test_reports_are_complete_and_round_trip(facts: MoveFacts, rules: MoveRules) -> None:
    report = build_report(facts, rules, guide_base=GUIDE, checked_at=T0)
    assert report.guide_url == GUIDE + STATUS_ANCHORS[report.status.value]
    for text in (report.explanation, report.next_step):
        assert text
        assert "{" not in text
        assert "}" not in text
    again = MoveReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report


@given(
    before=st.integers(min_value=0, max_value=100_000),
    now=st.integers(min_value=0, max_value=100_000),
    more=st.integers(min_value=0, max_value=1000),
    share=st.floats(min_value=0.01, max_value=1.0),
)
def test_followers_arrived_is_a_threshold(before: int, now: int, more: int, share: float) -> None:
    if followers_arrived(before, now, share):
        assert followers_arrived(before, now + more, share)  # more followers never un-arrive
        assert now >= share * before - 1e-6
    assert followers_arrived(before, before, share)  # everyone arrived is always enough
    assert not followers_arrived(None, now, share)


def test_default_share_is_ninety_percent_of_the_recorded_count() -> None:
    assert not followers_arrived(100, 89, 0.9)
    assert followers_arrived(100, 90, 0.9)
    assert followers_arrived(0, 0, 0.9)


@given(gaps=st.lists(st.booleans(), min_size=1, max_size=6))
def test_last_known_status_survives_any_run_of_silent_checks(gaps: list[bool]) -> None:
    ready = AccountFacts(
        "alice@old.example",
        Answer.FOUND,
        "old",
        T0,
        account_id="1",
        actor_uri=OLD_ACTOR,
        followers_count=5,
    )
    silent = AccountFacts("alice@old.example", Answer.UNREACHABLE, "old", T0, reason="timeout")
    new_handle = Handle("alice", "new.example")
    new = AccountFacts(
        str(new_handle), Answer.FOUND, "new", T0, account_id="2", actor_uri=NEW_ACTOR
    )
    alias = AliasFacts(AliasAnswer.READ, "new", T0, NEW_ACTOR, (OLD_ACTOR,))
    previous: MoveReport | None = None
    last_good: tuple[MoveStatus, datetime] | None = None
    for step, gap in enumerate(gaps):
        moment = T0 + timedelta(hours=step)
        facts = MoveFacts(OLD, new_handle, silent if gap else ready, new, alias, 5)
        report = build_report(
            facts, MoveRules(), guide_base=GUIDE, checked_at=moment, previous=previous
        )
        if gap:
            assert report.status is MoveStatus.SERVER_UNREACHABLE
            expected = last_good or (None, None)
            assert (report.last_known_status, report.last_confirmed_at) == expected
        else:
            assert report.status is MoveStatus.READY_TO_MOVE
            assert report.last_confirmed_at == moment
            last_good = (MoveStatus.READY_TO_MOVE, moment)
        previous = report


def test_every_status_has_words_and_a_guide_section() -> None:
    for status in MoveStatus:
        assert status.label
        assert status.explanation
        assert status.next_step
        assert status.value in STATUS_ANCHORS
        assert not any(ord(ch) > 0x2FFF for ch in status.explanation)  # no emoji
