"""The seller's card for a buyer message: analysis, draft, mirror, and its buttons."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.analysis import Analysis, Draft
from bot.console import LANGUAGE_NAMES
from bot.replies.registry import template
from bot.scenarios import LANGUAGES
from bot.tg.text import callback_data, escape


@dataclass(frozen=True, slots=True)
class CardState:
    """What a card shows; kept per card message so buttons can change it."""

    analysis: Analysis
    scenario: str
    language: str
    resolution: str
    seller_language: str
    source: str = ""
    """Where the buyer's message came from (chat and message id), so it is logged once."""
    logged: bool = False
    earlier_parts: tuple[tuple[int, str], ...] = ()
    """Message id and text of each part before the one with the buttons, for a card too
    long for one message."""

    def with_scenario(self, scenario: str) -> CardState:
        return replace(self, scenario=scenario, resolution=template(scenario).default_resolution)


def card_text(state: CardState, reply: Draft) -> str:
    analysis = state.analysis
    entities = analysis.entities
    lines = [
        f"<b>{escape(state.scenario)}</b> ({analysis.confidence:.0%})"
        + (" · ⚠️ <b>dispute risk</b>" if analysis.dispute_risk else ""),
        f"Language: {LANGUAGE_NAMES[analysis.language]}",
    ]
    if entities.order_ids:
        lines.append("Order: " + escape(", ".join(entities.order_ids)))
    if entities.tracking_numbers:
        lines.append("Tracking: " + escape(", ".join(entities.tracking_numbers)))
    if entities.amounts:
        lines.append(
            "Amount: "
            + escape(", ".join(f"{a.value} {a.currency or ''}".strip() for a in entities.amounts))
        )
    lines += ["", f"<b>Reply ({LANGUAGE_NAMES[reply.language]})</b>", escape(reply.text)]
    if reply.seller_language != reply.language:
        lines += ["", f"<b>{LANGUAGE_NAMES[reply.seller_language]}</b>", escape(reply.seller_text)]
    if state.logged:
        lines += ["", "✅ Logged as sent"]
    return "\n".join(lines)


def card_keyboard(state: CardState) -> InlineKeyboardMarkup:
    return _keyboard(
        state.analysis.scenario,
        tuple(alt.scenario for alt in state.analysis.alternatives[:3]),
        scenario=state.scenario,
        language=state.language,
        resolution=state.resolution,
        logged=state.logged,
    )


@lru_cache(maxsize=4096)
def _keyboard(
    original: str,
    alternatives: tuple[str, ...],
    *,
    scenario: str,
    language: str,
    resolution: str,
    logged: bool,
) -> InlineKeyboardMarkup:
    """Built once per distinct card; python-telegram-bot's markup objects are immutable."""
    others = [alt for alt in alternatives if alt != scenario]
    if scenario != original:
        others.insert(0, original)
    rows = [
        [InlineKeyboardButton(alt, callback_data=callback_data("s", alt)) for alt in others],
        [
            InlineKeyboardButton(other, callback_data=callback_data("l", other))
            for other in LANGUAGES
            if other != language
        ],
        [
            InlineKeyboardButton(r.name, callback_data=callback_data("r", r.name))
            for r in template(scenario).resolutions
            if r.name != resolution
        ],
    ]
    if not logged:
        rows.append([InlineKeyboardButton("Log as sent", callback_data=callback_data("log"))])
    return InlineKeyboardMarkup([row for row in rows if row])
