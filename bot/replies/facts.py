"""What a reply is about (facts) and how the shop writes (the shop profile's settings).

Both are given as `key=value` text (`draft --set`, `replybot shop set`, `/settings`) and
read here, so every caller accepts and refuses the same values with the same words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import list_currencies

from bot.analysis import MAX_AMOUNT_DIGITS, Amount, Analysis
from bot.replies.playbooks import PLATFORMS
from bot.scenarios import REPLY_LANGUAGES, reply_language_named


class FactError(ValueError):
    """A fact or setting given on the command line cannot be read."""


@dataclass(frozen=True, slots=True)
class Facts:
    """Facts about one buyer's case; every one is optional."""

    buyer_name: str | None = None
    order_id: str | None = None
    tracking_number: str | None = None
    address: str | None = None
    amount: Amount | None = None
    ship_date: date | None = None
    expected_date: date | None = None
    refund_date: date | None = None
    restock_date: date | None = None
    cancel_date: date | None = None
    back_at: datetime | None = None
    scenario: str | None = None
    reply_by: date | None = None
    """When the seller will answer what they are still checking."""
    delay_minutes: int | None = None
    """For meals: minutes until the food reaches the buyer, as the seller knows them."""

    @classmethod
    def from_analysis(cls, analysis: Analysis, **known: Any) -> Facts:
        """The facts a buyer's message already gives: order id, tracking number, amount."""
        entities = analysis.entities
        found = {
            "order_id": entities.order_ids[0] if entities.order_ids else None,
            "tracking_number": entities.tracking_numbers[0] if entities.tracking_numbers else None,
            "amount": entities.amounts[0] if entities.amounts else None,
            "scenario": analysis.scenario,
        }
        return cls(**{**found, **{k: v for k, v in known.items() if v is not None}})


PLATFORM_IDS: Final = PLATFORMS
"""The platforms a shop can sell on, by the ids the profile stores (the playbooks' ids)."""

RETURN_SHIPPING: Final = ("buyer", "seller")
"""Who pays a returned parcel's postage."""

ReturnShipping = Literal["buyer", "seller"]

CURRENCIES: Final = frozenset(list_currencies())
"""The ISO 4217 codes Babel can format."""

DEFAULT_COOLDOWN_MINUTES: Final = 30

_BOUNDS: Final[dict[str, tuple[int, int]]] = {
    "return_window_days": (1, 365),
    "processing_days": (1, 90),
    "wait_hours": (1, 720),
    "auto_reply_cooldown_minutes": (0, 10080),
}
_MAX_LENGTH: Final[dict[str, int]] = {"shop_name": 80, "signature": 200, "coupon_how": 300}


@dataclass(frozen=True, slots=True)
class ShopSettings:
    """The shop profile: how the shop signs, where it sells and what it promises.

    A setting the seller has not given is unset: empty text, an empty tuple or None. An
    unset setting never reaches a buyer as a placeholder: the reply leaves out what it
    would have said (no signature, no coupon, no shipping time) or says what the platform
    decides (its return period). Only the auto-reply cool-down, which buyers never read,
    has a default.
    """

    shop_name: str = ""
    signature: str = ""
    """Signs replies instead of the shop name (e.g. "Lotus Home customer care")."""
    platforms: tuple[str, ...] = ()
    """Where the shop sells (ids from `PLATFORM_IDS`); the first is the main one."""
    currency: str | None = None
    """ISO 4217 code of amounts written without one, and of the coupon."""
    seller_language: str | None = None
    """The language of the seller's mirror of each draft; unset: English on the command
    line, each seller's own language in the bot."""
    timezone: str | None = None
    """IANA name; unset: the working hours' zone, else REPLYBOT_TIMEZONE, else UTC."""
    return_window_days: int | None = None
    """Unset: the platform's own return period."""
    return_shipping: ReturnShipping | None = None
    """Who pays for a return; unset: as the platform decides."""
    processing_days: int | None = None
    """Working days from order to shipping; unset: no reply promises a shipping time."""
    coupon: Amount | None = None
    """Compensation the shop offers (value and currency); unset: no reply offers one."""
    coupon_how: str = ""
    """How the buyer uses the coupon (e.g. "enter code SORRY3 at checkout")."""
    auto_reply_cooldown_minutes: int = DEFAULT_COOLDOWN_MINUTES
    """At most one auto-reply per buyer in this many minutes."""
    wait_hours: int | None = None
    """The busy auto-reply's promised answer time; unset: it promises none."""

    def __post_init__(self) -> None:
        for name, limit in _MAX_LENGTH.items():
            _check_text(name, getattr(self, name), limit)
        for platform in self.platforms:
            _check_platform(platform)
        if len(set(self.platforms)) != len(self.platforms):
            raise FactError("platforms: each platform once")
        if self.currency is not None:
            _check_currency("currency", self.currency)
        if self.seller_language is not None and self.seller_language not in REPLY_LANGUAGES:
            raise FactError(f"seller_language must be one of {', '.join(REPLY_LANGUAGES)}")
        if self.timezone is not None:
            _check_zone(self.timezone)
        if self.return_shipping is not None and self.return_shipping not in RETURN_SHIPPING:
            raise FactError(
                "return_shipping must be buyer or seller (or empty: the platform's rule)"
            )
        for name, (low, high) in _BOUNDS.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                raise FactError(f"{name} must be a whole number from {low} to {high}")
        if self.coupon is not None:
            _check_coupon(self.coupon, self.currency)

    @property
    def platform(self) -> str | None:
        """The main platform, or None when none is set."""
        return self.platforms[0] if self.platforms else None

    @property
    def zone_name(self) -> str:
        """The time zone replies are written in: the profile's, else UTC."""
        return self.timezone or "UTC"


