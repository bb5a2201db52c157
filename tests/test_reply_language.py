"""Which language a reply is written in: Traditional Chinese for buyers who write it, the
reply languages every edge offers, and the script lists the choice and the check share."""

import json
import tomllib
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from bot.analysis import Analysis
from bot.cli import main
from bot.console import LANGUAGE_NAMES, ConsoleSession
from bot.core import reply_language
from bot.replies.check import default_checks
from bot.replies.facts import FactError, Facts, ShopSettings, apply_settings
from bot.replies.han_script import data_text, han_scripts, is_traditional, parse_scripts
from bot.replies.playbooks import playbook
from bot.replies.profile_setup import QUESTIONS
from bot.replies.render import Renderer
from bot.scenarios import LANGUAGES, REPLY_LANGUAGES, reply_language_named
from bot.store.log import EvidenceLog
from bot.tg.buttons import ChooseLanguage, parse_press, press_data
from bot.tg.card import CardState, card_keyboard
from bot.tg.context import telegram_language

TRADITIONAL = "您好，我的訂單到現在還沒出貨，請問什麼時候會寄出？"
SIMPLIFIED = "您好，我的订单到现在还没发货，请问什么时候会寄出？"


def analysis(text: str, language: str = "zh") -> Analysis:
    return Analysis(
        text=text,
        language=language,
        scenario="not_shipped",
        confidence=0.9,
        dispute_risk=False,
        dispute_score=0.0,
    )


# the script lists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "traditional"),
    [
        (TRADITIONAL, True),
        (SIMPLIFIED, False),
        ("商品破了", False),  # written the same in both scripts
        ("", False),
        ("訂單", True),
        ("订單", False),  # one of each: not more Traditional than Simplified
        ("訂單號碼 8123456789，发货了吗", True),
        ("這個订单还没发货", False),
        ("hello", False),
    ],
)
def test_a_text_is_traditional_when_it_has_more_traditional_only_characters(text, traditional):
    assert is_traditional(text) is traditional


def test_the_reply_check_forbids_the_characters_the_detection_counts():
    scripts, checks = han_scripts(), default_checks()
    assert checks.scripts["zh-Hant"].chars == scripts.simplified
    assert checks.scripts["zh"].chars == scripts.traditional
    assert checks.scripts["zh-Hant"].name == "Simplified"
    assert checks.scripts["zh"].name == "Traditional"


def test_a_character_listed_for_both_scripts_is_an_error():
    data = tomllib.loads(data_text())
    data["traditional"]["chars"] += "发"
    with pytest.raises(ValueError, match="发"):
        parse_scripts(data)


# the reply language ----------------------------------------------------------------------


def test_chinese_in_traditional_characters_is_answered_in_traditional():
    assert reply_language(analysis(TRADITIONAL)) == "zh-Hant"
    assert reply_language(analysis(SIMPLIFIED)) == "zh"


@pytest.mark.parametrize("language", ["en", "ko", "vi"])
def test_other_languages_are_answered_in_their_own(language):
    assert reply_language(analysis(TRADITIONAL + " ok", language)) == language


def test_zh_hant_is_a_reply_language_and_not_a_classifier_language():
    assert "zh-Hant" in REPLY_LANGUAGES
    assert "zh-Hant" not in LANGUAGES
    assert set(LANGUAGES) < set(REPLY_LANGUAGES)


@pytest.mark.parametrize(
    ("text", "named"),
    [("zh-Hant", "zh-Hant"), ("zh-hant", "zh-Hant"), ("ZH-HANT", "zh-Hant"), (" ko ", "ko"),
     ("zh_Hant", None), ("fr", None), ("", None)],
)  # fmt: skip
def test_a_reply_language_is_named_in_any_letter_case(text, named):
    assert reply_language_named(text) == named


def test_every_reply_language_renders_from_its_own_catalog():
    renderer = Renderer.default()
    assert set(renderer.environments) == set(REPLY_LANGUAGES)
    words = playbook("shopee").text("zh-Hant")
    text = renderer.render("other", "zh-Hant", Facts(), ShopSettings(platforms=("shopee",)))
    assert text.startswith(words.greeting)
    assert text.endswith(words.sign_off_unnamed)


