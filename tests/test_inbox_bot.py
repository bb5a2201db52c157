"""The inbox end to end: business chats, direct buyers, auto-replies, Send, modes, restarts."""

import os
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.store.log import connection, read
from bot.store.verify import verify
from bot.tg.buttons import NOTICES
from tests.fake_bot_api import FakeBotApi
from tests.test_bot import SELLER, run_bot

OTHER_SELLER = 4343
BUYER = 9001
SECOND_BUYER = 9002


@pytest.fixture
def api():
    server = FakeBotApi().start()
    yield server
    server.stop()


def sent_to(api: FakeBotApi, chat_id: int, cards: bool = False) -> list[str]:
    """Texts sent to a chat: plain messages, or (cards=True) messages with buttons."""
    return [
        call.params["text"]
        for call in api.calls
        if call.method == "sendMessage"
        and int(call.params["chat_id"]) == chat_id
        and bool(call.params.get("reply_markup")) == cards
        and not (isinstance(call.result, dict) and call.result.get("ok") is False)
    ]


def wait_sent_to(
    api: FakeBotApi, chat_id: int, count: int = 1, timeout: float = 20, cards: bool = False
) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = sent_to(api, chat_id, cards)
        if len(texts) >= count:
            return texts
        time.sleep(0.02)
    found = len(sent_to(api, chat_id, cards))
    raise AssertionError(f"{found} messages to {chat_id}, expected {count}")


def cards_for(api: FakeBotApi, chat_id: int):
    return [
        call
        for call in api.calls
        if call.method == "sendMessage"
        and int(call.params["chat_id"]) == chat_id
        and call.params.get("reply_markup")
    ]


def callback_data(call) -> list[str]:
    return [
        b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
    ]


def rows(db) -> list[dict]:
    with connection(db) as reader:
        cursor = reader.execute("SELECT * FROM messages ORDER BY id")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def settle(seconds: float = 0.6) -> None:
    """Give the bot time to do what it should not do (a second auto-reply, say)."""
    time.sleep(seconds)


def test_a_business_chat_in_peak_mode_gets_one_auto_reply_in_the_buyers_language(api, tmp_path):
    db = tmp_path / "shop.db"

    def scenario(api):
        api.connect_business("bc1", SELLER)
        assert "can answer your buyers" in wait_sent_to(api, SELLER)[0]
        api.text(SELLER, "/peak on")
        assert "Peak mode is on" in wait_sent_to(api, SELLER, 2)[1]
        first = api.business_message(
            "bc1", BUYER, "亲 怎么还没发货 订单号 3000123456", first_name="王芳"
        )
        auto = wait_sent_to(api, BUYER)[0]
        assert auto.startswith("王芳您好～"), "the busy reply, in the buyer's language"
        api.business_message("bc1", BUYER, "在吗？？快点发货")
        api.business_message("bc1", SECOND_BUYER, "배송 언제 와요? 주문번호 20231234567")
        korean = wait_sent_to(api, SECOND_BUYER)[0]
        assert korean.startswith("안녕하세요, "), "in the second buyer's language"
        api.business_message("bc1", BUYER, "今天一定发出，请放心", sender_id=SELLER)
        api.edit_business_message(first, "亲 怎么还没发货 订单号 3000123456 急用")
        api.delete_business_messages("bc1", BUYER, [first["message_id"]])
        settle()
        assert len(sent_to(api, BUYER)) == 1
        calls = [c for c in api.calls if c.method == "sendMessage" and c.params["chat_id"] == BUYER]
        assert calls[0].params["business_connection_id"] == "bc1"
        api.text(SELLER, "/peak")
        status = wait_sent_to(api, SELLER, 3)[2]
        assert "Peak mode: on" in status
        assert "3 buyer messages, 2 auto-replies, 1 seller replies" in status
        api.text(SELLER, "/queue")
        queue = wait_sent_to(api, SELLER, cards=True)[-1]
        assert "1 conversations waiting" in queue
        assert "배송" in queue
        listing = cards_for(api, SELLER)[-1]
        api.press(SELLER, listing.result, callback_data(listing)[0])
        opened = wait_sent_to(api, SELLER, 2, cards=True)[-1]
        assert "배송 언제 와요" in opened
        assert "send" in callback_data(cards_for(api, SELLER)[-1])

    assert run_bot(api, db, scenario) == []
    logged = rows(db)
    kinds = [(r["direction"], r["kind"], r["chat_id"], r["template"]) for r in logged]
    assert sorted(kinds[6:]) == [
        ("in", "deletion", str(BUYER), None),
        ("in", "edit", str(BUYER), None),
    ]
    assert kinds[:6] == [
        ("in", "message", str(BUYER), None),
        ("out", "message", str(BUYER), "auto_reply_busy"),
        ("in", "message", str(BUYER), None),
        ("in", "message", str(SECOND_BUYER), None),
        ("out", "message", str(SECOND_BUYER), "auto_reply_busy"),
        ("out", "message", str(BUYER), None),
    ]
    assert logged[0]["text"] == "亲 怎么还没发货 订单号 3000123456"
    assert logged[0]["order_id"] == "3000123456"
    assert {r["business_connection_id"] for r in logged} == {"bc1"}
    assert read(db, verify).ok


