"""The reply check, one rule at a time: it fires on wording from replybot 0.1 and stays
quiet on wording that obeys REPLY-POLICY.md.

The en, zh, ko and vi sentences that fire are quoted from the 0.1 catalogs. 0.1 has no
zh-Hant text, so the zh-Hant ones are those zh sentences written in Traditional characters.
"""

import dataclasses
import tomllib
from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest

from bot.analysis import Amount
from bot.replies.check import (
    PHRASE_CHECKS,
    UnknownCheckLanguageError,
    Violation,
    check_reply,
    data_text,
    default_checks,
    given_facts,
    given_settings,
    parse_checks,
)
from bot.replies.facts import Facts, ShopSettings
from bot.replies.registry import TEMPLATES
from bot.scenarios import REPLY_LANGUAGES

CHECKED_LANGUAGES = ("en", "zh", "zh-Hant", "ko", "vi")
EVERY_SETTING = frozenset(f.name for f in fields(ShopSettings))


def found(
    text,
    language,
    template_id="other",
    resolution="acknowledge",
    facts=frozenset(),
    settings=EVERY_SETTING,
):
    """(check, phrase) of each violation; every setting counts as given unless said."""
    return {
        (v.check, v.phrase)
        for v in check_reply(
            text,
            language=language,
            template_id=template_id,
            resolution=resolution,
            facts_given=frozenset(facts),
            settings_given=frozenset(settings),
        )
    }


def checks_found(text, language, *args, **kwargs):
    return {check for check, _ in found(text, language, *args, **kwargs)}


# §2 --------------------------------------------------------------------------------------

FAULT = {
    "en": (
        "We are very sorry that your order has not been shipped yet; this is our mistake "
        "and not the experience we want you to have.",
        "our mistake",
    ),
    "zh": (
        "非常抱歉，您的订单到现在还没有发货；这是我们的失误，也不是我们希望带给您的购物体验。",
        "我们的失误",
    ),
    "zh-Hant": (
        "非常抱歉，您的訂單到現在還沒有發貨；這是我們的失誤，也不是我們希望帶給您的購物體驗。",
        "我們的失誤",
    ),
    "ko": (
        "주문하신 상품이 아직 발송되지 않아 대단히 죄송합니다. 이는 저희의 실수이며, "
        "고객님께 이런 불편을 드려서는 안 되는 일이었습니다.",
        "저희의 실수",
    ),
    "vi": (
        "Shop rất xin lỗi vì đơn hàng của bạn vẫn chưa được gửi đi; đây là lỗi của Shop, "
        "và đó không phải là trải nghiệm Shop muốn mang lại cho bạn.",
        "lỗi của Shop",
    ),
}

PACKING_FAULT = {
    "en": (
        "We are very sorry: the parcel you received does not match your order, and that "
        "is our packing mistake.",
        "our packing mistake",
    ),
    "zh": ("非常抱歉：您收到的包裹与订单不符，这是我们打包时的失误。", "打包时的失误"),
    "zh-Hant": ("非常抱歉：您收到的包裹與訂單不符，這是我們打包時的失誤。", "打包時的失誤"),
    "ko": (
        "대단히 죄송합니다. 받으신 택배가 주문 내용과 다르며, 이는 저희의 포장 실수입니다.",
        "포장 실수",
    ),
    "vi": (
        "Shop rất xin lỗi: kiện hàng bạn nhận được không đúng với đơn bạn đã đặt, và đây là "
        "lỗi đóng gói của Shop.",
        "lỗi đóng gói của Shop",
    ),
}

