"""Times shown to sellers are in the shop's time zone, named: the bot and `replybot export`."""

import os
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

os.environ.setdefault("PTB_TIMEDELTA", "true")

import tests.test_bot
from bot.cli import main
from bot.config import BotSettings
from bot.inbox import state as store
from bot.inbox.hours import WorkingHours
from bot.inbox.zone import CHOSEN, CONFIGURED, DEFAULT, HOURS, ShopZone, ZoneError, choose_zone
from bot.store.log import Entry, EvidenceLog, read
from bot.store.shop import save_shop_setting
from tests.fake_bot_api import FakeBotApi
from tests.test_bot import SELLER, run_bot
from tests.test_inbox_bot import BUYER, rows, wait_sent_to

SHANGHAI = "Asia/Shanghai"
NEW_YORK = "America/New_York"


@pytest.fixture
def api():
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
def configured_zone(monkeypatch):
    """Run the bot as if REPLYBOT_TIMEZONE were set to the zone given."""

    def configure(zone: str) -> None:
        monkeypatch.setattr(tests.test_bot, "BotSettings", partial(BotSettings, timezone=zone))

    return configure


def ask(api, command: str) -> str:
    """Send a seller command and return the bot's plain-text answer."""
    count = len(wait_sent_to(api, SELLER, 0))
    api.text(SELLER, command)
    return wait_sent_to(api, SELLER, count + 1)[count]


def in_a_while(zone: str, days: int) -> str:
    """A moment some days ahead, written the way a seller types it in the shop's zone."""
    return f"{datetime.now(ZoneInfo(zone)) + timedelta(days=days):%Y-%m-%d %H:%M}"


def logged_at(db, zone: str) -> datetime:
    """When the first buyer message was logged, in `zone`."""
    ts = next(row["ts"] for row in rows(db) if row["direction"] == "in")
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))


def test_the_bot_shows_every_time_in_the_configured_zone_and_names_it(
    api, tmp_path, analyzer, configured_zone
):
    configured_zone(SHANGHAI)
    db = tmp_path / "shop.db"
    until = in_a_while(SHANGHAI, 1)
    starts, ends = in_a_while(SHANGHAI, 2), in_a_while(SHANGHAI, 3)
    seen: dict[str, str] = {}

    def scenario(api):
        seen["settings"] = ask(api, "/settings")
        seen["on"] = ask(api, f"/peak on until {until}")
        seen["window"] = ask(api, f"/peak {starts} - {ends}")
        api.text(BUYER, "where is my parcel??")
        wait_sent_to(api, BUYER)
        seen["status"] = ask(api, "/peak")
        api.text(SELLER, "/queue")
        seen["queue"] = wait_sent_to(api, SELLER, cards=True)[-1]
        api.text(SELLER, "/export html")
        document = api.wait_for("sendDocument")[0]
        seen["export"] = next(iter(document.files.values())).decode("utf-8")
        soon = datetime.now(ZoneInfo(SHANGHAI)) + timedelta(seconds=2)
        later = soon + timedelta(minutes=5)
        ask(api, f"/peak {soon:%Y-%m-%d %H:%M:%S} - {later:%Y-%m-%d %H:%M:%S}")
        count = len(wait_sent_to(api, SELLER, 0))
        seen["announced"] = wait_sent_to(api, SELLER, count + 1)[count]
        seen["later"] = f"{later:%Y-%m-%d %H:%M}"

    assert run_bot(api, db, scenario) == []
    assert f"until {seen['later']} ({SHANGHAI})" in seen["announced"]
    assert f"timezone: {SHANGHAI}" in seen["settings"]
    assert f"timezone: {SHANGHAI} (the server's default)" in seen["settings"]
    assert f"until {until} ({SHANGHAI})" in seen["on"]
    assert f"{starts} ({SHANGHAI}) to {ends} ({SHANGHAI})" in seen["window"]
    assert f"until {until} ({SHANGHAI})" in seen["status"]
    assert f"window {starts} ({SHANGHAI}) to {ends} ({SHANGHAI})" in seen["status"]
    assert f"Today ({SHANGHAI}): 1 buyer messages" in seen["status"]
    assert "UTC" not in seen["queue"]
    asked = logged_at(db, SHANGHAI)
    assert f"since {asked:%Y-%m-%d %H:%M} ({SHANGHAI})" in seen["queue"]
    assert asked.isoformat(timespec="seconds") + f" ({SHANGHAI})" in seen["export"]
    peak = read(db, store.load_peak)
    assert peak.until == datetime.fromisoformat(until).replace(tzinfo=ZoneInfo(SHANGHAI))


def test_a_zone_chosen_in_the_bot_wins_and_a_wrong_one_changes_nothing(
    api, tmp_path, analyzer, configured_zone
):
    configured_zone(SHANGHAI)
    db = tmp_path / "shop.db"
    until = in_a_while(NEW_YORK, 1)
    seen: dict[str, str] = {}

    def scenario(api):
        seen["wrong"] = ask(api, "/settings timezone Mars/Olympus_Mons")
        seen["chosen"] = ask(api, f"/settings timezone {NEW_YORK}")
        seen["settings"] = ask(api, "/settings")
        seen["hours"] = ask(api, "/hours mon-fri 09:00-18:00")
        seen["on"] = ask(api, f"/peak on until {until}")

    assert run_bot(api, db, scenario) == []
    assert "Mars/Olympus_Mons" in seen["wrong"]
    assert "\n" not in seen["wrong"]
    assert f"timezone: {NEW_YORK} (the shop's setting)" in seen["settings"]
    assert f"time zone {NEW_YORK}" in seen["hours"]
    assert f"until {until} ({NEW_YORK})" in seen["on"]
    assert read(db, store.load_hours).timezone == NEW_YORK
    peak = read(db, store.load_peak)
    assert peak.until == datetime.fromisoformat(until).replace(tzinfo=ZoneInfo(NEW_YORK))


