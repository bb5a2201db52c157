"""Resolutions per platform: which a template offers and starts with, and what every
English reply on every platform family promises (REPLY-POLICY §1-§5, §8, §9)."""

import dataclasses
import re
from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest

from bot.analysis import Amount, Analysis
from bot.replies.check import default_checks
from bot.replies.facts import Facts, ShopSettings
from bot.replies.paths import templates_dir
from bot.replies.playbooks import PLATFORMS, playbook
from bot.replies.registry import TEMPLATES, OrderRules, UnknownResolutionError
from bot.replies.render import Renderer
from bot.replies.reply_context import order_rules, playbook_context, return_payers
from bot.replies.review import FAMILIES, cases
from bot.tg.buttons import ChooseResolution, parse_press
from bot.tg.card import CardState, card_keyboard

RENDERER = Renderer.default()
PARCEL = OrderRules("parcel", "reorder")
MEAL = OrderRules("meal", "none")


def drafts(platforms=None):
    """(label, template, resolution, settings, text) of every English reply each platform
    offers, for an empty profile without facts and for a set-up shop with sample facts."""
    for family in FAMILIES:
        if platforms is not None and family.platform not in platforms:
            continue
        for case in cases(family):
            for spec in TEMPLATES.values():
                for resolution in spec.offered(order_rules(case.settings)):
                    text = RENDERER.render(
                        spec.id, "en", case.facts, case.settings, resolution.name
                    )
                    yield case.label, spec.id, resolution.name, case, text


ALL_DRAFTS = list(drafts())


# the registry ----------------------------------------------------------------------------


def test_every_template_offers_something_to_parcels_and_every_scenario_to_meals():
    for spec in TEMPLATES.values():
        assert spec.offered(PARCEL), spec.id
        if spec.id != "peak_shipping_notice":
            assert spec.offered(MEAL), spec.id
        names = [r.name for r in spec.resolutions]
        assert len(names) == len(set(names)), spec.id


def test_resolution_facts_are_facts():
    known = {f.name for f in fields(Facts)}
    for spec in TEMPLATES.values():
        for resolution in spec.resolutions:
            assert set(resolution.facts) <= known, (spec.id, resolution.name)


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("taobao", "combine"), ("naver", "combine"), ("aliexpress", "guide_reorder"),
     ("shopee", "guide_reorder"), ("other", "guide_reorder"), ("baemin", "guide_reorder")],
)  # fmt: skip
def test_the_playbook_picks_how_a_difference_is_paid(platform, expected):
    rules = order_rules(ShopSettings(platforms=(platform,)))
    assert TEMPLATES["difference_order"].default_for(rules) == expected


PARCEL_DEFAULTS = {
    "price_drop": "checking",
    "not_shipped": "on_schedule",
    "delivery_delay": "checking",
    "damaged_item": "evidence_first",
    "not_as_described": "evidence_first",
    "wrong_or_missing_item": "evidence_first",
    "cancel_order": "agree",
    "return_refund": "return_instructions",
    "address_change": "send_address",
    "stock_inquiry": "checking",
}
MEAL_DEFAULTS = {
    "delivery_delay": "rider_delay",
    "damaged_item": "remake",
    "wrong_or_missing_item": "remake",
    "cancel_order": "agree",
    "return_refund": "request_seen",
}


def test_defaults_are_the_cautious_ones_and_meals_get_meal_remedies():
    for template_id, name in PARCEL_DEFAULTS.items():
        assert TEMPLATES[template_id].default_for(PARCEL) == name
        assert TEMPLATES[template_id].default_resolution == name, "the unset shop's default"
    for template_id, name in MEAL_DEFAULTS.items():
        assert TEMPLATES[template_id].default_for(MEAL) == name
    assert {r.name for r in TEMPLATES["damaged_item"].offered(MEAL)} == {"remake", "refund_dish"}


def test_a_resolution_for_the_other_order_kind_is_a_clear_error():
    meal_shop = ShopSettings(platforms=("baemin",))
    with pytest.raises(UnknownResolutionError, match="not written for meals"):
        RENDERER.render("damaged_item", "en", Facts(), meal_shop, "reship")
    with pytest.raises(UnknownResolutionError, match="not written for parcels"):
        RENDERER.render("damaged_item", "en", Facts(), ShopSettings(), "remake")
    with pytest.raises(UnknownResolutionError, match="not written for meals"):
        RENDERER.render("peak_shipping_notice", "en", Facts(), meal_shop)


