"""Platform playbooks: complete for every platform and language, neutral for the unknown,
and a broken file is an error that says which file and which field."""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from fnmatch import fnmatch
from pathlib import Path

import pytest

from bot.replies.paths import playbooks_dir
from bot.replies.playbook_files import PlaybookError
from bot.replies.playbooks import (
    NEUTRAL,
    PLATFORMS,
    TEXT_LANGUAGES,
    Playbook,
    PlaybookLanguageError,
    PlaybookText,
    ReturnShipping,
    load_playbooks,
    playbook,
)
from bot.scenarios import LANGUAGES

DELIVERY_APPS = ("meituan", "eleme", "grabfood", "shopeefood", "baemin", "coupangeats")
SIMPLIFIED_ONLY = set(
    "货开发们这说请应运单个为时间问题国买卖订换价补费邮递联络视频图实处务线钱给让没过饿么员骑团"
)
EMAIL_REGISTER = ("Dear", "Trân trọng", "亲爱的", "親愛的", "안녕하십니까", "valued customer")
ROOT = Path(__file__).resolve().parents[1]


def texts():
    for platform in PLATFORMS:
        for language in TEXT_LANGUAGES:
            yield platform, playbook(platform).text(language)


def strings(text: PlaybookText) -> dict[str, str]:
    return {
        f.name: getattr(text, f.name)
        for f in dataclasses.fields(text)
        if isinstance(getattr(text, f.name), str)
    }


def test_the_folder_holds_exactly_one_file_per_platform():
    assert sorted(p.stem for p in playbooks_dir().glob("*.toml")) == sorted(PLATFORMS)


def test_the_package_ships_the_playbooks():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    globs = setuptools["package-data"]["bot"]
    for path in playbooks_dir().glob("*.toml"):
        relative = path.relative_to(ROOT / "bot").as_posix()
        assert any(fnmatch(relative, glob) for glob in globs), relative


def test_every_reply_language_has_playbook_text():
    assert set(LANGUAGES) <= set(TEXT_LANGUAGES)
    assert "zh-Hant" in TEXT_LANGUAGES


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_platform_loads_in_every_language_with_no_empty_field(platform):
    book = playbook(platform)
    assert book.id == platform
    assert not book.neutral or platform == NEUTRAL
    for language in TEXT_LANGUAGES:
        text = book.text(language)
        assert text.language == language
        for name, value in strings(text).items():
            if name != "introduction":
                assert value.strip() == value != "", (platform, language, name)
        assert (text.return_path is None) == (book.order_kind == "meal")
        assert "{name}" in text.greeting_named
        assert ("{shop}" in text.sign_off) != ("{shop}" in text.introduction), "named once"
        assert "{" not in text.greeting + text.sign_off_unnamed


def test_an_unknown_or_unset_platform_gets_the_neutral_playbook():
    neutral = playbook(NEUTRAL)
    etsy = playbook("Etsy")
    assert etsy.neutral
    assert etsy.id == NEUTRAL
    assert etsy.platform == "etsy"
    assert etsy.text("en") == neutral.text("en")
    unset = playbook(None)
    assert unset.neutral
    assert unset.platform is None
    assert playbook("  ").platform is None
    assert playbook(" TAOBAO ").id == "taobao"
    assert not playbook("taobao").neutral


def test_the_neutral_playbook_names_no_app_and_assumes_no_card():
    neutral = playbook(None)
    assert neutral.text("en").name == "the platform"
    assert neutral.cash_on_delivery_common
    assert neutral.seller_cancels is False
    assert "cash_on_delivery_common" in neutral.uncertain


@pytest.mark.parametrize("platform", DELIVERY_APPS)
def test_delivery_apps_are_meals_with_no_return_window(platform):
    book = playbook(platform)
    assert book.family == "delivery_app"
    assert book.order_kind == "meal"
    assert book.return_window_days is None
    assert book.return_shipping is None
    assert book.evidence == ("dish_photo",)
    assert book.difference_order == "none"
    assert book.text("en").carrier in ("rider", "driver")
    assert book.text("zh").carrier in ("骑手", "司机")
    assert book.text("ko").carrier != "택배사"


