"""Inbox core: working hours, peak mode, the auto-reply rule and what is kept across restarts."""

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.inbox.autoreply import SELLER_QUIET, Cooldowns, auto_reply_for
from bot.inbox.hours import HoursError, WorkingHours, parse_closure, parse_days, parse_hours
from bot.inbox.peak import PeakMode, PeakWindow, parse_window
from bot.inbox.queue import direction_of, waiting, waiting_count
from bot.inbox.state import (
    BusinessConnection,
    add_window,
    cancel_windows,
    load_connections,
    load_hours,
    load_peak,
    recent_replies,
    save_connection,
    save_hours,
    switch_peak,
)
from bot.store.chain import chain_hash
from bot.store.log import Entry, EvidenceLog, connection, read
from bot.store.verify import verify

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.fixture
def hours() -> WorkingHours:
    week = parse_hours("mon-fri 09:00-12:00,13:30-18:00 Asia/Shanghai", None, "UTC")
    return parse_hours("sat 10:00-14:00", week, "UTC")


def test_several_blocks_a_day_in_the_shops_time_zone(hours):
    assert hours.is_open(at("2026-11-23 09:00"))  # a Monday
    assert not hours.is_open(at("2026-11-23 12:30"))  # lunch
    assert hours.is_open(at("2026-11-23 13:30"))
    assert not hours.is_open(at("2026-11-23 18:00"))
    assert hours.is_open(at("2026-11-28 11:00"))  # Saturday
    assert not hours.is_open(at("2026-11-29 11:00"))  # Sunday
    assert hours.is_open(at("2026-11-23 01:30", UTC))  # 09:30 in Shanghai


def test_the_next_opening_skips_lunch_weekends_and_closures(hours):
    assert hours.next_opening(at("2026-11-23 12:10")) == at("2026-11-23 13:30")
    assert hours.next_opening(at("2026-11-28 15:00")) == at("2026-11-30 09:00")
    closed = parse_closure(["2026-12-24", "2026-12-26"])
    holiday = WorkingHours(hours.timezone, hours.week, (closed,))
    assert not holiday.is_open(at("2026-12-24 10:00"))
    assert holiday.next_opening(at("2026-12-24 10:00")) == at("2026-12-28 09:00")


def test_a_later_line_changes_only_its_days(hours):
    closed_sat = parse_hours("sat closed", hours, "UTC")
    assert not closed_sat.is_open(at("2026-11-28 11:00"))
    assert closed_sat.week[:5] == hours.week[:5]
    assert parse_hours("daily 00:00-24:00", None, "UTC").is_open(at("2026-11-29 23:59", UTC))


def test_hours_round_trip_through_json(hours):
    with_closure = WorkingHours(hours.timezone, hours.week, (parse_closure(["2026-12-25"]),))
    assert WorkingHours.from_json(with_closure.to_json()) == with_closure
    assert "sat 10:00-14:00" in with_closure.describe()
    assert "closed 2026-12-25" in with_closure.describe()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("mon-fri", "write the days"),
        ("mon-fry 09:00-18:00", "days are mon"),
        ("mon 9-18", "write hours as"),
        ("mon 18:00-09:00", "after the opening"),
        ("mon 09:00-12:00,11:00-13:00", "overlap"),
        ("mon 25:00-26:00", "not a time of day"),
        ("mon 09:00-18:00 Mars/Olympus", "not a time zone"),
    ],
)
def test_unreadable_hours_say_what_is_wrong(line, message):
    with pytest.raises(HoursError, match=message):
        parse_hours(line, None, "UTC")


def test_days_wrap_around_the_week():
    assert parse_days("fri-mon") == {4, 5, 6, 0}
    assert parse_days("mon,wed") == {0, 2}
    with pytest.raises(HoursError, match="before the first"):
        parse_closure(["2026-12-26", "2026-12-24"])


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)))
def test_the_next_opening_is_open_and_not_earlier(moment):
    hours = parse_hours("mon-fri 09:00-12:00,13:30-18:00 Asia/Shanghai", None, "UTC")
    moment = moment.replace(tzinfo=UTC)
    opening = hours.next_opening(moment)
    assert opening is not None
    assert opening >= moment
    assert hours.is_open(opening)


