"""The seller's card for a buyer message: analysis, draft, mirror, and its buttons."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    alternatives = [
        InlineKeyboardButton(alt.scenario, callback_data=callback_data("s", alt.scenario))
        for alt in state.analysis.alternatives[:3]
        if alt.scenario != state.scenario
    ]
    if state.scenario != state.analysis.scenario:
        original = state.analysis.scenario
        alternatives.insert(
            0, InlineKeyboardButton(original, callback_data=callback_data("s", original))
        )
    languages = [
        InlineKeyboardButton(language, callback_data=callback_data("l", language))
        for language in LANGUAGES
        if language != state.language
    ]
    resolutions = [
        InlineKeyboardButton(r.name, callback_data=callback_data("r", r.name))
        for r in template(state.scenario).resolutions
        if r.name != state.resolution
    ]
    rows = [alternatives, languages, resolutions]
    if not state.logged:
        rows.append([InlineKeyboardButton("Log as sent", callback_data=callback_data("log"))])
    return InlineKeyboardMarkup([row for row in rows if row])
