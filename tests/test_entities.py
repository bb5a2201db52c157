from decimal import Decimal

import pytest

from bot.nlp.entities import extract_entities
from bot.nlp.money import chinese_number, parse_number
from bot.nlp.normalize import clean


def amounts(text: str, language: str) -> list[tuple[str, str | None]]:
    found = extract_entities(clean(text), language).amounts
    return [(format(a.value, "f"), a.currency) for a in found]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("price dropped by $8", "en", [("8.00", "USD")]),
        ("you owe me 8 dollars", "en", [("8.00", "USD")]),
        ("8 bucks back pls", "en", [("8.00", "USD")]),
        ("paid USD 80.00 for it", "en", [("80.00", "USD")]),
        ("order total 80.00USD", "en", [("80.00", "USD")]),
        ("refund €6.89", "en", [("6.89", "EUR")]),
        ("refund 6,89 € please", "en", [("6.89", "EUR")]),
        ("$8.00 (EUR 6.89)", "en", [("8.00", "USD"), ("6.89", "EUR")]),
        ("$1,299.99 tv", "en", [("1299.99", "USD")]),
        ("paid 50k for this", "en", [("50000", None)]),
        ("补了1元", "zh", [("1.00", "CNY")]),
        ("才¥25", "zh", [("25.00", "CNY")]),
        ("差了8刀", "zh", [("8.00", "USD")]),
        ("拍了个一块钱的链接", "zh", [("1.00", "CNY")]),
        ("便宜了两块五", "zh", [("2.50", "CNY")]),
        ("补五毛", "zh", [("0.50", "CNY")]),
        ("少退了两百块", "zh", [("200.00", "CNY")]),
        ("8块钱邮费", "zh", [("8.00", "CNY")]),
        ("8달러 차이", "ko", [("8.00", "USD")]),
        ("15,000원 내렸네요", "ko", [("15000", "KRW")]),
        ("1.5만원 차액", "ko", [("15000", "KRW")]),
        ("3만5천원 환불", "ko", [("35000", "KRW")]),
        ("5천원 쿠폰", "ko", [("5000", "KRW")]),
        ("만원 내렸어요", "ko", [("10000", "KRW")]),
        ("giam con 50k", "vi", [("50000", "VND")]),
        ("tra 50.000đ roi", "vi", [("50000", "VND")]),
        ("chênh 200 nghìn", "vi", [("200000", "VND")]),
        ("mua 1tr2 gio con 990k", "vi", [("1200000", "VND"), ("990000", "VND")]),
        ("1.200.000đ", "vi", [("1200000", "VND")]),
        ("mat 2 củ", "vi", [("2000000", "VND")]),
        ("ship 30000 vnd", "vi", [("30000", "VND")]),
        ("3 cái size 38, giảm 30%", "vi", []),
        ("5kg gạo", "vi", []),
        ("2 pcs, 10:30, 2026-11-11", "en", []),
    ],
)
def test_amounts(text, language, expected):
    assert amounts(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "orders", "tracking"),
    [
        ("order 8123456789012345 not here", "en", ["8123456789012345"], []),
        ("#30012345678 where", "en", ["30012345678"], []),
        ("订单号 3000123456 还没发货", "zh", ["3000123456"], []),
        ("订单号：3000123456", "zh", ["3000123456"], []),
        ("주문번호 20231234567 취소요", "ko", ["20231234567"], []),
        ("mã đơn 240512ABCD1234 shop check giúp", "vi", ["240512ABCD1234"], []),
        ("ma don hang 240512QWERTY", "vi", ["240512QWERTY"], []),
        ("tracking LP00123456789012 stuck", "en", [], ["LP00123456789012"]),
        ("RB123456789CN no update", "en", [], ["RB123456789CN"]),
        ("yt2212345678901234 where", "en", [], ["YT2212345678901234"]),
        ("UPS 1Z999AA10123456784", "en", [], ["1Z999AA10123456784"]),
        ("运单号 SF1234567890123 不动了", "zh", [], ["SF1234567890123"]),
        ("快递单号 773012345678901", "zh", [], ["773012345678901"]),
        ("송장번호 612345678901 조회 안 돼요", "ko", [], ["612345678901"]),
        ("ma van don SPXVN012345678901", "vi", [], ["SPXVN012345678901"]),
        (
            "order 8123456789012345, tracking RB123456789CN, $8",
            "en",
            ["8123456789012345"],
            ["RB123456789CN"],
        ),
    ],
)
def test_order_ids_and_tracking(text, language, orders, tracking):
    entities = extract_entities(clean(text), language)
    assert list(entities.order_ids) == orders
    assert list(entities.tracking_numbers) == tracking


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("call me 0901234567", "en"),
        ("sdt moi 0912345678 nha shop", "vi"),
        ("我的手机 13812345678", "zh"),
        ("연락처 01012345678 입니다", "ko"),
        ("phone +84901234567", "en"),
        ("ordered on 20261111", "en"),
        ("010-1234-5678로 연락주세요", "ko"),
        ("paid 15000000đ", "vi"),
    ],
)
def test_phone_numbers_dates_and_prices_are_not_order_ids(text, language):
    assert extract_entities(clean(text), language).order_ids == ()


@pytest.mark.parametrize(
    ("written", "value"),
    [("15,000", "15000"), ("6,89", "6.89"), ("1.200.000", "1200000"), ("1,299.99", "1299.99"),
     ("1.234,5", "1234.5"), ("1.5", "1.5"), ("80.00", "80.00"), ("50.000", "50000")],
)  # fmt: skip
def test_parse_number(written, value):
    assert parse_number(written) == Decimal(value)


@pytest.mark.parametrize(
    ("written", "value"),
    [("一", 1), ("两", 2), ("十", 10), ("十五", 15), ("二十", 20), ("两百", 200), ("两百五", 250),
     ("一千零八", 1008), ("一万二", 12000), ("三万五千", 35000)],
)  # fmt: skip
def test_chinese_numbers(written, value):
    assert chinese_number(written) == value
