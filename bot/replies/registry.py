"""Every reply template, its resolutions, and the facts each resolution uses.

The CLI and the Telegram layer read this registry to offer templates and resolutions;
the renderer reads it to validate a request.

Which resolutions a template offers, and which is its default, depend on two rules of
the shop's platform playbook (`OrderRules`): whether orders are parcels or meals (a
delivery app speaks of remakes and dishes, not reships and returns), and how a price
difference is paid there. A template's default is the first resolution it offers for the
order kind, unless a later one names the playbook rule that makes it the default
(`default_when`): `difference_order/combine` on platforms where a difference link ships
with the main order. A resolution that says the platform did something it cannot do there
is not offered at all (`offered_when`): `combine` where no difference link exists,
`address_change/updated` where the seller cannot edit an address.

Every template also uses the buyer's name and the order id when they are known, the
shop settings (name, signature, return window, return shipping, processing days, coupon,
answer time) and the words and rules of the shop's platform playbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from bot.replies.playbooks import DifferenceOrder, OrderKind, Playbook

Kind = Literal["scenario", "notice", "auto_reply"]

COMMON_FACTS: Final = ("buyer_name", "order_id")

PARCEL: Final[frozenset[OrderKind]] = frozenset({"parcel"})
MEAL: Final[frozenset[OrderKind]] = frozenset({"meal"})
EVERY_KIND: Final[frozenset[OrderKind]] = frozenset({"parcel", "meal"})


@dataclass(frozen=True, slots=True)
class OrderRules:
    """The playbook rules that decide which resolutions a template offers and which one
    a card starts with. The defaults are the neutral playbook's."""

    order_kind: OrderKind = "parcel"
    difference_order: DifferenceOrder = "reorder"
    seller_can_edit_address: bool = False

    @classmethod
    def of(cls, book: Playbook) -> OrderRules:
        return cls(
            order_kind=book.order_kind,
            difference_order=book.difference_order,
            seller_can_edit_address=book.seller_can_edit_address,
        )

    def matches(self, wanted: tuple[tuple[str, object], ...]) -> bool:
        return all(getattr(self, rule) == value for rule, value in wanted)


@dataclass(frozen=True, slots=True)
class Resolution:
    name: str
    facts: tuple[str, ...] = ()
    """Facts this resolution's text uses; each is optional and its sentence is dropped or
    replaced by one that claims nothing when the fact is unknown."""
    kinds: frozenset[OrderKind] = EVERY_KIND
    """The order kinds it makes sense for: parcels, meals, or both."""
    default_when: tuple[tuple[str, object], ...] = ()
    """Playbook rules (`OrderRules` field, value) under which this is the template's
    default."""
    offered_when: tuple[tuple[str, object], ...] = ()
    """Playbook rules without which the platform cannot do what this resolution says
    (a difference link that ships with the order; a seller who can edit the address), so
    it is not offered there (REPLY-POLICY §1, §5)."""


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    id: str
    kind: Kind
    resolutions: tuple[Resolution, ...]

    def offered(self, rules: OrderRules | None = None) -> tuple[Resolution, ...]:
        """The resolutions that make sense for the shop's order kind."""
        rules = rules or OrderRules()
        return tuple(
            r
            for r in self.resolutions
            if rules.order_kind in r.kinds and rules.matches(r.offered_when)
        )

    def default_for(self, rules: OrderRules | None = None) -> str:
        """The resolution a reply starts with on the shop's platform."""
        rules = rules or OrderRules()
        offered = self.offered(rules)
        if not offered:
            raise UnknownResolutionError(f"{self.id} is not written for {rules.order_kind}s")
        for resolution in offered:
            if resolution.default_when and rules.matches(resolution.default_when):
                return resolution.name
        return offered[0].name

    @property
    def default_resolution(self) -> str:
        """The default on the neutral playbook (an unset shop)."""
        return self.default_for(OrderRules())

    def resolution(self, name: str | None, rules: OrderRules | None = None) -> Resolution:
        """The named resolution, or the default for `rules`; a resolution that does not
        exist, is not written for the shop's order kind or is not offered on its platform,
        is an error."""
        rules = rules or OrderRules()
        if name is None:
            name = self.default_for(rules)
        offered = self.offered(rules)
        for resolution in offered:
            if resolution.name == name:
                return resolution
        choices = ", ".join(r.name for r in offered)
        chosen = next((r for r in self.resolutions if r.name == name), None)
        if chosen is not None and rules.order_kind not in chosen.kinds:
            raise UnknownResolutionError(
                f"{self.id}/{name} is not written for {rules.order_kind}s (choose: {choices})"
            )
        if chosen is not None:
            raise UnknownResolutionError(
                f"{self.id}/{name} is not offered on this shop's platform, which cannot do "
                f"what it says (choose: {choices})"
            )
        raise UnknownResolutionError(f"{self.id} has no resolution {name!r} (choose: {choices})")


