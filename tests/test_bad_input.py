import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.console import ConsoleSession
from bot.nlp.analyzer import MAX_ANALYSED_CHARS, EmptyMessageError, is_empty
from bot.nlp.normalize import clean, normalize, strip_accents
from bot.replies.facts import ShopSettings
from bot.replies.render import Renderer
from bot.scenarios import LANGUAGES, SCENARIOS
from bot.store.log import Entry, EvidenceLog, read
from bot.store.verify import verify
from bot.text_input import readable_text
from tests.fake_bot_api import FakeBotApi
from tests.test_bot import SELLER, run_bot
from tests.test_inbox_bot import BUYER, rows, wait_sent_to

ODD_TEXT = st.text(
    st.characters(exclude_categories=())
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
    | st.sampled_from("\x00\x07\x1b\x7f\x85\x9f\r\n\t\u200d\ufeff"),
    max_size=300,
)
"""Any text, lone surrogates and control characters included."""
REAL_TEXT = "Ship it 🙏👨‍👩‍👧 快点发货 배송 언제 돼요? hàng đâu rồi shop ơi\n\tthanks\u200b"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x01\x7f", "\u200b\ufeff"])
def test_empty_messages_are_refused_clearly(analyzer, text):
    with pytest.raises(EmptyMessageError, match="empty"):
        analyzer.analyse(text)


def test_ten_thousand_characters(analyzer):
    text = "the parcel never arrived and tracking is stuck " * 220
    assert len(text) > 10_000
    analysis = analyzer.analyse(text)
    assert analysis.text == text
    assert analysis.scenario == "delivery_delay"


@pytest.mark.parametrize("text", ["😡😡😡", "🙏", "👍👍", "!!!???", "..."])
def test_emoji_and_punctuation_only_fall_back_to_other(analyzer, text):
    assert analyzer.analyse(text).scenario == "other"


def test_control_characters_are_ignored(analyzer):
    noisy = analyzer.analyse("item\x00 arrived\x07 broken\x1b[31m, want\u200b refund")
    assert noisy.scenario == "damaged_item"


@pytest.mark.parametrize(
    "text",
    [
        "{{ 7*7 }} {% raw %} order 8123456789012345 not arrived",
        "<b>refund</b> &amp; <script>alert(1)</script>",
        "*bold* _it_ [link](http://x) `code` ~~s~~",
    ],
)
def test_markup_and_template_syntax_are_just_text(analyzer, text):
    analysis = analyzer.analyse(text)
    assert analysis.text == text
    assert analysis.scenario in SCENARIOS


def test_long_messages_are_analysed_on_a_bounded_prefix(analyzer):
    head = "hàng bị vỡ rồi, hoàn tiền cho mình "
    analysis = analyzer.analyse(head + "x" * (MAX_ANALYSED_CHARS * 3))
    assert analysis.language == "vi"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ODD_TEXT)
def test_any_text_is_analysed_or_refused_as_empty(analyzer, text):
    try:
        analysis = analyzer.analyse(text)
    except EmptyMessageError:
        assert clean(readable_text(text)) == ""
        return
    assert analysis.language in LANGUAGES
    assert analysis.scenario in SCENARIOS
    assert 0.0 <= analysis.confidence <= 1.0
    assert len(analysis.alternatives) == len(SCENARIOS) - 1


@given(st.text(max_size=200))
def test_normalisation_is_idempotent(text):
    assert clean(clean(text)) == clean(text)
    assert normalize(normalize(text)) == normalize(text)
    assert strip_accents(strip_accents(text)) == strip_accents(text)


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy "
        "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    )
)
def test_vietnamese_without_accents_is_ascii(text):
    assert strip_accents(normalize(text)).isascii()


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("hi \ud800", "hi \ufffd"),
        ("\udcff\udcfe bad", "\ufffd\ufffd bad"),  # bytes b"\xff\xfe" from argv
        ("\ud83d\ude00 pair", "😀 pair"),
        ("a\x00b\x07c\x1b[31md\x7fe\x85f\x9fg", "abc[31mdefg"),
        ("line\r\nnext\rlast\ttab", "line\nnext\nlast\ttab"),
        (REAL_TEXT, REAL_TEXT),
    ],
)
def test_outside_text_is_made_readable_and_real_text_kept(text, readable):
    assert readable_text(text) == readable