def test_peak_by_hand_until_a_time_and_by_windows():
    now = at("2026-11-11 10:00")
    assert PeakMode(manual=True).active(now)
    assert not PeakMode(manual=True, until=at("2026-11-11 09:00")).active(now)
    start, end = parse_window("2026-11-10 20:00 - 2026-11-12 02:00", "Asia/Shanghai")
    assert (start, end) == (at("2026-11-10 20:00"), at("2026-11-12 02:00"))
    window = PeakMode(windows=(PeakWindow(1, start, end),))
    assert window.active(now)
    assert not window.active(end)
    with pytest.raises(HoursError, match="end after"):
        parse_window("2026-11-12 02:00 - 2026-11-10 20:00", "UTC")


def test_which_auto_reply(hours):
    open_time, closed_time = at("2026-11-23 10:00"), at("2026-11-23 22:00")
    assert auto_reply_for(open_time, PeakMode(), hours) is None
    assert auto_reply_for(closed_time, PeakMode(), hours) == "auto_reply_away"
    assert auto_reply_for(open_time, PeakMode(manual=True), hours) == "auto_reply_busy"
    assert auto_reply_for(closed_time, PeakMode(), None) is None


def test_one_auto_reply_per_buyer_per_cooldown_and_none_after_a_seller_answer():
    cooldowns = Cooldowns(cooldown=timedelta(minutes=30))
    buyer, other = ("bc1", "77"), ("bc2", "77")
    now = at("2026-11-11 10:00")
    assert cooldowns.claim(buyer, now)
    assert not cooldowns.claim(buyer, now + timedelta(minutes=29))
    assert cooldowns.claim(other, now)
    assert cooldowns.claim(buyer, now + timedelta(minutes=30))
    cooldowns.answered_by_seller(buyer, now + timedelta(minutes=60))
    assert not cooldowns.claim(buyer, now + timedelta(minutes=60) + SELLER_QUIET / 2)
    assert cooldowns.claim(buyer, now + timedelta(minutes=60) + SELLER_QUIET)
    failed_at = now + timedelta(hours=5)
    assert cooldowns.claim(other, failed_at)
    cooldowns.release(other, failed_at)
    assert cooldowns.claim(other, failed_at + timedelta(seconds=1))


def test_modes_and_hours_are_kept_in_the_database(tmp_path, hours):
    db = tmp_path / "shop.db"
    with EvidenceLog(db) as log:
        assert read(db, load_peak) == PeakMode()
        assert read(db, load_hours) is None
        until = at("2026-11-12 00:00")
        assert log.write(lambda d: switch_peak(d, on=True, until=until)).until == until
        window = log.write(
            lambda d: add_window(d, at("2026-11-10 20:00"), at("2026-11-12 02:00"), "4242")
        )
        log.write(lambda d: save_hours(d, hours))
        peak = read(db, load_peak)
        assert peak.manual
        assert peak.windows == (window,)
        assert read(db, load_hours) == hours
        off = log.write(lambda d: switch_peak(d, on=False, at=at("2026-11-11 10:00")))
        assert not off.active(at("2026-11-11 10:00"))
        assert off.windows[0].ends_at == at("2026-11-11 10:00")
        log.write(lambda d: save_hours(d, None))
        assert read(db, load_hours) is None
        later = log.write(
            lambda d: add_window(d, at("2026-12-12 00:00"), at("2026-12-13 00:00"), "4242")
        )
        assert log.write(lambda d: cancel_windows(d, at("2026-11-11 11:00"))) == [later]
    assert read(db, load_peak).windows == (off.windows[0],)


def test_business_connections_are_recorded_and_updated(tmp_path):
    db = tmp_path / "shop.db"
    with EvidenceLog(db) as log:
        log.write(
            lambda d: save_connection(
                d, BusinessConnection("bc1", 4242, can_reply=True, is_enabled=True)
            )
        )
        log.write(
            lambda d: save_connection(
                d, BusinessConnection("bc1", 4242, can_reply=False, is_enabled=False)
            )
        )
    assert read(db, load_connections) == {"bc1": BusinessConnection("bc1", 4242, False, False)}


