"""The inbox as the Telegram handlers use it, without Telegram: each buyer message and each
seller command goes through `Inbox`, over a real SQLite file."""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.inbox import state
from bot.inbox.hours import HoursError, parse_closure, parse_hours
from bot.inbox.service import BuyerMessage, Inbox
from bot.inbox.state import BusinessConnection, load_hours, load_peak
from bot.inbox.zone import CONFIGURED, ShopZone
from bot.nlp.batching import AnalysisBatcher
from bot.replies.facts import ShopSettings
from bot.replies.render import Renderer
from bot.replies.times import spoken_time
from bot.store.log import EvidenceLog, connection, read

SHANGHAI = "Asia/Shanghai"
SHOP = ShopSettings()
RENDERER = Renderer.default()
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(SHANGHAI))
MONDAY_NIGHT = datetime(2026, 11, 23, 22, 0, tzinfo=ZoneInfo(SHANGHAI))

Scenario = Callable[[Inbox], Awaitable[None]]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "shop.db"


@pytest.fixture
def run(db, analyzer) -> Callable[[Scenario], None]:
    """Run a scenario against an inbox over `db`; called again, it is a restart: a new Inbox
    over the same file."""

    def run_with(scenario: Scenario) -> None:
        async def main() -> None:
            log = EvidenceLog(db)
            try:
                await scenario(Inbox(log, AnalysisBatcher(analyzer), RENDERER))
            finally:
                log.close()

        asyncio.run(main())

    return run_with


def a_second() -> datetime:
    """Now, to the second: the database keeps times to the millisecond."""
    return datetime.now(UTC).replace(microsecond=0)


def message(chat_id: int, text: str, message_id: int, **fields) -> BuyerMessage:
    return BuyerMessage(
        channel="business", chat_id=chat_id, message_id=message_id, text=text,
        business_connection_id="bc1", buyer_name=f"Buyer {chat_id}", **fields,
    )  # fmt: skip


def test_peak_on_gives_one_busy_reply_per_buyer_per_cooldown(run):
    async def scenario(inbox: Inbox) -> None:
        now = datetime.now(UTC)
        assert (await inbox.receive(message(1, "where is my parcel??", 1), SHOP)).needs_seller
        await inbox.peak_on()
        first = await inbox.receive(message(1, "hello??? where is it", 2), SHOP, at=now)
        assert first.auto_reply is not None
        assert first.auto_reply.template == "auto_reply_busy"
        assert first.claimed_at == now
        assert not first.needs_seller
        again = await inbox.receive(
            message(1, "any news?", 3), SHOP, at=now + timedelta(minutes=29)
        )
        assert again.auto_reply is None
        other = await inbox.receive(message(2, "where is my parcel??", 1), SHOP, at=now)
        assert other.auto_reply is not None
        later = now + timedelta(minutes=SHOP.auto_reply_cooldown_minutes)
        assert (await inbox.receive(message(1, "still?", 4), SHOP, at=later)).auto_reply

    run(scenario)


def test_a_dispute_in_peak_mode_is_answered_and_still_goes_to_the_sellers(run):
    async def scenario(inbox: Inbox) -> None:
        await inbox.peak_on()
        text = "item arrived broken. refund me today or i open a dispute and report you"
        received = await inbox.receive(message(1, text, 1), SHOP)
        assert received.analysis is not None
        assert received.analysis.dispute_risk
        assert received.auto_reply is not None
        assert received.needs_seller

    run(scenario)


def test_peak_until_a_time_ends_by_itself_and_a_past_time_changes_nothing(run, db):
    async def scenario(inbox: Inbox) -> None:
        now = datetime.now(UTC)
        with pytest.raises(HoursError, match="already passed"):
            await inbox.peak_on(until=now - timedelta(minutes=1))
        assert not inbox.peak.manual
        assert not read(db, load_peak).manual
        peak = await inbox.peak_on(until=now + timedelta(hours=1))
        assert peak == inbox.peak == read(db, load_peak)
        busy = await inbox.receive(message(1, "where is my parcel??", 1), SHOP, at=now)
        assert busy.auto_reply is not None
        after = now + timedelta(hours=2)
        assert (await inbox.receive(message(2, "hello?", 1), SHOP, at=after)).auto_reply is None
        assert await inbox.peak_off() == []
        assert not read(db, load_peak).manual

    run(scenario)