PROFILE_KEYS: Final = (*(f.name for f in fields(ShopSettings)), "platform")
"""Every key a seller can set: the settings, and `platform` (the main one)."""
ALIASES: Final = {"coupon_value": "coupon"}
"""Keys of earlier versions, still read (stored rows and scripts may use them)."""


def _check_text(name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise FactError(f"{name} is too long (at most {limit} characters)")
    if any(ord(char) < 32 for char in text):
        raise FactError(f"{name} must be one line")


def _check_platform(platform: str) -> None:
    if platform not in PLATFORM_IDS:
        raise FactError(f"unknown platform {platform!r} (choose: {', '.join(PLATFORM_IDS)})")


def _check_currency(name: str, code: str) -> None:
    if code not in CURRENCIES:
        raise FactError(
            f"{name} {code!r} is not an ISO 4217 currency code such as CNY, KRW, VND or USD"
        )


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FactError(
            f"timezone {name!r} is not an IANA time zone such as Asia/Shanghai"
        ) from None


def _check_coupon(coupon: Amount, currency: str | None) -> None:
    if coupon.currency is None:
        raise FactError("coupon needs a currency: e.g. coupon=3 USD, or set currency first")
    _check_currency("coupon currency", coupon.currency)
    if coupon.value <= 0:
        raise FactError("coupon must be more than 0 (an empty value, or 0, means no coupon)")
    if currency is not None and coupon.currency != currency:
        raise FactError(
            f"the coupon is in {coupon.currency} but the shop's currency is {currency}: "
            f"give the coupon in {currency} (e.g. coupon=3 {currency}), or clear it with coupon="
        )


MAX_AMOUNT_DECIMALS = 6


def amount_value(text: str) -> Decimal:
    """The decimal a seller typed as an amount: finite, and of a size money can have.

    `Decimal` reads "NaN", "Infinity" and "1e400" without complaint; none of them is an
    amount, and huge exponents would only fail later, while the reply is formatted.
    """
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise FactError(f"not an amount: {text!r} (e.g. 8.00 USD)") from None
    if not value.is_finite():
        raise FactError(f"not a finite amount: {text!r}")
    if value.adjusted() >= MAX_AMOUNT_DIGITS:
        raise FactError(f"amount {text!r} is too large (at most {MAX_AMOUNT_DIGITS} digits)")
    if value.as_tuple().exponent < -MAX_AMOUNT_DECIMALS:  # type: ignore[operator]
        raise FactError(f"amount {text!r} has too many decimals (at most {MAX_AMOUNT_DECIMALS})")
    return value


def _reads_as_decimal(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _amount(text: str, currency: str | None) -> Amount:
    parts = text.replace(",", "").split()
    if len(parts) == 2:
        first, second = parts
        number, code = (first, second) if _reads_as_decimal(first) else (second, first)
        return Amount(amount_value(number), code.upper())
    if len(parts) == 1:
        return Amount(amount_value(parts[0]), currency)
    raise FactError(f"not an amount: {text!r} (e.g. 8.00 USD)")


def _value(kind: str, text: str, currency: str | None) -> Any:
    readers: list[tuple[str, Any, str]] = [
        ("Amount", lambda t: _amount(t, currency), "an amount like 8.00 USD"),
        ("datetime", datetime.fromisoformat, "a date and time like 2026-11-11T09:00+08:00"),
        ("date", date.fromisoformat, "a date like 2026-11-11"),
        ("int", int, "a whole number"),
    ]
    for marker, read, example in readers:
        if marker in kind:
            try:
                return read(text)
            except FactError:
                raise
            except ValueError:
                raise FactError(f"cannot read {text!r}: expected {example}") from None
    return text


def _whole_number(key: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise FactError(f"{key}: cannot read {text!r}: expected a whole number") from None


def _platform_ids(text: str) -> tuple[str, ...]:
    chosen: list[str] = []
    for word in text.replace(",", " ").split():
        platform = word.lower()
        _check_platform(platform)
        if platform not in chosen:
            chosen.append(platform)
    return tuple(chosen)


def read_setting(
    settings: ShopSettings, key: str, text: str, *, currency: str | None = None
) -> dict[str, Any]:
    """The field changes `key=text` asks for, checked; an empty text unsets the setting.

    `currency` is the shop's currency as it will be (a `currency=` given alongside), for
    a coupon written without one.
    """
    key = ALIASES.get(key, key)
    text = text.strip()
    if key == "platform":
        if not text:
            return {"platforms": ()}
        main = text.lower()
        _check_platform(main)
        return {"platforms": (main, *(p for p in settings.platforms if p != main))}
    if key not in ShopSettings.__dataclass_fields__:
        raise FactError(f"unknown setting {key!r} (choose: {', '.join(PROFILE_KEYS)})")
    if not text:
        default = ShopSettings.__dataclass_fields__[key].default
        return {key: default}
    value: Any
    match key:
        case "platforms":
            value = _platform_ids(text)
        case "currency":
            value = text.upper()
            _check_currency("currency", value)
        case "seller_language":
            value = reply_language_named(text) or text
        case "timezone":
            _check_zone(text)
            value = text
        case "return_shipping":
            value = text.lower()
        case "coupon":
            coupon = _amount(text, currency if currency is not None else settings.currency)
            value = None if coupon.value == 0 else coupon
        case _ if key in _BOUNDS:
            value = _whole_number(key, text)
        case _:
            value = text
    return {key: value}


def split_assignment(assignment: str) -> tuple[str, str]:
    """`key=value` as a pair; the value may itself hold `=`."""
    key, sep, text = assignment.partition("=")
    if not sep:
        raise FactError(f"expected key=value, got {assignment!r}")
    return key.strip(), text


def apply_settings(settings: ShopSettings, pairs: Iterable[tuple[str, str]]) -> ShopSettings:
    """The settings with every `(key, text)` applied, all checked together: FactError for the
    first that cannot be read, or for a combination that cannot hold (a coupon in another
    currency than the shop's)."""
    pairs = sorted(pairs, key=lambda pair: ALIASES.get(pair[0], pair[0]) != "currency")
    changes: dict[str, Any] = {}
    for key, text in pairs:
        current = dataclasses.replace(settings, **changes) if "platforms" in changes else settings
        changes |= read_setting(
            current, key, text, currency=changes.get("currency", settings.currency)
        )
    return dataclasses.replace(settings, **changes)


def setting_keys(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The fields `(key, text)` pairs change, as stored (`platform` changes `platforms`)."""
    names = []
    for key, _ in pairs:
        name = "platforms" if key == "platform" else ALIASES.get(key, key)
        if name not in names:
            names.append(name)
    return names


def setting_text(settings: ShopSettings, name: str) -> str | None:
    """A setting as `key=value` text reads it back (what the profile store keeps); None
    when it is unset."""
    value = getattr(settings, name)
    if value in ("", (), None):
        return None
    if isinstance(value, Amount):
        return f"{format(value.value, 'f')} {value.currency}"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def apply_assignments(
    facts: Facts, settings: ShopSettings, assignments: Sequence[str]
) -> tuple[Facts, ShopSettings]:
    """Apply `key=value` pairs (from `--set`) to the facts or the settings they name."""
    fact_fields: Mapping[str, Any] = {f.name: f.type for f in fields(Facts)}
    fact_changes: dict[str, Any] = {}
    setting_pairs: list[tuple[str, str]] = []
    for assignment in assignments:
        key, text = split_assignment(assignment)
        if key in fact_fields:
            continue
        if key not in PROFILE_KEYS and key not in ALIASES:
            known = ", ".join([*fact_fields, *PROFILE_KEYS])
            raise FactError(f"unknown fact or setting {key!r} (known: {known})")
        setting_pairs.append((key, text))
    settings = apply_settings(settings, setting_pairs)
    for assignment in assignments:
        key, text = split_assignment(assignment)
        if key in fact_fields:
            fact_changes[key] = _value(str(fact_fields[key]), text, settings.currency)
    return dataclasses.replace(facts, **fact_changes), settings