SORRY_FOR_THE_WAIT = {
    "en": "Sorry for the wait! Your order is being prepared and ships by 25 Nov.",
    "zh": "让您久等了，订单已经在安排了，48小时内发出～",
    "zh-Hant": "讓您久等了，訂單已經在安排了，48小時內發出～",
    "ko": "기다리시게 해서 죄송합니다. 주문하신 상품은 11월 25일까지 발송됩니다.",
    "vi": "Dạ Shop xin lỗi vì để bạn chờ lâu ạ, đơn của bạn sẽ được gửi đi trước 25/11/2026 ạ.",
}


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
@pytest.mark.parametrize("sample", [FAULT, PACKING_FAULT], ids=["fault", "packing"])
def test_a_fault_admission_fires_in_a_default_resolution(language, sample):
    text, phrase = sample[language]
    assert ("fault_admission", phrase) in found(text, language, "not_shipped", "on_schedule")
    assert ("fault_admission", phrase) in found(text, language, "wrong_or_missing_item", "refund")


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
@pytest.mark.parametrize(
    ("template_id", "resolution"),
    [
        ("forgot_to_ship_apology", "apology"),
        ("listing_error_notice", "refund"),
        ("not_shipped", "late"),
    ],
)
def test_a_fault_admission_is_allowed_where_the_seller_confirmed_the_fault(
    language, template_id, resolution
):
    text, _ = FAULT[language]
    assert "fault_admission" not in checks_found(text, language, template_id, resolution)


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_an_apology_for_the_trouble_is_no_admission(language):
    assert found(SORRY_FOR_THE_WAIT[language], language, "not_shipped", "on_schedule") == set()


def test_fault_phrases_match_whatever_the_case():
    assert ("fault_admission", "lỗi của shop") in found(
        "Dạ đây là lỗi của shop ạ.", "vi", "not_shipped", "refund"
    )
    assert ("fault_admission", "Our mistake") in found(
        "Our mistake, sorry!", "en", "not_shipped", "refund"
    )


# §1 --------------------------------------------------------------------------------------

IN_TRANSIT = {
    "en": "We have checked the tracking: the parcel is on its way.",
    "zh": "我们已查询物流信息：包裹正在运输途中。",
    "zh-Hant": "我們已查詢物流信息：包裹正在運輸途中。",
    "ko": "배송 조회 결과, 택배는 현재 배송 중입니다.",
    "vi": "Shop đã kiểm tra thông tin vận chuyển: kiện hàng đang trên đường giao đến bạn.",
}

WILL_CHECK = {
    "en": "We are checking with the courier and will update you today.",
    "zh": "我们正在跟物流核实，今天内给您回复。",
    "zh-Hant": "我們正在跟物流核實，今天內給您回覆。",
    "ko": "택배사에 확인하고 있으며 오늘 중으로 다시 안내해 드리겠습니다.",
    "vi": "Dạ Shop đang kiểm tra với bên vận chuyển và sẽ báo lại bạn trong hôm nay ạ.",
}

