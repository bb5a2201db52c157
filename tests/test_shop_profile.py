"""The shop profile: its settings read and checked, kept in the evidence log, shown, set and
asked for on the command line, and never reaching a buyer while unset (REPLY-POLICY §8)."""

import dataclasses
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from bot.analysis import Amount
from bot.replies.facts import (
    PLATFORM_IDS,
    FactError,
    Facts,
    ShopSettings,
    apply_assignments,
    apply_settings,
)
from bot.replies.playbooks import PlaybookText, playbook
from bot.replies.registry import TEMPLATES
from bot.replies.render import Renderer
from bot.replies.review import SAMPLE_FACTS
from bot.scenarios import REPLY_LANGUAGES
from bot.store.log import EvidenceLog, connection, read
from bot.store.shop import ShopProfile, load_shop_settings, save_shop_settings

RENDERER = Renderer.default()
SETTINGS = tuple(ShopSettings.__dataclass_fields__)


def settings_after(*pairs: tuple[str, str], start: ShopSettings | None = None) -> ShopSettings:
    return apply_settings(start or ShopSettings(), list(pairs))


# --- every key, good and bad -------------------------------------------------------------

GOOD = [
    ("shop_name", "Lotus Home", {"shop_name": "Lotus Home"}),
    ("shop_name", "  Lotus Home  ", {"shop_name": "Lotus Home"}),
    ("signature", "Lotus Home customer care", {"signature": "Lotus Home customer care"}),
    ("platforms", "shopee, Lazada", {"platforms": ("shopee", "lazada")}),
    ("platforms", "shopee,shopee,tiki", {"platforms": ("shopee", "tiki")}),
    ("platform", "taobao", {"platforms": ("taobao",)}),
    ("currency", "vnd", {"currency": "VND"}),
    ("seller_language", "ko", {"seller_language": "ko"}),
    ("timezone", "Asia/Ho_Chi_Minh", {"timezone": "Asia/Ho_Chi_Minh"}),
    ("return_window_days", "30", {"return_window_days": 30}),
    ("return_shipping", "Seller", {"return_shipping": "seller"}),
    ("return_shipping", "buyer", {"return_shipping": "buyer"}),
    ("processing_days", "2", {"processing_days": 2}),
    ("coupon", "3 USD", {"coupon": Amount(Decimal(3), "USD")}),
    ("coupon", "KRW 3000", {"coupon": Amount(Decimal(3000), "KRW")}),
    ("coupon", "0 USD", {"coupon": None}),
    ("coupon_value", "2.50 USD", {"coupon": Amount(Decimal("2.50"), "USD")}),
    (
        "coupon_how",
        "Enter code SORRY3 at checkout",
        {"coupon_how": "Enter code SORRY3 at checkout"},
    ),
    ("auto_reply_cooldown_minutes", "0", {"auto_reply_cooldown_minutes": 0}),
    ("wait_hours", "24", {"wait_hours": 24}),
]


@pytest.mark.parametrize(("key", "text", "expected"), GOOD, ids=lambda v: str(v)[:20])
def test_each_setting_reads_a_good_value(key, text, expected):
    settings = settings_after((key, text))
    for name, value in expected.items():
        assert getattr(settings, name) == value


