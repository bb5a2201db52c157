"""What a template learns about the shop's platform: the playbook's words in the reply's
language and its rules, as plain strings, numbers and flags (REPLY-POLICY §3, §5, §8).

Templates never branch on the platform: they read `refund_path`, `order_kind`,
`return_payer` and the rest from here. Where the shop profile sets a rule itself (its
return window, who pays return shipping), the profile wins over the playbook.
"""

from __future__ import annotations

from typing import Final

from bot.replies.facts import ShopSettings
from bot.replies.playbooks import Playbook, playbook
from bot.replies.registry import OrderRules

PLAYBOOK_NAMES: Final = (
    "greeting",
    "sign_off",
    "platform_name",
    "refund_path",
    "return_path",
    "cancel_path",
    "address_change",
    "evidence_request",
    "carrier",
    "package",
    "difference_how",
    "order_kind",
    "difference_order",
    "return_window_days",
    "return_payer",
    "fault_return_payer",
    "cash_on_delivery",
    "seller_can_edit_address",
)
"""Every name `playbook_context` gives a template."""


def shop_playbook(settings: ShopSettings) -> Playbook:
    """The playbook of the shop's main platform; the neutral one while none is set."""
    return playbook(settings.platform)


def order_rules(settings: ShopSettings) -> OrderRules:
    """The rules that pick the resolutions a reply offers for this shop."""
    return OrderRules.of(shop_playbook(settings))


def return_payers(settings: ShopSettings, book: Playbook) -> tuple[str | None, str | None]:
    """Who pays return shipping for a change of mind, and for a seller's fault (damaged,
    wrong, not as described); None for meals, which are not returned.

    A shop that pays returns itself pays them for its faults too; a shop that has buyers
    pay for a change of mind still leaves a fault's return to the platform's rule."""
    if book.return_shipping is None:
        return None, None
    change_of_mind = settings.return_shipping or book.return_shipping.change_of_mind
    fault = "seller" if settings.return_shipping == "seller" else book.return_shipping.seller_fault
    return change_of_mind, fault


def playbook_context(
    settings: ShopSettings, language: str, buyer_name: str | None
) -> dict[str, object]:
    """The playbook's words in `language` and its rules, ready for a template."""
    book = shop_playbook(settings)
    words = book.text(language)
    parcel = book.order_kind == "parcel"
    return_payer, fault_return_payer = return_payers(settings, book)
    return {
        "greeting": words.greet(buyer_name, settings.shop_name),
        "sign_off": words.sign(settings.signature or settings.shop_name),
        "platform_name": words.name,
        "refund_path": words.refund_path,
        "return_path": words.return_path,
        "cancel_path": words.cancel_path,
        "address_change": words.address_change,
        "evidence_request": words.evidence_request,
        "carrier": words.carrier,
        "package": words.package,
        "difference_how": words.difference_how,
        "order_kind": book.order_kind,
        "difference_order": book.difference_order,
        "return_window_days": (settings.return_window_days or book.return_window_days)
        if parcel
        else None,
        "return_payer": return_payer,
        "fault_return_payer": fault_return_payer,
        "cash_on_delivery": book.cash_on_delivery_common,
        "seller_can_edit_address": book.seller_can_edit_address,
        "coupons_in_messages": book.coupons_in_messages,
    }