CLAIMS = {
    "carrier_contacted": {
        "en": "We have asked the carrier to look into the delay and we will follow it every "
        "day until it arrives.",
        "zh": "我们已请物流公司核查延误原因，并会每天跟进，直到包裹送达。",
        "zh-Hant": "我們已請物流公司核查延誤原因，並會每天跟進，直到包裹送達。",
        "ko": "택배사에 지연 원인 확인을 요청하였으며, 택배가 도착할 때까지 매일 배송 상황을 "
        "확인하겠습니다.",
        "vi": "Shop đã yêu cầu đơn vị vận chuyển kiểm tra nguyên nhân chậm trễ và sẽ theo dõi "
        "kiện hàng mỗi ngày cho đến khi hàng đến tay bạn.",
    },
    "price_reason": {
        "en": "We have checked: the lower price comes from a promotion that started after "
        "you paid, not from a change we made to your order.",
        "zh": "我们已核实：降价是因为您付款之后才开始的促销活动，并不是我们对您的订单做了改动。",
        "zh-Hant": "我們已核實：降價是因為您付款之後才開始的促銷活動，"
        "並不是我們對您的訂單做了改動。",
        "ko": "확인해 본 결과, 인하된 가격은 고객님께서 결제하신 후에 시작된 프로모션에 따른 "
        "것이며, 저희가 고객님의 주문을 변경한 것은 아닙니다.",
        "vi": "Shop đã kiểm tra: mức giá thấp hơn là do chương trình khuyến mãi bắt đầu sau khi "
        "bạn thanh toán, chứ không phải do Shop thay đổi gì trong đơn hàng của bạn.",
    },
    "restock_coming": {
        "en": "New stock is on its way; if you can wait, we will ship your order first as "
        "soon as it arrives.",
        "zh": "新货正在路上；如果您愿意等，新货一到我们就优先为您发货。",
        "zh-Hant": "新貨正在路上；如果您願意等，新貨一到我們就優先為您發貨。",
        "ko": "현재 재입고를 진행하고 있으며, 기다려 주실 수 있다면 입고되는 즉시 고객님의 "
        "주문을 가장 먼저 발송해 드리겠습니다.",
        "vi": "Hàng mới đang trên đường về kho; nếu bạn có thể chờ, ngay khi hàng về Shop sẽ "
        "ưu tiên gửi đơn của bạn trước.",
    },
    "address_updated": {
        "en": "We have updated the delivery details of your order to: 12 Jalan Ampang.",
        "zh": "我们已将您订单的收货信息更新为：12 Jalan Ampang。",
        "zh-Hant": "我們已將您訂單的收貨資訊更新為：12 Jalan Ampang。",
        "ko": "주문하신 상품의 배송지 정보를 다음과 같이 변경해 드렸습니다: 12 Jalan Ampang",
        "vi": "Shop đã cập nhật thông tin giao hàng cho đơn hàng của bạn thành: 12 Jalan Ampang.",
    },
    "coupon": {
        "en": "As an apology, please accept a coupon worth $3.00 for your next purchase.",
        "zh": "为表歉意，特送上一张面值US$3.00的优惠券，供您下次购物使用，请您收下。",
        "zh-Hant": "為表歉意，特送上一張面值US$3.00的優惠券，供您下次購物使用，請您收下。",
        "ko": "사과의 뜻으로 다음 구매 시 사용하실 수 있는 US$3.00 상당의 쿠폰을 드리오니, "
        "받아 주시면 감사하겠습니다.",
        "vi": "Thay lời xin lỗi, Shop xin gửi tặng bạn mã giảm giá 3,00 US$ cho lần mua hàng "
        "tiếp theo.",
    },
    "return_window": {
        "en": "You can return it within 15 days of delivery at our cost.",
        "zh": "您可以在签收后15天内退货，退货运费由我们承担。",
        "zh-Hant": "您可以在簽收後15天內退貨，退貨運費由我們承擔。",
        "ko": "상품 수령 후 15일 이내에 반품하실 수 있으며, 반품 배송비는 저희가 부담합니다.",
        "vi": "Bạn có thể trả hàng trong vòng 15 ngày kể từ khi nhận hàng (Shop chịu phí gửi trả).",
    },
    "processing_time": {
        "en": "During the event, orders ship within 3 working days.",
        "zh": "活动期间，订单会在3个工作日内发货。",
        "zh-Hant": "活動期間，訂單會在3個工作日內發貨。",
        "ko": "행사 기간에는 주문 후 3영업일 이내에 발송됩니다.",
        "vi": "Trong thời gian diễn ra đợt khuyến mãi, đơn hàng sẽ được gửi đi trong vòng 3 "
        "ngày làm việc.",
    },
}
"""For each claim: a sentence that makes it, and (below) the fact or setting that backs it."""

BACKED_BY = {
    "carrier_contacted": "carrier_contacted",
    "price_reason": "price_change",
    "restock_coming": "restock_date",
    "address_updated": "address",
    "coupon": "coupon",
    "return_window": "return_window_days",
    "processing_time": "processing_days",
}


def claims_found(text, language, **kwargs):
    return {phrase for check, phrase in found(text, language, **kwargs) if check == "status_claim"}


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_a_tracking_status_needs_the_seller_s_tracking_fact(language):
    text = IN_TRANSIT[language]
    bare = claims_found(text, language, template_id="delivery_delay", resolution="checking")
    assert bare
    with_number = claims_found(
        text,
        language,
        template_id="delivery_delay",
        resolution="checking",
        facts={"tracking_number"},
    )
    assert with_number == bare, "a tracking number says nothing about where the parcel is"
    assert (
        claims_found(
            text,
            language,
            template_id="delivery_delay",
            resolution="checking",
            facts={"tracking_status"},
        )
        == set()
    )


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_the_in_transit_resolution_is_the_seller_s_tracking_status(language):
    assert claims_found(IN_TRANSIT[language], language, template_id="delivery_delay",
                        resolution="in_transit") == set()  # fmt: skip


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_saying_what_will_be_checked_and_when_is_no_claim(language):
    assert found(WILL_CHECK[language], language, "delivery_delay", "checking") == set()


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
@pytest.mark.parametrize("claim", sorted(CLAIMS))
def test_each_claim_needs_its_fact_or_setting(claim, language):
    text = CLAIMS[claim][language]
    backing = BACKED_BY[claim]
    unbacked = EVERY_SETTING - {backing}
    assert claims_found(text, language, settings=unbacked)
    assert claims_found(text, language, settings=unbacked, facts={backing}) == set()