def test_templates_never_branch_on_the_platform():
    for path in templates_dir().glob("*.j2"):
        source = path.read_text("utf-8")
        assert not re.search(r"\bplatform(_name|s)?\s*(==|!=|\bin\b)", source), path.name


def test_a_card_offers_the_resolutions_of_the_shop_s_order_kind():
    analysis = Analysis("food is late", "en", "delivery_delay", 0.9, False, 0.0)
    meal = CardState.for_message(analysis, "en", "test", rules=MEAL)
    assert meal.resolution == "rider_delay"
    assert meal.with_scenario("damaged_item").resolution == "remake"
    offered = {
        parse_press(button.callback_data)
        for row in card_keyboard(meal).inline_keyboard
        for button in row
    }
    assert ChooseResolution("delivery_delay", "refund") in offered
    assert ChooseResolution("delivery_delay", "reship") not in offered
    parcel = CardState.for_message(analysis, "en", "test")
    assert parcel.resolution == "checking"


# every English reply on every platform family ---------------------------------------------


def test_every_family_renders_every_offered_resolution_both_ways():
    seen = {(family.platform, label.split(",")[1].strip() == "empty profile")
            for family in FAMILIES for label, *_ in drafts((family.platform,))}  # fmt: skip
    assert len(seen) == 2 * len(FAMILIES)
    for label, template_id, _, case, text in ALL_DRAFTS:
        words = playbook(case.settings.platform).text("en")
        lines = text.splitlines()
        assert lines[0] == words.greet(case.facts.buyer_name), label
        assert lines[-1] == words.sign(case.settings.shop_name), label
        assert lines[1] == lines[-2] == "", label
        assert "\n\n\n" not in text, label
        assert len(text) <= 900, label
        assert not re.search(r"\bNone\b|\{|\}|%\(|\bShop\b", text), (label, text)
        if (
            case.facts.order_id
            and template_id != "stock_inquiry"
            and "auto_reply" not in template_id
        ):
            assert case.facts.order_id in text, (label, template_id)


def test_an_unset_shop_signs_with_the_unnamed_closing():
    text = RENDERER.render("other", "en", Facts(), ShopSettings())
    assert text.splitlines()[-1] == "Thank you!"
    assert "Shop" not in text


FAULT_RULES = [rule for rule in default_checks().phrase_rules if rule.check == "fault_admission"]


def test_no_default_resolution_admits_a_fault():
    defaults = 0
    for label, template_id, resolution, case, text in ALL_DRAFTS:
        if resolution != TEMPLATES[template_id].default_for(order_rules(case.settings)):
            continue
        if template_id in ("forgot_to_ship_apology", "listing_error_notice"):
            continue  # notices the seller sends because the fault is theirs
        defaults += 1
        for rule in FAULT_RULES:
            assert rule.found(text, "en") == [], (label, template_id, text)
    assert defaults > 100
    late = RENDERER.render("not_shipped", "en", Facts(), ShopSettings(), "late")
    assert any(rule.found(late, "en") for rule in FAULT_RULES), "the check can fire"


ORIGINAL_METHOD = "original payment method"


def test_no_reply_on_a_cash_on_delivery_platform_speaks_of_the_original_payment_method():
    for platform in PLATFORMS:
        book = playbook(platform)
        settings = ShopSettings(platforms=(platform,))
        facts = Facts(amount=Amount(Decimal(8), None), refund_date=date(2026, 11, 30))
        for spec in TEMPLATES.values():
            for resolution in spec.offered(order_rules(settings)):
                text = RENDERER.render(spec.id, "en", facts, settings, resolution.name)
                if book.cash_on_delivery_common:
                    assert ORIGINAL_METHOD not in text, (platform, spec.id, resolution.name)
    taobao = RENDERER.render(
        "refund_confirmation", "en", Facts(), ShopSettings(platforms=("taobao",))
    )
    assert ORIGINAL_METHOD in taobao, "the check can fail"