def test_off_hours_auto_reply_says_when_the_shop_is_back_in_the_buyers_time(api, tmp_path):
    shanghai_today = datetime.now(ZoneInfo("Asia/Shanghai"))

    def scenario(api):
        api.text(SELLER, "/hours daily 00:00-24:00 Asia/Shanghai")
        wait_sent_to(api, SELLER)
        api.text(SELLER, f"/closed {shanghai_today.date().isoformat()}")
        wait_sent_to(api, SELLER, 2)
        api.text(BUYER, "배송 언제 와요?? 주문번호 20231234567", language_code="ko")
        away = wait_sent_to(api, BUYER)[0]
        assert "오전 1시(한국 시간)" in away  # midnight in Shanghai is 1:00 in Seoul
        api.text(SECOND_BUYER, "when will my order ship??", language_code="en")
        english = wait_sent_to(api, SECOND_BUYER)[0]
        assert "back at 0:00 Beijing time," in english

    assert run_bot(api, tmp_path / "shop.db", scenario) == []


def test_a_direct_buyer_is_welcomed_and_a_seller_sends_the_reply_once(api, tmp_path):
    db = tmp_path / "shop.db"

    def scenario(api):
        api.text(BUYER, "/start", language_code="vi", first_name="Lan")
        welcome = wait_sent_to(api, BUYER)[0]
        assert "Lan" in welcome
        assert welcome.startswith("Dạ Shop chào bạn Lan ạ"), "the welcome, in Vietnamese"
        api.text(BUYER, "shop oi hang bi vo roi, don 8123456789012", language_code="vi")
        wait_sent_to(api, SELLER, cards=True)
        card = cards_for(api, SELLER)[0]
        assert "Lan" in card.params["text"]
        assert "hang bi vo roi" in card.params["text"]
        assert "send" in callback_data(card)
        api.press(SELLER, card.result, "send")  # a double tap: both presses at once
        api.press(SELLER, card.result, "send")
        answers = api.wait_for("answerCallbackQuery", 2)
        assert sorted(answer.params["text"] for answer in answers) == sorted(
            ["Sent.", NOTICES["en"]["sent"]]
        )
        settle()
        assert len(sent_to(api, BUYER)) == 2
        assert len(api.wait_for("editMessageText")) == 1
        edited = api.wait_for("editMessageText")[-1].params
        assert sent_to(api, BUYER)[1] in edited["text"]
        assert "Sent to the buyer" in edited["text"]
        assert "reply_markup" not in edited  # a sent card offers no more buttons
        for data in [*callback_data(card), "log"]:
            api.press(SELLER, card.result, data)
        later = api.wait_for("answerCallbackQuery", 2 + len(callback_data(card)) + 1)[2:]
        assert {answer.params["text"] for answer in later} == {NOTICES["en"]["sent"]}
        assert "already" in later[-1].params["text"]
        settle()
        assert len(sent_to(api, BUYER)) == 2
        assert len(api.wait_for("editMessageText")) == 1

    assert run_bot(api, db, scenario) == []
    logged = rows(db)
    assert [(r["direction"], r["channel"], r["template"]) for r in logged] == [
        ("out", "direct", "auto_reply_welcome"),
        ("in", "direct", None),
        ("out", "direct", "damaged_item"),
    ]
    assert logged[2]["source_id"].endswith(":reply")
    assert read(db, verify).ok


