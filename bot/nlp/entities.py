"""Order ids, tracking numbers and amounts in a buyer message (docs/SCENARIOS.md, Entities).

Tracking numbers are found first (carrier formats, or digits after a tracking keyword),
then amounts, then order ids: digits after an order keyword, or a bare run of 8+ digits
that is not part of something already found and does not look like a phone number or a
date.
"""

from __future__ import annotations

import re
from datetime import date

from bot.analysis import Entities
from bot.nlp.money import find_amounts

_TRACKING_FORMATS = re.compile(
    r"""(?<![A-Za-z0-9])(
        1Z[0-9A-Z]{16}
      | [A-Z]{2}\d{9}[A-Z]{2}
      | [A-Z]{2,5}\d{9,20}[A-Z]{0,2}
    )(?![A-Za-z0-9])""",
    re.VERBOSE | re.IGNORECASE,
)
_TRACKING_KEYWORD = re.compile(
    r"""(?:tracking(?:\s*(?:number|no\.?|code|id|\#))?|track\s*(?:no\.?|\#)|awb
      | 运单号?|快递单号?|物流单号?|(?<!订)单号
      | 송장\s*번호|송장|운송장(?:\s*번호)?
      | m[aã]\s*v[aậ]n\s*(?:đ|d)[oơ]n|m[aã]\s*v[aậ]n\s*chuy[eể]n|mvđ|mvd
      | m[aã]\s*theo\s*d[oõ]i
    )\s*(?:is|là|la|:|：|\#|-)?\s*([A-Za-z]{0,4}\d[\dA-Za-z-]{7,30})""",
    re.VERBOSE | re.IGNORECASE,
)
_ORDER_KEYWORD = re.compile(
    r"""(?:order(?:\s*(?:number|no\.?|id|\#|num))?|ord\.?\s*\#?|订单号?|订单编号|单号
      | 주문\s*번호|주문번호|주문
      | m[aã]\s*(?:đ|d)[oơ]n(?:\s*h[aà]ng)?|(?:đ|d)[oơ]n\s*h[aà]ng|(?:đ|d)[oơ]n|mđh|mdh
      | \#
    )\s*(?:is|là|la|số|so|:|：|\#|-)?\s*([A-Za-z]{0,3}\d[\dA-Za-z]{5,29})(?![\dA-Za-z])""",
    re.VERBOSE | re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"(?<![\dA-Za-z.,])\d{8,30}(?![\dA-Za-z])")
_PHONE_CONTEXT = re.compile(
    r"(?:phone|tel|call|mobile|whatsapp|zalo|sđt|sdt|đt|dt|điện thoại|dien thoai|電話|电话|"
    r"手机|联系|전화|연락처|핸드폰|휴대폰)\D{0,12}$",
    re.IGNORECASE,
)
_MAY_HOLD_ENTITIES = re.compile(r"[\d零〇一二两三四五六七八九十百千万만]")
_PHONE_SHAPE = re.compile(r"0\d{9,10}|1[3-9]\d{9}|8[24]\d{9,10}")


def _is_date(digits: str) -> bool:
    if len(digits) != 8:
        return False
    try:
        parsed = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return 1990 <= parsed.year <= 2099


def _looks_like_phone(text: str, start: int, digits: str) -> bool:
    if _PHONE_CONTEXT.search(text[max(0, start - 30) : start]):
        return True
    return _PHONE_SHAPE.fullmatch(digits) is not None or text[max(0, start - 1) : start] == "+"


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def _add(found: list[str], value: str) -> None:
    if value not in found:
        found.append(value)


def extract_entities(text: str, language: str) -> Entities:
    """Entities of a cleaned message; `language` settles ambiguous money like `50k`."""
    if not _MAY_HOLD_ENTITIES.search(text):
        return Entities()
    taken: list[tuple[int, int]] = []
    tracking: list[str] = []
    for match in _TRACKING_KEYWORD.finditer(text):
        _add(tracking, match.group(1).upper())
        taken.append(match.span(1))
    for match in _TRACKING_FORMATS.finditer(text):
        if not _overlaps(*match.span(1), taken) and any(ch.isalpha() for ch in match.group(1)):
            _add(tracking, match.group(1).upper())
            taken.append(match.span(1))

    amounts = []
    for money in find_amounts(text, language):
        if not _overlaps(money.start, money.end, taken):
            amounts.append(money.amount)
            taken.append((money.start, money.end))

    orders: list[str] = []
    for match in _ORDER_KEYWORD.finditer(text):
        value = match.group(1)
        start, end = match.span(1)
        digits = sum(ch.isdigit() for ch in value)
        if digits >= 5 and not _overlaps(start, end, taken):
            _add(orders, value.upper())
            taken.append((start, end))
    for match in _DIGIT_RUN.finditer(text):
        digits = match.group()
        start, end = match.span()
        if _overlaps(start, end, taken) or _is_date(digits):
            continue
        if _looks_like_phone(text, start, digits):
            continue
        _add(orders, digits)
        taken.append((start, end))
    return Entities(tuple(orders), tuple(tracking), tuple(amounts))