@pytest.mark.parametrize("platform", [p for p in PLATFORMS if p not in DELIVERY_APPS])
def test_marketplaces_sell_parcels_with_a_return_window(platform):
    book = playbook(platform)
    assert book.family == "marketplace"
    assert book.order_kind == "parcel"
    assert book.return_window_days is not None
    assert book.return_window_days > 0
    assert isinstance(book.return_shipping, ReturnShipping)


def test_platform_practice_from_the_reply_policy():
    assert {p for p in PLATFORMS if playbook(p).difference_order == "combine"} == {
        "taobao",
        "tmall",
        "1688",
        "naver",
    }
    assert playbook("aliexpress").difference_order == "reorder"
    assert playbook("taobao").return_window_days == 7
    assert "label_photo" in playbook("taobao").evidence
    for platform in ("shopee", "lazada"):
        assert playbook(platform).evidence[0] == "unboxing_video"
        assert playbook(platform).text("vi").evidence_request == "video mở hàng"
    for platform in ("shopee", "lazada", "tiki"):
        assert playbook(platform).cash_on_delivery_common
    assert not playbook("taobao").cash_on_delivery_common
    assert playbook("taobao").text("zh").refund_path.endswith("申请退款 → 仅退款")


def test_a_seller_cancels_only_where_the_data_says_why():
    for platform in PLATFORMS:
        book = playbook(platform)
        if book.seller_cancels:
            assert "seller_cancels" in book.uncertain, platform
    assert not playbook("taobao").seller_cancels
    assert not playbook("shopee").seller_cancels


def test_traditional_chinese_is_its_own_text():
    for platform in PLATFORMS:
        book = playbook(platform)
        hant, hans = book.text("zh-Hant"), book.text("zh")
        assert hant is not hans
        assert hant.refund_path != hans.refund_path, platform
        for name, value in strings(hant).items():
            found = SIMPLIFIED_ONLY.intersection(value)
            assert not found, (platform, name, value, found)


def test_a_language_without_text_is_an_error_not_a_fallback():
    with pytest.raises(PlaybookLanguageError, match="zh-TW"):
        playbook("shopee").text("zh-TW")


def test_no_reply_opens_or_closes_in_email_register():
    for platform, text in texts():
        for part in (text.greeting, text.greeting_named, text.sign_off, text.sign_off_unnamed):
            for phrase in EMAIL_REGISTER:
                assert phrase not in part, (platform, part)


def test_greeting_and_sign_off_fill_their_slot_or_leave_the_name_out():
    text = playbook("taobao").text("zh")
    assert text.greet("王女士") == "王女士您好～"
    assert text.greet(None) == text.greet("  ") == "亲，您好～"
    assert text.sign("月光家居") == "感谢支持月光家居～"
    assert text.sign(None) == text.sign("") == "感谢您的支持～"
    korean = playbook("coupang").text("ko")
    assert korean.greet("김민지") == "안녕하세요, 김민지 고객님."
    assert korean.sign("루나홈") == "감사합니다."


def test_loading_is_cached():
    assert playbook("naver") is playbook("naver")


def test_the_templates_facing_api_is_typed():
    for cls in (Playbook, PlaybookText, ReturnShipping):
        hints = typing.get_type_hints(cls)
        fields = {f.name for f in dataclasses.fields(cls)}
        assert fields <= set(hints), cls
        assert all(hints[name] is not typing.Any for name in fields), cls
    assert dataclasses.is_dataclass(Playbook)
    assert Playbook.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert PlaybookText.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert typing.get_type_hints(playbook)["return"] is Playbook
    assert typing.get_type_hints(Playbook.text)["return"] is PlaybookText
    assert typing.get_type_hints(PlaybookText.greet)["return"] is str
    assert typing.get_type_hints(PlaybookText.sign)["return"] is str
    book = playbook("taobao")
    with pytest.raises(dataclasses.FrozenInstanceError):
        book.return_window_days = 30  # type: ignore[misc]