def test_approve_and_send_through_the_business_connection_and_a_refusal(api, tmp_path):
    db = tmp_path / "shop.db"

    def scenario(api):
        api.connect_business("bc1", SELLER)
        api.business_message("bc1", BUYER, "still not shipped?? order 8123456789012")
        wait_sent_to(api, SELLER, cards=True)
        card = cards_for(api, SELLER)[0]
        api.fail_next("sendMessage", 400, description="Bad Request: BUSINESS_PEER_USAGE_MISSING")
        api.press(SELLER, card.result, "send")
        refusal = api.wait_for("answerCallbackQuery")[0]
        assert "Not delivered" in refusal.params["text"]
        assert len(refusal.params["text"]) <= 200
        assert refusal.params["show_alert"] is True
        why = wait_sent_to(api, SELLER, 2)[-1]
        assert "24 hours" in why
        assert "business_peer_usage_missing" in why.lower()
        api.press(SELLER, card.result, "send")
        api.wait_for("answerCallbackQuery", 2)
        delivered = wait_sent_to(api, BUYER)
        assert len(delivered) == 1
        sends = [c for c in api.calls if c.method == "sendMessage" and c.params["chat_id"] == BUYER]
        assert sends[-1].params["business_connection_id"] == "bc1"
        assert sends[-1].result["business_connection_id"] == "bc1"

    assert run_bot(api, db, scenario) == []
    logged = rows(db)
    assert [(r["direction"], r["template"]) for r in logged] == [
        ("in", None),
        ("out", "not_shipped"),
    ]


def test_dispute_risk_reaches_every_seller_even_in_peak_mode(api, tmp_path):
    def scenario(api):
        api.text(SELLER, "/lang zh")
        wait_sent_to(api, SELLER)
        api.text(SELLER, "/peak on")
        wait_sent_to(api, SELLER, 2)
        api.text(BUYER, "item arrived broken. refund me today or i open a dispute and report you")
        wait_sent_to(api, BUYER)
        wait_sent_to(api, OTHER_SELLER, cards=True)
        api.text(SECOND_BUYER, "hi, when will my order ship?")
        wait_sent_to(api, SECOND_BUYER)
        settle()
        assert len(cards_for(api, OTHER_SELLER)) == 1
        assert len(cards_for(api, SELLER)) == 1
        assert "dispute risk" in cards_for(api, OTHER_SELLER)[0].params["text"]
        assert "<b>Chinese</b>" in cards_for(api, SELLER)[0].params["text"]
        assert "<b>Chinese</b>" not in cards_for(api, OTHER_SELLER)[0].params["text"]

    assert run_bot(api, tmp_path / "shop.db", scenario, sellers=(SELLER, OTHER_SELLER)) == []