PAYER_SENTENCES = {
    "buyer": "You pay the return shipping.",
    "seller": "We pay the return shipping.",
    "platform": "Return shipping is free for you with the return label the app gives you.",
    "insurance": "If your order has return shipping insurance, it pays the return shipping; "
    "if not, you pay it.",
}
RETURN_OFFER = re.compile(
    r"return it|request (the|a) return|refuse (it|the parcel)|address to send it to|return details"
)
SAYS_WHO_PAYS = re.compile(
    "|".join(map(re.escape, [*PAYER_SENTENCES.values(), "We cover the cost of sending it back.",
                             "We pay the shipping both ways."]))
)  # fmt: skip
RETURN_RESOLUTIONS = {
    ("not_as_described", "return_refund"),
    ("not_as_described", "exchange"),
    ("cancel_order", "in_delivery"),
    ("cancel_order", "after_receipt"),
    ("return_refund", "return_instructions"),
    ("damaged_item", "refuse_at_door"),
    ("damaged_item", "warranty_repair"),
}


def test_every_return_offered_says_who_pays_the_return_shipping():
    offering = set()
    for label, template_id, resolution, _, text in ALL_DRAFTS:
        if RETURN_OFFER.search(text):
            offering.add((template_id, resolution))
            assert SAYS_WHO_PAYS.search(text), (label, template_id, resolution, text)
    assert offering == RETURN_RESOLUTIONS


@pytest.mark.parametrize("platform", [p for p in PLATFORMS if playbook(p).order_kind == "parcel"])
@pytest.mark.parametrize("profile", [None, "buyer", "seller"])
def test_the_payer_said_is_the_profile_s_else_the_platform_s(platform, profile):
    settings = ShopSettings(platforms=(platform,), return_shipping=profile)
    change_of_mind, fault = return_payers(settings, playbook(platform))
    rules = playbook(platform).return_shipping
    assert change_of_mind == (profile or rules.change_of_mind)
    assert fault == ("seller" if profile == "seller" else rules.seller_fault)
    instructions = RENDERER.render("return_refund", "en", Facts(), settings, "return_instructions")
    assert PAYER_SENTENCES[change_of_mind] in instructions
    not_as_described = RENDERER.render("not_as_described", "en", Facts(), settings, "return_refund")
    assert PAYER_SENTENCES[fault] in not_as_described


def test_a_return_window_is_the_profile_s_else_the_platform_s():
    shopee = ShopSettings(platforms=("shopee",))
    assert playbook_context(shopee, "en", None)["return_window_days"] == 3
    own = dataclasses.replace(shopee, return_window_days=15)
    text = RENDERER.render("return_refund", "en", Facts(), own, "return_instructions")
    assert "within 15 days of delivery" in text
    assert (
        playbook_context(ShopSettings(platforms=("baemin",)), "en", None)["return_window_days"]
        is None
    )


# what each reply may promise ------------------------------------------------------------


def test_a_coupon_is_offered_only_where_the_shop_has_one():
    plain = RENDERER.render("not_shipped", "en", Facts(), ShopSettings(), "late")
    assert "coupon" not in plain
    shop = ShopSettings(currency="USD", coupon=Amount(Decimal(3), "USD"), coupon_how="Code SORRY3.")
    text = RENDERER.render("not_shipped", "en", Facts(), shop, "late")
    assert "coupon worth $3.00" in text
    assert "Code SORRY3." in text
    assert "coupon" not in RENDERER.render("not_shipped", "en", Facts(), shop, "on_schedule")


def test_a_question_being_checked_says_when_the_answer_comes():
    def checking(facts=None, settings=None):
        return RENDERER.render(
            "price_drop", "en", facts or Facts(), settings or ShopSettings(), "checking"
        )

    assert "We'll get back to you today." in checking()
    assert "within 24 hours" in checking(settings=ShopSettings(wait_hours=24))
    by = checking(Facts(reply_by=date(2026, 11, 25)), ShopSettings(wait_hours=24))
    assert "by Wed 25 Nov" in by
    meal = RENDERER.render("delivery_delay", "en", Facts(), ShopSettings(platforms=("baemin",)))
    assert "in a few minutes" in meal
    assert "about 12 minutes" in RENDERER.render(
        "delivery_delay", "en", Facts(delay_minutes=12), ShopSettings(platforms=("baemin",))
    )