def test_tmall_inherits_taobao_and_keeps_its_own_name():
    taobao, tmall = playbook("taobao"), playbook("tmall")
    assert tmall.return_shipping == taobao.return_shipping
    assert tmall.difference_order == taobao.difference_order
    assert tmall.text("zh").name == "天猫"
    assert tmall.text("zh").refund_path == taobao.text("zh").refund_path
    assert playbook("eleme").text("zh").name == "饿了么"


# A folder of our own: files written from the shipped ones, then broken on purpose.


def shipped(platform: str) -> str:
    return (playbooks_dir() / f"{platform}.toml").read_text("utf-8")


def write(folder: Path, platform: str, text: str) -> Path:
    path = folder / f"{platform}.toml"
    path.write_text(text, "utf-8")
    return path


def test_a_folder_of_complete_files_loads(tmp_path):
    write(tmp_path, "taobao", shipped("taobao"))
    loaded = load_playbooks(tmp_path, required=("taobao",))
    assert loaded["taobao"].text("zh") == playbook("taobao").text("zh")


BROKEN = [
    pytest.param(
        "taobao",
        ('refund_path = "我的订单 → 申请退款 → 仅退款"\n', ""),
        "text.zh.refund_path is missing",
        id="missing-text-field",
    ),
    pytest.param(
        "taobao",
        ('difference_order = "combine"', 'difference_order = "merge"'),
        "difference_order is 'merge'; expected one of combine, reorder, none",
        id="unknown-choice",
    ),
    pytest.param(
        "taobao",
        ("return_window_days = 7", "return_window_days = 0"),
        "return_window_days is 0",
        id="no-window",
    ),
    pytest.param(
        "taobao",
        ("return_window_days = 7\n", ""),
        "return_window_days is missing",
        id="parcel-without-window",
    ),
    pytest.param(
        "meituan",
        ('difference_order = "none"', 'difference_order = "none"\nreturn_window_days = 7'),
        "return_window_days is for parcels",
        id="meal-with-window",
    ),
    pytest.param(
        "taobao",
        ('greeting_named = "{name}您好～"', 'greeting_named = "您好～"'),
        "text.zh.greeting_named must have exactly one {name}",
        id="greeting-without-slot",
    ),
    pytest.param(
        "taobao",
        ('carrier = "快递"', 'carrier = "快递 {shop}"'),
        "text.zh.carrier must have no {…} slot",
        id="stray-slot",
    ),
    pytest.param(
        "taobao",
        ('carrier = "快递"', 'carrier = ""'),
        "text.zh.carrier must be a non-empty string",
        id="empty-string",
    ),
    pytest.param(
        "taobao",
        ("seller_cancels = false", "seller_cancels = false\ncurrency = 'CNY'"),
        "currency is not a playbook field",
        id="unknown-field",
    ),
    pytest.param(
        "taobao",
        ('[text."zh-Hant"]', '[text."zh-TW"]'),
        "text.zh-TW is not a playbook field",
        id="unknown-language",
    ),
    pytest.param(
        "taobao",
        ("[uncertain]", '[uncertain]\n"text.zh.courier" = "maybe"'),
        "uncertain.text.zh.courier doubts a rule the playbook does not have",
        id="doubt-about-nothing",
    ),
    pytest.param(
        "taobao",
        ('evidence = ["item_photos", "label_photo"]', 'evidence = ["selfie"]'),
        "evidence has 'selfie'",
        id="unknown-evidence",
    ),
    pytest.param(
        "meituan",
        ('order_kind = "meal"', 'order_kind = "parcel"'),
        "order_kind is 'parcel' but a delivery_app sells meals",
        id="family-and-kind-disagree",
    ),
    pytest.param(
        "taobao",
        ('family = "marketplace"', 'family = "marketplace'),
        "not valid TOML",
        id="not-toml",
    ),
]


@pytest.mark.parametrize(("platform", "change", "message"), BROKEN)
def test_a_broken_file_names_itself_and_the_field(tmp_path, platform, change, message):
    old, new = change
    source = shipped(platform)
    assert old in source
    path = write(tmp_path, platform, source.replace(old, new, 1))
    with pytest.raises(PlaybookError) as raised:
        load_playbooks(tmp_path, required=(platform,))
    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def test_a_missing_platform_is_named(tmp_path):
    write(tmp_path, "taobao", shipped("taobao"))
    with pytest.raises(PlaybookError, match="no playbook for shopee"):
        load_playbooks(tmp_path, required=("taobao", "shopee"))


