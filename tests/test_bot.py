"""The Telegram bot end to end: the real Application over HTTP against a fake Bot API."""

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("PTB_TIMEDELTA", "true")


from bot.config import BotSettings
from bot.replies.facts import PLATFORM_IDS, ShopSettings
from bot.replies.profile_setup import GUIDED, QUESTIONS
from bot.replies.registry import TEMPLATES
from bot.replies.render import Renderer
from bot.scenarios import REPLY_LANGUAGES, SCENARIOS
from bot.store.log import read
from bot.store.verify import verify
from bot.tg.app import build_application
from bot.tg.buttons import (
    NOTICES,
    ChooseLanguage,
    ChooseResolution,
    ChooseScenario,
    LogAsSent,
    OpenQueued,
    SendReply,
    SetupAnswer,
    StopSetup,
    parse_press,
    press_data,
)
from bot.tg.card import CardState, card_text, draft_for
from bot.tg.request import AiohttpRequest
from bot.tg.text import split_message
from tests.fake_bot_api import TOKEN, FakeBotApi

SELLER = 4242
STRANGER = 5151
BUYER = 9001


@pytest.fixture
def api():
    server = FakeBotApi().start()
    yield server
    server.stop()


def run_bot(api: FakeBotApi, db_path, scenario, sellers=(SELLER,)) -> list[BaseException]:
    """Run the real Application against the fake server while `scenario(api)` drives it."""
    settings = BotSettings(
        token=TOKEN, api_url=api.url, seller_ids=frozenset(sellers), db_path=db_path
    )
    errors: list[BaseException] = []

    async def main() -> None:
        application = build_application(
            settings,
            request=AiohttpRequest(trust_env=False),
            get_updates_request=AiohttpRequest(connection_pool_size=1, trust_env=False),
        )

        async def record(update, context):
            errors.append(context.error)

        application.add_error_handler(record)
        async with application:
            await application.post_init(application)
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1)
            try:
                await asyncio.to_thread(scenario, api)
            finally:
                await application.updater.stop()
                await application.stop()
        application.bot_data.services.log.close()

    asyncio.run(main())
    return errors


def test_commands_menus_and_start(api, tmp_path, analyzer):
    def scenario(api):
        api.text(SELLER, "/start")
        api.wait_for("sendMessage")

    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    menus = api.wait_for("setMyCommands", 8)
    everyone = [call for call in menus if "scope" not in call.params]
    sellers = [call for call in menus if call.params.get("scope")]
    assert {call.params.get("language_code") for call in everyone} == {None, "zh", "ko", "vi"}
    assert all([c["command"] for c in call.params["commands"]] == ["start"] for call in everyone)
    assert {call.params.get("language_code") for call in sellers} == {None, "zh", "ko", "vi"}
    assert all(call.params["scope"] == {"type": "chat", "chat_id": SELLER} for call in sellers)
    assert all(len(call.params["commands"]) == 14 for call in sellers)
    assert "Paste or forward" in api.wait_for("sendMessage")[0].params["text"]


def test_seller_gets_a_card_and_buttons_edit_it_and_log_it(api, tmp_path, analyzer):
    db = tmp_path / "bot.db"

    def scenario(api):
        api.text(SELLER, "亲 订单号 3000123456 <b>杯子</b> 碎了 & 退款", language_code="en")
        card = api.wait_for("sendMessage")[0]
        text = card.params["text"]
        assert "damaged_item" in text
        assert "&lt;b&gt;杯子&lt;/b&gt;" not in text  # the buyer's text is not echoed raw
        assert "<b>杯子</b>" not in text
        keyboard = card.params["reply_markup"]["inline_keyboard"]
        data = [button["callback_data"] for row in keyboard for button in row]
        assert "log" in data
        assert all(len(item.encode()) <= 64 for item in data)
        api.press(SELLER, card.result, "l:en")
        edited = api.wait_for("editMessageText")[0]
        assert "Reply (English)" in edited.params["text"]
        api.press(SELLER, card.result, "log")
        assert "Logged as sent" in api.wait_for("editMessageText", 2)[1].params["text"]
        api.wait_for("answerCallbackQuery", 2)

    assert run_bot(api, db, scenario) == []
    verdict = read(db, verify)
    assert (verdict.ok, verdict.rows) == (True, 2)


