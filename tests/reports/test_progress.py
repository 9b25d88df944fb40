"""Progress numbers: counts, shares, pace, days left, and who needs an organiser's help."""

from datetime import UTC, date, datetime, timedelta

import pytest

from companion.core.handles import Handle
from companion.core.models import Campaign, Member
from companion.reports.progress import build_progress

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
CAMPAIGN = Campaign(
    guild_id=1,
    community_name="Garden Club",
    old_server="old.social",
    new_server="new.social",
    deadline=datetime(2026, 12, 15, 17, tzinfo=UTC),
    timezone="Europe/Berlin",
    guide_url="https://guide.example/",
)


def member(user_id: int, status: str | None = None, **fields) -> Member:
    values = {
        "guild_id": 1,
        "user_id": user_id,
        "display_name": f"m{user_id}",
        "old_handle": Handle(f"u{user_id}", "old.social"),
        "new_handle": Handle(f"u{user_id}", "new.social"),
        "linked_at": NOW - timedelta(days=10),
        "last_status": status,
    }
    values.update(fields)
    return Member(**values)


def test_counts_shares_and_days_left():
    members = [
        member(1, "moved", moved_at=NOW - timedelta(days=1), verified_at=NOW),
        member(2, "followers_arrived", moved_at=NOW - timedelta(days=3), verified_at=NOW),
        member(3, "alias_missing", linked_at=NOW - timedelta(hours=5)),
        member(4, "ready_to_move", verified_at=NOW),
        member(5),
    ]
    report = build_progress(members, CAMPAIGN, NOW)
    assert report.status_counts == {
        "unchecked": 1,
        "alias_missing": 1,
        "ready_to_move": 1,
        "moved": 1,
        "followers_arrived": 1,
    }
    assert (report.linked, report.moved, report.verified, report.left) == (5, 2, 3, 3)
    assert report.share_moved == pytest.approx(0.4)
    assert report.share_verified == pytest.approx(0.6)
    assert report.days_left == 5
    assert report.time_left == timedelta(days=5, hours=5)
    assert report.needed_per_day == pytest.approx(3 / 5)
    assert report.needs_help == ()


def test_moves_per_day_in_local_days_with_zeros():
    berlin_midnight = datetime(2026, 12, 8, 23, 30, tzinfo=UTC)  # 00:30 on the 9th in Berlin
    members = [
        member(1, "moved", moved_at=berlin_midnight, linked_at=NOW - timedelta(days=3)),
        member(2, "moved", moved_at=NOW - timedelta(hours=1), linked_at=NOW - timedelta(days=3)),
        member(3, "moved", moved_at=NOW - timedelta(hours=2), linked_at=NOW - timedelta(days=3)),
    ]
    report = build_progress(members, CAMPAIGN, NOW)
    assert report.daily_moves == (
        (date(2026, 12, 7), 0),
        (date(2026, 12, 8), 0),
        (date(2026, 12, 9), 1),
        (date(2026, 12, 10), 2),
    )
    assert report.cumulative_moves[-1] == (date(2026, 12, 10), 3)
    assert report.moves_per_day == pytest.approx(3 / 4)


def test_members_who_need_help_each_with_a_fix():
    members = [
        member(1, "old_account_gone", last_checked_at=NOW),
        member(2, "moved_elsewhere", moved_at=NOW - timedelta(days=2)),
        member(3, "alias_missing", linked_at=NOW - timedelta(days=5)),
        member(4, "alias_missing", linked_at=NOW - timedelta(days=1)),  # still in time
        member(5, "moved", moved_at=NOW - timedelta(days=8), followers_before=200),
        member(6, "moved", moved_at=NOW - timedelta(days=8), followers_before=200),
        member(7, "moved", moved_at=NOW - timedelta(days=2), followers_before=200),  # too soon
        member(8, "server_unreachable"),  # last known: alias missing for a long time
    ]
    reports = {
        2: {"moved_to": "someone@else.social"},
        5: {"followers_now": 40},
        6: {"followers_now": 150},
        7: {"followers_now": 0},
        8: {"last_known_status": "alias_missing"},
    }
    report = build_progress(members, CAMPAIGN, NOW, reports=reports)
    found = {(h.user_id, h.reason) for h in report.needs_help}
    assert found == {
        (1, "old_account_gone"),
        (2, "moved_elsewhere"),
        (3, "alias_missing"),
        (5, "followers_missing"),
        (8, "alias_missing"),
    }
    by_user = {h.user_id: h for h in report.needs_help}
    assert "someone@else.social" in by_user[2].detail
    assert by_user[3].detail == "No alias on the new account, 5 days after linking"
    assert by_user[5].detail == "40 of 200 followers (20%) 8 days after moving"
    assert by_user[5].guide_url == "https://guide.example/problems/#followers-missing"
    assert all(h.fix for h in report.needs_help)
    assert next(h.reason for h in report.needs_help) == "old_account_gone"


@pytest.mark.parametrize(
    "junk", [None, "many", True, -3, float("nan"), float("inf"), [1], {"n": 1}]
)
def test_reports_are_read_defensively(junk):
    members = [member(1, "moved", moved_at=NOW - timedelta(days=9), followers_before=100)]
    report = build_progress(
        members, CAMPAIGN, NOW, reports={1: {"followers_now": junk, "followers_before": junk}}
    )
    assert report.needs_help == ()


def test_nobody_linked_yet():
    report = build_progress([], CAMPAIGN, NOW)
    assert (report.linked, report.share_moved, report.moves_per_day) == (0, 0.0, 0.0)
    assert report.daily_moves == ()
    assert report.status_counts == {}


def test_after_the_deadline():
    report = build_progress([member(1)], CAMPAIGN, NOW + timedelta(days=8))
    assert report.days_left == -3
    assert report.needed_per_day is None
    assert build_progress([], Campaign(guild_id=1), NOW).days_left is None


def test_old_account_deleted_after_the_move_gets_its_own_explanation():
    before = member(1, "old_account_gone", last_checked_at=NOW)
    after = member(2, "old_account_gone", last_checked_at=NOW, moved_at=NOW - timedelta(days=2))
    report = build_progress([before, after], CAMPAIGN, NOW)
    details = {h.user_id: (h.reason, h.detail) for h in report.needs_help}
    assert details[1] == (
        "old_account_gone",
        "Old account gone (deleted or suspended) before the move",
    )
    assert details[2][0] == "old_account_gone"
    assert "after the move" in details[2][1]
    assert all(h.guide_url.endswith("problems/#old-account-gone") for h in report.needs_help)