IN_STOCK = {
    "en": "Yes, this item is in stock and ships within 2 working days of your order.",
    "zh": "是的，这款商品有现货，下单后2个工作日内发货。",
    "zh-Hant": "是的，這款商品有現貨，下單後2個工作日內發貨。",
    "ko": "네, 이 상품은 현재 재고가 있으며 주문 후 2영업일 이내에 발송됩니다.",
    "vi": "Dạ, sản phẩm này hiện còn hàng và sẽ được gửi đi trong vòng 2 ngày làm việc.",
}

REFUND_ISSUED = {
    "en": "The refund of $8.00 has been issued from our side.",
    "zh": "我们这边已为您办理退款US$8.00。",
    "zh-Hant": "我們這邊已為您辦理退款US$8.00。",
    "ko": "저희 측에서는 US$8.00 환불 처리를 완료하였습니다.",
    "vi": "Phía Shop đã hoàn tiền 8,00 US$ cho bạn.",
}


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_in_stock_is_said_only_in_the_in_stock_resolution(language):
    text = IN_STOCK[language]
    assert claims_found(text, language, template_id="stock_inquiry", resolution="restock")
    assert claims_found(text, language, template_id="stock_inquiry", resolution="in_stock") == set()


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_a_refund_is_issued_only_in_a_resolution_that_means_it(language):
    text = REFUND_ISSUED[language]
    assert claims_found(text, language, template_id="damaged_item", resolution="full_refund")
    for resolution in ("full", "partial"):
        assert (
            claims_found(text, language, template_id="refund_confirmation", resolution=resolution)
            == set()
        )


def test_a_refund_still_to_come_is_no_claim_that_it_was_issued():
    assert claims_found("退货包裹一送达我们这里，我们就会为您办理退款。", "zh") == set()
    assert claims_found("Your refund is issued as soon as the parcel reaches us.", "en") == set()


def test_overlapping_wordings_of_one_claim_are_one_violation():
    text = "You can return it within 15 days of delivery at our cost."
    settings = EVERY_SETTING - {"return_window_days"}
    assert found(text, "en", settings=settings) == {("status_claim", "return it within 15")}


# §3 --------------------------------------------------------------------------------------

SELLER_CANCELS = {
    "en": "If you prefer not to wait, we will cancel the order and refund the full amount to "
    "your original payment method.",
    "zh": "如果您不想再等，我们会为您取消订单并全额退款，款项原路退回到您的付款账户。",
    "zh-Hant": "如果您不想再等，我們會為您取消訂單並全額退款，款項原路退回到您的付款帳戶。",
    "ko": "기다리지 않으시고 취소를 원하시면, 주문을 취소하고 원래 결제하신 수단으로 전액 "
    "환불해 드리겠습니다.",
    "vi": "Nếu bạn không muốn chờ thêm, Shop sẽ hủy đơn và hoàn tiền đầy đủ về phương thức "
    "thanh toán ban đầu của bạn.",
}

BUYER_CANCELS = {
    "en": "If you would rather not wait, request a cancellation in Your Orders and we will "
    "accept it right away.",
    "zh": "如果不想等了，您在订单页点「申请退款」，我们马上同意～",
    "zh-Hant": "如果不想等了，您在訂單頁點「申請退款」，我們馬上同意～",
    "ko": "기다리기 어려우시면 주문목록에서 취소 신청해 주세요. 바로 승인해 드리겠습니다.",
    "vi": "Dạ nếu bạn không muốn chờ nữa, bạn bấm Hủy đơn hàng trong ứng dụng, Shop sẽ đồng ý "
    "ngay ạ.",
}


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_the_seller_never_cancels(language):
    assert "seller_cancel" in checks_found(
        SELLER_CANCELS[language], language, "not_shipped", "refund"
    )
    assert "seller_cancel" in checks_found(
        SELLER_CANCELS[language], language, "out_of_stock_notice", "refund"
    )


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_the_seller_may_cancel_for_an_unreachable_buyer(language):
    assert "seller_cancel" not in checks_found(
        SELLER_CANCELS[language], language, "unreachable_buyer_notice", "notice"
    )


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_agreeing_to_the_buyer_s_request_is_no_seller_cancel(language):
    assert found(BUYER_CANCELS[language], language, "not_shipped", "cancel_refund") == set()