def _moment(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%d %H:%M:%S")


def test_a_scheduled_peak_window_switches_on_and_off(api, tmp_path):
    def scenario(api):
        api.text(SELLER, f"/peak {_moment(timedelta(seconds=2))} - {_moment(timedelta(seconds=5))}")
        assert "Peak window scheduled" in wait_sent_to(api, SELLER)[0]
        assert "Scheduled peak mode is on" in wait_sent_to(api, SELLER, 2)[1]
        api.text(BUYER, "where is my parcel??")
        assert "in the order they came in" in wait_sent_to(api, BUYER)[0]
        assert "has ended" in wait_sent_to(api, SELLER, 3, timeout=10)[2]
        api.text(SECOND_BUYER, "where is my parcel??")
        card = wait_sent_to(api, SELLER, cards=True)[0]
        assert "where is my parcel" in card
        settle()
        assert sent_to(api, SECOND_BUYER) == []

    assert run_bot(api, tmp_path / "shop.db", scenario) == []


def test_a_restart_keeps_modes_windows_and_cooldowns(api, tmp_path):
    db = tmp_path / "shop.db"
    window = f"{_moment(timedelta(days=1))} - {_moment(timedelta(days=2))}"

    def before(api):
        for command in ("/peak on", f"/peak {window}", "/hours mon-fri 09:00-18:00 Asia/Seoul"):
            count = len(sent_to(api, SELLER))
            api.text(SELLER, command)
            wait_sent_to(api, SELLER, count + 1)
        api.text(BUYER, "where is my parcel??")
        wait_sent_to(api, BUYER)

    def after(api):
        api.text(SELLER, "/peak")
        status = wait_sent_to(api, SELLER, 4)[3]
        assert "Peak mode: on (by hand)" in status
        starts = datetime.fromisoformat(window.split(" - ", maxsplit=1)[0]).replace(tzinfo=UTC)
        assert starts.astimezone(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M") in status
        api.text(SELLER, "/hours")
        assert "mon 09:00-18:00" in wait_sent_to(api, SELLER, 5)[4]
        api.text(BUYER, "hello??? where is it")
        api.text(SECOND_BUYER, "where is my parcel??")
        wait_sent_to(api, SECOND_BUYER)
        settle()
        assert len(sent_to(api, BUYER)) == 1  # still inside the cool-down from before the restart
        api.text(SELLER, "/peak clear")
        assert "1 scheduled peak windows cancelled" in wait_sent_to(api, SELLER, 6)[5]
        api.text(SELLER, "/peak soon")
        assert "Usage: /peak on" in wait_sent_to(api, SELLER, 7)[6]
        api.text(SELLER, "/peak")
        assert "window" not in wait_sent_to(api, SELLER, 8)[7]

    assert run_bot(api, db, before) == []
    assert run_bot(api, db, after) == []


def test_a_seller_answer_silences_auto_replies_and_unknown_connections_are_looked_up(api, tmp_path):
    db = tmp_path / "shop.db"

    def scenario(api):
        api.connect_business("bc9", SELLER, announce=False)
        for command in ("/settings auto_reply_cooldown_minutes 0", "/peak on"):
            count = len(sent_to(api, SELLER))
            api.text(SELLER, command)
            wait_sent_to(api, SELLER, count + 1)
        api.business_message("bc9", BUYER, "where is my order??")
        first = wait_sent_to(api, BUYER)[0]
        api.business_message("bc9", BUYER, "hello?")
        wait_sent_to(api, BUYER, 2)  # no cool-down: a second auto-reply
        api.business_message("bc9", BUYER, first, sender_id=SELLER, by_bot=True)
        api.business_message("bc9", BUYER, "Shipping today, sorry!", sender_id=SELLER)
        settle()
        api.business_message("bc9", BUYER, "thanks! and the tracking number?")
        settle()
        assert len(sent_to(api, BUYER)) == 2  # a seller answered less than 5 minutes ago
        assert len(api.wait_for("getBusinessConnection")) == 1

    assert run_bot(api, db, scenario) == []
    logged = [(r["direction"], r["template"], r["text"][:20]) for r in rows(db)]
    assert logged == [
        ("in", None, "where is my order??"),
        ("out", "auto_reply_busy", logged[1][2]),
        ("in", None, "hello?"),
        ("out", "auto_reply_busy", logged[3][2]),
        ("out", None, "Shipping today, sorr"),
        ("in", None, "thanks! and the trac"),
    ]


def test_only_sellers_can_send(api, tmp_path):
    def scenario(api):
        api.text(BUYER, "where is my parcel??")
        wait_sent_to(api, SELLER, cards=True)
        card = cards_for(api, SELLER)[0]
        api.press(SECOND_BUYER, card.result, "send")
        refusal = api.wait_for("answerCallbackQuery")[0]
        assert refusal.params["show_alert"] is True
        assert "only for the shop's sellers" in refusal.params["text"]
        settle()
        assert sent_to(api, BUYER) == []

    assert run_bot(api, tmp_path / "shop.db", scenario) == []


def test_a_photo_gets_the_auto_reply_in_the_senders_language_or_reaches_the_sellers(api, tmp_path):
    db = tmp_path / "shop.db"

    def scenario(api):
        api.connect_business("bc1", SELLER)
        api.text(SELLER, "/peak on")
        wait_sent_to(api, SELLER, 2)
        api.business_message("bc1", BUYER, "", photo=True, language_code="ko")
        korean = wait_sent_to(api, BUYER)[0]
        assert korean.startswith("안녕하세요, "), "in the sender's language"
        api.text(SELLER, "/peak off")
        wait_sent_to(api, SELLER, 3)
        api.business_message("bc1", SECOND_BUYER, "", photo=True, first_name="Kim")
        assert "Kim (business chat) sent [photo]" in wait_sent_to(api, SELLER, 4)[3]

    assert run_bot(api, db, scenario) == []
    photos = [r for r in rows(db) if r["direction"] == "in"]
    assert [r["text"] for r in photos] == ["[photo]", "[photo]"]
    assert photos[0]["scenario"] is None


def test_edits_deletions_and_buyer_commands_are_logged_for_what_they_are(api, tmp_path):
    db = tmp_path / "shop.db"

    def scenario(api):
        api.connect_business("bc1", SELLER)
        api.text(SELLER, "/peak on")
        wait_sent_to(api, SELLER, 2)
        asked = api.business_message("bc1", BUYER, "where is my parcel?")
        wait_sent_to(api, BUYER)
        api.edit_business_message(
            asked, "where is my parcel? refund me now or i open a paypal dispute and report you"
        )
        card = wait_sent_to(api, SELLER, cards=True)[0]
        assert "dispute risk" in card
        assert "open a paypal dispute" in card
        said = api.business_message("bc1", BUYER, "We are on it", sender_id=SELLER)
        settle()
        api.delete_business_messages("bc1", BUYER, [said["message_id"]])
        api.text(SECOND_BUYER, "/order 8123456789012 where is it??")
        assert "in the order they came in" in wait_sent_to(api, SECOND_BUYER)[0]
        settle()

    assert run_bot(api, db, scenario) == []
    logged = [(r["direction"], r["kind"], r["chat_id"], r["text"][:14]) for r in rows(db)]
    deletions = [(d, c) for d, k, c, _ in logged if k == "deletion"]
    assert deletions == [("out", str(BUYER))]  # the owner deleted their own message
    assert ("in", "message", str(SECOND_BUYER), "/order 8123456") in logged
    assert [k for d, k, c, _ in logged if c == str(BUYER) and d == "in"] == ["message", "edit"]


def test_windows_scheduled_before_a_restart_still_open_and_close(api, tmp_path):
    db = tmp_path / "shop.db"

    def before(api):
        api.text(SELLER, f"/peak {_moment(timedelta(seconds=6))} - {_moment(timedelta(seconds=8))}")
        assert "Peak window scheduled" in wait_sent_to(api, SELLER)[0]

    def after(api):
        assert "Scheduled peak mode is on" in wait_sent_to(api, SELLER, 2, timeout=15)[1]
        assert "has ended" in wait_sent_to(api, SELLER, 3, timeout=15)[2]

    assert run_bot(api, db, before) == []
    assert run_bot(api, db, after) == []


def test_an_inbox_card_answers_buttons_it_does_not_have_and_still_sends(api, tmp_path):
    def scenario(api):
        api.text(BUYER, "shop oi hang bi vo roi, don 8123456789012", language_code="vi")
        wait_sent_to(api, SELLER, cards=True)
        card = cards_for(api, SELLER)[0]
        forged = ["log", "r:other:acknowledge", "q:" + "9" * 62, "q:0", "l:de", "send:now"]
        for data in forged:
            api.press(SELLER, card.result, data)
        answers = api.wait_for("answerCallbackQuery", len(forged))
        assert {answer.params["text"] for answer in answers} == {NOTICES["en"]["outdated"]}
        settle()
        assert api.wait_for("editMessageText", 0) == []
        api.press(SELLER, card.result, "send")
        assert api.wait_for("answerCallbackQuery", len(forged) + 1)[-1].params["text"] == "Sent."
        wait_sent_to(api, BUYER)

    assert run_bot(api, tmp_path / "shop.db", scenario) == []
