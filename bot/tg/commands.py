"""Seller commands: /lang, /draft, /case, /resolve, /export, /verify.

Each parses its arguments, calls the core off the event loop when it touches SQLite, and
answers; anyone who is not a seller gets one polite refusal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from io import BytesIO

from telegram import Update
from telegram.ext import ContextTypes

from bot.analysis import Amount
from bot.assistant import draft
from bot.config import BotSettings
from bot.inbox.state import shop_zone as stored_shop_zone
from bot.inbox.zone import ShopZone
from bot.replies.facts import FactError, amount_value
from bot.replies.registry import TEMPLATES, UnknownResolutionError, UnknownTemplateError
from bot.scenarios import LANGUAGES
from bot.store.cases import case_report, resolve_case
from bot.store.export import FORMATS, Filters, count, export_text
from bot.store.log import StoreError, connection
from bot.store.sellers import get_setting, set_setting
from bot.store.shop import describe, save_shop_setting
from bot.store.verify import verify
from bot.tg.text import escape, split_message

NOT_A_SELLER = "Sorry, this assistant is only for the shop's sellers."


def is_seller(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data["settings"].seller_ids


async def reply(update: Update, text: str) -> None:
    """Answer with `text` (escaped HTML), split to fit Telegram's message limit."""
    for piece in split_message(text):
        await update.effective_message.reply_text(piece)


async def seller_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The seller's chosen language, else their Telegram language, else English."""
    user = update.effective_user
    base = (user.language_code or "en").split("-")[0].lower()
    telegram_languages: dict[int, str] = context.bot_data.setdefault("telegram_languages", {})
    if base in LANGUAGES:
        telegram_languages[user.id] = base
    return await language_of(user.id, context)


async def language_of(seller_id: int, context: ContextTypes.DEFAULT_TYPE) -> str:
    """A seller's chosen language (/lang), else the Telegram language they last wrote with,
    else English; for cards sent to sellers who did not ask for them."""
    settings: BotSettings = context.bot_data["settings"]
    known: dict[int, str | None] = context.bot_data.setdefault("seller_languages", {})
    if seller_id not in known:
        known[seller_id] = await asyncio.to_thread(
            get_setting, settings.db_path, seller_id, "language"
        )
    chosen = known[seller_id]
    if chosen in LANGUAGES:
        return chosen
    return context.bot_data.get("telegram_languages", {}).get(seller_id, "en")


async def shop_zone(context: ContextTypes.DEFAULT_TYPE) -> ShopZone:
    """The shop's time zone as it is in force now (bot.inbox.zone gives the order)."""
    settings: BotSettings = context.bot_data["settings"]
    return await asyncio.to_thread(stored_shop_zone, settings.db_path, settings.timezone)


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def sellers_only(handler: Handler) -> Handler:
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not is_seller(update, context):
            await update.effective_message.reply_text(NOT_A_SELLER)
            return
        await handler(update, context)

    guarded.__name__ = handler.__name__
    return guarded


@sellers_only
async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    if not args or args[0] not in LANGUAGES:
        current = await seller_language(update, context)
        await reply(
            update, f"Your language is {current}. Change it with /lang {'|'.join(LANGUAGES)}."
        )
        return
    settings: BotSettings = context.bot_data["settings"]
    await asyncio.to_thread(
        set_setting, settings.db_path, update.effective_user.id, "language", args[0]
    )
    context.bot_data.setdefault("seller_languages", {})[update.effective_user.id] = args[0]
    await reply(update, f"Your language is now {args[0]}.")


@sellers_only
async def draft_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    if not args:
        await reply(update, "Usage: /draft SCENARIO [LANG], e.g. /draft shipping_delay_notice vi\n"
                             "Templates: " + ", ".join(TEMPLATES))  # fmt: skip
        return
    language = args[1] if len(args) > 1 else "en"
    if language not in LANGUAGES:
        await reply(update, f"Unknown language {escape(language)}: choose {', '.join(LANGUAGES)}.")
        return
    mirror = await seller_language(update, context)
    try:
        drafted = draft(
            args[0], language, settings=context.bot_data["shop"], seller_language=mirror
        )
    except (UnknownTemplateError, UnknownResolutionError) as error:
        await reply(update, escape(str(error)))
        return
    text = escape(drafted.text)
    if drafted.seller_language != drafted.language:
        text += f"\n\n<b>{drafted.seller_language}</b>\n" + escape(drafted.seller_text)
    await reply(update, text)


