"""The seller's card for a buyer message: analysis, draft, mirror, and its buttons."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from functools import lru_cache

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage
from telegram.error import BadRequest

from bot.analysis import Analysis
from bot.console import LANGUAGE_NAMES
from bot.core import draft, reply_language
from bot.draft import Draft
from bot.inbox.service import BuyerMessage
from bot.replies.facts import Facts, ShopSettings
from bot.replies.registry import OrderRules, template
from bot.replies.render import Renderer
from bot.replies.reply_context import order_rules
from bot.scenarios import REPLY_LANGUAGES
from bot.tg.buttons import (
    CardPress,
    ChooseLanguage,
    ChooseResolution,
    ChooseScenario,
    LogAsSent,
    Notice,
    SendReply,
    press_data,
)
from bot.tg.text import escape, split_message


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
    rules: OrderRules = field(default_factory=OrderRules)
    """The shop's platform rules when the card was made: they pick the resolutions offered
    (parcels or meals) and the one a scenario starts with."""

    @classmethod
    def for_message(
        cls,
        analysis: Analysis,
        seller_language: str,
        source: str,
        buyer: BuyerMessage | None = None,
        *,
        rules: OrderRules | None = None,
    ) -> CardState:
        """A new card: the analysed scenario, its default resolution on the shop's platform,
        the buyer's language (`reply_language`: Traditional Chinese answered in it)."""
        rules = rules or OrderRules()
        return cls(
            analysis=analysis,
            scenario=analysis.scenario,
            language=reply_language(analysis),
            resolution=template(analysis.scenario).default_for(rules),
            seller_language=seller_language,
            source=source,
            buyer=buyer,
            rules=rules,
        )

    def with_scenario(self, scenario: str) -> CardState:
        return replace(
            self, scenario=scenario, resolution=template(scenario).default_for(self.rules)
        )

    @property
    def finished(self) -> bool:
        """Logged or sent: what the card shows is what went out, so it no longer changes."""
        return self.logged or self.sent

    def refusal(self, press: CardPress) -> Notice | None:
        """Why `press` cannot act on this card, if it cannot."""
        if self.sent:
            return "sent"
        if self.logged:
            return "logged"
        match press:
            case ChooseResolution(scenario=scenario) if scenario != self.scenario:
                return "outdated"
            case LogAsSent() if self.buyer is not None:
                return "outdated"
            case SendReply() if self.buyer is None:
                return "outdated"
        return None

    def switched(self, press: ChooseScenario | ChooseLanguage | ChooseResolution) -> CardState:
        """The card after a scenario, language or resolution button (checked by `refusal`)."""
        match press:
            case ChooseScenario(scenario) if scenario != self.scenario:
                return self.with_scenario(scenario)
            case ChooseLanguage(language):
                return replace(self, language=language)
            case ChooseResolution(resolution=resolution):
                return replace(self, resolution=resolution)
        return self


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


def card_keyboard(state: CardState) -> InlineKeyboardMarkup | None:
    """No buttons once the card is finished: an edit without them takes them away."""
    if state.finished:
        return None
    return _keyboard(
        state.analysis.scenario,
        tuple(alt.scenario for alt in state.analysis.alternatives[:3]),
        scenario=state.scenario,
        language=state.language,
        resolution=state.resolution,
        inbox=state.buyer is not None,
        rules=state.rules,
    )


@lru_cache(maxsize=4096)
def _keyboard(
    original: str,
    alternatives: tuple[str, ...],
    *,
    scenario: str,
    language: str,
    resolution: str,
    inbox: bool,
    rules: OrderRules,
) -> InlineKeyboardMarkup:
    """Built once per distinct card; python-telegram-bot's markup objects are immutable."""
    others = [alt for alt in alternatives if alt != scenario]
    if scenario != original:
        others.insert(0, original)
    rows = [
        [_button(alt, ChooseScenario(alt)) for alt in others],
        [_button(other, ChooseLanguage(other)) for other in REPLY_LANGUAGES if other != language],
        [
            _button(r.name, ChooseResolution(scenario, r.name))
            for r in template(scenario).offered(rules)
            if r.name != resolution
        ],
        [_button("Send", SendReply()) if inbox else _button("Log as sent", LogAsSent())],
    ]
    return InlineKeyboardMarkup([row for row in rows if row])


def _button(label: str, press: CardPress) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=press_data(press))


def draft_for(state: CardState, shop: ShopSettings, renderer: Renderer) -> Draft:
    """The card's draft; a resolution the shop's platform no longer offers (its platform
    changed since the card was made) gives way to the default."""
    offered = {r.name for r in template(state.scenario).offered(order_rules(shop))}
    return draft(
        renderer,
        state.scenario,
        state.language,
        facts=Facts.from_analysis(
            state.analysis, buyer_name=state.buyer.buyer_name if state.buyer else None
        ),
        settings=shop,
        resolution=state.resolution if state.resolution in offered else None,
        seller_language=state.seller_language,
    )


@dataclass(slots=True)
class ChatData:
    """A chat's cards by the message id that carries their buttons, and the lock that lets
    one press at a time act on them, so no press reads a card another is changing."""

    cards: dict[int, CardState] = field(default_factory=dict)
    card_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


async def send_card(
    bot: Bot, chat_id: int, state: CardState, text: str, chat_data: ChatData
) -> None:
    """Sends a card, in several messages if it is too long for one; the last has the buttons."""
    pieces = split_message(text)
    earlier = []
    for piece in pieces[:-1]:
        sent = await bot.send_message(chat_id, piece)
        earlier.append((sent.message_id, piece))
    sent = await bot.send_message(chat_id, pieces[-1], reply_markup=card_keyboard(state))
    chat_data.cards[sent.message_id] = replace(state, earlier_parts=tuple(earlier))


async def update_card(
    bot: Bot,
    card: MaybeInaccessibleMessage,
    state: CardState,
    text: str,
    chat_data: ChatData,
) -> None:
    """Shows `state` as `text` (`card_text`) on the card: edited in place, or sent again
    when it now needs more or fewer messages."""
    cards = chat_data.cards
    chat_id, message_id = card.chat.id, card.message_id
    pieces = split_message(text)
    if len(pieces) - 1 != len(state.earlier_parts):
        del cards[message_id]
        for part in [part for part, _ in state.earlier_parts] + [message_id]:
            await bot.delete_message(chat_id, part)
        await send_card(bot, chat_id, state, text, chat_data)
        return
    earlier = []
    for (part, before), now in zip(state.earlier_parts, pieces, strict=False):
        if now != before:
            await _edit(bot, chat_id, part, now)
        earlier.append((part, now))
    cards[message_id] = replace(state, earlier_parts=tuple(earlier))
    await _edit(bot, chat_id, message_id, pieces[-1], card_keyboard(state))


async def _edit(
    bot: Bot, chat_id: int, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Telegram refuses an edit that changes nothing: the message already shows what it should."""
    try:
        await bot.edit_message_text(text, chat_id, message_id, reply_markup=keyboard)
    except BadRequest as error:
        if "message is not modified" not in error.message.lower():
            raise