BAD = [
    ("shop_name", "x" * 81, "shop_name is too long (at most 80 characters)"),
    ("shop_name", "Lotus\nHome", "shop_name must be one line"),
    ("signature", "a\tb", "signature must be one line"),
    ("platforms", "shopee,ebay", "unknown platform 'ebay' (choose: aliexpress, taobao,"),
    ("platform", "wish", "unknown platform 'wish' (choose: aliexpress, taobao,"),
    ("currency", "XYZ", "currency 'XYZ' is not an ISO 4217 currency code"),
    ("currency", "dollars", "currency 'DOLLARS' is not an ISO 4217 currency code"),
    ("seller_language", "fr", "seller_language must be one of en, zh, zh-Hant, ko, vi"),
    ("timezone", "Mars/Olympus_Mons", "not an IANA time zone such as Asia/Shanghai"),
    ("timezone", "../../etc/passwd", "not an IANA time zone"),
    ("return_window_days", "two weeks", "return_window_days: cannot read 'two weeks'"),
    ("return_window_days", "0", "return_window_days must be a whole number from 1 to 365"),
    ("return_window_days", "-5", "return_window_days must be a whole number from 1 to 365"),
    ("return_shipping", "platform", "return_shipping must be buyer or seller"),
    ("processing_days", "1.5", "processing_days: cannot read '1.5'"),
    ("coupon", "3", "coupon needs a currency: e.g. coupon=3 USD, or set currency first"),
    ("coupon", "-3 USD", "coupon must be more than 0"),
    ("coupon", "3 ABC", "coupon currency 'ABC' is not an ISO 4217 currency code"),
    ("coupon", "NaN USD", "not a finite amount: 'NaN'"),
    ("coupon", "three dollars", "not an amount"),
    ("coupon_how", "x" * 301, "coupon_how is too long"),
    ("auto_reply_cooldown_minutes", "soon", "cannot read 'soon': expected a whole number"),
    ("wait_hours", "0", "wait_hours must be a whole number from 1 to 720"),
    ("colour", "red", "unknown setting 'colour' (choose: shop_name, signature, platforms,"),
]


@pytest.mark.parametrize(("key", "text", "error"), BAD, ids=lambda v: str(v)[:20])
def test_each_setting_refuses_a_bad_value_in_one_line(key, text, error):
    with pytest.raises(FactError) as raised:
        settings_after((key, text))
    assert error in str(raised.value)
    assert "\n" not in str(raised.value)


def test_every_setting_can_be_unset_again():
    full = dataclasses.replace(
        settings_after(
            ("shop_name", "Lotus"), ("signature", "Lotus team"), ("platforms", "shopee"),
            ("currency", "VND"), ("seller_language", "vi"), ("timezone", "Asia/Ho_Chi_Minh"),
            ("return_window_days", "7"), ("return_shipping", "buyer"), ("processing_days", "2"),
            ("coupon", "20000"), ("coupon_how", "Nhập mã XINLOI"),
            ("auto_reply_cooldown_minutes", "5"), ("wait_hours", "12"),
        )
    )  # fmt: skip
    assert all(getattr(full, name) != getattr(ShopSettings(), name) for name in SETTINGS)
    cleared = settings_after(*((name, "") for name in SETTINGS), start=full)
    assert cleared == ShopSettings()
    assert cleared.auto_reply_cooldown_minutes == 30


def test_the_main_platform_moves_to_the_front_and_the_others_stay():
    settings = settings_after(("platforms", "shopee,lazada,tiki"))
    assert settings.platform == "shopee"
    moved = settings_after(("platform", "tiki"), start=settings)
    assert moved.platforms == ("tiki", "shopee", "lazada")
    assert settings_after(("platform", "taobao"), start=settings).platforms == (
        "taobao", "shopee", "lazada", "tiki",
    )  # fmt: skip
    assert settings_after(("platform", ""), start=settings).platforms == ()


def test_the_coupon_is_in_the_shops_currency():
    assert settings_after(("currency", "KRW"), ("coupon", "3000")).coupon == Amount(
        Decimal(3000), "KRW"
    )
    # The currency is read first whatever the order, so the coupon takes it.
    assert settings_after(("coupon", "3000"), ("currency", "KRW")).coupon.currency == "KRW"
    with pytest.raises(FactError, match="the coupon is in USD but the shop's currency is KRW"):
        settings_after(("currency", "KRW"), ("coupon", "3 USD"))
    with_coupon = settings_after(("currency", "USD"), ("coupon", "3"))
    with pytest.raises(FactError, match="give the coupon in CNY"):
        settings_after(("currency", "CNY"), start=with_coupon)
    both = settings_after(("currency", "CNY"), ("coupon", "20"), start=with_coupon)
    assert both.coupon == Amount(Decimal(20), "CNY")