def _orders_message(analyzer, pieces_in_english: int, pieces_in_chinese: int) -> str:
    """A buyer listing so many orders that the card needs the given numbers of messages."""
    renderer = Renderer.default()
    for count in range(100, 300, 2):
        text = "refund these orders please: " + " ".join(
            str(8123456789012345 + n * 7919) for n in range(count)
        )
        analysis = analyzer.analyse(text)
        sizes = []
        for language in ("en", "zh"):
            state = CardState(analysis, analysis.scenario, language, "", "en").with_scenario(
                analysis.scenario
            )
            sizes.append(
                len(split_message(card_text(state, draft_for(state, ShopSettings(), renderer))))
            )
        if sizes == [pieces_in_english, pieces_in_chinese]:
            return text
    raise AssertionError("no message of that shape")


def test_a_long_card_is_split_and_its_buttons_update_every_part(api, tmp_path, analyzer):
    same = _orders_message(analyzer, 3, 3)
    grows = _orders_message(analyzer, 1, 2)

    def scenario(api):
        api.text(SELLER, same)
        parts = api.wait_for("sendMessage", 3)
        assert [bool(call.params.get("reply_markup")) for call in parts] == [False, False, True]
        assert all(len(call.params["text"]) <= 4096 for call in parts)
        api.press(SELLER, parts[-1].result, "l:zh")
        edits = api.wait_for("editMessageText")
        assert [call.params["message_id"] for call in edits] == [parts[-1].result["message_id"]]
        assert "Reply (Chinese)" in edits[0].params["text"]

        api.text(SELLER, grows)
        card = api.wait_for("sendMessage", 4)[3]
        api.press(SELLER, card.result, "l:zh")
        deleted = api.wait_for("deleteMessage")
        assert [call.params["message_id"] for call in deleted] == [card.result["message_id"]]
        resent = api.wait_for("sendMessage", 6)[4:]
        assert [bool(call.params.get("reply_markup")) for call in resent] == [False, True]
        assert "Reply (Chinese)" in "".join(call.params["text"] for call in resent)
        api.press(SELLER, resent[-1].result, "log")
        logged = api.wait_for("editMessageText", 2)[-1]
        assert logged.params["message_id"] == resent[-1].result["message_id"]
        assert "Logged as sent" in logged.params["text"]

    assert run_bot(api, tmp_path / "bot.db", scenario) == []


def test_seller_commands(api, tmp_path, analyzer):
    db = tmp_path / "bot.db"

    def scenario(api):
        api.text(SELLER, "/lang ko")
        api.wait_for("sendMessage", 1)
        api.text(SELLER, "/draft shipping_delay_notice vi")
        api.wait_for("sendMessage", 2)
        api.text(SELLER, "price dropped $8 right after i paid, order 8123456789012345")
        card = api.wait_for("sendMessage", 3)[2]
        api.press(SELLER, card.result, "log")
        api.wait_for("editMessageText", 1)
        api.text(SELLER, "/case 8123456789012345")
        api.wait_for("sendMessage", 4)
        api.text(SELLER, "/resolve 8123456789012345 refund_difference 8.00 USD")
        api.wait_for("sendMessage", 5)
        api.text(SELLER, "/export 8123456789012345 csv")
        api.wait_for("sendDocument", 1)
        api.text(SELLER, "/export 404")
        api.wait_for("sendMessage", 6)
        api.text(SELLER, "/verify")
        api.wait_for("sendMessage", 7)
        api.text(SELLER, "/nonsense")
        api.wait_for("sendMessage", 8)
        for count, amount in enumerate(("NaN", "1e400", "-Infinity", "12x"), 9):
            api.text(SELLER, f"/resolve 8123456789012345 refund_difference {amount} USD")
            api.wait_for("sendMessage", count)

    assert run_bot(api, db, scenario) == []
    texts = [call.params["text"] for call in api.wait_for("sendMessage", 12)]
    assert texts[0] == "Your language is now ko."
    assert "Shop" in texts[1]
    assert "<b>ko</b>" in texts[1]
    assert "반환" in texts[2] or "주문" in texts[2]
    assert "order 8123456789012345: open" in texts[3]
    assert "resolved (refund_difference)" in texts[4]
    document = api.wait_for("sendDocument")[0]
    exported = next(iter(document.files.values())).decode("utf-8-sig")
    assert "price dropped $8" in exported
    assert "Case resolved: refund_difference 8.00 USD" in exported
    assert texts[5] == "No messages match: nothing to export."
    assert texts[6] == "the chain holds: 3 rows verified"
    assert texts[7].startswith("Unknown command.")
    for refusal, amount in zip(texts[8:12], ("NaN", "1e400", "-Infinity", "12x"), strict=True):
        assert amount in refusal
        assert "Usage: /resolve" in refusal
    assert read(db, verify).rows == 3