# §7 --------------------------------------------------------------------------------------

CLDR_ZONES = {
    "en": (
        "We will be back on Nov 24 at 09:00 (Coordinated Universal Time) and will answer "
        "you first thing.",
        "Coordinated Universal Time",
    ),
    "zh": ("我们将于11月24日 09:00（协调世界时）上线，届时会第一时间回复您。", "协调世界时"),
    "zh-Hant": ("我們將於11月24日 09:00（世界標準時間）上線，屆時會第一時間回覆您。", "標準時間"),
    "ko": (
        "저희는 11월 24일 09:00(협정 세계시)에 업무를 재개하며, 고객님의 문의에 가장 먼저 "
        "답변드리겠습니다.",
        "협정 세계시",
    ),
    "vi": (
        "Shop sẽ làm việc trở lại lúc 9:00 (Giờ Phối hợp Quốc tế) và sẽ ưu tiên trả lời bạn ngay.",
        "Giờ Phối hợp Quốc tế",
    ),
}

SPOKEN_TIMES = {
    "en": "We're back at 9:00 Beijing time on Tuesday 24 Nov.",
    "zh": "我们北京时间明天9:00上线，届时第一时间回复您～",
    "zh-Hant": "我們台灣時間明天上午9點上線，屆時第一時間回覆您～",
    "ko": "11월 24일(화) 오전 9시에 답변드리겠습니다.",
    "vi": "Dạ Shop sẽ trả lời bạn lúc 9h sáng thứ Ba (24/11) ạ.",
}


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_a_cldr_zone_name_fires(language):
    text, phrase = CLDR_ZONES[language]
    assert ("zone_name", phrase) in found(text, language, "auto_reply_away", "away")


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("en", "Back at 09:00 (Unknown Region (UTC+08:00) Time).", "Unknown Region"),
        ("en", "Back at 09:00 (China Standard Time).", "Standard Time"),
        ("zh", "我们将于11月24日 09:00（中国标准时间）上线。", "标准时间"),
        ("zh", "我们将于09:00（未知地区（UTC+08:00）时间）上线。", "未知地区"),
        ("ko", "11월 24일 09:00(한국 표준시)에 답변드리겠습니다.", "표준시"),
        ("vi", "Shop sẽ trả lời lúc 9:00 (Giờ Đông Dương).", "Giờ Đông Dương"),
        ("vi", "Shop sẽ trả lời lúc 9:00 (Giờ chuẩn Trung Quốc).", "Giờ chuẩn"),
    ],
)
def test_cldr_zone_names_of_other_zones_and_releases_fire(language, text, phrase):
    assert ("zone_name", phrase) in found(text, language, "auto_reply_away", "away")


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_a_time_said_as_people_say_it_is_quiet(language):
    assert found(SPOKEN_TIMES[language], language, "auto_reply_away", "away") == set()


# §6 --------------------------------------------------------------------------------------