def test_every_platform_id_is_a_word_callback_data_can_carry():
    assert len(set(PLATFORM_IDS)) == len(PLATFORM_IDS) == 18
    assert all(p.isascii() and p.isalnum() and p.lower() == p for p in PLATFORM_IDS)


def test_draft_facts_and_settings_are_set_together():
    facts, settings = apply_assignments(
        Facts(), ShopSettings(), ["amount=8", "currency=MYR", "platform=lazada", "order_id=1"]
    )
    assert facts.amount == Amount(Decimal(8), "MYR")
    assert (facts.order_id, settings.platform) == ("1", "lazada")
    with pytest.raises(FactError, match="unknown fact or setting 'colour'"):
        apply_assignments(Facts(), ShopSettings(), ["colour=red"])


# --- unset settings never reach a buyer -----------------------------------------------------

CASES = [
    pytest.param(
        template_id, resolution.name, language, id=f"{template_id}-{resolution.name}-{language}"
    )
    for template_id, spec in TEMPLATES.items()
    for resolution in spec.offered()
    for language in REPLY_LANGUAGES
]
NO_CURRENCY = dataclasses.replace(SAMPLE_FACTS, amount=Amount(Decimal("8.50"), None))


def words(language: str) -> PlaybookText:
    """The neutral playbook's words: the greeting and closing of a shop with no platform."""
    return playbook(None).text(language)


@pytest.mark.parametrize(("template_id", "resolution", "language"), CASES)
def test_an_unset_profile_never_reaches_the_buyer(template_id, resolution, language):
    for facts in (NO_CURRENCY, Facts()):
        text = RENDERER.render(template_id, language, facts, ShopSettings(), resolution)
        lines = text.splitlines()
        assert text.strip()
        if language == "vi":
            # "Shop" is how a Vietnamese shop speaks of itself; as a line it is a signature.
            assert "Shop" not in lines
        else:
            assert "Shop" not in text
        for currency in ("US$", "USD", "$", "₫", "₩", "¥", "€"):
            assert currency not in text
        for placeholder in ("None", "{{", "%(", "  "):
            assert placeholder not in text
        assert lines[-1] == words(language).sign_off_unnamed, "the closing without a name"
        assert "\n\n\n" not in text


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_the_signature_is_the_signature_else_the_shop_name(language):
    def last_line(settings):
        return RENDERER.render("other", language, Facts(), settings).splitlines()[-1]

    assert last_line(ShopSettings(shop_name="Lotus Home")) == words(language).sign("Lotus Home")
    assert last_line(ShopSettings(signature="Lan, Lotus")) == words(language).sign("Lan, Lotus")
    both = ShopSettings(shop_name="Lotus Home", signature="Lan, Lotus")
    assert last_line(both) == words(language).sign("Lan, Lotus")


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_a_coupon_is_offered_only_when_set_and_says_how_to_use_it(language):
    def text(settings):
        return RENDERER.render("not_shipped", language, Facts(), settings, "late")

    unset = text(ShopSettings(shop_name="Lotus"))
    coupon = ShopSettings(shop_name="Lotus", currency="KRW", coupon=Amount(Decimal(3000), "KRW"))
    offered = text(coupon)
    assert len(offered.splitlines()) == len(unset.splitlines()) + 1
    assert "3,000" in offered or "3.000" in offered
    lines = text(dataclasses.replace(coupon, coupon_how="SORRY3")).splitlines()
    offer = next(n for n, line in enumerate(lines) if "3,000" in line or "3.000" in line)
    assert lines[offer + 1] == "SORRY3"


