"""Reminder schedule: once each, no burst after downtime, local times across DST, re-plans."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.core.models import Campaign
from companion.core.reminders import (
    STEMS,
    Figures,
    build_schedule,
    channel_message,
    dm_message,
    due_reminders,
    schedule_for,
    split_key,
)
from companion.store import Store

BERLIN = ZoneInfo("Europe/Berlin")
GUILD = 42
DEADLINE = datetime(2026, 12, 15, 18, 0, tzinfo=BERLIN)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def now() -> datetime:
    """The frozen clock's time, as the bot's reminder task reads it."""
    return datetime.now(UTC)


def tick(store: Store, schedule, at: datetime) -> list[str]:
    """One run of the bot's reminder task: claim skipped keys, claim and 'post' the chosen one."""
    with time_machine.travel(at, tick=False):
        current = now()
        decision = due_reminders(schedule, store.reminders_sent(GUILD).keys(), current)
        for key in decision.skipped:
            store.claim_reminder(GUILD, key, current, current)
        posted = []
        if decision.reminder is not None and store.claim_reminder(
            GUILD, decision.reminder.key, decision.reminder.due_at, current
        ):
            posted.append(decision.reminder.key)
        return posted


def open_store(path) -> Store:
    store = Store(path)
    store.migrate()
    return store


def test_schedule_has_every_reminder_at_ten_local_time():
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    assert [r.stem for r in schedule.reminders] == list(STEMS)
    assert [r.key for r in schedule.reminders] == [f"{s}@2026-12-15" for s in STEMS]
    due = {r.stem: r.due_at.astimezone(BERLIN) for r in schedule.reminders}
    assert due == {
        "announce": berlin(2026, 12, 1, 10),
        "d-7": berlin(2026, 12, 8, 10),
        "d-3": berlin(2026, 12, 12, 10),
        "d-1": berlin(2026, 12, 14, 10),
        "d0": berlin(2026, 12, 15, 10),
        "d+1": berlin(2026, 12, 16, 10),
        "d+7": berlin(2026, 12, 22, 10),
        "d+30": berlin(2027, 1, 14, 10),
    }


def test_cutover_early_in_the_morning_gets_its_reminder_before_it():
    schedule = build_schedule(berlin(2026, 12, 15, 8), "Europe/Berlin")
    assert schedule.get("d0").due_at == berlin(2026, 12, 15, 5)


def test_no_deadline_no_schedule():
    assert schedule_for(Campaign(guild_id=GUILD)) is None


def test_restart_posts_nothing_twice(db_path):
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    store = open_store(db_path)
    assert tick(store, schedule, berlin(2026, 12, 1, 10, 5)) == ["announce@2026-12-15"]
    store.close()
    # The bot restarts a minute later, and again an hour later: the same state, nothing new.
    for minutes in (6, 65):
        restarted = open_store(db_path)
        assert tick(restarted, schedule, berlin(2026, 12, 1, 10) + timedelta(minutes=minutes)) == []
        restarted.close()
    restarted = open_store(db_path)
    assert tick(restarted, schedule, berlin(2026, 12, 8, 10, 0, 30)) == ["d-7@2026-12-15"]
    assert set(restarted.reminders_sent(GUILD)) == {"announce@2026-12-15", "d-7@2026-12-15"}


def test_a_crash_between_claim_and_post_never_posts_again(db_path):
    """The key is claimed before posting: at-most-once, as a channel reminder should be."""
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    store = open_store(db_path)
    with time_machine.travel(berlin(2026, 12, 1, 10, 1), tick=False):
        decision = due_reminders(schedule, set(), now())
        assert decision.reminder is not None
        store.claim_reminder(GUILD, decision.reminder.key, decision.reminder.due_at, now())
    # ...the process dies here, before posting...
    assert tick(open_store(db_path), schedule, berlin(2026, 12, 1, 10, 2)) == []


def test_downtime_spanning_two_reminders_posts_only_the_latest(db_path):
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    store = open_store(db_path)
    assert tick(store, schedule, berlin(2026, 12, 1, 10)) == ["announce@2026-12-15"]
    assert tick(store, schedule, berlin(2026, 12, 8, 10)) == ["d-7@2026-12-15"]
    # Down from the 8th to the 14th at 11:30: d-3 and d-1 were both missed.
    with time_machine.travel(berlin(2026, 12, 14, 11, 30), tick=False):
        decision = due_reminders(schedule, store.reminders_sent(GUILD).keys(), now())
    assert decision.reminder is not None
    assert decision.reminder.key == "d-1@2026-12-15"
    assert decision.skipped == ("d-3@2026-12-15",)
    assert decision.next_due_at == berlin(2026, 12, 15, 10)
    assert tick(store, schedule, berlin(2026, 12, 14, 11, 30)) == ["d-1@2026-12-15"]
    assert tick(store, schedule, berlin(2026, 12, 14, 11, 31)) == []
    sent = store.reminders_sent(GUILD)
    assert sent["d-3@2026-12-15"].message_id is None  # recorded as skipped, never posted


