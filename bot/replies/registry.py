"""Every reply template, its resolutions, and the facts each resolution uses.

The CLI and the Telegram layer read this registry to offer templates and resolutions;
the renderer reads it to validate a request. The first resolution of a template is its
default. Every template also uses the buyer's name and the order id when they are known,
and the shop settings (name, signature, return window, processing days, coupon).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["scenario", "notice", "auto_reply"]

COMMON_FACTS: Final = ("buyer_name", "order_id")


@dataclass(frozen=True, slots=True)
class Resolution:
    name: str
    facts: tuple[str, ...] = ()
    """Facts this resolution's text uses; each is optional and its sentence is dropped when
    the fact is unknown."""


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    id: str
    kind: Kind
    resolutions: tuple[Resolution, ...]

    @property
    def default_resolution(self) -> str:
        return self.resolutions[0].name

    def resolution(self, name: str | None) -> Resolution:
        if name is None:
            return self.resolutions[0]
        for resolution in self.resolutions:
            if resolution.name == name:
                return resolution
        choices = ", ".join(r.name for r in self.resolutions)
        raise UnknownResolutionError(f"{self.id} has no resolution {name!r} (choose: {choices})")


class UnknownTemplateError(ValueError):
    """No template has that id."""


class UnknownResolutionError(ValueError):
    """The template offers no such resolution."""


def _spec(template_id: str, kind: Kind, *resolutions: Resolution) -> TemplateSpec:
    return TemplateSpec(template_id, kind, resolutions)


R = Resolution

TEMPLATES: Final[dict[str, TemplateSpec]] = {
    spec.id: spec
    for spec in (
        _spec("price_drop", "scenario", R("refund_difference", ("amount",)), R("cancel_reorder")),
        _spec("difference_order", "scenario", R("guide_reorder"), R("combine", ("amount",))),
        _spec(
            "not_shipped", "scenario", R("expedite_coupon", ("ship_date", "coupon")), R("refund")
        ),
        _spec(
            "delivery_delay",
            "scenario",
            R("track", ("tracking_number", "expected_date")),
            R("reship", ("expected_date",)),
            R("refund"),
        ),
        _spec(
            "damaged_item",
            "scenario",
            R("reship"),
            R("full_refund"),
            R("partial_refund", ("amount",)),
        ),
        _spec(
            "not_as_described",
            "scenario",
            R("return_refund", ("return_window_days",)),
            R("exchange"),
            R("partial_refund", ("amount",)),
        ),
        _spec(
            "wrong_or_missing_item",
            "scenario",
            R("send_missing", ("tracking_number",)),
            R("refund", ("amount",)),
        ),
        _spec(
            "cancel_order", "scenario", R("cancel"), R("already_shipped", ("return_window_days",))
        ),
        _spec(
            "return_refund",
            "scenario",
            R("return_instructions", ("return_window_days",)),
            R("refund_status", ("amount", "refund_date")),
        ),
        _spec(
            "address_change",
            "scenario",
            R("updated", ("address",)),
            R("already_shipped", ("tracking_number",)),
        ),
        _spec(
            "stock_inquiry",
            "scenario",
            R("in_stock", ("processing_days",)),
            R("restock", ("restock_date",)),
            R("out_of_stock"),
        ),
        _spec("other", "scenario", R("acknowledge")),
        _spec(
            "out_of_stock_notice",
            "notice",
            R("exchange"),
            R("wait", ("restock_date",)),
            R("refund"),
        ),
        _spec("shipping_delay_notice", "notice", R("notice", ("expected_date",))),
        _spec("forgot_to_ship_apology", "notice", R("apology", ("ship_date", "coupon"))),
        _spec("listing_error_notice", "notice", R("exchange"), R("refund")),
        _spec("unreachable_buyer_notice", "notice", R("notice", ("cancel_date",))),
        _spec(
            "refund_confirmation",
            "notice",
            R("full", ("amount", "refund_date")),
            R("partial", ("amount", "refund_date")),
        ),
        _spec(
            "auto_reply_busy",
            "auto_reply",
            R("busy", ("scenario", "wait_hours", "processing_days")),
        ),
        _spec("auto_reply_away", "auto_reply", R("away", ("back_at", "scenario"))),
        _spec("auto_reply_welcome", "auto_reply", R("welcome")),
    )
}


def template(template_id: str) -> TemplateSpec:
    try:
        return TEMPLATES[template_id]
    except KeyError:
        raise UnknownTemplateError(
            f"unknown template {template_id!r} (choose: {', '.join(TEMPLATES)})"
        ) from None
