"""`replybot run`: the python-telegram-bot Application and its handlers.

Handlers only translate between Telegram and the core: they call `analyse`, `draft` and
the evidence log, and render what those return.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    BusinessConnectionHandler,
    BusinessMessagesDeletedHandler,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import logs
from bot.config import BotSettings
from bot.draft import Draft
from bot.nlp.analyzer import EmptyMessageError
from bot.preflight import StartupError, cannot_listen, check_database, check_listen
from bot.services import start_services
from bot.store.corrections import save_correction
from bot.store.log import EvidenceLog, StoreError, exchange_entries
from bot.text_input import readable_text
from bot.tg import commands, inbox, modes, setup
from bot.tg.buttons import (
    CardPress,
    ChooseLanguage,
    ChooseResolution,
    ChooseScenario,
    LogAsSent,
    Notice,
    OpenQueued,
    SendReply,
    SetupAnswer,
    StopSetup,
    notice,
    parse_press,
    pressed,
)
from bot.tg.card import CardState, card_text, send_card, update_card
from bot.tg.context import (
    CONTEXT_TYPES,
    NOT_A_SELLER,
    ReplyApplication,
    ReplyContext,
    sellers_only,
)
from bot.tg.preflight import BOOTSTRAP_RETRIES, check_bot_api, explain
from bot.tg.request import AiohttpRequest

log = logging.getLogger(__name__)

COMMANDS = {
    "en": [("start", "What this bot does"), ("help", "How to use it"),
           ("lang", "Your language"), ("draft", "Draft a notice or reply"),
           ("case", "An order's case"), ("resolve", "Close an order's case"),
           ("export", "Export the evidence log"), ("verify", "Check the evidence log"),
           ("settings", "Shop settings"), ("setup", "Set up your shop step by step"),
           ("queue", "Buyers waiting for an answer"),
           ("peak", "Peak mode (busy auto-reply)"), ("hours", "Working hours"),
           ("closed", "Holiday closures")],
    "zh": [("start", "机器人简介"), ("help", "使用说明"), ("lang", "设置语言"),
           ("draft", "起草通知或回复"), ("case", "查看订单记录"), ("resolve", "结案"),
           ("export", "导出聊天证据"), ("verify", "校验证据记录"), ("settings", "店铺设置"),
           ("setup", "分步设置店铺"),
           ("queue", "待回复的买家"), ("peak", "大促模式（自动回复）"), ("hours", "营业时间"),
           ("closed", "休息日")],
    "ko": [("start", "봇 소개"), ("help", "사용 방법"), ("lang", "언어 설정"),
           ("draft", "안내문·답변 작성"), ("case", "주문 건 보기"), ("resolve", "주문 건 종결"),
           ("export", "기록 내보내기"), ("verify", "기록 검증"), ("settings", "상점 설정"),
           ("setup", "단계별 상점 설정"),
           ("queue", "답변 대기 중인 구매자"), ("peak", "행사 모드(자동 응답)"),
           ("hours", "영업시간"), ("closed", "휴무일")],
    "vi": [("start", "Giới thiệu bot"), ("help", "Hướng dẫn sử dụng"), ("lang", "Ngôn ngữ"),
           ("draft", "Soạn thông báo, trả lời"), ("case", "Hồ sơ đơn hàng"),
           ("resolve", "Đóng hồ sơ đơn hàng"), ("export", "Xuất nhật ký"),
           ("verify", "Kiểm tra nhật ký"), ("settings", "Cài đặt shop"),
           ("setup", "Thiết lập shop từng bước"),
           ("queue", "Khách đang chờ trả lời"), ("peak", "Chế độ cao điểm (tự trả lời)"),
           ("hours", "Giờ làm việc"), ("closed", "Ngày nghỉ")],
}  # fmt: skip
HELP = (
    "Paste or forward a buyer's message: you get its language, scenario, dispute risk, order "
    "ids and amounts, and a reply in the buyer's language with the same reply in yours. "
    "Buttons switch scenario, reply language and resolution; “Log as sent” keeps the reply "
    "as evidence. Buyers who write to your business account or to this bot reach you as "
    "cards with a Send button, or wait in /queue; /peak and /hours turn on auto-replies for "
    "sales events and off hours; /setup asks for your shop's name, platform, currency and "
    "return policy."
)
UNREADABLE = "I can read text only: please paste or forward the buyer's message as text."


async def start(update: Update, context: ReplyContext) -> None:
    """Sellers get the assistant's help, and the shop's setup while it has no name or
    platform; a buyer gets the shop's welcome in their language."""
    await help_command(update, context)
    if context.is_seller:
        await setup.offer(update, context)


