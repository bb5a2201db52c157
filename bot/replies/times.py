"""Dates and times in a reply, written the way people in the buyer's market write them.

Every word comes from this module's own tables, never from CLDR: Babel's zone names and
date patterns change between releases ("대한민국 표준시" became "한국 표준시", "Giờ Việt Nam"
became "Giờ Đông Dương"), and a buyer must read the same sentence whichever Babel is
installed (REPLY-POLICY.md §7).

The rules, the same in every language:

- A date names its weekday, and its year only when that is not `today`'s year:
  "Wed 25 Nov", "Tue 5 Jan 2027".
- A time names the day (weekday, day and month, never the year: a shop says when it is
  back within days) and always the zone, Korean replies in Korea time included: the shop
  is often in another country, so a bare hour would leave the buyer guessing whose clock
  it is.
- A zone in the table below is named the way people there say it ("Beijing time",
  "北京时间"); any other zone by its offset at that moment: "UTC+7", "UTC-5", "UTC+5:30",
  and "UTC" for no offset.
- en uses the 24-hour clock ("9:00", "15:30", "0:00"); zh, zh-Hant, ko and vi the 12-hour
  clock with the part of the day people say ("上午9:00", "오전 9시", "9h sáng").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.scenarios import REPLY_LANGUAGES

ZONE_NAMES: dict[str, dict[str, str]] = {
    "Asia/Shanghai": {
        "en": "Beijing time",
        "zh": "北京时间",
        "zh-Hant": "北京時間",
        "ko": "베이징 시간",
        "vi": "giờ Bắc Kinh",
    },
    "Asia/Seoul": {
        "en": "Korea time",
        "zh": "韩国时间",
        "zh-Hant": "韓國時間",
        "ko": "한국 시간",
        "vi": "giờ Hàn Quốc",
    },
    "Asia/Ho_Chi_Minh": {
        "en": "Vietnam time",
        "zh": "越南时间",
        "zh-Hant": "越南時間",
        "ko": "베트남 시간",
        "vi": "giờ Việt Nam",
    },
    "Asia/Taipei": {
        "en": "Taipei time",
        "zh": "台北时间",
        "zh-Hant": "台北時間",
        "ko": "타이베이 시간",
        "vi": "giờ Đài Bắc",
    },
    "Asia/Hong_Kong": {
        "en": "Hong Kong time",
        "zh": "香港时间",
        "zh-Hant": "香港時間",
        "ko": "홍콩 시간",
        "vi": "giờ Hồng Kông",
    },
    "Asia/Singapore": {
        "en": "Singapore time",
        "zh": "新加坡时间",
        "zh-Hant": "新加坡時間",
        "ko": "싱가포르 시간",
        "vi": "giờ Singapore",
    },
    "Asia/Kuala_Lumpur": {
        "en": "Kuala Lumpur time",
        "zh": "吉隆坡时间",
        "zh-Hant": "吉隆坡時間",
        "ko": "쿠알라룸푸르 시간",
        "vi": "giờ Kuala Lumpur",
    },
    "Asia/Jakarta": {
        "en": "Jakarta time",
        "zh": "雅加达时间",
        "zh-Hant": "雅加達時間",
        "ko": "자카르타 시간",
        "vi": "giờ Jakarta",
    },
    "Asia/Manila": {
        "en": "Philippine time",
        "zh": "菲律宾时间",
        "zh-Hant": "菲律賓時間",
        "ko": "필리핀 시간",
        "vi": "giờ Philippines",
    },
    "Asia/Tokyo": {
        "en": "Japan time",
        "zh": "日本时间",
        "zh-Hant": "日本時間",
        "ko": "일본 시간",
        "vi": "giờ Nhật Bản",
    },
    "Europe/London": {
        "en": "UK time",
        "zh": "英国时间",
        "zh-Hant": "英國時間",
        "ko": "영국 시간",
        "vi": "giờ Anh",
    },
}
"""Named zones, in the words people in each market use; one name through summer and
winter ("UK time", not GMT or BST). UTC and every other zone go by their offset."""

_SAME_ZONE = {"Asia/Saigon": "Asia/Ho_Chi_Minh"}
"""tzdata's older names for a zone in the table."""

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date_en(day: date, weekday: str, with_year: bool) -> str:
    year = f" {day.year}" if with_year else ""
    return f"{weekday} {day.day} {_EN_MONTHS[day.month - 1]}{year}"


def _date_zh(day: date, weekday: str, with_year: bool) -> str:
    year = f"{day.year}年" if with_year else ""
    return f"{year}{day.month}月{day.day}日（{weekday}）"


def _date_ko(day: date, weekday: str, with_year: bool) -> str:
    year = f"{day.year}년 " if with_year else ""
    return f"{year}{day.month}월 {day.day}일({weekday})"


def _date_vi(day: date, weekday: str, with_year: bool) -> str:
    year = f"/{day.year}" if with_year else ""
    return f"{weekday} ({day.day}/{day.month}{year})"


def _twelve_hour(hour: int) -> int:
    return hour - 12 if hour > 12 else hour


def _clock_en(hour: int, minute: int) -> str:
    return f"{hour}:{minute:02d}"