def test_a_peak_window_answers_only_while_it_is_open(run, db):
    async def scenario(inbox: Inbox) -> None:
        now = a_second()
        with pytest.raises(HoursError, match="already ended"):
            await inbox.add_peak_window(now - timedelta(hours=2), now - timedelta(hours=1), "7")
        start, end = now + timedelta(hours=1), now + timedelta(hours=3)
        window = await inbox.add_peak_window(start, end, created_by="7")
        assert inbox.peak.windows == (window,)
        assert read(db, load_peak).windows == (window,)
        assert (await inbox.receive(message(1, "hello?", 1), SHOP, at=now)).auto_reply is None
        inside = await inbox.receive(message(2, "hello?", 1), SHOP, at=start + timedelta(hours=1))
        assert inside.auto_reply is not None
        assert inside.auto_reply.template == "auto_reply_busy"
        assert (await inbox.receive(message(3, "hello?", 1), SHOP, at=end)).auto_reply is None

    run(scenario)


def test_clear_drops_windows_to_come_and_off_ends_the_one_under_way(run, db):
    async def scenario(inbox: Inbox) -> None:
        now = a_second()
        under_way = await inbox.add_peak_window(
            now - timedelta(hours=1), now + timedelta(hours=1), "7"
        )
        to_come = await inbox.add_peak_window(now + timedelta(days=1), now + timedelta(days=2), "7")
        assert await inbox.cancel_peak_windows(at=now) == [to_come]
        assert inbox.peak.windows == (under_way,)
        assert inbox.peak.active(now)
        assert await inbox.peak_off(at=now) == [under_way]
        assert not inbox.peak.active(now)
        assert not read(db, load_peak).active(now)
        assert await inbox.cancel_peak_windows(at=now) == []

    run(scenario)


def test_outside_working_hours_and_on_a_closed_day_buyers_get_the_away_reply(run, db):
    async def scenario(inbox: Inbox) -> None:
        hours = await inbox.set_hours(f"mon-fri 09:00-18:00 {SHANGHAI}", configured_zone=None)
        assert inbox.hours == hours == read(db, load_hours)
        open_now = await inbox.receive(message(1, "hello?", 1), SHOP, at=MONDAY_MORNING)
        assert open_now.auto_reply is None
        assert open_now.needs_seller
        away = await inbox.receive(message(2, "hello?", 1), SHOP, at=MONDAY_NIGHT)
        assert away.auto_reply is not None
        assert away.auto_reply.template == "auto_reply_away"
        closed = await inbox.add_closure(parse_closure(["2026-11-23"]), configured_zone=None)
        assert closed.closures == ((MONDAY_MORNING.date(), MONDAY_MORNING.date()),)
        holiday = await inbox.receive(message(3, "hello?", 1), SHOP, at=MONDAY_MORNING)
        assert holiday.auto_reply is not None
        assert holiday.auto_reply.template == "auto_reply_away"
        reopened = await inbox.clear_closures()
        assert reopened is not None
        assert reopened.closures == ()
        assert reopened.weekly
        assert read(db, load_hours) == reopened

    run(scenario)


def test_hours_off_keeps_the_closures_and_unreadable_hours_change_nothing(run, db):
    async def scenario(inbox: Inbox) -> None:
        assert await inbox.hours_off(configured_zone=SHANGHAI) is None
        assert await inbox.clear_closures() is None
        closure = parse_closure(["2026-12-24", "2026-12-26"])
        only_closure = await inbox.add_closure(closure, configured_zone=SHANGHAI)
        assert only_closure.timezone == SHANGHAI
        assert not only_closure.weekly
        hours = await inbox.set_hours("mon-fri 09:00-18:00", configured_zone=None)
        assert hours.timezone == SHANGHAI
        assert hours.closures == (closure,)
        with pytest.raises(HoursError, match="days are mon"):
            await inbox.set_hours("mon-fry 09:00-18:00", configured_zone=None)
        assert inbox.hours == hours == read(db, load_hours)
        kept = await inbox.hours_off(configured_zone=None)
        assert kept is not None
        assert kept.closures == (closure,)
        assert not kept.weekly
        assert read(db, load_hours) == kept
        assert await inbox.clear_closures() is None
        assert read(db, load_hours) is None

    run(scenario)