async def help_command(update: Update, context: ReplyContext) -> None:
    """Sellers get the assistant's help; a buyer gets the shop's welcome in their language."""
    if context.is_seller:
        await update.effective_message.reply_text(f"Hello! {HELP}")
        return
    await inbox.welcome_buyer(update, context)


async def unknown(update: Update, context: ReplyContext) -> None:
    """A seller mistyped a command; from a buyer, "/order 123 where?" is a buyer message."""
    if not context.is_seller:
        await inbox.direct_message(update, context)
        return
    await update.effective_message.reply_text("Unknown command. " + HELP)


@sellers_only
async def not_text(update: Update, context: ReplyContext) -> None:
    await update.effective_message.reply_text(UNREADABLE)


@sellers_only
async def seller_text(update: Update, context: ReplyContext) -> None:
    """A seller's text: the answer to the /setup question just asked, else a buyer's message."""
    if setup.awaits_answer(update, context):
        await setup.typed_answer(update, context)
        return
    await buyer_text(update, context)


async def buyer_text(update: Update, context: ReplyContext) -> None:
    message = update.effective_message
    try:
        analysis = await context.services.analyzer.analyse(readable_text(message.text or ""))
    except EmptyMessageError:
        await message.reply_text(UNREADABLE)
        return
    state = CardState.for_message(
        analysis,
        await context.seller_language(),
        source=f"assistant:{message.chat_id}:{message.message_id}",
        rules=context.order_rules(),
    )
    text = card_text(state, context.draft_for(state))
    await send_card(context.bot, message.chat_id, state, text, context.chat_data)


CardAction = Callable[[CardPress, CardState, Update, ReplyContext], Awaitable[None]]


def card_button(act: CardAction) -> Callable[[Update, ReplyContext], Awaitable[None]]:
    """A handler for a card's button. Every press is answered: one that cannot act (not a
    seller, a card no longer held, a button the card does not carry now) gets a short
    notice; the others `act` while holding the chat's card lock, so two taps never read
    the same state."""

    @functools.wraps(act)
    async def pressed(update: Update, context: ReplyContext) -> None:
        query = update.callback_query
        if not context.is_seller:
            await query.answer(NOT_A_SELLER, show_alert=True)
            return
        language = await context.seller_language()
        press = parse_press(query.data)
        if query.message is None or context.chat_data is None:
            await query.answer(notice("expired", language))
            return
        async with context.chat_data.card_lock:
            state = context.chat_data.cards.get(query.message.message_id)
            if state is None:
                refusal: Notice | None = "expired"
            elif isinstance(press, CardPress):
                refusal = state.refusal(press)
            else:
                refusal = "outdated"
            if refusal is not None:
                await query.answer(notice(refusal, language))
                return
            await act(press, state, update, context)

    return pressed


@card_button
async def send_reply(
    press: CardPress, state: CardState, update: Update, context: ReplyContext
) -> None:
    """Send on an inbox card: the draft goes to the buyer once, and the card says so."""
    query = update.callback_query
    outcome = await inbox.send_to_buyer(state, context)
    await query.answer(outcome.notice, show_alert=outcome.alert)
    if outcome.explanation:
        await context.bot.send_message(update.effective_chat.id, outcome.explanation)
    if outcome.state != state:
        await _show(outcome.state, update, context)