def test_dst_change_keeps_local_times(db_path):
    """Berlin leaves summer time on 2026-10-25: reminders stay at 10:00 on both sides."""
    deadline = berlin(2026, 11, 5, 18)
    schedule = build_schedule(deadline, "Europe/Berlin")
    announce, d7 = schedule.get("announce"), schedule.get("d-7")
    assert announce.due_at.astimezone(UTC) == datetime(2026, 10, 22, 8, tzinfo=UTC)  # CEST
    assert d7.due_at.astimezone(UTC) == datetime(2026, 10, 29, 9, tzinfo=UTC)  # CET
    # Walk the bot's clock hour by hour through the whole campaign.
    store = open_store(db_path)
    posted_at = {}
    moment = berlin(2026, 10, 15, 0, 30)
    while moment < berlin(2026, 12, 10):
        for key in tick(store, schedule, moment):
            posted_at[key] = moment.astimezone(BERLIN)
        moment += timedelta(hours=1)
    assert [split_key(k)[0] for k in posted_at] == list(STEMS)
    for key, local in posted_at.items():
        assert local.hour == 10, (key, local)
    assert posted_at["d-1@2026-11-05"].date() == date(2026, 11, 4)


def test_moved_deadline_replans_and_says_the_date_changed(db_path):
    store = open_store(db_path)
    first = build_schedule(DEADLINE, "Europe/Berlin")
    for at in (berlin(2026, 12, 1, 10), berlin(2026, 12, 8, 10), berlin(2026, 12, 12, 10)):
        tick(store, first, at)
    assert tick(store, first, berlin(2026, 12, 14, 10)) == ["d-1@2026-12-15"]
    # On the 14th at noon the organisers push the cutover a week, to the 22nd.
    moved = build_schedule(berlin(2026, 12, 22, 18), "Europe/Berlin")
    with time_machine.travel(berlin(2026, 12, 14, 12), tick=False):
        decision = due_reminders(moved, store.reminders_sent(GUILD).keys(), now())
    assert decision.reminder is not None
    assert decision.reminder.key == "announce@2026-12-22"  # the new date, announced at once
    assert decision.previous_deadline == date(2026, 12, 15)
    assert decision.skipped == ()
    assert decision.next_due_at == berlin(2026, 12, 15, 10)  # d-7 of the new date
    campaign = Campaign(GUILD, "Garden Club", "old.social", "new.social", moved.deadline)
    text = channel_message(
        decision.reminder,
        campaign,
        Figures(10, 40),
        "https://guide.example/",
        previous_deadline=decision.previous_deadline,
    ).text
    assert "The move date has changed" in text
    assert "2026-12-15" in text

    posted = []
    moment = berlin(2026, 12, 14, 12)
    while moment < berlin(2027, 2, 1):
        posted += tick(store, moved, moment)
        moment += timedelta(hours=1)
    assert posted == [f"{s}@2026-12-22" for s in STEMS]
    # The d-1 sent for the 15th stays recorded: its key names the old date.
    assert "d-1@2026-12-15" in store.reminders_sent(GUILD)


def test_first_post_for_a_new_date_is_the_only_one_that_mentions_the_change():
    moved = build_schedule(berlin(2026, 12, 22, 18), "Europe/Berlin")
    sent = {"announce@2026-12-15", "d-1@2026-12-15", "announce@2026-12-22"}
    decision = due_reminders(moved, sent, berlin(2026, 12, 15, 10, 1))
    assert decision.reminder is not None
    assert decision.reminder.key == "d-7@2026-12-22"
    assert decision.previous_deadline is None


def test_deadline_moved_within_the_same_day_posts_nothing_again():
    sent = {"announce@2026-12-15", "d-7@2026-12-15", "d-3@2026-12-15"}
    later_time = build_schedule(berlin(2026, 12, 15, 21), "Europe/Berlin")
    decision = due_reminders(later_time, sent, berlin(2026, 12, 13, 9))
    assert decision.reminder is None
    assert decision.skipped == ()
    assert decision.next_due_at == berlin(2026, 12, 14, 10)