def test_strangers_cannot_use_seller_commands(api, tmp_path, analyzer):
    def scenario(api):
        for command in COMMANDS:
            api.text(STRANGER, command)
        api.wait_for("sendMessage", len(COMMANDS))

    COMMANDS = ("/lang ko", "/draft price_drop", "/case 1", "/export", "/verify", "/peak on",
                "/hours off", "/closed 2026-12-24", "/queue", "/settings shop_name X",
                "/setup")  # fmt: skip
    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    replies = {call.params["text"] for call in api.wait_for("sendMessage", len(COMMANDS))}
    assert replies == {"Sorry, this assistant is only for the shop's sellers."}
    assert not [call for call in api.calls if call.method == "sendDocument"]


def test_a_429_is_retried_and_a_failing_call_does_not_stop_the_bot(api, tmp_path, analyzer):
    def scenario(api):
        api.fail_next("sendMessage", 429, {"retry_after": 1})
        api.text(SELLER, "/help")
        api.wait_for("sendMessage", 2)
        api.fail_next("sendMessage", 500)
        api.text(SELLER, "/help")
        api.wait_for("sendMessage", 3)
        api.text(SELLER, "/help")
        api.wait_for("sendMessage", 4)

    errors = run_bot(api, tmp_path / "bot.db", scenario)
    assert len(errors) == 1
    statuses = [call.result.get("error_code") if isinstance(call.result, dict) else None
                for call in api.wait_for("sendMessage", 4)]  # fmt: skip
    assert statuses[0] == 429
    assert statuses[2] == 500
    assert statuses.count(None) == 2


def test_the_same_update_delivered_twice_is_logged_once(api, tmp_path, analyzer):
    db = tmp_path / "bot.db"

    def scenario(api):
        message = api.message(SELLER, "亲 收到的杯子碎了 订单号 3000123456")
        api.push({"message": message})
        api.push({"message": message})
        cards = api.wait_for("sendMessage", 2)
        for card in cards:
            api.press(SELLER, card.result, "log")
        api.wait_for("editMessageText", 2)

    assert run_bot(api, db, scenario) == []
    verdict = read(db, verify)
    assert (verdict.ok, verdict.rows) == (True, 2)


def test_switching_a_cards_scenario_stores_a_correction(api, tmp_path, analyzer):
    from bot.store.corrections import load_corrections

    db = tmp_path / "bot.db"

    def scenario(api):
        api.text(SELLER, "shop oi sao chua giao hang vay")
        card = api.wait_for("sendMessage")[0]
        api.press(SELLER, card.result, "s:not_shipped")
        assert "not_shipped" in api.wait_for("editMessageText")[0].params["text"]

    assert run_bot(api, db, scenario) == []
    assert [(e.text, e.scenario) for e in read(db, load_corrections)] == [
        ("shop oi sao chua giao hang vay", "not_shipped")
    ]


