"""Buyers' messages on Telegram: through a seller's Business account, or written to the bot.

Handlers turn updates into `BuyerMessage`s for the core `Inbox`, send the auto-reply it
drafts, and put the card in front of the sellers (with a "Send" button) when a human
answer is wanted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from telegram import BusinessConnection, Message, Update
from telegram.error import (
    BadRequest,
    NetworkError,
    TelegramError,
)

from bot.analysis import Analysis
from bot.core import draft
from bot.inbox.service import BuyerMessage, Inbox, Received
from bot.inbox.state import BusinessConnection as StoredConnection
from bot.replies.facts import Facts
from bot.store.log import StoreError
from bot.text_input import readable_text
from bot.tg.buttons import OpenQueued, notice, parse_press
from bot.tg.card import CHANNEL_NAMES, CardState, card_text, send_card
from bot.tg.context import NOT_A_SELLER, ReplyContext, telegram_language
from bot.tg.text import escape

log = logging.getLogger(__name__)

REFUSED_24H = (
    "Telegram refused to deliver the reply: {reason}. A business account's bot can reply "
    "only in chats where the buyer wrote in the last 24 hours. Nothing was logged as sent."
)
REFUSED = "Telegram refused to deliver the reply: {reason}. Nothing was logged as sent."
UNCONFIRMED = (
    "Telegram did not confirm the delivery ({reason}). The buyer may or may not have it: "
    "look at the chat before pressing Send again. Nothing was logged as sent."
)


def inbox_of(context: ReplyContext) -> Inbox:
    return context.services.inbox


async def business_connection(update: Update, context: ReplyContext) -> None:
    connection = update.business_connection
    if connection is None:
        return
    info = await _remember(connection, context)
    if not connection.is_enabled:
        text = "replybot is disconnected from your business account."
    elif info.can_reply:
        text = "replybot is connected to your business account and can answer your buyers."
    else:
        text = (
            "replybot is connected to your business account but may not reply: allow it to "
            "reply to messages in Telegram Business → Chatbots for auto-replies and Send."
        )
    try:
        await context.bot.send_message(connection.user_chat_id, text)
    except TelegramError as error:
        log.warning("could not tell the owner of %s: %s", connection.id, error)


async def _owner(context: ReplyContext, connection_id: str) -> int | None:
    """The business account's owner; asked of Telegram if the connection predates the log."""
    inbox = inbox_of(context)
    owner = inbox.owner_of(connection_id)
    if owner is not None:
        return owner
    try:
        connection = await context.bot.get_business_connection(connection_id)
    except TelegramError as error:
        log.warning("business connection %s unknown: %s", connection_id, error)
        return None
    return (await _remember(connection, context)).owner_user_id


async def _remember(connection: BusinessConnection, context: ReplyContext) -> StoredConnection:
    info = StoredConnection(
        connection.id,
        connection.user.id,
        can_reply=bool(connection.rights and connection.rights.can_reply),
        is_enabled=connection.is_enabled,
    )
    await inbox_of(context).remember_connection(info)
    return info


async def business_message(update: Update, context: ReplyContext) -> None:
    message = update.business_message or update.edited_business_message
    if message is None or message.business_connection_id is None:
        return
    if message.sender_business_bot is not None:
        return  # sent by a bot on the owner's behalf (this one): logged when it was sent
    owner = await _owner(context, message.business_connection_id)
    sender = message.from_user.id if message.from_user else None
    buyer = _buyer_message(
        message,
        "business",
        # In a business chat the buyer is the chat: anyone else writing is the shop.
        from_owner=sender is not None and (sender == owner or sender != message.chat_id),
        edited=update.edited_business_message is not None,
    )
    await _receive(buyer, message, context)


async def deleted_business_messages(update: Update, context: ReplyContext) -> None:
    deleted = update.deleted_business_messages
    if deleted is None:
        return
    for message_id in deleted.message_ids:
        buyer = BuyerMessage(
            channel="business",
            chat_id=deleted.chat.id,
            message_id=message_id,
            text=f"[message {message_id} deleted]",
            buyer_name=deleted.chat.first_name,
            business_connection_id=deleted.business_connection_id,
            kind="deletion",
        )
        await inbox_of(context).receive(buyer, context.services.shop.settings)