def test_changes_made_at_once_are_all_kept(run, db):
    async def scenario(inbox: Inbox) -> None:
        await asyncio.gather(
            inbox.set_hours(f"mon 09:00-18:00 {SHANGHAI}", configured_zone=None),
            inbox.set_hours("tue 10:00-12:00", configured_zone=None),
            inbox.add_closure(parse_closure(["2026-12-24"]), configured_zone=None),
            inbox.add_closure(parse_closure(["2026-12-31"]), configured_zone=None),
        )
        hours = inbox.hours
        assert hours is not None
        monday = parse_hours(f"mon 09:00-18:00 {SHANGHAI}", None, "UTC")
        assert hours.week == parse_hours("tue 10:00-12:00", monday, "UTC").week
        assert hours.closures == (
            parse_closure(["2026-12-24"]),
            parse_closure(["2026-12-31"]),
        )
        assert read(db, load_hours) == hours

    run(scenario)


def test_mode_changes_are_written_by_the_log_while_buyers_write_to_it(run, db, monkeypatch):
    """Seller commands and buyers' messages at once: every write of the inbox's state runs
    on the evidence log's writer thread, so none meets a locked database."""
    writers: set[str] = set()
    set_state = state._set

    def recording(writer, key: str, value: str | None) -> None:
        writers.add(threading.current_thread().name)
        set_state(writer, key, value)

    monkeypatch.setattr(state, "_set", recording)
    start = a_second() + timedelta(hours=1)

    async def scenario(inbox: Inbox) -> None:
        buyers = [
            inbox.receive(message(chat, "where is my parcel??", 1), SHOP) for chat in range(20)
        ]
        await asyncio.gather(
            *buyers,
            inbox.peak_on(),
            inbox.add_peak_window(start, start + timedelta(hours=2), "42"),
            inbox.set_hours(f"mon-fri 09:00-18:00 {SHANGHAI}", configured_zone=None),
            inbox.remember_connection(BusinessConnection("bc1", 42, True, True)),
        )
        assert read(db, load_peak).manual
        assert [(w.starts_at, w.ends_at) for w in read(db, load_peak).windows] == [
            (start, start + timedelta(hours=2))
        ]
        assert read(db, load_hours) == inbox.hours
        with connection(db) as reader:
            assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == 20

    run(scenario)
    assert writers == {"evidence-log-writer"}


def test_modes_connections_and_cooldowns_survive_a_restart(run):
    connection = BusinessConnection("bc1", owner_user_id=42, can_reply=True, is_enabled=True)
    end = a_second() + timedelta(days=1)

    async def before(inbox: Inbox) -> None:
        assert inbox.owner_of("bc1") is None
        await inbox.remember_connection(connection)
        assert inbox.owner_of("bc1") == 42
        await inbox.peak_on(until=end)
        await inbox.set_hours(f"mon-fri 09:00-18:00 {SHANGHAI}", configured_zone=None)
        sent = message(1, "where is my parcel??", 1)
        received = await inbox.receive(sent, SHOP)
        assert received.auto_reply is not None
        await inbox.auto_reply_sent(sent, received.auto_reply, received.analysis)

    async def after(inbox: Inbox) -> None:
        assert inbox.owner_of("bc1") == 42
        assert inbox.owner_of("bc2") is None
        assert inbox.peak.manual
        assert inbox.peak.until == end
        assert inbox.hours is not None
        assert inbox.hours.timezone == SHANGHAI
        again = await inbox.receive(message(1, "hello??? where is it", 2), SHOP)
        assert again.auto_reply is None
        other = await inbox.receive(message(2, "hello??? where is it", 1), SHOP)
        assert other.auto_reply is not None
        await inbox.remember_connection(
            BusinessConnection("bc1", owner_user_id=42, can_reply=False, is_enabled=False)
        )

    async def disconnected(inbox: Inbox) -> None:
        assert inbox.owner_of("bc1") == 42

    run(before)
    run(after)
    run(disconnected)


