"""The seller's card for a buyer message: analysis, draft, mirror, and its buttons."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.analysis import Analysis, Draft
from bot.assistant import draft
from bot.console import LANGUAGE_NAMES
from bot.inbox.service import BuyerMessage
from bot.replies.facts import Facts, ShopSettings
from bot.replies.registry import template
from bot.scenarios import LANGUAGES
from bot.tg.text import callback_data, escape, split_message


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
    buyer: BuyerMessage | None = None
    """For a message from the inbox: the buyer to send the reply to (a "Send" button)."""
    sent: bool = False

    @classmethod
    def for_message(
        cls,
        analysis: Analysis,
        seller_language: str,
        source: str,
        buyer: BuyerMessage | None = None,
    ) -> CardState:
        """A new card: the analysed scenario, its default resolution, the buyer's language."""
        return cls(
            analysis=analysis,
            scenario=analysis.scenario,
            language=analysis.language,
            resolution=template(analysis.scenario).default_resolution,
            seller_language=seller_language,
            source=source,
            buyer=buyer,
        )

    def with_scenario(self, scenario: str) -> CardState:
        return replace(self, scenario=scenario, resolution=template(scenario).default_resolution)


BUYER_TEXT_SHOWN = 1500
"""Characters of the buyer's message shown on an inbox card; the log keeps all of it."""
CHANNEL_NAMES = {"business": "business chat", "direct": "wrote to the bot"}


def card_text(state: CardState, reply: Draft) -> str:
    analysis = state.analysis
    entities = analysis.entities
    lines = []
    if state.buyer is not None:
        buyer = state.buyer
        shown = buyer.text[:BUYER_TEXT_SHOWN] + ("…" if len(buyer.text) > BUYER_TEXT_SHOWN else "")
        lines += [
            f"📩 <b>{escape(buyer.buyer_name or 'Buyer')}</b> ({CHANNEL_NAMES[buyer.channel]})",
            f"<i>{escape(shown)}</i>",
            "",
        ]
    lines += [
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
    if state.sent:
        lines += ["", "✅ Sent to the buyer"]
    return "\n".join(lines)


def card_keyboard(state: CardState) -> InlineKeyboardMarkup:
    return _keyboard(
        state.analysis.scenario,
        tuple(alt.scenario for alt in state.analysis.alternatives[:3]),
        scenario=state.scenario,
        language=state.language,
        resolution=state.resolution,
        action=_action(state),
    )


def _action(state: CardState) -> tuple[str, str] | None:
    """The last row's button: "Send" on an inbox card, "Log as sent" on the assistant's."""
    if state.buyer is not None:
        return None if state.sent else ("Send", "send")
    return None if state.logged else ("Log as sent", "log")


@lru_cache(maxsize=4096)
def _keyboard(
    original: str,
    alternatives: tuple[str, ...],
    *,
    scenario: str,
    language: str,
    resolution: str,
    action: tuple[str, str] | None,
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
    if action is not None:
        label, data = action
        rows.append([InlineKeyboardButton(label, callback_data=callback_data(data))])
    return InlineKeyboardMarkup([row for row in rows if row])


def draft_for(state: CardState, shop: ShopSettings) -> Draft:
    return draft(
        state.scenario,
        state.language,
        facts=Facts.from_analysis(
            state.analysis, buyer_name=state.buyer.buyer_name if state.buyer else None
        ),
        settings=shop,
        resolution=state.resolution,
        seller_language=state.seller_language,
    )


async def send_card(
    bot: Bot, chat_id: int, state: CardState, text: str, chat_data: dict[str, Any]
) -> None:
    """Sends a card, in several messages if it is too long for one; the last has the buttons."""
    pieces = split_message(text)
    earlier = []
    for piece in pieces[:-1]:
        sent = await bot.send_message(chat_id, piece)
        earlier.append((sent.message_id, piece))
    sent = await bot.send_message(chat_id, pieces[-1], reply_markup=card_keyboard(state))
    chat_data.setdefault("cards", {})[sent.message_id] = replace(
        state, earlier_parts=tuple(earlier)
    )


async def update_card(
    query: CallbackQuery, state: CardState, reply: Draft, bot: Bot, chat_data: dict[str, Any]
) -> None:
    """Edits the card in place, or sends it again when it now needs more or fewer messages."""
    cards: dict[int, CardState] = chat_data["cards"]
    message = query.message
    assert message is not None
    text = card_text(state, reply)
    pieces = split_message(text)
    if len(pieces) - 1 != len(state.earlier_parts):
        del cards[message.message_id]
        for message_id in [part for part, _ in state.earlier_parts] + [message.message_id]:
            await bot.delete_message(message.chat.id, message_id)
        await send_card(bot, message.chat.id, state, text, chat_data)
        return
    earlier = []
    for (message_id, before), now in zip(state.earlier_parts, pieces, strict=False):
        if now != before:
            await bot.edit_message_text(now, message.chat.id, message_id)
        earlier.append((message_id, now))
    cards[message.message_id] = replace(state, earlier_parts=tuple(earlier))
    await query.edit_message_text(pieces[-1], reply_markup=card_keyboard(state))