REGISTER = [
    ("en", "Dear valued customer, thank you for your message.", "Dear valued customer"),
    ("zh", "亲爱的Munirah，您好！", "亲爱的"),
    ("zh", "我们要诚恳地向您道歉：由于我们的疏忽，您的订单被遗漏了。", "我们要诚恳地向您道歉"),
    ("zh", "当然可以：商品签收后15天内，只要未使用且保留原包装，您就可以退货。", "当然可以："),
    ("zh", "如果您愿意保留商品，我们会给您退还部分货款，作为对差异的补偿。", "作为对差异的补偿"),
    ("zh-Hant", "親愛的Munirah，您好！", "親愛的"),
    ("zh-Hant", "我們會給您退還部分貨款，作為對差異的補償。", "作為對差異的補償"),
    ("ko", "안녕하십니까, Munirah 고객님.", "안녕하십니까"),
    ("ko", "맞는 사이즈나 모델로 기꺼이 교환해 드리겠습니다.", "기꺼이"),
    ("ko", "쿠폰을 드리오니, 받아 주시면 감사하겠습니다.", "받아 주시면 감사하겠습니다"),
    ("ko", "차액 ₩3,000을 환불해 드리겠습니다.", "₩"),
    ("ko", "택배 상자에 붙은 라벨이 함께 보이도록 사진을 찍어 보내 주시겠습니까?", "붙은 라벨"),
    ("vi", "Trân trọng,", "Trân trọng"),
    ("vi", "để Shop đối chiếu với thông tin đăng bán và sửa lại.", "thông tin đăng bán"),
    ("vi", "Shop sẽ gửi đi chậm nhất vào ngày 25 tháng 11, 2026.", "tháng 11, 2026"),
    ("vi", "Chúng tôi rất tiếc về sự bất tiện này.", "Chúng tôi"),
]  # fmt: skip
"""(language, a sentence in email register or translated from English, the phrase caught);
one quoted sample per line, so wider than the usual limit."""


@pytest.mark.parametrize(("language", "text", "phrase"), REGISTER)
def test_email_register_and_calques_fire(language, text, phrase):
    assert ("register", phrase) in found(text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Hi Munirah, thanks for your message!"),
        ("zh", "王女士您好～麻烦拍下商品和面单，核对后马上补发～"),
        ("zh-Hant", "王小姐您好～麻煩拍下商品和面單，核對後馬上補寄～"),
        ("ko", "안녕하세요, 고객님. 루나홈입니다. 차액 3,000원을 환불해 드리겠습니다."),
        ("ko", "송장이 보이도록 택배 상자 사진을 보내 주세요."),
        ("vi", "Dạ chào bạn Lan ạ, Shop gửi đơn trước 25/11/2026 nhé. Shop cảm ơn bạn ạ"),
        ("vi", "Bạn quay giúp Shop video mở hàng và đối chiếu với mô tả sản phẩm nhé."),
    ],
)
def test_the_market_s_own_chat_register_is_quiet(language, text):
    assert found(text, language) == set()


# §8 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hello None,",
        "Order: {order}",
        "Hello %(name)s,",
        "Hello {{ name }},",
        "{% trans %}Hello{% endtrans %}",
        "Tracking number: N/A",
        "Amount: null",
    ],
)
@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_an_unfilled_placeholder_fires(text, language):
    assert "placeholder" in checks_found(text, language)


@pytest.mark.parametrize(
    "text", ["Nonetheless, it ships today.", "Order: 8123456789012345", "Annulled: no"]
)
def test_words_that_merely_contain_a_placeholder_are_quiet(text):
    assert "placeholder" not in checks_found(text, "en")


UNSET = EVERY_SETTING - {"shop_name", "currency"}


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("en", "Best regards,\nShop", "Shop"),
        ("en", "Welcome to Shop! Messages you write here reach our customer service team.", "Shop"),
        ("zh", "祝您生活愉快！\nShop", "Shop"),
        ("zh-Hant", "歡迎光臨Shop！", "Shop"),
        ("ko", "Shop에 오신 것을 환영합니다!", "Shop"),
        ("vi", "Shop cảm ơn bạn ạ\nShop", "Shop"),
    ],
)
def test_the_placeholder_shop_name_fires_until_the_seller_names_the_shop(language, text, phrase):
    assert ("unset_setting", phrase) in found(text, language, settings=UNSET)
    assert "unset_setting" not in checks_found(text, language, settings=UNSET | {"shop_name"})


def test_shop_as_the_vietnamese_shop_s_own_pronoun_is_no_placeholder():
    text = "Cảm ơn bạn đã nhắn tin cho Shop! Shop sẽ trả lời bạn sớm nhất có thể nhé."
    assert found(text, "vi", settings=UNSET) == set()


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("en", "If you would like to keep it, we will refund $8.00 for the difference.", "$"),
        ("zh", "我们会把差价US$8.00退给您，这样您支付的就是活动价了。", "US$"),
        ("zh-Hant", "我們會把差價US$8.00退給您。", "US$"),
        ("ko", "프로모션 가격으로 구매하신 것과 같도록 차액 US$8.00 환불해 드리겠습니다.", "US$"),
        ("vi", "Shop sẽ hoàn tiền chênh lệch 8,00 US$ cho bạn.", "US$"),
    ],
)
def test_dollars_from_the_default_currency_fire(language, text, phrase):
    assert ("unset_setting", phrase) in found(text, language, settings=UNSET | {"shop_name"})
    assert found(text, language, settings=UNSET | {"shop_name", "currency"}) == set()
    assert (
        found(text, language, settings=UNSET | {"shop_name"}, facts={"amount", "amount_currency"})
        == set()
    ), "a currency the buyer wrote is the buyer's"


