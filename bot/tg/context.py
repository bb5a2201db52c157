"""What handlers are given: the bot's shared services, each chat's cards, and who asked.

python-telegram-bot builds these through `CONTEXT_TYPES`: `BotData` once per
application, `ChatData` once per chat, `ReplyContext` once per update. Handlers read
typed attributes instead of string keys, and ask the context whether the sender is a
seller and in which language to answer them.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.draft import Draft
from bot.inbox.zone import ShopZone
from bot.replies.registry import OrderRules
from bot.replies.reply_context import order_rules
from bot.scenarios import REPLY_LANGUAGES
from bot.services import Services
from bot.store.sellers import get_setting
from bot.tg.card import CardState, ChatData, draft_for

NOT_A_SELLER = "Sorry, this assistant is only for the shop's sellers."


class BotData:
    """What every handler shares: the services, set by `build_application` before the first
    update (python-telegram-bot creates this object with no arguments), and what the bot
    learns about its sellers as it runs."""

    services: Services

    def __init__(self) -> None:
        self.telegram_languages: dict[int, str] = {}
        """Each seller's Telegram language, as last seen on one of their updates."""
        self.seller_languages: dict[int, str | None] = {}
        """Each seller's /lang choice, read from the database once."""
        self.setup_questions: dict[int, str] = {}
        """The /setup question each seller was asked last and has not answered yet: their
        next text is its answer."""


TRADITIONAL_CHINESE_TAGS = frozenset({"hant", "tw", "hk", "mo"})
"""Subtags of a Chinese IETF tag that name Traditional writing: the script itself, or the
regions that write it (`zh-hant`, `zh-TW`, `zh-HK`, `zh-Hant-TW`)."""


def telegram_language(user: User | None) -> str | None:
    """The reply language a Telegram user's IETF tag (`zh-hans`, `zh-hant`, `ko`, `pt-br`)
    names, if replybot writes it."""
    if user is None or not user.language_code:
        return None
    base, *subtags = user.language_code.lower().replace("_", "-").split("-")
    if base == "zh" and TRADITIONAL_CHINESE_TAGS.intersection(subtags):
        return "zh-Hant"
    return base if base in REPLY_LANGUAGES else None


class ReplyContext(CallbackContext[ExtBot[None], dict[Any, Any], ChatData, BotData]):
    """The handler context, knowing who sent the update."""

    _user: User | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, ReplyContext, Any, Any, Any, Any]
    ) -> ReplyContext:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._user = update.effective_user
        return context

    @property
    def is_seller(self) -> bool:
        return self._user is not None and self._user.id in self.services.settings.seller_ids

    async def seller_language(self) -> str:
        """The sender's chosen language, else their Telegram language, else English."""
        if self._user is None:
            return "en"
        seen = telegram_language(self._user)
        if seen is not None:
            self.bot_data.telegram_languages[self._user.id] = seen
        return await self.language_of(self._user.id)

    async def language_of(self, seller_id: int) -> str:
        """A seller's chosen language (/lang), else the Telegram language they last wrote
        with, else the shop's seller_language, else English; also for cards sent to sellers
        who did not ask for them."""
        known = self.bot_data.seller_languages
        if seller_id not in known:
            known[seller_id] = await self.services.log.read_async(
                partial(get_setting, seller_id=seller_id, key="language")
            )
        chosen = known[seller_id]
        if chosen in REPLY_LANGUAGES:
            return chosen
        seen = self.bot_data.telegram_languages.get(seller_id)
        return seen or self.services.shop.settings.seller_language or "en"

    @property
    def services(self) -> Services:
        return self.bot_data.services

    def order_rules(self) -> OrderRules:
        """The shop's platform rules as they are now: they pick a new card's resolutions."""
        return order_rules(self.services.shop.settings)

    def draft_for(self, state: CardState) -> Draft:
        """The card's draft with the shop's settings as they are now."""
        return draft_for(state, self.services.shop.settings, self.services.renderer)

    async def shop_zone(self) -> ShopZone:
        """The shop's time zone as it is in force now (bot.inbox.zone gives the order)."""
        return await self.services.inbox.shop_zone(self.services.settings.timezone)


CONTEXT_TYPES = ContextTypes(context=ReplyContext, bot_data=BotData, chat_data=ChatData)

ReplyApplication = Application[ExtBot[None], ReplyContext, dict[Any, Any], ChatData, BotData, Any]

Handler = Callable[[Update, ReplyContext], Awaitable[None]]


def sellers_only(handler: Handler) -> Handler:
    """The handler runs for sellers; anyone else gets a polite refusal."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ReplyContext) -> None:
        if not context.is_seller:
            if update.effective_message is not None:
                await update.effective_message.reply_text(NOT_A_SELLER)
            return
        await handler(update, context)

    return guarded