async def direct_message(update: Update, context: ReplyContext) -> None:
    """A buyer (anyone who is not a seller) writing to the bot itself."""
    message = update.message or update.edited_message
    if message is None:
        return
    buyer = _buyer_message(message, "direct", edited=update.edited_message is not None)
    await _receive(buyer, message, context)


def _buyer_message(
    message: Message,
    channel: Literal["business", "direct"],
    *,
    from_owner: bool = False,
    edited: bool = False,
) -> BuyerMessage:
    user = message.from_user
    media = _describe_media(message)
    name = message.chat.first_name or (user.first_name if user else None)
    return BuyerMessage(
        channel=channel,
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=readable_text(
            message.text or " ".join(part for part in (media, message.caption) if part)
        ),
        buyer_name=None if name is None else readable_text(name),
        business_connection_id=message.business_connection_id,
        kind="edit" if edited else "message",
        from_owner=from_owner,
        edited_at=int(message.edit_date.timestamp()) if edited and message.edit_date else None,
        media=bool(media) and not message.caption,
        language_hint=telegram_language(user),
    )


def _describe_media(message: Message) -> str:
    for kind in ("photo", "sticker", "voice", "video", "document", "animation", "audio"):
        if getattr(message, kind, None):
            return f"[{kind}]"
    return ""


async def _receive(buyer: BuyerMessage, message: Message, context: ReplyContext) -> None:
    inbox = inbox_of(context)
    received = await inbox.receive(buyer, context.services.shop.settings)
    analysis = received.analysis
    if received.duplicate or buyer.kind == "deletion":
        return
    if buyer.kind == "edit":
        if received.needs_seller and analysis is not None:
            await notify_sellers(buyer, analysis, context)
        return
    if received.auto_reply is not None:
        # In the background: the rate limiter may hold it for seconds during a peak, and
        # the next buyer's message should be logged and answered meanwhile.
        context.application.create_task(_send_auto_reply(buyer, message, received, context))
    if received.needs_seller and analysis is not None:
        await notify_sellers(buyer, analysis, context)
    elif received.needs_seller:
        await _tell_sellers(
            context,
            f"📎 {escape(buyer.buyer_name or 'A buyer')} ({CHANNEL_NAMES[buyer.channel]}) sent "
            f"{escape(buyer.text)}: open the chat to see it.",
        )


async def _send_auto_reply(
    buyer: BuyerMessage, message: Message, received: Received, context: ReplyContext
) -> None:
    reply, analysis = received.auto_reply, received.analysis
    assert reply is not None
    try:
        await message.reply_text(escape(reply.text), do_quote=False)
    except TelegramError as error:
        log.warning("auto-reply to %s not delivered: %s", buyer.buyer, error)
        inbox_of(context).auto_reply_failed(buyer, received.claimed_at or datetime.now(UTC))
        return
    await inbox_of(context).auto_reply_sent(buyer, reply, analysis)


async def _tell_sellers(context: ReplyContext, text: str) -> None:
    for seller_id in sorted(context.services.settings.seller_ids):
        try:
            await context.bot.send_message(seller_id, text)
        except TelegramError as error:
            log.warning("message for seller %s not delivered: %s", seller_id, error)


async def notify_sellers(buyer: BuyerMessage, analysis: Analysis, context: ReplyContext) -> None:
    """The message's card, with a Send button, in every seller's chat."""
    seller_ids = context.services.settings.seller_ids
    for seller_id in sorted(seller_ids):
        state = CardState.for_message(
            analysis,
            await context.language_of(seller_id),
            buyer.source_id,
            buyer,
            rules=context.order_rules(),
        )
        try:
            await send_card(
                context.bot,
                seller_id,
                state,
                card_text(state, context.draft_for(state)),
                context.application.chat_data[seller_id],
            )
        except TelegramError as error:
            log.warning("card for seller %s not delivered: %s", seller_id, error)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    state: CardState
    notice: str
    """For answerCallbackQuery: at most 200 characters."""
    alert: bool = False
    explanation: str = ""
    """A longer message in the seller's chat when the reply was not delivered."""