# length ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "limit"), [("en", 900), ("vi", 900), ("zh", 600), ("zh-Hant", 600), ("ko", 600)]
)
def test_a_reply_longer_than_one_chat_message_fires(language, limit):
    unit = {"en": "a", "vi": "ạ", "zh": "好", "zh-Hant": "好", "ko": "네"}[language]
    assert found(unit * limit, language) == set()
    assert ("length", f"{limit + 1} characters") in found(unit * (limit + 1), language)


# scripts ---------------------------------------------------------------------------------


def test_simplified_text_in_a_traditional_reply_fires():
    text = "非常抱歉，您的订单到现在还没有发货。"
    violations = check_reply(
        text,
        language="zh-Hant",
        template_id="other",
        resolution="acknowledge",
        facts_given=frozenset(),
        settings_given=EVERY_SETTING,
    )
    assert [v.check for v in violations] == ["script"]
    assert set(violations[0].phrase) == set("订单现还没发货")


def test_traditional_text_in_a_simplified_reply_fires():
    assert ("script", "訂單現還沒發貨") in found("非常抱歉，您的訂單到現在還沒有發貨。", "zh")


def test_each_script_in_its_own_reply_is_quiet():
    assert found("非常抱歉，您的订单到现在还没有发货。", "zh") == set()
    assert found("非常抱歉，您的訂單到現在還沒有發貨。", "zh-Hant") == set()


SHARED = (
    "您好的了是我你他在有不上到大地子中生年就那和要她出也得自以家可下而天去能小多然心之都看起如"
    "事把用第道想作美情己面最女但前些所同日手又行意方期它分老因很名法知世什次使身者被高已其此常活"
    "正感商品包裹"
)
"""Characters written the same in both scripts."""


def test_characters_both_scripts_share_are_in_neither_list():
    checks = default_checks()
    assert checks.scripts["zh"].chars & checks.scripts["zh-Hant"].chars == set()
    assert set(SHARED) & checks.scripts["zh"].chars == set()
    assert set(SHARED) & checks.scripts["zh-Hant"].chars == set()


def test_every_zh_hant_sample_here_is_in_traditional_characters():
    samples = [
        table["zh-Hant"]
        for table in (
            SORRY_FOR_THE_WAIT, IN_TRANSIT, WILL_CHECK, IN_STOCK, REFUND_ISSUED,
            SELLER_CANCELS, BUYER_CANCELS, SPOKEN_TIMES, *CLAIMS.values(),
        )
    ] + [FAULT["zh-Hant"][0], PACKING_FAULT["zh-Hant"][0], CLDR_ZONES["zh-Hant"][0]]  # fmt: skip
    for text in samples:
        assert "script" not in checks_found(text, "zh-Hant"), text


# untranslated ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "zh-Hant", "ko", "vi"])
def test_an_english_sentence_in_another_language_fires(language):
    text = (
        "When it arrives you can refuse the delivery, or return it within 15 days of "
        "delivery, and we will refund you as soon as it reaches us."
    )
    assert "untranslated" in checks_found(text, language)


def test_names_ids_and_addresses_in_latin_letters_are_not_english():
    text = "주문하신 상품의 배송지 정보를 확인했습니다: 12 Jalan Ampang, 50450 Kuala Lumpur (RB123456789CN, The Lotus Home)"  # noqa: E501
    assert "untranslated" not in checks_found(text, "ko")


# the check as a function -----------------------------------------------------------------


def test_a_violation_names_its_rule_and_says_what_is_wrong():
    (violation,) = check_reply(
        FAULT["en"][0],
        language="en",
        template_id="not_shipped",
        resolution="on_schedule",
        facts_given=frozenset(),
        settings_given=EVERY_SETTING,
    )
    assert violation == Violation(
        rule="§2", check="fault_admission", phrase="our mistake", message=violation.message
    )
    assert "confirmed" in violation.message
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.rule = "§1"  # type: ignore[misc]