class UnknownTemplateError(ValueError):
    """No template has that id."""


class UnknownResolutionError(ValueError):
    """The template offers no such resolution (for the shop's order kind)."""


def _spec(template_id: str, kind: Kind, *resolutions: Resolution) -> TemplateSpec:
    return TemplateSpec(template_id, kind, resolutions)


R = Resolution

TEMPLATES: Final[dict[str, TemplateSpec]] = {
    spec.id: spec
    for spec in (
        _spec(
            "price_drop",
            "scenario",
            R("checking", ("reply_by",)),
            R("refund_difference", ("amount",)),
            R("cancel_reorder", (), PARCEL),
        ),
        _spec(
            "difference_order",
            "scenario",
            R("guide_reorder"),
            R(
                "combine",
                ("amount",),
                PARCEL,
                default_when=(("difference_order", "combine"),),
                offered_when=(("difference_order", "combine"),),
            ),
        ),
        _spec(
            "not_shipped",
            "scenario",
            R("on_schedule", ("ship_date", "delay_minutes", "reply_by")),
            R("late", ("ship_date", "reply_by"), PARCEL),
            R("cancel_refund", (), PARCEL),
        ),
        _spec(
            "delivery_delay",
            "scenario",
            R("checking", ("tracking_number", "reply_by"), PARCEL),
            R("rider_delay", ("delay_minutes",), MEAL),
            R("in_transit", ("tracking_number", "expected_date"), PARCEL),
            R("reship", ("tracking_number", "expected_date"), PARCEL),
            R("refund"),
        ),
        _spec(
            "damaged_item",
            "scenario",
            R("evidence_first", (), PARCEL),
            R("reship", ("tracking_number",), PARCEL),
            R("full_refund", (), PARCEL),
            R("partial_refund", ("amount",), PARCEL),
            R("refuse_at_door", (), PARCEL),
            R("warranty_repair", (), PARCEL),
            R("remake", ("delay_minutes",), MEAL),
            R("refund_dish", ("amount",), MEAL),
        ),
        _spec(
            "not_as_described",
            "scenario",
            R("evidence_first", ("reply_by",)),
            R("return_refund", (), PARCEL),
            R("exchange", (), PARCEL),
            R("partial_refund", ("amount",)),
        ),
        _spec(
            "wrong_or_missing_item",
            "scenario",
            R("evidence_first", ("reply_by",), PARCEL),
            R("send_missing", ("tracking_number",), PARCEL),
            R("refund", ("amount",), PARCEL),
            R("split_shipment", ("tracking_number", "expected_date"), PARCEL),
            R("remake", ("delay_minutes",), MEAL),
            R("refund_dish", ("amount",), MEAL),
        ),
        _spec(
            "cancel_order",
            "scenario",
            R("agree"),
            R("in_delivery", (), PARCEL),
            R("after_receipt", (), PARCEL),
            R("kitchen_started", (), MEAL),
        ),
        _spec(
            "return_refund",
            "scenario",
            R("return_instructions", (), PARCEL),
            R("request_seen", ("reply_by",)),
            R("refund_status", ("amount", "refund_date")),
        ),
        _spec(
            "address_change",
            "scenario",
            R("send_address"),
            R("updated", ("address",), offered_when=(("seller_can_edit_address", True),)),
            R("already_shipped", ("tracking_number",)),
        ),
        _spec(
            "stock_inquiry",
            "scenario",
            R("checking", ("reply_by",)),
            R("in_stock"),
            R("restock", ("restock_date",)),
            R("out_of_stock"),
        ),
        _spec("other", "scenario", R("acknowledge", ("reply_by",))),
        _spec(
            "out_of_stock_notice",
            "notice",
            R("exchange"),
            R("wait", ("restock_date",), PARCEL),
            R("refund"),
            R("partial_stock", ("amount",)),
        ),
        _spec("shipping_delay_notice", "notice", R("notice", ("ship_date", "delay_minutes"))),
        _spec("forgot_to_ship_apology", "notice", R("apology", ("ship_date", "delay_minutes"))),
        _spec("listing_error_notice", "notice", R("exchange"), R("refund")),
        _spec("unreachable_buyer_notice", "notice", R("notice", ("cancel_date",))),
        _spec(
            "refund_confirmation",
            "notice",
            R("full", ("amount", "refund_date")),
            R("partial", ("amount", "refund_date")),
        ),
        _spec(
            "peak_shipping_notice",
            "notice",
            R("notice", ("ship_date", "expected_date"), PARCEL),
        ),
        _spec("auto_reply_busy", "auto_reply", R("busy", ("scenario",))),
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
