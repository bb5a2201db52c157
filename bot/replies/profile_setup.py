"""The guided setup of the shop profile: which questions, in which order, the choices each
offers, and how an answer is read. Telegram's `/setup` (bot/tg/setup.py) asks the short
`GUIDED` round with buttons; `replybot shop setup` asks `EVERY` setting on a terminal.
Both store each answer at once, through the profile store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from bot.replies.facts import (
    PLATFORM_IDS,
    ShopSettings,
    apply_settings,
    setting_text,
)
from bot.replies.profile import platform_name
from bot.scenarios import REPLY_LANGUAGES

KEEP: Final = "~"
"""The answer that leaves a setting as it is (a "Skip" or "Keep" button)."""

PLATFORM_CURRENCIES: Final[dict[str, tuple[str, ...]]] = {
    "aliexpress": ("USD", "CNY"),
    "taobao": ("CNY",),
    "tmall": ("CNY",),
    "1688": ("CNY",),
    "shopee": ("VND", "MYR", "THB", "PHP", "IDR", "SGD", "TWD"),
    "lazada": ("VND", "MYR", "THB", "PHP", "IDR", "SGD"),
    "tiki": ("VND",),
    "tiktok": ("VND", "THB", "MYR", "PHP", "IDR", "SGD", "USD"),
    "coupang": ("KRW", "TWD"),
    "naver": ("KRW",),
    "amazon": ("USD", "EUR", "GBP", "JPY"),
    "meituan": ("CNY",),
    "eleme": ("CNY",),
    "grabfood": ("VND", "SGD", "MYR", "THB", "PHP", "IDR"),
    "shopeefood": ("VND", "IDR"),
    "baemin": ("KRW",),
    "coupangeats": ("KRW",),
    "other": (),
}
"""Which currency buttons come first for a platform: the currencies of the markets it
runs in, as far as known (several for platforms in several countries; the seller picks or
types any ISO 4217 code). Only the order of the choices depends on it."""

COMMON_CURRENCIES: Final = ("CNY", "KRW", "VND", "USD")

CURRENCY_ZONES: Final = {
    "CNY": "Asia/Shanghai", "KRW": "Asia/Seoul", "VND": "Asia/Ho_Chi_Minh",
    "MYR": "Asia/Kuala_Lumpur", "THB": "Asia/Bangkok", "PHP": "Asia/Manila",
    "IDR": "Asia/Jakarta", "SGD": "Asia/Singapore", "TWD": "Asia/Taipei",
    "HKD": "Asia/Hong_Kong",
}  # fmt: skip
"""The zone of a one-zone country's currency: offered first as the shop's time zone."""

COMMON_ZONES: Final = (
    "Asia/Shanghai", "Asia/Seoul", "Asia/Ho_Chi_Minh", "Asia/Singapore", "Asia/Bangkok",
    "Asia/Jakarta",
)  # fmt: skip

MAX_CHOICES: Final = 8


@dataclass(frozen=True, slots=True)
class Option:
    """One choice: the text stored for the question's key ("" unsets it, `KEEP` keeps it)."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    """The profile key the answer sets (`platform` sets the main platform)."""
    text: str
    example: str
    """How to type an answer."""
    options: Callable[[ShopSettings], tuple[Option, ...]]
    asked: Callable[[ShopSettings], bool] = lambda settings: True
    """Whether the question applies (how to use a coupon, once there is one)."""


def _keep_or_skip(settings: ShopSettings, name: str) -> tuple[Option, ...]:
    current = setting_text(settings, name)
    if current is None:
        return (Option(KEEP, "Skip"),)
    shown = current if len(current) <= 24 else current[:23] + "…"
    return (Option(KEEP, f"Keep “{shown}”"),)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _platforms(settings: ShopSettings) -> tuple[Option, ...]:
    return (
        *(Option(p, platform_name(p)) for p in PLATFORM_IDS),
        *_keep_or_skip(settings, "platforms"),
    )


def suggested_currencies(settings: ShopSettings) -> list[str]:
    """The platform's usual currencies first, then the common ones."""
    usual = PLATFORM_CURRENCIES.get(settings.platform or "", ())
    return _unique([*usual, *COMMON_CURRENCIES])[:MAX_CHOICES]


def _currencies(settings: ShopSettings) -> tuple[Option, ...]:
    return (
        *(Option(code, code) for code in suggested_currencies(settings)),
        *_keep_or_skip(settings, "currency"),
    )


def suggested_zones(settings: ShopSettings) -> list[str]:
    """The currency's country's zone first (when it has one), then the common ones."""
    first = [CURRENCY_ZONES[settings.currency]] if settings.currency in CURRENCY_ZONES else []
    return _unique([*first, *COMMON_ZONES])[: MAX_CHOICES - 2]


def _city(zone: str) -> str:
    return zone.rsplit("/", maxsplit=1)[-1].replace("_", " ")