@card_button
async def log_as_sent(
    press: CardPress, state: CardState, update: Update, context: ReplyContext
) -> None:
    """The seller sent the reply themselves: the message and the reply go in the log."""
    reply = context.draft_for(state)
    chat_id = str(update.effective_chat.id)
    await _log_as_sent(context.services.log, state, reply, chat_id)
    await _show(replace(state, logged=True), update, context)
    await update.callback_query.answer()


@card_button
async def switch_card(
    press: CardPress, state: CardState, update: Update, context: ReplyContext
) -> None:
    """Another scenario, reply language or resolution; a new scenario is kept as the
    seller's correction, for the classifier to learn."""
    if isinstance(press, ChooseScenario) and press.scenario != state.scenario:
        await context.services.log.write_async(
            partial(
                save_correction,
                seller_id=update.effective_user.id,
                text=state.analysis.text,
                language=state.analysis.language,
                scenario=press.scenario,
                dispute_risk=state.analysis.dispute_risk,
            )
        )
    await _show(state.switched(press), update, context)
    await update.callback_query.answer()


@card_button
async def stale_button(
    press: CardPress, state: CardState, update: Update, context: ReplyContext
) -> None:
    """Data no button of this bot carries now: `card_button` answers it as out of date
    before any action, so there is nothing to do here."""


async def _show(state: CardState, update: Update, context: ReplyContext) -> None:
    text = card_text(state, context.draft_for(state))
    await update_card(context.bot, update.callback_query.message, state, text, context.chat_data)


async def _log_as_sent(
    evidence: EvidenceLog, state: CardState, reply: Draft, chat_id: str | None
) -> None:
    """The buyer's message and the reply, logged once per source message."""
    await evidence.append_many_async(
        exchange_entries(
            state.analysis, reply, "assistant", scenario=state.scenario, chat_id=chat_id,
            source_id=state.source,
        )
    )  # fmt: skip


async def on_error(update: object, context: ReplyContext) -> None:
    log.error("handler error: %s", context.error, exc_info=context.error)


async def set_commands(application: ReplyApplication) -> None:
    """Buyers see /start only; each seller sees every command, in their Telegram language."""
    sellers = sorted(application.bot_data.services.settings.seller_ids)
    for language, menu in COMMANDS.items():
        code = None if language == "en" else language
        await application.bot.set_my_commands([BotCommand(*menu[0])], language_code=code)
        commands_ = [BotCommand(name, description) for name, description in menu]
        for seller_id in sellers:
            try:
                await application.bot.set_my_commands(
                    commands_, scope=BotCommandScopeChat(seller_id), language_code=code
                )
            except TelegramError as error:
                log.warning("no command menu for seller %s yet: %s", seller_id, error)


def build_application(
    settings: BotSettings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    max_retries: int = 3,
    rate_limited: bool = True,
    concurrent_updates: int = 16,
) -> ReplyApplication:
    """The bot, ready to start; templates are compiled before the first buyer arrives."""
    builder = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(concurrent_updates)
        .post_init(_started)
        .post_shutdown(_close_log)
    )
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=max_retries))
    builder = builder.request(request or AiohttpRequest()).get_updates_request(
        get_updates_request or AiohttpRequest(connection_pool_size=1)
    )
    application = builder.build()
    application.bot_data.services = start_services(settings)
    add_handlers(application, settings.seller_ids)
    return application