def test_when_it_ships_is_answered_from_what_the_seller_gave():
    def on_schedule(facts=None, settings=None):
        return RENDERER.render(
            "not_shipped", "en", facts or Facts(), settings or ShopSettings(), "on_schedule"
        )

    assert "ship date" in on_schedule()
    assert "today" in on_schedule()
    assert "within 2 working days" in on_schedule(settings=ShopSettings(processing_days=2))
    assert "ship by Wed 25 Nov" in on_schedule(Facts(ship_date=date(2026, 11, 25)))


def test_the_buyer_starts_platform_actions_by_the_platform_s_own_path():
    taobao = ShopSettings(platforms=("taobao",))
    words = playbook("taobao").text("en")
    cancel = RENDERER.render("cancel_order", "en", Facts(), taobao, "agree")
    assert words.cancel_path in cancel
    refund = RENDERER.render("delivery_delay", "en", Facts(), taobao, "refund")
    assert words.refund_path in refund
    back = RENDERER.render("return_refund", "en", Facts(), taobao, "return_instructions")
    assert words.return_path in back


def test_an_address_is_said_to_be_updated_only_when_the_seller_gave_it():
    taobao = ShopSettings(platforms=("taobao",))
    bare = RENDERER.render("address_change", "en", Facts(), taobao, "updated")
    assert "updated" not in bare
    given = RENDERER.render("address_change", "en", Facts(address="1 Main St"), taobao, "updated")
    assert "updated the delivery address to: 1 Main St" in given
    asks = RENDERER.render("address_change", "en", Facts(), taobao)
    assert "send us the new address" in asks
    shopee = RENDERER.render("address_change", "en", Facts(), ShopSettings(platforms=("shopee",)))
    assert playbook("shopee").text("en").address_change in shopee


def test_the_review_page_shows_each_family_both_ways_with_its_platform_words():
    from bot.replies.review import review_page

    page = review_page(RENDERER)
    for family in FAMILIES:
        assert f'id="playbook-{family.platform}"' in page
        assert f"{family.platform}, empty profile, no facts" in page
        assert f"{family.platform}, {family.shop.shop_name}, sample facts" in page
    assert "My Orders (我的订单)" in page, "Taobao's refund path, among the platform words"
    assert "resolution: rider_delay" in page
    assert page.count("<h3>resolution: ") == sum(len(s.resolutions) for s in TEMPLATES.values())


def test_a_resolution_the_platform_cannot_carry_out_is_not_offered():
    """A difference link that ships with the order exists on Taobao, not on AliExpress;
    a seller can edit an unshipped address on Taobao, not on Shopee (the playbooks)."""
    taobao, aliexpress, shopee = (
        ShopSettings(platforms=(platform,)) for platform in ("taobao", "aliexpress", "shopee")
    )
    assert TEMPLATES["difference_order"].default_for(order_rules(taobao)) == "combine"
    offered = {r.name for r in TEMPLATES["difference_order"].offered(order_rules(aliexpress))}
    assert offered == {"guide_reorder"}
    with pytest.raises(UnknownResolutionError, match="not offered on this shop's platform"):
        RENDERER.render("difference_order", "en", Facts(), aliexpress, "combine")
    assert "updated" not in {
        r.name for r in TEMPLATES["address_change"].offered(order_rules(shopee))
    }
    if playbook("taobao").seller_can_edit_address:
        assert "updated" in {
            r.name for r in TEMPLATES["address_change"].offered(order_rules(taobao))
        }


def test_no_coupon_is_offered_where_the_platform_forbids_it_in_messages():
    facts = Facts(ship_date=date(2026, 11, 25))
    for platform, offered in (("amazon", False), ("aliexpress", True)):
        shop = ShopSettings(
            shop_name="Lotus", platforms=(platform,), currency="USD",
            coupon=Amount(Decimal(3), "USD"),
        )  # fmt: skip
        text = RENDERER.render("forgot_to_ship_apology", "en", facts, shop)
        assert ("3.00" in text) is offered, (platform, text)