def test_the_queue_puts_dispute_risk_first_then_the_oldest(run):
    async def scenario(inbox: Inbox) -> None:
        assert (await inbox.queue(20)).entries == []
        await inbox.receive(message(1, "where is my parcel??", 1), SHOP)
        await inbox.receive(message(2, "shipped yet?", 1), SHOP)
        dispute = "where is my parcel? refund me now or i open a paypal dispute and report you"
        await inbox.receive(message(3, dispute, 1), SHOP)
        await inbox.receive(message(1, "hello??? where is it", 2), SHOP)
        await inbox.receive(message(4, "do you ship to Seoul?", 1), SHOP)
        await inbox.receive(message(2, "thanks, it is on its way", 5, from_owner=True), SHOP)
        queue = await inbox.queue(20)
        assert [(entry.buyer, entry.unanswered) for entry in queue.entries] == [
            (("bc1", "3"), 1),
            (("bc1", "1"), 2),
            (("bc1", "4"), 1),
        ]
        assert queue.total == 3
        assert queue.entries[0].dispute_risk
        assert queue.entries[1].text == "hello??? where is it"
        first_two = await inbox.queue(2)
        assert [entry.buyer for entry in first_two.entries] == [("bc1", "3"), ("bc1", "1")]
        assert first_two.total == 3
        logged = await inbox.logged_message(queue.entries[1].message_id)
        assert logged is not None
        assert (logged.chat_id, logged.message_id, logged.text) == (1, 2, "hello??? where is it")
        assert await inbox.logged_message(10_000) is None

    run(scenario)


def test_the_peak_report_counts_todays_messages_and_waiting_buyers(run):
    async def scenario(inbox: Inbox) -> None:
        zone = ShopZone(SHANGHAI, CONFIGURED)
        empty = await inbox.peak_report(zone)
        assert (empty.today.buyer_messages, empty.waiting) == (0, 0)
        await inbox.peak_on()
        sent = message(1, "where is my parcel??", 1)
        received = await inbox.receive(sent, SHOP)
        assert received.auto_reply is not None
        await inbox.auto_reply_sent(sent, received.auto_reply, received.analysis)
        await inbox.receive(message(2, "hello?", 1), SHOP)
        await inbox.receive(message(2, "on its way", 2, from_owner=True), SHOP)
        report = await inbox.peak_report(zone)
        assert report.peak.manual
        assert (report.today.buyer_messages, report.today.auto_replies) == (2, 1)
        assert report.today.seller_replies == 1
        assert report.waiting == 1
        tomorrow = await inbox.peak_report(zone, at=datetime.now(UTC) + timedelta(days=2))
        assert tomorrow.today.buyer_messages == 0

    run(scenario)


def test_a_deleted_message_keeps_the_direction_it_was_logged_with(run, tmp_path: Path):
    async def scenario(inbox: Inbox) -> None:
        await inbox.receive(message(1, "where is my parcel??", 1), SHOP)
        await inbox.receive(message(1, "on its way", 2, from_owner=True), SHOP)
        for message_id in (1, 2):
            deleted = message(1, "", message_id, kind="deletion")
            assert not (await inbox.receive(deleted, SHOP)).duplicate
        assert (await inbox.receive(message(1, "", 1, kind="deletion"), SHOP)).duplicate

    run(scenario)
    with connection(tmp_path / "shop.db") as db:
        rows = db.execute(
            "SELECT direction, kind FROM messages WHERE kind = 'deletion' ORDER BY id"
        ).fetchall()
    assert rows == [("in", "deletion"), ("out", "deletion")]


def test_the_away_reply_answers_traditional_chinese_in_it_in_taipei_time(run):
    async def scenario(inbox: Inbox) -> None:
        await inbox.set_hours(f"mon-fri 09:00-18:00 {SHANGHAI}", configured_zone=None)
        traditional = await inbox.receive(
            message(1, "請問我的訂單什麼時候出貨？", 1), SHOP, at=MONDAY_NIGHT
        )
        simplified = await inbox.receive(
            message(2, "请问我的订单什么时候发货？", 1), SHOP, at=MONDAY_NIGHT
        )
        assert traditional.auto_reply is not None
        assert simplified.auto_reply is not None
        assert traditional.analysis is not None
        assert traditional.analysis.language == "zh"
        assert traditional.auto_reply.language == "zh-Hant"
        assert simplified.auto_reply.language == "zh"
        back = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Taipei"))
        assert spoken_time(back, "zh-Hant") in traditional.auto_reply.text
        assert "台北時間" in traditional.auto_reply.text

    run(scenario)
