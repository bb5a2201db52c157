"""Dates and times in replies, in each market's own words (bot/replies/times.py)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_timezone_name

from bot.replies.times import ZONE_NAMES, spoken_date, spoken_time, utc_offset
from bot.scenarios import REPLY_LANGUAGES as LANGUAGES

TODAY = date(2026, 11, 20)
SHANGHAI = ZoneInfo("Asia/Shanghai")
BABEL_LOCALES = {"en": "en", "zh": "zh", "zh-Hant": "zh_Hant", "ko": "ko", "vi": "vi"}


@pytest.mark.parametrize(
    ("language", "this_year", "next_year", "next_year_in_it"),
    [
        ("en", "Wed 25 Nov", "Tue 5 Jan 2027", "Tue 5 Jan"),
        ("zh", "11月25日（周三）", "2027年1月5日（周二）", "1月5日（周二）"),
        ("zh-Hant", "11月25日（週三）", "2027年1月5日（週二）", "1月5日（週二）"),
        ("ko", "11월 25일(수)", "2027년 1월 5일(화)", "1월 5일(화)"),
        ("vi", "thứ Tư (25/11)", "thứ Ba (5/1/2027)", "thứ Ba (5/1)"),
    ],
)
def test_a_date_names_its_weekday_and_its_year_only_when_another(
    language, this_year, next_year, next_year_in_it
):
    assert spoken_date(date(2026, 11, 25), language, today=TODAY) == this_year
    assert spoken_date(date(2027, 1, 5), language, today=TODAY) == next_year
    assert spoken_date(date(2027, 1, 5), language, today=date(2027, 1, 1)) == next_year_in_it
    assert spoken_date(date(2025, 11, 25), language, today=TODAY) != this_year


def test_every_weekday_has_its_own_name():
    week = [date(2026, 11, 23) + timedelta(days=n) for n in range(7)]
    assert [spoken_date(day, "vi", today=TODAY) for day in week] == [
        "thứ Hai (23/11)",
        "thứ Ba (24/11)",
        "thứ Tư (25/11)",
        "thứ Năm (26/11)",
        "thứ Sáu (27/11)",
        "thứ Bảy (28/11)",
        "Chủ nhật (29/11)",
    ]
    assert [spoken_date(day, "en", today=TODAY)[:3] for day in week] == [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
    ]  # fmt: skip
    for language in ("zh", "zh-Hant", "ko"):
        assert len({spoken_date(day, language, today=TODAY) for day in week}) == 7


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en", "Asia/Shanghai", "9:00 Beijing time, Tue 24 Nov"),
        ("zh", "Asia/Shanghai", "北京时间11月24日（周二）上午9:00"),
        ("zh-Hant", "Asia/Taipei", "台北時間11月24日（週二）上午9:00"),
        ("zh-Hant", "Asia/Hong_Kong", "香港時間11月24日（週二）上午9:00"),
        ("ko", "Asia/Seoul", "11월 24일(화) 오전 9시(한국 시간)"),
        ("ko", "Asia/Shanghai", "11월 24일(화) 오전 9시(베이징 시간)"),
        ("vi", "Asia/Ho_Chi_Minh", "9h sáng thứ Ba (24/11) theo giờ Việt Nam"),
        ("vi", "Asia/Shanghai", "9h sáng thứ Ba (24/11) theo giờ Bắc Kinh"),
        ("en", "Asia/Kuala_Lumpur", "9:00 Kuala Lumpur time, Tue 24 Nov"),
        ("en", "Asia/Saigon", "9:00 Vietnam time, Tue 24 Nov"),
        ("en", "UTC", "9:00 UTC, Tue 24 Nov"),
        ("zh", "UTC", "UTC时间11月24日（周二）上午9:00"),
        ("vi", "Asia/Bangkok", "9h sáng thứ Ba (24/11) theo giờ UTC+7"),
    ],
)
def test_a_time_says_hour_day_and_zone_as_people_there_do(language, zone, expected):
    assert spoken_time(datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo(zone)), language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "9:30 Beijing time, Tue 24 Nov"),
        ("zh", "北京时间11月24日（周二）上午9:30"),
        ("zh-Hant", "北京時間11月24日（週二）上午9:30"),
        ("ko", "11월 24일(화) 오전 9시 30분(베이징 시간)"),
        ("vi", "9h30 sáng thứ Ba (24/11) theo giờ Bắc Kinh"),
    ],
)
def test_minutes(language, expected):
    assert spoken_time(datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI), language) == expected


@pytest.mark.parametrize(
    ("hour", "minute", "forms"),
    [
        (0, 0, ("0:00", "凌晨0:00", "凌晨0:00", "오전 0시", "0h")),
        (0, 5, ("0:05", "凌晨0:05", "凌晨0:05", "오전 0시 5분", "0h05")),
        (5, 0, ("5:00", "凌晨5:00", "凌晨5:00", "오전 5시", "5h sáng")),
        (11, 59, ("11:59", "上午11:59", "上午11:59", "오전 11시 59분", "11h59 sáng")),
        (12, 0, ("12:00", "中午12:00", "中午12:00", "오후 12시", "12h trưa")),
        (12, 30, ("12:30", "中午12:30", "中午12:30", "오후 12시 30분", "12h30 trưa")),
        (13, 0, ("13:00", "下午1:00", "下午1:00", "오후 1시", "1h chiều")),
        (17, 45, ("17:45", "下午5:45", "下午5:45", "오후 5시 45분", "5h45 chiều")),
        (18, 0, ("18:00", "晚上6:00", "晚上6:00", "오후 6시", "6h tối")),
        (23, 0, ("23:00", "晚上11:00", "晚上11:00", "오후 11시", "11h tối")),
    ],
)
def test_midnight_noon_and_the_parts_of_the_day(hour, minute, forms):
    moment = datetime(2026, 11, 24, hour, minute, tzinfo=ZoneInfo("Asia/Seoul"))
    said = {language: spoken_time(moment, language) for language in LANGUAGES}
    en, zh, zh_hant, ko, vi = forms
    assert said["en"] == f"{en} Korea time, Tue 24 Nov"
    assert said["zh"] == f"韩国时间11月24日（周二）{zh}"
    assert said["zh-Hant"] == f"韓國時間11月24日（週二）{zh_hant}"
    assert said["ko"] == f"11월 24일(화) {ko}(한국 시간)"
    assert said["vi"] == f"{vi} thứ Ba (24/11) theo giờ Hàn Quốc"


def test_a_naive_time_is_the_shops_and_an_aware_one_keeps_its_zone():
    naive = datetime(2026, 11, 24, 9, 0)
    assert spoken_time(naive, "en", shop_zone="Asia/Shanghai") == "9:00 Beijing time, Tue 24 Nov"
    assert spoken_time(naive, "en") == "9:00 UTC, Tue 24 Nov"
    seoul = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    in_seoul = spoken_time(seoul, "ko", shop_zone="Asia/Shanghai")
    assert in_seoul == "11월 24일(화) 오전 9시(한국 시간)"
    in_beijing = spoken_time(seoul.astimezone(SHANGHAI), "zh", shop_zone="Asia/Seoul")
    assert in_beijing == "北京时间11月24日（周二）上午8:00"


def test_a_fixed_offset_is_named_by_the_shops_zone_only_when_that_has_the_offset():
    typed = datetime.fromisoformat("2026-11-24T09:00+08:00")
    assert spoken_time(typed, "zh", shop_zone="Asia/Shanghai") == "北京时间11月24日（周二）上午9:00"
    assert spoken_time(typed, "en", shop_zone="Asia/Seoul") == "9:00 UTC+8, Tue 24 Nov"
    utc = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert spoken_time(utc, "en", shop_zone="Europe/London") == "9:00 UK time, Mon 5 Jan"
    assert spoken_time(utc.replace(month=7), "en", shop_zone="Europe/London") == (
        "9:00 UTC, Sun 5 Jul"
    )


def test_a_zone_outside_the_table_goes_by_its_offset_at_that_moment():
    lima = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("America/Lima"))
    assert spoken_time(lima, "en") == "9:00 UTC-5, Tue 24 Nov"
    assert spoken_time(lima, "zh") == "UTC-5时间11月24日（周二）上午9:00"
    assert spoken_time(lima, "zh-Hant") == "UTC-5時間11月24日（週二）上午9:00"
    assert spoken_time(lima, "ko") == "11월 24일(화) 오전 9시(UTC-5)"
    assert spoken_time(lima, "vi") == "9h sáng thứ Ba (24/11) theo giờ UTC-5"
    kolkata = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert spoken_time(kolkata, "en") == "9:00 UTC+5:30, Tue 24 Nov"
    new_york = ZoneInfo("America/New_York")
    assert spoken_time(datetime(2026, 7, 1, 9, tzinfo=new_york), "en").startswith("9:00 UTC-4,")
    assert spoken_time(datetime(2026, 12, 1, 9, tzinfo=new_york), "en").startswith("9:00 UTC-5,")
    assert utc_offset(timedelta(hours=5, minutes=45)) == "UTC+5:45"
    assert utc_offset(timedelta(hours=-3, minutes=-30)) == "UTC-3:30"
    assert utc_offset(timedelta(0)) == "UTC"


def test_summer_time_moves_the_hour_not_the_name():
    london = ZoneInfo("Europe/London")
    summer = datetime(2026, 7, 24, 9, 0, tzinfo=SHANGHAI).astimezone(london)
    winter = datetime(2026, 1, 23, 9, 0, tzinfo=SHANGHAI).astimezone(london)
    assert spoken_time(summer, "en") == "2:00 UK time, Fri 24 Jul"
    assert spoken_time(winter, "en") == "1:00 UK time, Fri 23 Jan"
    assert spoken_time(summer, "zh") == "英国时间7月24日（周五）凌晨2:00"
    assert spoken_time(summer, "vi") == "2h sáng thứ Sáu (24/7) theo giờ Anh"


BANNED = (
    "Coordinated Universal Time",
    "Unknown Region",
    "未知地区",
    "协调世界时",
    "中国标准时间",
    "Giờ Đông Dương",
    "협정 세계시",
    "대한민국 표준시",
    "한국 표준시",
    "Standard Time",
    "표준시",
)


@pytest.mark.parametrize("zone", [*ZONE_NAMES, "UTC", "America/Lima", "Asia/Bangkok"])
def test_no_time_uses_a_cldr_zone_name(zone):
    for month in (1, 7):
        moment = datetime(2026, month, 24, 9, 0, tzinfo=ZoneInfo(zone))
        for language in LANGUAGES:
            said = spoken_time(moment, language)
            cldr = get_timezone_name(moment, width="long", locale=BABEL_LOCALES[language])
            assert cldr not in said, (zone, language)
            assert not [banned for banned in BANNED if banned in said]


def test_every_named_zone_is_named_in_every_language():
    for zone, names in ZONE_NAMES.items():
        ZoneInfo(zone)
        assert set(names) == set(LANGUAGES), zone


def test_an_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="ja"):
        spoken_date(date(2026, 11, 25), "ja", today=TODAY)
    with pytest.raises(ValueError, match="zh-Hans"):
        spoken_time(datetime(2026, 11, 24, 9, tzinfo=UTC), "zh-Hans")