async def send_to_buyer(state: CardState, context: ReplyContext) -> SendOutcome:
    """Deliver the card's draft to its buyer, once, and log it once delivered."""
    buyer = state.buyer
    assert buyer is not None
    inbox = inbox_of(context)
    claim = inbox.claim_send(buyer.source_id)
    if claim == "sent":
        return SendOutcome(replace(state, sent=True), "A seller has already sent a reply.")
    if claim == "sending":
        return SendOutcome(state, "Another seller is sending a reply right now.", alert=True)
    reply = context.draft_for(state)
    try:
        await context.bot.send_message(
            buyer.chat_id,
            escape(reply.text),
            business_connection_id=buyer.business_connection_id,
        )
    except TelegramError as error:
        inbox.release_send(buyer.source_id)
        return _not_delivered(state, error)
    try:
        await inbox.seller_sent(buyer, reply, state.analysis, state.scenario)
    except StoreError as error:
        return SendOutcome(
            replace(state, sent=True),
            "Sent, but the evidence log could not record it.",
            alert=True,
            explanation=f"Sent to the buyer, but not logged: {escape(str(error))}",
        )
    return SendOutcome(replace(state, sent=True), "Sent.")


def _not_delivered(state: CardState, error: TelegramError) -> SendOutcome:
    """A refusal says why; a network failure (BadRequest is one too) may hide a delivery."""
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return SendOutcome(
            state,
            "Telegram did not confirm the delivery.",
            alert=True,
            explanation=UNCONFIRMED.format(reason=escape(str(error))),
        )
    assert state.buyer is not None
    template = REFUSED_24H if state.buyer.business_connection_id else REFUSED
    return SendOutcome(
        state,
        "Not delivered: Telegram refused it (see why in the chat).",
        alert=True,
        explanation=template.format(reason=escape(error.message)),
    )


async def open_from_queue(update: Update, context: ReplyContext) -> None:
    """A /queue entry pressed: its card, with a Send button, in the seller's chat."""
    query = update.callback_query
    if query is None:
        return
    if not context.is_seller:
        await query.answer(NOT_A_SELLER, show_alert=True)
        return
    press = parse_press(query.data)
    if not isinstance(press, OpenQueued):
        await query.answer(notice("outdated", await context.seller_language()))
        return
    inbox = inbox_of(context)
    logged = await inbox.logged_message(press.row_id)
    if logged is None:
        await query.answer("That message is no longer in the log.", show_alert=True)
        return
    if not logged.has_text:
        await query.answer(
            f"{logged.text} without text: answer it in the buyer's chat.", show_alert=True
        )
        return
    buyer = BuyerMessage(
        channel="business" if logged.channel == "business" else "direct",
        chat_id=logged.chat_id,
        message_id=logged.message_id,
        text=logged.text,
        buyer_name=logged.buyer_name,
        business_connection_id=logged.business_connection_id,
    )
    analysis = await context.services.analyzer.analyse(logged.text)
    state = CardState.for_message(
        analysis,
        await context.seller_language(),
        buyer.source_id,
        buyer,
        rules=context.order_rules(),
    )
    text = card_text(state, context.draft_for(state))
    await send_card(context.bot, update.effective_chat.id, state, text, context.chat_data)
    await query.answer()


async def welcome_buyer(update: Update, context: ReplyContext) -> None:
    """/start from a buyer: the shop's welcome, in the buyer's Telegram language, logged."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = telegram_language(user) or "en"
    reply = draft(
        context.services.renderer,
        "auto_reply_welcome",
        language,
        facts=Facts(buyer_name=user.first_name),
        settings=context.services.shop.settings,
    )
    await message.reply_text(escape(reply.text))
    buyer = _buyer_message(message, "direct")
    await inbox_of(context).auto_reply_sent(buyer, reply, None)