def test_a_set_return_window_is_said_and_an_unset_one_is_the_platforms():
    unset = RENDERER.render("return_refund", "en", Facts(), ShopSettings(platforms=("shopee",)))
    assert f"within {playbook('shopee').return_window_days} days" in unset
    assert "within 30 days" in RENDERER.render(
        "return_refund", "en", Facts(), ShopSettings(platforms=("shopee",), return_window_days=30)
    )


def test_an_amount_without_a_currency_is_a_plain_number_until_the_shop_has_one():
    facts = Facts(amount=Amount(Decimal("8.50"), None))
    plain = RENDERER.render("price_drop", "en", facts, ShopSettings(), "refund_difference")
    assert "8.5 " in plain or "8.5." in plain
    in_ringgit = format_currency(Decimal("8.50"), "MYR", locale="en")
    assert in_ringgit in RENDERER.render(
        "price_drop", "en", facts, ShopSettings(currency="MYR"), "refund_difference"
    )


# --- the store -------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "shop.db"


def stored_rows(path) -> dict[str, str]:
    with connection(path) as db:
        return {
            r["key"]: r["value"] for r in db["seller_settings"].rows_where("seller_id = 'shop'")
        }


def test_settings_are_stored_all_or_none(db_path):
    with EvidenceLog(db_path) as log:
        profile = ShopProfile(log)
        profile.store([("shop_name", "Lotus Home"), ("platforms", "shopee,lazada")])
        with pytest.raises(FactError, match="unknown platform 'ebay'"):
            profile.store([("shop_name", "Other"), ("platform", "ebay")])
        with pytest.raises(FactError, match="unknown setting 'colour'"):
            profile.store([("currency", "VND"), ("colour", "red")])
        with pytest.raises(FactError, match="nothing to set"):
            profile.store([])
        assert profile.settings == read(db_path, load_shop_settings)
    assert stored_rows(db_path) == {"shop_name": "Lotus Home", "platforms": "shopee,lazada"}


def test_an_unset_setting_has_no_row_and_a_profile_reads_back_what_was_stored(db_path):
    with EvidenceLog(db_path) as log:
        stored = log.write(lambda db: save_shop_settings(db, [
            ("shop_name", "Lotus"), ("currency", "vnd"), ("coupon", "20000"),
            ("platform", "tiki"), ("return_window_days", "7"),
        ]))  # fmt: skip
        assert stored_rows(db_path) == {
            "shop_name": "Lotus", "currency": "VND", "coupon": "20000 VND",
            "platforms": "tiki", "return_window_days": "7",
        }  # fmt: skip
        log.write(lambda db: save_shop_settings(db, [("coupon", ""), ("return_window_days", "")]))
    assert set(stored_rows(db_path)) == {"shop_name", "currency", "platforms"}
    again = read(db_path, load_shop_settings)
    assert again == dataclasses.replace(stored, coupon=None, return_window_days=None)


def test_rows_of_earlier_versions_are_read_or_left_unset(db_path):
    with EvidenceLog(db_path) as log:
        log.write(lambda db: db["seller_settings"].insert_all([
            {"seller_id": "shop", "key": "coupon_value", "value": "5"},
            {"seller_id": "shop", "key": "return_window_days", "value": "15"},
            {"seller_id": "shop", "key": "peak_manual", "value": "1"},
        ]))  # fmt: skip
        # The coupon was stored without its currency (then US$ by default): left unset.
        assert log.read(load_shop_settings) == ShopSettings(return_window_days=15)
        log.write(lambda db: save_shop_settings(db, [("currency", "USD")]))
        assert log.read(load_shop_settings).coupon == Amount(Decimal(5), "USD")
        log.write(lambda db: save_shop_settings(db, [("coupon", "4")]))
    rows = stored_rows(db_path)
    assert "coupon_value" not in rows
    assert rows["coupon"] == "4 USD"
    assert rows["peak_manual"] == "1"