def _zones(settings: ShopSettings) -> tuple[Option, ...]:
    return (
        *(Option(zone, _city(zone)) for zone in suggested_zones(settings)),
        *_keep_or_skip(settings, "timezone"),
    )


def _return_window(settings: ShopSettings) -> tuple[Option, ...]:
    return (
        Option("", "The platform's period"),
        *(Option(str(days), f"{days} days") for days in (7, 15, 30)),
        *_keep_or_skip(settings, "return_window_days"),
    )


def _return_shipping(settings: ShopSettings) -> tuple[Option, ...]:
    return (
        Option("buyer", "The buyer"),
        Option("seller", "We do"),
        Option("", "As the platform decides"),
    )


def _coupon(settings: ShopSettings) -> tuple[Option, ...]:
    return (Option("", "No coupon"), *_keep_or_skip(settings, "coupon")[:1])


def _languages(settings: ShopSettings) -> tuple[Option, ...]:
    return tuple(Option(language, language) for language in REPLY_LANGUAGES)


def _typed(name: str) -> Callable[[ShopSettings], tuple[Option, ...]]:
    return lambda settings: _keep_or_skip(settings, name)


QUESTIONS: Final = {
    question.key: question
    for question in (
        Question("shop_name", "What is your shop's name? Buyers see it in the welcome and "
                 "under each reply.", "e.g. Lotus Home", _typed("shop_name")),
        Question("signature", "How should replies be signed, if not with the shop name?",
                 "e.g. Lotus Home customer care", _typed("signature")),
        Question("platform", "Where do you sell? Choose your main platform.",
                 "one of " + ", ".join(PLATFORM_IDS) + "; several: shopee,lazada",
                 _platforms),
        Question("platforms", "Which platforms do you sell on? The main one first.",
                 "separated by commas, from " + ", ".join(PLATFORM_IDS), _typed("platforms")),
        Question("currency", "Which currency are your prices in?",
                 "an ISO 4217 code such as CNY, KRW, VND or USD", _currencies),
        Question("seller_language", "In which language do you want to read each draft?",
                 " or ".join(REPLY_LANGUAGES), _languages),
        Question("timezone", "Which time zone is your shop in?",
                 "an IANA name such as Asia/Shanghai", _zones),
        Question("return_window_days", "How many days after delivery can buyers return "
                 "an item?", "a number of days, e.g. 15", _return_window),
        Question("return_shipping", "Who pays the postage when a buyer returns an item?",
                 "buyer or seller", _return_shipping),
        Question("processing_days", "Within how many working days do you ship an order?",
                 "a number of days, e.g. 3", _typed("processing_days")),
        Question("coupon", "Do you offer a coupon to make up for a delay? Give its value.",
                 "e.g. 3 USD", _coupon),
        Question("coupon_how", "How does a buyer use the coupon?",
                 "e.g. Enter code SORRY3 at checkout", _typed("coupon_how"),
                 asked=lambda settings: settings.coupon is not None),
        Question("auto_reply_cooldown_minutes", "How many minutes between two auto-replies "
                 "to the same buyer?", "a number of minutes, e.g. 30",
                 _typed("auto_reply_cooldown_minutes")),
        Question("wait_hours", "During a sales event, within how many hours do you answer?",
                 "a number of hours, e.g. 24", _typed("wait_hours")),
    )
}  # fmt: skip

GUIDED: Final = (
    "shop_name", "platform", "currency", "timezone", "return_window_days", "return_shipping",
    "coupon", "coupon_how",
)  # fmt: skip
"""Telegram's /setup: what a buyer's reply cannot do without, and the return policy."""

EVERY: Final = (
    "shop_name", "signature", "platforms", "currency", "seller_language", "timezone",
    "return_window_days", "return_shipping", "processing_days", "coupon", "coupon_how",
    "auto_reply_cooldown_minutes", "wait_hours",
)  # fmt: skip
"""`replybot shop setup`: every setting, in the order `replybot shop` shows them."""


def next_question(
    flow: tuple[str, ...], after: str | None, settings: ShopSettings
) -> Question | None:
    """The question after `after` (None: the first) that applies; None when done."""
    start = 0 if after is None else flow.index(after) + 1
    for key in flow[start:]:
        question = QUESTIONS[key]
        if question.asked(settings):
            return question
    return None


def needs_setup(settings: ShopSettings) -> bool:
    """What a seller's first /start asks for: the shop's name and platform."""
    return not settings.shop_name or not settings.platforms


def answer(key: str, text: str, settings: ShopSettings) -> tuple[str, str] | None:
    """The `(key, text)` to store for an answer to question `key`: None for `KEEP`; a
    typed list of platforms sets them all. FactError when the answer cannot be read."""
    text = text.strip()
    if text == KEEP:
        return None
    if key == "platform" and ("," in text or " " in text):
        key = "platforms"
    apply_settings(settings, [(key, text)])
    return key, text