def add_handlers(application: ReplyApplication, seller_ids: frozenset[int]) -> None:
    """Which update goes to which handler: business traffic and buyers' direct messages to
    the inbox, sellers' commands, texts and button presses to the assistant."""
    application.add_handlers(
        [
            CommandHandler("start", start),
            CommandHandler("help", help_command),
            CommandHandler("lang", commands.lang),
            CommandHandler("draft", commands.draft_command),
            CommandHandler("case", commands.case_command),
            CommandHandler("resolve", commands.resolve_command),
            CommandHandler("export", commands.export_command),
            CommandHandler("verify", commands.verify_command),
            CommandHandler("settings", commands.settings_command),
            CommandHandler("setup", setup.setup_command),
            CommandHandler("peak", modes.peak_command),
            CommandHandler("hours", modes.hours_command),
            CommandHandler("closed", modes.closed_command),
            CommandHandler("queue", modes.queue_command),
            BusinessConnectionHandler(inbox.business_connection),
            BusinessMessagesDeletedHandler(inbox.deleted_business_messages),
            MessageHandler(filters.UpdateType.BUSINESS_MESSAGES, inbox.business_message),
            MessageHandler(
                (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
                & filters.ChatType.PRIVATE
                & ~filters.COMMAND
                & ~filters.User(user_id=seller_ids, allow_empty=True),
                inbox.direct_message,
            ),
            MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown),
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, seller_text
            ),
            MessageHandler(
                filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Sticker.ALL | filters.VOICE),
                not_text,
            ),
            CallbackQueryHandler(send_reply, pattern=pressed(SendReply)),
            CallbackQueryHandler(log_as_sent, pattern=pressed(LogAsSent)),
            CallbackQueryHandler(
                switch_card, pattern=pressed(ChooseScenario, ChooseLanguage, ChooseResolution)
            ),
            CallbackQueryHandler(inbox.open_from_queue, pattern=pressed(OpenQueued)),
            CallbackQueryHandler(setup.pressed, pattern=pressed(SetupAnswer, StopSetup)),
            CallbackQueryHandler(stale_button),
        ]
    )
    application.add_error_handler(on_error)


async def _started(application: ReplyApplication) -> None:
    """Runs before updates are fetched; the job queue starts only once they are (polling,
    or the webhook server listening), so its first job announces a bot that really runs."""
    await set_commands(application)
    modes.schedule_windows(application)
    if application.job_queue is None:
        log.info("@%s is running; stop it with Ctrl+C", application.bot.username)
        return
    application.job_queue.run_once(_running, when=0, name="running")


async def _running(context: ReplyContext) -> None:
    log.info("@%s is running; stop it with Ctrl+C", context.bot.username)


async def _close_log(application: ReplyApplication) -> None:
    application.bot_data.services.log.close()
    log.info("stopped; the evidence log is closed")


def freeze_startup_objects() -> None:
    """What is loaded at start-up (model, catalogs, templates) lives as long as the process;
    `gc.freeze()` moves it out of the garbage collector's sight: rescanning it paused the
    bot for up to 90 ms in the middle of a peak (bench/bot_speed.py)."""
    gc.collect()
    gc.freeze()


def run(settings: BotSettings, webhook_url: str | None, listen: str, port: int) -> None:
    """Check what start-up needs, load the bot, and serve until Ctrl+C or SIGTERM.

    Raises StartupError (one line, no token) when it cannot start; every connection it
    opened is closed by then.
    """
    logs.expect(TelegramError, json.JSONDecodeError)  # a proxy's HTML page, say
    check_database(settings.db_path)
    if webhook_url:
        check_listen(listen, port)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(check_bot_api(settings))
        try:
            application = build_application(settings)
        except StoreError as error:
            raise StartupError(str(error)) from None
        freeze_startup_objects()
        try:
            if webhook_url:
                application.run_webhook(
                    listen=listen, port=port, webhook_url=webhook_url,
                    secret_token=settings.webhook_secret, allowed_updates=Update.ALL_TYPES,
                    bootstrap_retries=BOOTSTRAP_RETRIES, close_loop=False,
                )  # fmt: skip
            else:
                application.run_polling(
                    allowed_updates=Update.ALL_TYPES,
                    bootstrap_retries=BOOTSTRAP_RETRIES,
                    close_loop=False,
                )
        except TelegramError as error:
            raise StartupError(explain(error, settings.api_url)) from None
        except OSError as error:
            raise cannot_listen(listen, port, error) from None
        finally:
            loop.run_until_complete(application.bot.shutdown())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