def test_campaign_set_up_five_days_before_announces_at_once_then_d3(db_path):
    set_up = berlin(2026, 12, 10, 12, 30)
    schedule = build_schedule(DEADLINE, "Europe/Berlin", set_up_at=set_up)
    assert schedule.get("announce").due_at == set_up
    with time_machine.travel(set_up, tick=False):
        decision = due_reminders(schedule, set(), now())
    assert decision.reminder is not None
    assert decision.reminder.stem == "announce"
    assert decision.skipped == ("d-7@2026-12-15",)
    assert decision.next_due_at == berlin(2026, 12, 12, 10)

    store = open_store(db_path)
    posted = []
    moment = set_up
    while moment < berlin(2026, 12, 15, 23):
        posted += tick(store, schedule, moment)
        moment += timedelta(minutes=30)
    assert [split_key(k)[0] for k in posted] == ["announce", "d-3", "d-1", "d0"]


def test_announcement_takes_the_place_of_a_missed_reminder_without_set_up_time():
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    decision = due_reminders(schedule, set(), berlin(2026, 12, 13, 9))
    assert decision.reminder is not None
    assert decision.reminder.stem == "announce"
    assert decision.skipped == ("d-7@2026-12-15", "d-3@2026-12-15")


def test_stale_reminders_expire_instead_of_misleading():
    """Back after the cutover: "today is moving day" would be wrong; nothing posts until d+1."""
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    sent = {"announce@2026-12-15", "d-7@2026-12-15"}
    decision = due_reminders(schedule, sent, berlin(2026, 12, 15, 19))
    assert decision.reminder is None
    assert decision.skipped == ("d-3@2026-12-15", "d-1@2026-12-15", "d0@2026-12-15")
    assert decision.next_due_at == berlin(2026, 12, 16, 10)
    # Months later nothing is posted at all, and nothing is left to wait for.
    late = due_reminders(schedule, sent, berlin(2027, 6, 1))
    assert late.reminder is None
    assert late.next_due_at is None
    assert len(late.skipped) == len(STEMS) - 2


def test_everything_sent_means_nothing_due():
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    decision = due_reminders(schedule, {r.key for r in schedule.reminders}, berlin(2027, 3, 1))
    assert decision.reminder is None
    assert decision.skipped == ()
    assert decision.next_due_at is None


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=60 * 24 * 9), min_size=1, max_size=40),
    start=st.integers(min_value=0, max_value=60 * 24 * 20),
)
def test_any_pattern_of_wakeups_posts_each_reminder_at_most_once_in_order(gaps, start):
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    moment = berlin(2026, 11, 20) + timedelta(minutes=start)
    sent: set[str] = set()
    posted: list[str] = []
    for gap in gaps:
        moment += timedelta(minutes=gap)
        decision = due_reminders(schedule, sent, moment)
        assert not sent & set(decision.skipped)
        sent.update(decision.skipped)
        if decision.reminder is not None:
            assert decision.reminder.key not in sent
            assert decision.reminder.due_at <= moment < decision.reminder.expires_at
            sent.add(decision.reminder.key)
            posted.append(decision.reminder.key)
        if decision.next_due_at is not None:
            assert decision.next_due_at > moment
    order = [r.key for r in schedule.reminders]
    assert posted == sorted(posted, key=order.index)


def test_channel_message_carries_numbers_link_and_escaped_names():
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    campaign = Campaign(GUILD, "@everyone **club**", "old.social", "new.social", DEADLINE)
    message = channel_message(
        schedule.get("d-3"), campaign, Figures(120, 200), "https://g.example/"
    )
    text = message.text
    assert message.title == "Three days left to move to new.social"
    assert "120 of 200 linked members have moved; 80 still to go" in text
    assert "https://g.example/move/#set-the-alias" in text
    assert f"<t:{int(DEADLINE.timestamp())}:F>" in text
    after = channel_message(schedule.get("d+7"), campaign, Figures(1, 1), "https://g.example/")
    assert "do not delete your old account" in after.title
    announce = channel_message(schedule.get("announce"), campaign, Figures(0, 0), "https://g/")
    assert "@everyone" not in announce.text
    assert "\\*\\*club\\*\\*" in announce.text


def test_every_reminder_has_words_in_every_form():
    schedule = build_schedule(DEADLINE, "Europe/Berlin")
    campaign = Campaign(GUILD, "Garden Club", "old.social", "new.social", DEADLINE)
    for reminder in schedule.reminders:
        channel = channel_message(reminder, campaign, Figures(3, 5), "https://g.example/")
        dm = dm_message(
            reminder, campaign, "Set the alias on @me@new.social.", "https://g.example/"
        )
        assert channel.title
        assert all(channel.lines)
        assert "{" not in channel.text
        assert "{" not in "\n".join(dm.lines)
        assert "Your next step: Set the alias on @me@new.social." in dm.lines
        assert "/move reminders off" in dm.lines[-1]
        assert len(channel.text) < 2000
