"""What a reply is about (facts) and how the shop writes (settings)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.analysis import MAX_AMOUNT_DIGITS, Amount, Analysis
from bot.scenarios import LANGUAGES


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


@dataclass(frozen=True, slots=True)
class ShopSettings:
    """How the shop signs and what it promises; later editable per seller."""

    shop_name: str = "Shop"
    signature: str = ""
    return_window_days: int = 15
    processing_days: int = 3
    wait_hours: int = 24
    coupon_value: Amount | None = field(default_factory=lambda: Amount(Decimal(3), "USD"))
    currency: str = "USD"
    """Currency of amounts written without one."""
    timezone: str = "UTC"
    auto_reply_cooldown_minutes: int = 30
    """At most one auto-reply per buyer in this many minutes."""
    seller_language: str = "en"

    def __post_init__(self) -> None:
        if self.seller_language not in LANGUAGES:
            raise FactError(f"seller_language must be one of {', '.join(LANGUAGES)}")
        for name in (
            "return_window_days",
            "processing_days",
            "wait_hours",
            "auto_reply_cooldown_minutes",
        ):
            if getattr(self, name) < 0:
                raise FactError(f"{name} cannot be negative")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise FactError(f"timezone {self.timezone!r} is not an IANA time zone") from None


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


def _amount(text: str, currency: str) -> Amount:
    parts = text.replace(",", "").split()
    if len(parts) == 2:
        first, second = parts
        number, code = (first, second) if _reads_as_decimal(first) else (second, first)
        return Amount(amount_value(number), code.upper())
    if len(parts) == 1:
        return Amount(amount_value(parts[0]), currency)
    raise FactError(f"not an amount: {text!r} (e.g. 8.00 USD)")


def _value(kind: str, text: str, currency: str) -> Any:
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


def apply_assignments(
    facts: Facts, settings: ShopSettings, assignments: list[str]
) -> tuple[Facts, ShopSettings]:
    """Apply `key=value` pairs (from `--set`) to the facts or the settings they name."""
    fact_fields = {f.name: f.type for f in fields(Facts)}
    setting_fields = {f.name: f.type for f in fields(ShopSettings)}
    fact_changes: dict[str, Any] = {}
    setting_changes: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, text = assignment.partition("=")
        key = key.strip()
        if not sep:
            raise FactError(f"expected key=value, got {assignment!r}")
        if key in fact_fields:
            fact_changes[key] = _value(str(fact_fields[key]), text, settings.currency)
        elif key in setting_fields:
            setting_changes[key] = _value(str(setting_fields[key]), text, settings.currency)
        else:
            known = ", ".join([*fact_fields, *setting_fields])
            raise FactError(f"unknown fact or setting {key!r} (known: {known})")
    return dataclasses.replace(facts, **fact_changes), dataclasses.replace(
        settings, **setting_changes
    )