@given(ODD_TEXT)
def test_readable_text_can_be_stored_and_sent(text):
    readable = readable_text(text)
    readable.encode("utf-8")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", readable)
    assert readable_text(readable) == readable


@given(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=200))
def test_readable_text_keeps_every_character_that_is_not_a_control(text):
    assert readable_text(text) == text


def test_one_odd_message_does_not_fail_the_others_analysed_with_it(analyzer):
    texts = ["where is my parcel", "hi \ud800 refund \x00now", "\udcff\udcfe 坏了", "亲 在吗"]
    analyses = analyzer.analyse_many(texts)
    assert [a.scenario in SCENARIOS for a in analyses] == [True] * 4
    assert analyses[0].language == "en"
    assert analyses[3].language == "zh"


def test_a_number_too_long_to_be_money_is_not_an_amount(analyzer):
    analysis = analyzer.analyse(
        f"price dropped, refund ${'9' * 32}.99 and 15,000원, order 8123456789012345"
    )
    amounts = [amount.to_json() for amount in analysis.entities.amounts]
    assert amounts == [{"value": "15000", "currency": "KRW"}]
    assert analysis.entities.order_ids == ("8123456789012345",)


def test_odd_telegram_text_reaches_a_card_cleaned(tmp_path, analyzer):
    db = tmp_path / "bot.db"
    api = FakeBotApi().start()

    def scenario(api):
        api.text(SELLER, "item\x00 arrived\x07 broken \ud800, want refund")
        card = api.wait_for("sendMessage")[0]
        assert "damaged_item" in card.params["text"]
        api.text(BUYER, "hàng bị vỡ\x1b[31m rồi \udcff shop ơi", first_name="Lan\x00\ud800")
        buyer_card = wait_sent_to(api, SELLER, count=2, cards=True)[1]
        assert "hàng bị vỡ[31m rồi \ufffd shop ơi" in buyer_card
        assert "Lan\ufffd" in buyer_card

    try:
        assert run_bot(api, db, scenario) == []
    finally:
        api.stop()
    logged = [r for r in rows(db) if r["direction"] == "in"]
    assert [(r["text"], r["buyer_name"]) for r in logged] == [
        ("hàng bị vỡ[31m rồi \ufffd shop ơi", "Lan\ufffd")
    ]
    assert read(db, verify).ok


def test_an_entry_that_cannot_be_written_fails_alone_and_the_log_goes_on(tmp_path):
    db = tmp_path / "log.db"
    with EvidenceLog(db) as log:
        log.append(Entry(direction="in", channel="console", text="before"))
        with pytest.raises(UnicodeEncodeError):
            log.append(Entry(direction="in", channel="console", text="not \ud800 encodable"))
        log.append(Entry(direction="in", channel="console", text="after"))
    assert [r["text"] for r in rows(db)] == ["before", "after"]
    assert read(db, verify).ok


@pytest.fixture(scope="module")
def console_session(tmp_path_factory, analyzer):
    db = tmp_path_factory.mktemp("console") / "console.db"
    with EvidenceLog(db) as log:
        yield ConsoleSession(log, ShopSettings(), Renderer.default())
    assert read(db, verify).ok


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ODD_TEXT,
    st.sampled_from(["", " order 8123456789012345", f" refund ${'9' * 40}", " 1.5 triệu đ"]),
)
def test_any_console_line_is_analysed_drafted_and_logged(console_session, text, extra):
    line = readable_text(text + extra)
    shown = console_session.handle(line)
    if is_empty(line):
        assert shown is None
    else:
        assert "--- reply (" in shown