# the edges -------------------------------------------------------------------------------


def test_draft_takes_traditional_from_the_buyers_text(analyzer, tmp_path):
    result = CliRunner().invoke(
        main,
        ["draft", "--text", TRADITIONAL, "--json", "--db", str(tmp_path / "none.db")],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["language"] == "zh-Hant"


@pytest.mark.parametrize("spelled", ["zh-Hant", "zh-hant"])
def test_draft_writes_and_mirrors_zh_hant_on_request(spelled, tmp_path):
    db = str(tmp_path / "none.db")
    result = CliRunner().invoke(
        main,
        ["draft", "--scenario", "other", "--lang", spelled, "--seller-lang", "en", "--json",
         "--set", "platform=shopee", "--db", db],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    reply = json.loads(result.output)
    assert (reply["language"], reply["seller_language"]) == ("zh-Hant", "en")
    assert reply["text"].startswith(playbook("shopee").text("zh-Hant").greeting)
    mirrored = CliRunner().invoke(
        main, ["draft", "--scenario", "other", "--lang", "en", "--seller-lang", spelled, "--json",
               "--db", db],
    )  # fmt: skip
    assert json.loads(mirrored.output)["seller_language"] == "zh-Hant"


def test_the_console_answers_traditional_in_traditional(analyzer, tmp_path):
    with EvidenceLog(tmp_path / "shop.db") as log:
        session = ConsoleSession(log, ShopSettings(), Renderer.default())
        shown = session.handle(TRADITIONAL)
    assert shown is not None
    assert f"--- reply ({LANGUAGE_NAMES['zh-Hant']}) ---" in shown
    assert LANGUAGE_NAMES["zh-Hant"] == "繁體中文"
    assert set(LANGUAGE_NAMES) == set(REPLY_LANGUAGES)


def test_a_card_starts_in_traditional_and_offers_every_other_reply_language():
    state = CardState.for_message(analysis(TRADITIONAL), "en", source="assistant:1:1")
    assert state.language == "zh-Hant"
    keyboard = card_keyboard(state)
    assert keyboard is not None
    offered = {
        parse_press(button.callback_data)
        for row in keyboard.inline_keyboard
        for button in row
        if isinstance(parse_press(button.callback_data), ChooseLanguage)
    }
    assert offered == {ChooseLanguage(lang) for lang in REPLY_LANGUAGES if lang != "zh-Hant"}
    simplified = CardState.for_message(analysis(SIMPLIFIED), "en", source="assistant:1:2")
    assert ChooseLanguage("zh-Hant") in {
        parse_press(button.callback_data)
        for row in card_keyboard(simplified).inline_keyboard
        for button in row
    }
    assert parse_press(press_data(ChooseLanguage("zh-Hant"))) == ChooseLanguage("zh-Hant")


@pytest.mark.parametrize(
    ("code", "language"),
    [("zh-hant", "zh-Hant"), ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"),
     ("zh-Hant-TW", "zh-Hant"), ("zh-hans", "zh"), ("zh", "zh"), ("zh-CN", "zh"),
     ("ko", "ko"), ("pt-br", None), (None, None)],
)  # fmt: skip
def test_a_telegram_language_tag_names_traditional_chinese(code, language):
    user = SimpleNamespace(language_code=code)
    assert telegram_language(user) == language  # type: ignore[arg-type]


def test_a_seller_may_read_drafts_in_traditional():
    settings = apply_settings(ShopSettings(), [("seller_language", "zh-hant")])
    assert settings.seller_language == "zh-Hant"
    with pytest.raises(FactError, match="zh-Hant"):
        apply_settings(ShopSettings(), [("seller_language", "fr")])
    offered = [option.value for option in QUESTIONS["seller_language"].options(ShopSettings())]
    assert offered == list(REPLY_LANGUAGES)