def test_a_file_may_only_extend_a_playbook_that_exists(tmp_path):
    path = write(tmp_path, "tmall", 'extends = "taobau"\n')
    with pytest.raises(PlaybookError, match="names no playbook") as raised:
        load_playbooks(tmp_path, required=())
    assert str(path) in str(raised.value)


def test_extends_cannot_go_round_in_a_circle(tmp_path):
    write(tmp_path, "tmall", 'extends = "taobao"\n')
    write(tmp_path, "taobao", 'extends = "tmall"\n')
    with pytest.raises(PlaybookError, match="circle"):
        load_playbooks(tmp_path, required=())


def test_an_incomplete_child_names_what_it_inherits_from(tmp_path):
    write(tmp_path, "meituan", shipped("meituan").replace('carrier = "骑手"\n', ""))
    write(tmp_path, "eleme", shipped("eleme"))
    with pytest.raises(PlaybookError, match=r"text\.zh\.carrier is missing") as raised:
        load_playbooks(tmp_path, required=())
    assert "eleme.toml" in str(raised.value)
    assert "inherits from meituan" in str(raised.value)


def test_a_child_that_sets_a_rule_drops_the_doubt_it_inherited(tmp_path):
    write(tmp_path, "taobao", shipped("taobao"))
    write(tmp_path, "taobao2", 'extends = "taobao"\nreturn_window_days = 10\n')
    loaded = load_playbooks(tmp_path, required=())
    assert loaded["taobao2"].return_window_days == 10
    assert "return_window_days" in loaded["taobao"].uncertain
    assert "return_window_days" not in loaded["taobao2"].uncertain
    assert "return_shipping.change_of_mind" in loaded["taobao2"].uncertain


def test_scenario_tables_carry_rules_and_words_for_new_scenarios(tmp_path):
    extra = (
        "\n[scenarios.customs]\nid_required = true\n"
        '\n[text.ko.scenarios.customs]\nid_name = "개인통관고유부호"\n'
    )
    write(tmp_path, "coupang", shipped("coupang") + extra)
    book = load_playbooks(tmp_path, required=("coupang",))["coupang"]
    assert book.scenario("customs") == {"id_required": True}
    assert book.text("ko").scenario("customs") == {"id_name": "개인통관고유부호"}
    assert book.scenario("invoice") == {}
    assert book.text("en").scenario("customs") == {}


def test_an_empty_scenario_table_is_refused(tmp_path):
    write(tmp_path, "coupang", shipped("coupang") + "\n[scenarios.customs]\n")
    with pytest.raises(PlaybookError, match=r"scenarios\.customs is empty"):
        load_playbooks(tmp_path, required=("coupang",))


def test_a_korean_reply_introduces_the_shop_after_the_greeting_and_only_when_it_has_a_name():
    words = playbook("coupang").text("ko")
    assert words.greet("김민지", "루나홈") == "안녕하세요, 김민지 고객님. 루나홈입니다."
    assert words.greet(None, "루나홈") == "안녕하세요, 고객님. 루나홈입니다."
    assert words.greet(None, "") == "안녕하세요, 고객님."
    assert words.sign("루나홈") == "감사합니다."
    assert playbook("shopee").text("vi").greet("Lan", "Nhà Mây") == playbook("shopee").text(
        "vi"
    ).greet("Lan")


def test_an_introduction_must_name_the_shop(tmp_path):
    source = playbooks_dir() / "other.toml"
    broken = source.read_text("utf-8").replace(
        'introduction = "{shop}입니다."', 'introduction = "입니다."'
    )
    (tmp_path / "other.toml").write_text(broken, "utf-8")
    with pytest.raises(
        PlaybookError, match=r"text\.ko\.introduction must have exactly one \{shop\}"
    ):
        load_playbooks(tmp_path, required=("other",))