def test_the_zone_is_chosen_in_one_order():
    assert choose_zone(NEW_YORK, "Asia/Seoul", SHANGHAI) == ShopZone(NEW_YORK, CHOSEN)
    assert choose_zone(None, "Asia/Seoul", SHANGHAI) == ShopZone("Asia/Seoul", HOURS)
    assert choose_zone(None, None, f" {SHANGHAI} ") == ShopZone(SHANGHAI, CONFIGURED)
    assert choose_zone(None, None, "") == ShopZone("UTC", DEFAULT)
    with pytest.raises(ZoneError, match="REPLYBOT_TIMEZONE: 'Mars/Base'"):
        choose_zone(None, None, "Mars/Base")
    with pytest.raises(ZoneError, match="REPLYBOT_TIMEZONE"):
        choose_zone(None, None, "../../etc/passwd")


def test_the_shops_zone_is_read_from_what_the_sellers_stored(tmp_path):
    db = tmp_path / "shop.db"
    with EvidenceLog(db) as log:
        assert read(db, lambda d: store.shop_zone(d, SHANGHAI)) == ShopZone(SHANGHAI, CONFIGURED)
        assert read(db, lambda d: store.shop_zone(d, None)) == ShopZone("UTC", DEFAULT)
        log.write(lambda d: store.save_hours(d, WorkingHours("Asia/Seoul")))
        assert read(db, lambda d: store.shop_zone(d, SHANGHAI)) == ShopZone("Asia/Seoul", HOURS)
        log.write(lambda d: save_shop_setting(d, "timezone", NEW_YORK))
    assert read(db, lambda d: store.shop_zone(d, SHANGHAI)) == ShopZone(NEW_YORK, CHOSEN)


def test_moments_are_shown_in_the_zone_and_the_shops_day_starts_at_its_midnight():
    shanghai = ShopZone(SHANGHAI, CONFIGURED)
    evening = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
    assert shanghai.show(evening) == f"2026-11-11 20:00 ({SHANGHAI})"
    assert shanghai.show_logged("2026-11-11T12:00:00.000Z") == f"2026-11-11 20:00 ({SHANGHAI})"
    past_midnight = datetime(2026, 11, 11, 17, 0, tzinfo=UTC)
    assert shanghai.start_of_day(past_midnight) == datetime(2026, 11, 11, 16, 0, tzinfo=UTC)
    new_york = ShopZone(NEW_YORK, CHOSEN)
    summer, winter = datetime(2026, 7, 1, 12, tzinfo=UTC), datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert new_york.start_of_day(summer) == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
    assert new_york.start_of_day(winter) == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


@pytest.fixture
def logged(tmp_path):
    db = tmp_path / "evidence.db"
    with EvidenceLog(db) as log:
        log.append(Entry("in", "console", "where is my parcel?", order_id="81234567"))
    return db


def export_html(db, tmp_path, *options: str):
    target = tmp_path / "order.html"
    result = CliRunner().invoke(
        main, ["export", "--db", str(db), "--format", "html", "-o", str(target), *options]
    )
    return result, target


def test_cli_export_shows_times_in_the_configured_zone_by_default(logged, tmp_path, monkeypatch):
    monkeypatch.setenv("REPLYBOT_TIMEZONE", SHANGHAI)
    result, target = export_html(logged, tmp_path)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    local = logged_at(logged, SHANGHAI).isoformat(timespec="seconds")
    assert f"{local} ({SHANGHAI})" in page
    assert f"the shop's time zone, {SHANGHAI}" in page
    assert SHANGHAI in result.output


def test_cli_export_prefers_the_zone_chosen_in_the_bot_and_then_the_option(
    logged, tmp_path, monkeypatch
):
    monkeypatch.setenv("REPLYBOT_TIMEZONE", SHANGHAI)
    with EvidenceLog(logged) as log:
        log.write(lambda d: save_shop_setting(d, "timezone", NEW_YORK))
    result, target = export_html(logged, tmp_path)
    assert result.exit_code == 0, result.output
    local = logged_at(logged, NEW_YORK).isoformat(timespec="seconds")
    assert f"{local} ({NEW_YORK})" in target.read_text(encoding="utf-8")
    result, target = export_html(logged, tmp_path, "--timezone", "Europe/Berlin")
    assert result.exit_code == 0, result.output
    local = logged_at(logged, "Europe/Berlin").isoformat(timespec="seconds")
    assert f"{local} (Europe/Berlin)" in target.read_text(encoding="utf-8")


def test_cli_export_without_any_zone_uses_utc(logged, tmp_path, monkeypatch):
    monkeypatch.delenv("REPLYBOT_TIMEZONE", raising=False)
    result, target = export_html(logged, tmp_path)
    assert result.exit_code == 0, result.output
    local = logged_at(logged, "UTC").isoformat(timespec="seconds")
    assert f"{local} (UTC)" in target.read_text(encoding="utf-8")


def test_cli_export_refuses_a_wrong_zone_in_one_line_and_writes_nothing(
    logged, tmp_path, monkeypatch
):
    monkeypatch.setenv("REPLYBOT_TIMEZONE", "Mars/Base")
    result, target = export_html(logged, tmp_path)
    assert result.exit_code == 1
    assert "REPLYBOT_TIMEZONE: 'Mars/Base' is not an IANA time zone" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not target.exists()
    result, target = export_html(logged, tmp_path, "--timezone", "Mars/Base")
    assert result.exit_code == 2
    assert "unknown time zone 'Mars/Base'" in result.output
    assert not target.exists()