def test_an_unknown_language_is_an_error():
    with pytest.raises(UnknownCheckLanguageError, match="th"):
        check_reply(
            "สวัสดี",
            language="th",
            template_id="other",
            resolution="acknowledge",
            facts_given=frozenset(),
            settings_given=frozenset(),
        )


def test_checks_can_be_given_other_data():
    data = tomllib.loads(data_text())
    data["register"] = [
        {"id": "x", "rule": "§6", "message": "no cheers", "phrases": {"en": ["cheers"]}}
    ]
    checks = parse_checks(data)
    arguments = {
        "language": "en",
        "template_id": "other",
        "resolution": "acknowledge",
        "facts_given": frozenset(),
        "settings_given": EVERY_SETTING,
    }
    assert [v.phrase for v in check_reply("Cheers!", checks=checks, **arguments)] == ["Cheers"]
    assert check_reply("Cheers!", **arguments) == []


def test_given_facts_names_what_is_known():
    facts = Facts(order_id="1", amount=Amount(Decimal(8), None), ship_date=date(2026, 11, 25))
    assert given_facts(facts) == {"order_id", "amount", "ship_date"}
    with_currency = dataclasses.replace(facts, amount=Amount(Decimal(8), "KRW"))
    assert given_facts(with_currency) == {"order_id", "amount", "ship_date", "amount_currency"}
    assert given_facts(Facts()) == frozenset()


def test_given_settings_are_those_that_differ_from_the_defaults():
    assert given_settings(ShopSettings()) == frozenset()
    assert given_settings(ShopSettings(shop_name="루나홈", currency="KRW")) == {
        "shop_name",
        "currency",
    }
    assert given_settings(ShopSettings(coupon=Amount(Decimal(3), "KRW"))) == {"coupon"}


# the data file ---------------------------------------------------------------------------

MEANING_RULES = ("fault_admission", "status_claim", "seller_cancel", "zone_name")
"""Rules about what a reply says, which every language can say, so each needs every language."""


def test_the_checks_know_every_language_replies_are_written_in():
    assert set(REPLY_LANGUAGES) <= default_checks().languages
    assert set(CHECKED_LANGUAGES) == default_checks().languages


@pytest.mark.parametrize("check", MEANING_RULES)
def test_rules_about_meaning_have_wording_in_every_language(check):
    for rule in default_checks().phrase_rules:
        if rule.check == check:
            assert set(rule.patterns) >= set(CHECKED_LANGUAGES), rule.id


def test_every_phrase_table_in_the_data_is_read():
    data = tomllib.loads(data_text())
    tables = {key for key, value in data.items() if isinstance(value, list)}
    assert tables == set(PHRASE_CHECKS)
    ids = [(rule.check, rule.id) for rule in default_checks().phrase_rules]
    assert len(ids) == len(set(ids))


def _registered(place):
    template_id, _, resolution = place.partition("/")
    spec = TEMPLATES.get(template_id)
    return spec, resolution


def test_allowed_places_name_registered_templates_and_resolutions():
    for rule in default_checks().phrase_rules:
        for place in rule.allowed_in:
            spec, resolution = _registered(place)
            assert spec is not None, place
            assert resolution == "*" or resolution in {r.name for r in spec.resolutions}, place


def test_planned_places_move_to_allowed_in_once_the_resolution_exists():
    for rule in default_checks().phrase_rules:
        for place in rule.planned_in:
            spec, resolution = _registered(place)
            assert spec is not None, place
            assert resolution not in {r.name for r in spec.resolutions}, (
                f"{place} exists now: move it from planned_in to allowed_in"
            )


def test_every_needed_name_is_a_fact_or_setting_and_planned_facts_are_still_planned():
    checks = default_checks()
    facts = {f.name for f in fields(Facts)}
    known = facts | EVERY_SETTING | checks.planned_facts | checks.derived_facts
    for rule in checks.phrase_rules:
        assert rule.needs <= known, (rule.id, rule.needs - known)
    assert checks.planned_facts & facts == set(), "a planned fact exists now: drop it from the list"