def test_shop_settings_are_shown_changed_and_used(api, tmp_path, analyzer):
    def scenario(api):
        api.text(SELLER, "/settings")
        api.wait_for("sendMessage", 1)
        api.text(SELLER, "/settings return_window_days 30")
        api.wait_for("sendMessage", 2)
        api.text(SELLER, "/settings shop_name Lotus <Home> & Co")
        api.wait_for("sendMessage", 3)
        api.text(SELLER, "/settings return_window_days soon")
        api.wait_for("sendMessage", 4)
        api.text(SELLER, "/settings colour red")
        api.wait_for("sendMessage", 5)
        api.text(SELLER, "/draft return_refund en")
        api.wait_for("sendMessage", 6)

    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    texts = [call.params["text"] for call in api.wait_for("sendMessage", 6)]
    assert "return_window_days: not set — replies speak of the platform's return period" in texts[0]
    assert texts[1] == "Saved. return_window_days: 30"
    assert "Lotus &lt;Home&gt; &amp; Co" in texts[2]
    assert "a whole number" in texts[3]
    assert "unknown setting 'colour'" in texts[4]
    assert "within 30 days" in texts[5]
    assert "Lotus &lt;Home&gt; &amp; Co" in texts[5]


def test_photos_stickers_and_voice_get_an_explanation(api, tmp_path, analyzer):
    def scenario(api):
        for kind, payload in (
            ("photo", [{"file_id": "p", "file_unique_id": "p1", "width": 1, "height": 1}]),
            ("sticker", {"file_id": "s", "file_unique_id": "s1", "width": 1, "height": 1,
                         "is_animated": False, "is_video": False, "type": "regular"}),
            ("voice", {"file_id": "v", "file_unique_id": "v1", "duration": 2}),
        ):  # fmt: skip
            message = api.message(SELLER, "")
            del message["text"]
            message[kind] = payload
            api.push({"message": message})
        api.wait_for("sendMessage", 3)

    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    replies = {call.params["text"] for call in api.wait_for("sendMessage", 3)}
    assert replies == {"I can read text only: please paste or forward the buyer's message as text."}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_replybot_run_stops_cleanly_on_a_signal(api, tmp_path, analyzer, stop):
    db = tmp_path / "bot.db"
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env |= {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "SELLER_IDS": str(SELLER),
        "REPLYBOT_DB": str(db),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.wait_for("setMyCommands", 4, timeout=60)
        api.text(SELLER, "where is my parcel, order 8123456789")
        card = api.wait_for("sendMessage")[0]
        api.press(SELLER, card.result, "log")
        api.wait_for("answerCallbackQuery")
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.endswith(" INFO bot.tg.app: stopped; the evidence log is closed")
    verdict = read(db, verify)
    assert (verdict.ok, verdict.rows) == (True, 2)


RESOLUTION_NAMES = sorted({r.name for spec in TEMPLATES.values() for r in spec.resolutions})
WORDS = [*SCENARIOS, *REPLY_LANGUAGES, *RESOLUTION_NAMES, *TEMPLATES, "log", "send", "q", "0", "-1"]


def _fits(data: str) -> bool:
    return len(data.encode()) <= 64


CALLBACK_DATA = st.one_of(
    st.text(max_size=64),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=10)), min_size=1, max_size=4).map(
        ":".join
    ),
    st.tuples(
        st.sampled_from(["s", "l", "r", "q", "log", "send", "x", ""]), st.text(max_size=30)
    ).map(":".join),
    st.integers(min_value=0, max_value=10**61).map(lambda n: f"q:{n}"),
).filter(_fits)