@sellers_only
async def case_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    if len(args) != 1:
        await reply(update, "Usage: /case ORDER")
        return
    settings: BotSettings = context.bot_data["settings"]

    def report() -> str | None:
        with connection(settings.db_path) as db:
            return case_report(db, args[0])

    try:
        text = await asyncio.to_thread(report)
    except StoreError as error:
        text = str(error)
    await reply(update, escape(text or f"Nothing is logged about order {args[0]}."))


@sellers_only
async def resolve_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    if len(args) not in (2, 4):
        await reply(update, "Usage: /resolve ORDER RESOLUTION [AMOUNT CURRENCY]")
        return
    amount = None
    if len(args) == 4:
        try:
            amount = Amount(amount_value(args[2]), args[3].upper())
        except FactError as error:
            await reply(
                update, escape(f"{error}. Usage: /resolve ORDER RESOLUTION [AMOUNT CURRENCY]")
            )
            return
    try:
        logged = await asyncio.to_thread(
            resolve_case, context.bot_data["log"], args[0], args[1], amount
        )
    except StoreError as error:
        await reply(update, escape(str(error)))
        return
    await reply(
        update, f"Order {escape(args[0])} resolved ({escape(args[1])}); logged as row {logged.id}."
    )


def _export_filters(args: list[str]) -> tuple[Filters, str]:
    fmt = "csv"
    if args and args[-1] in FORMATS:
        fmt = args.pop()
    if len(args) == 2:
        return Filters(since=date.fromisoformat(args[0]), until=date.fromisoformat(args[1])), fmt
    if len(args) == 1:
        return Filters(order_id=args[0]), fmt
    if not args:
        return Filters(), fmt
    raise ValueError("too many arguments")


@sellers_only
async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        filters, fmt = _export_filters(list(context.args or []))
    except ValueError:
        await reply(
            update, "Usage: /export [ORDER | FROM TO] [csv|jsonl|html], dates as 2026-11-11"
        )
        return
    settings: BotSettings = context.bot_data["settings"]
    zone = await shop_zone(context)

    def make() -> str | None:
        with connection(settings.db_path) as db:
            if count(db, filters) == 0:
                return None
            return export_text(db, filters, fmt, timezone=zone.name)

    try:
        content = await asyncio.to_thread(make)
    except StoreError as error:
        await reply(update, escape(str(error)))
        return
    if content is None:
        await reply(update, "No messages match: nothing to export.")
        return
    name = f"replybot-{filters.order_id or 'export'}.{fmt}"
    await update.effective_message.reply_document(BytesIO(content.encode("utf-8")), filename=name)


@sellers_only
async def verify_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    settings: BotSettings = context.bot_data["settings"]
    try:
        verdict = await asyncio.to_thread(verify, settings.db_path)
    except StoreError as error:
        await reply(update, escape(str(error)))
        return
    await reply(update, escape(verdict.describe()))


@sellers_only
async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    bot_settings: BotSettings = context.bot_data["settings"]
    if not args:
        shown = describe(context.bot_data["shop"], await shop_zone(context))
        await reply(update, escape(shown) + "\n\nChange one with /settings NAME VALUE")
        return
    if len(args) < 2:
        await reply(update, "Usage: /settings NAME VALUE, e.g. /settings return_window_days 30")
        return
    try:
        shop = await asyncio.to_thread(
            save_shop_setting, bot_settings.db_path, args[0], " ".join(args[1:])
        )
    except FactError as error:
        await reply(update, escape(str(error)))
        return
    context.bot_data["shop"] = shop
    await reply(update, f"{escape(args[0])} is now {escape(' '.join(args[1:]))}.")
