"""Seller commands: /lang, /draft, /case, /resolve, /export, /verify, /settings.

Each parses its arguments, calls the core off the event loop when it touches SQLite, and
answers; anyone who is not a seller gets one polite refusal.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from io import BytesIO

from sqlite_utils import Database
from telegram import Update

from bot.analysis import Amount
from bot.core import draft
from bot.replies.facts import FactError, amount_value
from bot.replies.profile import describe, setting_line
from bot.replies.registry import TEMPLATES, UnknownResolutionError, UnknownTemplateError
from bot.scenarios import REPLY_LANGUAGES, reply_language_named
from bot.store.cases import case_report, resolve_case
from bot.store.export import FORMATS, Filters, count, export_text
from bot.store.log import StoreError
from bot.store.sellers import set_setting
from bot.store.verify import verify
from bot.tg.context import ReplyContext, sellers_only
from bot.tg.text import escape, split_message


async def reply(update: Update, text: str) -> None:
    """Answer with `text` (escaped HTML), split to fit Telegram's message limit."""
    for piece in split_message(text):
        await update.effective_message.reply_text(piece)


@sellers_only
async def lang(update: Update, context: ReplyContext) -> None:
    args = context.args or []
    chosen = reply_language_named(args[0]) if args else None
    if chosen is None:
        current = await context.seller_language()
        choices = "|".join(REPLY_LANGUAGES)
        await reply(update, f"Your language is {current}. Change it with /lang {choices}.")
        return
    await context.services.log.write_async(
        partial(set_setting, seller_id=update.effective_user.id, key="language", value=chosen)
    )
    context.bot_data.seller_languages[update.effective_user.id] = chosen
    await reply(update, f"Your language is now {chosen}.")


@sellers_only
async def draft_command(update: Update, context: ReplyContext) -> None:
    args = context.args or []
    if not args:
        await reply(update, "Usage: /draft SCENARIO [LANG], e.g. /draft shipping_delay_notice vi\n"
                             "Templates: " + ", ".join(TEMPLATES))  # fmt: skip
        return
    named = args[1] if len(args) > 1 else "en"
    language = reply_language_named(named)
    if language is None:
        choices = ", ".join(REPLY_LANGUAGES)
        await reply(update, f"Unknown language {escape(named)}: choose {choices}.")
        return
    mirror = await context.seller_language()
    try:
        drafted = draft(
            context.services.renderer,
            args[0],
            language,
            settings=context.services.shop.settings,
            seller_language=mirror,
        )
    except (UnknownTemplateError, UnknownResolutionError) as error:
        await reply(update, escape(str(error)))
        return
    text = escape(drafted.text)
    if drafted.seller_language != drafted.language:
        text += f"\n\n<b>{drafted.seller_language}</b>\n" + escape(drafted.seller_text)
    await reply(update, text)


@sellers_only
async def case_command(update: Update, context: ReplyContext) -> None:
    args = context.args or []
    if len(args) != 1:
        await reply(update, "Usage: /case ORDER")
        return
    try:
        text = await context.services.log.read_async(partial(case_report, order_id=args[0]))
    except StoreError as error:
        text = str(error)
    await reply(update, escape(text or f"Nothing is logged about order {args[0]}."))


@sellers_only
async def resolve_command(update: Update, context: ReplyContext) -> None:
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
        logged = await context.services.log.write_async(
            partial(resolve_case, order_id=args[0], resolution=args[1], amount=amount)
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
async def export_command(update: Update, context: ReplyContext) -> None:
    try:
        filters, fmt = _export_filters(list(context.args or []))
    except ValueError:
        await reply(
            update, "Usage: /export [ORDER | FROM TO] [csv|jsonl|html], dates as 2026-11-11"
        )
        return
    zone = await context.shop_zone()

    def make(db: Database) -> str | None:
        if count(db, filters) == 0:
            return None
        return export_text(db, filters, fmt, timezone=zone.name)

    try:
        content = await context.services.log.read_async(make)
    except StoreError as error:
        await reply(update, escape(str(error)))
        return
    if content is None:
        await reply(update, "No messages match: nothing to export.")
        return
    name = f"replybot-{filters.order_id or 'export'}.{fmt}"
    await update.effective_message.reply_document(BytesIO(content.encode("utf-8")), filename=name)


@sellers_only
async def verify_command(update: Update, context: ReplyContext) -> None:
    try:
        verdict = await context.services.log.read_async(verify)
    except StoreError as error:
        await reply(update, escape(str(error)))
        return
    await reply(update, escape(verdict.describe()))


@sellers_only
async def settings_command(update: Update, context: ReplyContext) -> None:
    args = context.args or []
    if not args:
        shown = describe(context.services.shop.settings, await context.shop_zone())
        await reply(
            update,
            escape(shown) + "\n\nChange one with /settings NAME VALUE (an empty value: "
            "/settings NAME -), or answer a few questions with /setup",
        )
        return
    if len(args) < 2:
        await reply(update, "Usage: /settings NAME VALUE, e.g. /settings return_window_days 30")
        return
    value = " ".join(args[1:])
    try:
        settings = await context.services.shop.set(args[0], "" if value == "-" else value)
    except FactError as error:
        await reply(update, escape(str(error)))
        return
    await reply(update, "Saved. " + escape(setting_line(settings, args[0])))