def press_and_wait(api: FakeBotApi, user_id: int, message: dict, data: str | None) -> dict:
    """Press a button (data=None: a callback without data) and return the bot's answer."""
    query_id = f"q{len(api.calls)}-{time.monotonic_ns()}"
    user = {"id": user_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    query = {"id": query_id, "from": user, "chat_instance": "1", "message": message}
    if data is not None:
        query["data"] = data
    api.push({"callback_query": query})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for call in list(api.calls):
            if (
                call.method == "answerCallbackQuery"
                and call.params["callback_query_id"] == query_id
            ):
                return call.params
        time.sleep(0.01)
    raise AssertionError(f"the press {data!r} was never answered")


def edits(api: FakeBotApi) -> list:
    return [call for call in api.calls if call.method == "editMessageText"]


SETUP_PROFILES = [
    ShopSettings(),
    *(ShopSettings(platforms=(platform,)) for platform in PLATFORM_IDS),
    ShopSettings(shop_name="x" * 80, timezone="America/Argentina/ComodRivadavia", currency="KRW"),
]


def test_every_card_button_parses_back_to_itself_and_nothing_else_parses():
    presses = [
        *(ChooseScenario(s) for s in SCENARIOS),
        *(ChooseLanguage(language) for language in REPLY_LANGUAGES),
        *(ChooseResolution(s, r.name) for s in SCENARIOS for r in TEMPLATES[s].resolutions),
        LogAsSent(),
        SendReply(),
        OpenQueued(1),
        OpenQueued(10**18 - 1),
        StopSetup(),
        *(
            SetupAnswer(key, option.value)
            for settings in SETUP_PROFILES
            for key in GUIDED
            for option in QUESTIONS[key].options(settings)
        ),
    ]
    for press in presses:
        assert _fits(press_data(press))
        assert parse_press(press_data(press)) == press
    for data in (None, "", ":", "s", "s:", "s:refund", "s:out_of_stock_notice", "l:fr", "l:EN",
                 "r:refund", "r:other:refund", "r:nonsense:refund", "r:damaged_item:refund",
                 "log:", "logx", "send:1", "q:", "q:0", "q:-1", "q:007", "q:٣", "q:" + "9" * 19,
                 "q:1 ", "s:other\n", "s:other:x", "p:", "p:shop_name", "p:colour:red",
                 "p:platforms:shopee", "pstop:", "pstopx"):  # fmt: skip
        assert parse_press(data) is None, data


@given(CALLBACK_DATA)
def test_parsing_any_callback_data_never_fails_and_reads_only_what_a_button_writes(data):
    press = parse_press(data)
    assert press is None or press_data(press) == data


def test_forged_and_stale_presses_are_always_answered(api, tmp_path, analyzer):
    answered = []

    def scenario(api):
        api.text(SELLER, "亲 订单号 3000123456 杯子碎了 退款")
        assistant_card = api.wait_for("sendMessage")[0].result
        api.text(BUYER, "shop oi hang bi vo roi, don 8123456789012", language_code="vi")
        inbox_card = api.wait_for("sendMessage", 2)[1].result
        unknown = {**assistant_card, "message_id": 999_999}

        @settings(max_examples=25, deadline=None, database=None)
        @given(st.sampled_from([assistant_card, inbox_card, unknown]), CALLBACK_DATA)
        def press_anything(message, data):
            answered.append(press_and_wait(api, SELLER, message, data))

        press_anything()
        for data in (None, "", "q:" + "9" * 62, "q:" + "٣" * 20, "q:123456", "r:other:refund",
                     "s:auto_reply_busy", "l:xx", "log:1", "\x00", "🙂" * 16):  # fmt: skip
            for message in (assistant_card, inbox_card, unknown):
                answered.append(press_and_wait(api, SELLER, message, data))

    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    assert len(answered) >= 25 + 33
    outdated, expired = NOTICES["en"]["outdated"], NOTICES["en"]["expired"]
    assert {answer.get("text") for answer in answered[-33:]} <= {
        outdated,
        expired,
        "That message is no longer in the log.",
    }


def test_a_resolution_button_from_before_a_scenario_switch_is_answered_as_out_of_date(
    api, tmp_path, analyzer
):
    answers = []

    def scenario(api):
        api.text(SELLER, "亲 订单号 3000123456 杯子碎了 退款")
        card = api.wait_for("sendMessage")[0]
        assert "damaged_item" in card.params["text"]
        old = [data for data in callback_data_of(card.params) if data.startswith("r:")]
        assert old
        answers.append(press_and_wait(api, SELLER, card.result, "s:other"))
        switched = edits(api)[-1].params
        assert "<b>other</b>" in switched["text"]
        for data in [*old, "r:refund", "r:acknowledge"]:
            answers.append(press_and_wait(api, SELLER, card.result, data))
        time.sleep(0.3)
        assert len(edits(api)) == 1

    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    assert [answer.get("text") for answer in answers[1:]] == [NOTICES["en"]["outdated"]] * (
        len(answers) - 1
    )


def callback_data_of(params: dict) -> list[str]:
    keyboard = params.get("reply_markup") or {"inline_keyboard": []}
    return [button["callback_data"] for row in keyboard["inline_keyboard"] for button in row]


def test_notices_are_in_the_sellers_language(api, tmp_path, analyzer):
    answers = {}

    def scenario(api):
        api.text(SELLER, "where is my parcel, order 8123456789")
        card = api.wait_for("sendMessage")[0].result
        for language in REPLY_LANGUAGES:
            count = len(api.wait_for("sendMessage"))
            api.text(SELLER, f"/lang {language}")
            api.wait_for("sendMessage", count + 1)
            answers[language] = press_and_wait(api, SELLER, card, "s:nonsense")["text"]

    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    assert answers == {language: NOTICES[language]["outdated"] for language in REPLY_LANGUAGES}
    assert len(set(answers.values())) == len(REPLY_LANGUAGES)


def test_a_double_tap_acts_once_and_an_edit_that_changes_nothing_is_no_error(
    api, tmp_path, analyzer
):
    db = tmp_path / "bot.db"

    def scenario(api):
        api.text(SELLER, "亲 订单号 3000123456 杯子碎了 退款")
        card = api.wait_for("sendMessage")[0].result
        api.press(SELLER, card, "l:ko")
        api.press(SELLER, card, "l:ko")
        api.wait_for("answerCallbackQuery", 2)
        assert [call.params["text"].count("Reply (Korean)") for call in edits(api)] == [1, 1]
        refused = [call for call in edits(api) if call.result.get("ok") is False]
        assert len(refused) == 1
        assert "message is not modified" in refused[0].result["description"]
        api.press(SELLER, card, "log")
        api.press(SELLER, card, "log")
        answers = api.wait_for("answerCallbackQuery", 4)[2:]
        assert sorted(answer.params.get("text", "") for answer in answers) == [
            "",
            NOTICES["en"]["logged"],
        ]

    assert run_bot(api, db, scenario) == []
    verdict = read(db, verify)
    assert (verdict.ok, verdict.rows) == (True, 2)


def test_a_logged_card_no_longer_changes(api, tmp_path, analyzer):
    answers = []

    def scenario(api):
        api.text(SELLER, "亲 订单号 3000123456 杯子碎了 退款")
        card = api.wait_for("sendMessage")[0]
        before = callback_data_of(card.params)
        press_and_wait(api, SELLER, card.result, "log")
        logged = edits(api)[-1].params
        assert "Logged as sent" in logged["text"]
        assert "reply_markup" not in logged
        for data in [*before, "s:other", "l:en", "send"]:
            answers.append(press_and_wait(api, SELLER, card.result, data)["text"])
        time.sleep(0.3)
        assert len(edits(api)) == 1

    assert run_bot(api, tmp_path / "bot.db", scenario) == []
    assert set(answers) == {NOTICES["en"]["logged"]}


def test_a_sellers_first_start_sets_up_the_shop_and_each_answer_is_stored(api, tmp_path, analyzer):
    from decimal import Decimal

    from bot.analysis import Amount
    from bot.store.shop import load_shop_settings

    db = tmp_path / "shop.db"
    seen: dict[str, object] = {}

    def sent(count):
        return api.wait_for("sendMessage", count)[count - 1]

    def buttons(call):
        keyboard = call.params["reply_markup"]["inline_keyboard"]
        return [button["callback_data"] for row in keyboard for button in row]

    def scenario(api):
        api.text(SELLER, "/start")
        assert "Paste or forward" in sent(1).params["text"]
        name = sent(2)
        assert "set up your shop" in name.params["text"]
        assert "<b>1/8</b> What is your shop's name?" in name.params["text"]
        assert buttons(name) == ["p:shop_name:~", "pstop"]
        seen["during"] = read(db, load_shop_settings)
        api.text(SELLER, "Lotus <Home>")
        platform = sent(3)
        assert "Saved. shop_name: Lotus &lt;Home&gt;" in platform.params["text"]
        assert "p:platform:shopee" in buttons(platform)
        api.press(SELLER, platform.result, "p:platform:shopee")
        currency = sent(4)
        assert (
            api.wait_for("editMessageReplyMarkup")[0].params["message_id"]
            == (platform.result["message_id"])
        )
        assert "Saved. platforms: Shopee (main)" in currency.params["text"]
        assert buttons(currency)[0] == "p:currency:VND"
        api.press(SELLER, currency.result, "p:currency:VND")
        zone = sent(5)
        assert buttons(zone)[0] == "p:timezone:Asia/Ho_Chi_Minh"
        api.text(SELLER, "Saigon")
        again = sent(6)
        assert "not an IANA time zone" in again.params["text"]
        assert "<b>4/8</b> Which time zone" in again.params["text"]
        api.text(SELLER, "Asia/Ho_Chi_Minh")
        window = sent(7)
        assert buttons(window)[:4] == [
            "p:return_window_days:",
            "p:return_window_days:7",
            "p:return_window_days:15",
            "p:return_window_days:30",
        ]
        api.press(SELLER, window.result, "p:return_window_days:30")
        shipping = sent(8)
        api.press(SELLER, shipping.result, "p:return_shipping:seller")
        coupon = sent(9)
        assert "Saved. return_shipping: the shop pays" in coupon.params["text"]
        api.text(SELLER, "20000")
        how = sent(10)
        assert "Saved. coupon: 20000 VND" in how.params["text"]
        api.text(SELLER, "Nhập mã XINLOI khi thanh toán")
        done = sent(11)
        assert "Your shop is set up" in done.params["text"]
        assert "reply_markup" not in done.params
        api.text(SELLER, "/start")
        sent(12)
        api.text(SELLER, "shop oi sao chua giao hang vay")
        card = sent(13).params["text"]
        assert "<b>Reply (Vietnamese)</b>" in card
        assert card.endswith("Lotus &lt;Home&gt;")
        api.text(BUYER, "/start", language_code="vi")
        seen["welcome"] = sent(14).params["text"]
        api.text(SELLER, "/setup")
        redo = sent(15)
        assert "p:shop_name:~" in buttons(redo)
        labels = [b["text"] for row in redo.params["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == ["Keep “Lotus <Home>”", "Stop setup"]
        api.press(SELLER, redo.result, "pstop")
        assert "Setup stopped" in sent(16).params["text"]
        api.text(SELLER, "still not shipped, order 8123456789012")
        assert "Saved" not in sent(17).params["text"]

    assert run_bot(api, db, scenario) == []
    assert seen["during"] == ShopSettings()
    assert read(db, load_shop_settings) == ShopSettings(
        shop_name="Lotus <Home>", platforms=("shopee",), currency="VND",
        timezone="Asia/Ho_Chi_Minh", return_window_days=30, return_shipping="seller",
        coupon=Amount(Decimal(20000), "VND"), coupon_how="Nhập mã XINLOI khi thanh toán",
    )  # fmt: skip
    assert "Lotus &lt;Home&gt;" in seen["welcome"]
    assert len([c for c in api.calls if c.method == "sendMessage"]) == 17


def test_setup_buttons_are_checked_like_typed_answers(api, tmp_path, analyzer):
    from bot.store.shop import load_shop_settings

    db = tmp_path / "shop.db"

    def scenario(api):
        api.text(SELLER, "/setup")
        question = api.wait_for("sendMessage")[0]
        for data in ("p:currency:XYZ", "p:platform:ebay", "p:colour:red", "p:shop_name"):
            api.press(SELLER, question.result, data)
        api.press(STRANGER, question.result, "p:platform:shopee")
        api.wait_for("answerCallbackQuery", 5)
        api.wait_for("sendMessage", 3)

    assert run_bot(api, db, scenario) == []
    texts = [call.params["text"] for call in api.wait_for("sendMessage", 3)]
    assert "currency 'XYZ' is not an ISO 4217 currency code" in texts[1]
    assert "unknown platform 'ebay'" in texts[2]
    answers = api.wait_for("answerCallbackQuery", 5)
    assert any(a.params.get("text") == "Sorry, this assistant is only for the shop's sellers."
               for a in answers)  # fmt: skip
    assert read(db, load_shop_settings) == ShopSettings()