def _clock_zh(hour: int, minute: int) -> str:
    if hour < 6:
        period = "凌晨"
    elif hour < 12:
        period = "上午"
    elif hour == 12:
        period = "中午"
    elif hour < 18:
        period = "下午"
    else:
        period = "晚上"
    return f"{period}{_twelve_hour(hour)}:{minute:02d}"


def _clock_ko(hour: int, minute: int) -> str:
    period = "오전" if hour < 12 else "오후"
    minutes = f" {minute}분" if minute else ""
    return f"{period} {_twelve_hour(hour)}시{minutes}"


def _clock_vi(hour: int, minute: int) -> str:
    """ "9h sáng", "12h30 trưa"; midnight is "0h", which needs no part of the day."""
    minutes = f"{minute:02d}" if minute else ""
    if hour == 0:
        return f"0h{minutes}"
    if hour < 12:
        period = "sáng"
    elif hour == 12:
        period = "trưa"
    elif hour < 18:
        period = "chiều"
    else:
        period = "tối"
    return f"{_twelve_hour(hour)}h{minutes} {period}"


@dataclass(frozen=True, slots=True)
class _Style:
    weekdays: tuple[str, ...]
    """Monday first, as `date.weekday()` counts."""
    date: Callable[[date, str, bool], str]
    clock: Callable[[int, int], str]
    moment: Callable[[str, str, str], str]
    """(clock, date, zone) -> the whole time."""
    offset_zone: str
    """How a zone named by its offset reads, e.g. "{}时间" -> "UTC-5时间"."""


_STYLES: dict[str, _Style] = {
    "en": _Style(
        weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        date=_date_en,
        clock=_clock_en,
        moment=lambda clock, day, zone: f"{clock} {zone}, {day}",
        offset_zone="{}",
    ),
    "zh": _Style(
        weekdays=("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
        date=_date_zh,
        clock=_clock_zh,
        moment=lambda clock, day, zone: f"{zone}{day}{clock}",
        offset_zone="{}时间",
    ),
    "zh-Hant": _Style(
        weekdays=("週一", "週二", "週三", "週四", "週五", "週六", "週日"),
        date=_date_zh,
        clock=_clock_zh,
        moment=lambda clock, day, zone: f"{zone}{day}{clock}",
        offset_zone="{}時間",
    ),
    "ko": _Style(
        weekdays=("월", "화", "수", "목", "금", "토", "일"),
        date=_date_ko,
        clock=_clock_ko,
        moment=lambda clock, day, zone: f"{day} {clock}({zone})",
        offset_zone="{}",
    ),
    "vi": _Style(
        weekdays=("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"),
        date=_date_vi,
        clock=_clock_vi,
        moment=lambda clock, day, zone: f"{clock} {day} theo {zone}",
        offset_zone="giờ {}",
    ),
}


def _style(language: str) -> _Style:
    try:
        return _STYLES[language]
    except KeyError:
        raise ValueError(
            f"no date and time forms for {language!r} (known: {', '.join(REPLY_LANGUAGES)})"
        ) from None


def spoken_date(day: date, language: str, *, today: date) -> str:
    """ "Wed 25 Nov", "11月25日（周三）", "11월 25일(수)", "thứ Tư (25/11)"; the year is
    added when `day` falls in another year than `today`."""
    style = _style(language)
    return style.date(day, style.weekdays[day.weekday()], day.year != today.year)


def utc_offset(offset: timedelta) -> str:
    """ "UTC", "UTC+8", "UTC-5", "UTC+5:30": an offset the way a buyer reads it."""
    minutes = round(offset.total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"


def _zone_key(zone: tzinfo | None) -> str | None:
    key = zone.key if isinstance(zone, ZoneInfo) else None
    return _SAME_ZONE.get(key, key) if key else None


def _local(moment: datetime, shop_zone: str) -> tuple[datetime, str | None]:
    """The moment with the IANA zone it is to be named by, if it has one.

    A naive moment is the shop's. A fixed offset (`+08:00`, as typed on the command line)
    is taken as the shop's zone when that zone has the same offset at that moment, since
    an offset alone cannot say which country's clock it is.
    """
    shop = ZoneInfo(shop_zone)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=shop), _zone_key(shop)
    if isinstance(moment.tzinfo, ZoneInfo):
        return moment, _zone_key(moment.tzinfo)
    if moment.utcoffset() == moment.astimezone(shop).utcoffset():
        return moment.astimezone(shop), _zone_key(shop)
    return moment, None


def spoken_time(moment: datetime, language: str, *, shop_zone: str = "UTC") -> str:
    """ "9:00 Beijing time, Tue 24 Nov", "北京时间11月24日（周二）上午9:00",
    "11월 24일(화) 오전 9시(한국 시간)", "9h sáng thứ Ba (24/11) theo giờ Việt Nam".

    The moment is said in its own zone; a naive one is in `shop_zone` (an IANA name).
    Callers that know the buyer's zone convert first.
    """
    style = _style(language)
    local, key = _local(moment, shop_zone)
    names = ZONE_NAMES.get(key) if key else None
    offset = local.utcoffset() or timedelta(0)
    zone = names[language] if names else style.offset_zone.format(utc_offset(offset))
    day = style.date(local.date(), style.weekdays[local.weekday()], False)
    return style.moment(style.clock(local.hour, local.minute), day, zone)