def test_the_queue_puts_dispute_risk_first_and_auto_replies_do_not_answer(tmp_path):
    db = tmp_path / "shop.db"
    log = EvidenceLog(db)

    def buyer(chat, text, risk=False, bc="bc1", channel="business"):
        log.append(
            Entry(direction="in", channel=channel, text=text, chat_id=chat, dispute_risk=risk,
                  business_connection_id=bc, scenario="not_shipped", language="en")
        )  # fmt: skip

    def seller(chat, text, template=None, bc="bc1"):
        log.append(
            Entry(direction="out", channel="business", text=text, chat_id=chat,
                  business_connection_id=bc, template=template)
        )  # fmt: skip

    buyer("1", "where is it")
    seller("1", "we are busy", template="auto_reply_busy")
    buyer("2", "shipped yet?")
    seller("2", "tomorrow")
    buyer("3", "i will open a dispute", risk=True)
    buyer("1", "hello??")
    buyer("1", "other shop", bc="bc2")
    buyer("9", "direct", bc=None, channel="direct")
    log.close()
    queue = read(db, waiting)
    assert [(w.buyer, w.unanswered) for w in queue] == [
        (("bc1", "3"), 1),
        (("bc1", "1"), 2),
        (("bc2", "1"), 1),
        (("", "9"), 1),
    ]
    assert queue[0].dispute_risk
    assert queue[1].text == "hello??"
    auto, answered = read(db, lambda d: recent_replies(d, timedelta(minutes=30)))
    assert set(auto) == {("bc1", "1")}
    assert set(answered) == {("bc1", "2")}


def test_rows_logged_before_the_business_column_existed_still_verify(tmp_path):
    db = tmp_path / "old.db"
    log = EvidenceLog(db)
    log.append(Entry(direction="in", channel="direct", text="old row", chat_id="5"))
    log.append(
        Entry(
            direction="in", channel="business", text="new", chat_id="5", business_connection_id="b"
        )
    )
    log.close()
    with connection(db) as reader:
        first, _ = reader.execute("SELECT * FROM messages ORDER BY id").fetchall()
        columns = [c[0] for c in reader.execute("SELECT * FROM messages").description]
    old_row = dict(zip(columns, first, strict=True))
    del old_row["business_connection_id"]
    assert chain_hash(old_row["prev_hash"], old_row) == old_row["hash"]
    assert read(db, verify).ok
    with sqlite3.connect(db) as forger:
        forger.execute("UPDATE messages SET business_connection_id = 'forged' WHERE id = 1")
    assert not read(db, verify).ok


def test_closures_set_before_hours_do_not_open_the_weekend():
    closed_only = WorkingHours.closures_only("Asia/Shanghai", (parse_closure(["2026-12-25"]),))
    assert closed_only.is_open(at("2026-11-29 03:00"))  # a Sunday: open, no hours yet
    assert not closed_only.is_open(at("2026-12-25 10:00"))
    assert "open every day" in closed_only.describe()
    weekly = parse_hours("mon-fri 09:00-18:00", closed_only, "UTC")
    assert not weekly.is_open(at("2026-11-29 10:00"))
    assert weekly.closures == closed_only.closures
    assert weekly.timezone == "Asia/Shanghai"
    assert WorkingHours.from_json(closed_only.to_json()) == closed_only


def test_an_opening_in_a_daylight_saving_gap_is_a_real_time():
    new_york = ZoneInfo("America/New_York")
    hours = parse_hours("sun 02:30-05:00 America/New_York", None, "UTC")
    opening = hours.next_opening(datetime(2026, 3, 8, 0, 0, tzinfo=new_york))
    assert opening is not None
    assert opening.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert hours.is_open(opening)


def test_the_queue_counts_edits_photos_and_the_newest_seller_answer(tmp_path):
    db = tmp_path / "shop.db"
    log = EvidenceLog(db)
    log.append(
        Entry(direction="in", channel="direct", text="[photo]", chat_id="1", source_id="d::1:1")
    )
    log.append(
        Entry(direction="in", channel="direct", text="where is it", chat_id="2", dispute_risk=False,
              source_id="d::2:5")
    )  # fmt: skip
    log.append(
        Entry(direction="in", channel="direct", kind="edit", text="refund or i open a dispute",
              chat_id="2", dispute_risk=True, source_id="d::2:5:edit:9")
    )  # fmt: skip
    log.append(Entry(direction="out", channel="direct", text="sent", chat_id="3", template="x"))
    log.append(Entry(direction="out", channel="direct", text="typed", chat_id="3"))
    log.close()
    queue = read(db, waiting)
    assert [(w.buyer, w.dispute_risk, w.unanswered) for w in queue] == [
        (("", "2"), True, 1),
        (("", "1"), False, 1),
    ]
    assert queue[0].text == "refund or i open a dispute"
    assert read(db, waiting_count) == 2
    _, answered = read(db, lambda d: recent_replies(d, timedelta(minutes=5)))
    with connection(db) as reader:
        newest = reader.execute("SELECT max(ts) FROM messages WHERE chat_id = '3'").fetchone()[0]
    assert answered[("", "3")] == datetime.fromisoformat(newest)
    assert read(db, lambda d: direction_of(d, "d::2:5")) == "in"
    assert read(db, lambda d: direction_of(d, "nothing")) is None
