"""Money amounts as buyers write them, to (Decimal value, ISO 4217 currency or None).

Covers symbols and codes (`$8`, `USD 80.00`, `80.00USD`, `€6.89`, `6,89 €`, `¥25`),
words (`8 dollars`, `8 bucks`, `8달러`, `8刀`), local styles (`15,000원`, `1.5만원`,
`3만5천원`, `50k`, `50.000đ`, `200 nghìn`, `1tr2`, `2 củ`) and Chinese numerals
(`一块钱`, `两块五`, `五毛`). Separators are read with Babel's `parse_decimal` in a
locale whose conventions match what was written (a single separator followed by exactly
three digits groups thousands; otherwise it is the decimal mark).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import get_currency_precision, parse_decimal

from bot.analysis import MAX_AMOUNT_DIGITS, Amount

_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN = "零〇一二两三四五六七八九十百千万"

_PREFIX = {
    "us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "¥": "CNY", "cny": "CNY",
    "rmb": "CNY", "₩": "KRW", "krw": "KRW", "₫": "VND", "vnd": "VND",
}  # fmt: skip
_SUFFIX = {
    "usd": "USD", "us$": "USD", "$": "USD", "dollars": "USD", "dollar": "USD", "bucks": "USD",
    "buck": "USD", "달러": "USD", "불": "USD", "刀": "USD", "美元": "USD", "美金": "USD",
    "đô la": "USD", "đô": "USD", "do la": "USD",
    "eur": "EUR", "euros": "EUR", "euro": "EUR", "€": "EUR", "유로": "EUR", "欧元": "EUR",
    "元": "CNY", "块钱": "CNY", "块": "CNY", "圆": "CNY", "rmb": "CNY", "cny": "CNY",
    "yuan": "CNY", "人民币": "CNY", "위안": "CNY", "¥": "CNY",
    "원": "KRW", "won": "KRW", "krw": "KRW", "₩": "KRW",
    "vnđ": "VND", "vnd": "VND", "đồng": "VND", "dong": "VND", "đ": "VND", "₫": "VND", "d": "VND",
}  # fmt: skip
_THOUSANDS = {"k": 1000, "nghìn": 1000, "ngàn": 1000, "nghin": 1000, "ngan": 1000}
_MILLIONS = ("triệu", "trieu", "tr", "củ", "cu")


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[attr-defined]


_PATTERN = re.compile(
    rf"""
    (?P<cn>[{_CN}]+)\s?(?P<cn_unit>块钱|块|元|毛|刀)(?P<cn_jiao>[{_CN_DIGITS}]|\d)?
  | (?P<man>\d+(?:\.\d+)?)\s?만(?:\s?(?P<man_cheon>\d)\s?천)?\s?원
  | (?P<cheon>\d+)\s?천\s?원
  | (?<![\d.,])(?P<man_only>만)\s?원
  | (?<![A-Za-z0-9$€¥₩₫])(?P<pre>{_alternation(_PREFIX)})\s?(?P<pre_num>{_NUM})
        (?:\s?(?P<pre_k>k)(?![a-zà-ỹ]))?
  | (?<![\d.,])(?P<num>{_NUM})\s?(?:
        (?P<million>{_alternation(_MILLIONS)})(?P<million_rest>\d{{1,3}})?(?![a-zà-ỹ])
      | (?P<thousand>{_alternation(_THOUSANDS)})(?![a-zà-ỹ])
      | (?P<unit>{_alternation(_SUFFIX)})(?![a-zà-ỹ])
      | (?P<cn_unit2>块钱|块)(?P<cn_jiao2>\d|[{_CN_DIGITS}])?
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)


def parse_number(text: str) -> Decimal:
    """A written number with `.`/`,` separators, read the way its writer meant it."""
    last = max(text.rfind("."), text.rfind(","))
    if last < 0:
        return Decimal(text)
    marks = {ch for ch in text if ch in ".,"}
    digits_after = len(text) - last - 1
    grouping_only = len(marks) == 1 and digits_after == 3
    decimal_mark = ({".", ","} - marks).pop() if grouping_only else text[last]
    return parse_decimal(text, locale="de" if decimal_mark == "," else "en")


def chinese_number(text: str) -> Decimal:
    """Chinese numerals up to the tens of thousands: 两百 -> 200, 十五 -> 15, 一万二 -> 12000."""
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    units = {"十": 10, "百": 100, "千": 1000}
    total = section = current = 0
    last_unit = 1
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch in units:
            section += (current or 1) * units[ch]
            last_unit, current = units[ch], 0
        elif ch == "万":
            total += (section + current) * 10000
            section = current = 0
            last_unit = 10000
    if current and last_unit >= 100 and len(text) >= 2 and text[-2] in "百千万":
        current *= last_unit // 10
    return Decimal(total + section + current)


def _digit(ch: str | None) -> int:
    if not ch:
        return 0
    return int(ch) if ch.isdigit() else int(chinese_number(ch))


@dataclass(frozen=True, slots=True)
class MoneyMatch:
    start: int
    end: int
    amount: Amount


def _quantize(value: Decimal, currency: str | None) -> Decimal:
    if currency is None:
        return value.normalize() if value == value.to_integral() else value
    precision = get_currency_precision(currency)
    return value.quantize(Decimal(1).scaleb(-precision)) if precision else value.normalize()


def _read(match: re.Match[str], language: str) -> tuple[Decimal, str | None] | None:
    group = match.group
    if group("cn"):
        value = chinese_number(group("cn"))
        unit = group("cn_unit")
        if unit == "毛":
            return value / 10, "CNY"
        return value + Decimal(_digit(group("cn_jiao"))) / 10, "USD" if unit == "刀" else "CNY"
    if group("man"):
        return Decimal(group("man")) * 10000 + _digit(group("man_cheon")) * 1000, "KRW"
    if group("cheon"):
        return Decimal(group("cheon")) * 1000, "KRW"
    if group("man_only"):
        return Decimal(10000), "KRW"
    if group("pre"):
        value = parse_number(group("pre_num"))
        return value * (1000 if group("pre_k") else 1), _PREFIX[group("pre").lower()]
    value = parse_number(group("num"))
    if group("million"):
        rest = group("million_rest") or ""
        extra = Decimal(rest) * Decimal(10) ** (6 - len(rest)) if rest else Decimal(0)
        return value * 1_000_000 + extra, "VND"
    if group("thousand"):
        word = group("thousand").lower()
        return value * _THOUSANDS[word], "VND" if word != "k" or language == "vi" else None
    if group("cn_unit2"):
        return value + Decimal(_digit(group("cn_jiao2"))) / 10, "CNY"
    unit = group("unit").lower()
    currency = _SUFFIX[unit]
    if unit == "d" and value < 1000:
        return None
    return value, currency


def find_amounts(text: str, language: str) -> Iterator[MoneyMatch]:
    """Money amounts in `text` (cleaned), in order of appearance."""
    for match in _PATTERN.finditer(text):
        read = _read(match, language)
        if read is None:
            continue
        value, currency = read
        if value <= 0 or value.adjusted() >= MAX_AMOUNT_DIGITS:
            continue
        yield MoneyMatch(match.start(), match.end(), Amount(_quantize(value, currency), currency))
