"""Asks the Bot API who the bot is and whether a webhook is set, for `replybot doctor`.

Two read-only calls, getMe and getWebhookInfo, through the bot's own transport (so
HTTPS_PROXY applies as it does to the running bot), each bounded by a short timeout.
Never getUpdates: that would take updates away from a running bot.
"""

from __future__ import annotations

import asyncio

import aiohttp
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from bot.config import BotSettings
from bot.doctor import ApiProblem, ApiReport, BotAccount, Webhook
from bot.tg.request import AiohttpRequest


def probe_bot_api(
    settings: BotSettings, *, timeout: float = 5.0, trust_env: bool = True
) -> ApiReport:
    """Each call waits at most `timeout` to connect and `timeout` for the answer; the
    whole probe at most three times `timeout`."""
    try:
        return asyncio.run(asyncio.wait_for(_ask(settings, timeout, trust_env), 3 * timeout))
    except TimeoutError:
        return ApiReport(ApiProblem("unreachable", f"no answer within {3 * timeout:g} s"))


def _request(timeout: float, trust_env: bool) -> AiohttpRequest:
    return AiohttpRequest(
        connection_pool_size=1,
        connect_timeout=timeout,
        read_timeout=timeout,
        pool_timeout=timeout,
        trust_env=trust_env,
    )


async def _ask(settings: BotSettings, timeout: float, trust_env: bool) -> ApiReport:
    bot = Bot(
        settings.token,
        base_url=settings.base_url,
        base_file_url=settings.base_file_url,
        request=_request(timeout, trust_env),
        get_updates_request=_request(timeout, trust_env),
    )
    try:
        async with bot:
            me = bot.bot
            account = BotAccount(me.id, me.username or me.first_name)
            try:
                info = await bot.get_webhook_info()
            except TelegramError as error:
                return ApiReport(account, _problem(error, timeout))
            webhook = Webhook(info.url, info.pending_update_count, info.last_error_message)
            return ApiReport(account, webhook)
    except TelegramError as error:
        return ApiReport(_problem(error, timeout))


def _problem(error: TelegramError, timeout: float) -> ApiProblem:
    """What went wrong, in words that never include the token: PTB's own message for a
    rejected token quotes it, so the server's answer is read from the cause instead."""
    if isinstance(error, InvalidToken):
        answer = error.__cause__ if isinstance(error.__cause__, InvalidToken) else error
        if isinstance(answer.__cause__, TelegramError):
            return ApiProblem("not_bot_api", f"HTTP {_status(answer.message)}, not JSON")
        return ApiProblem("rejected", answer.message)
    if isinstance(error, TimedOut):
        return ApiProblem("unreachable", f"no answer within {timeout:g} s")
    if isinstance(error, NetworkError) and isinstance(
        error.__cause__, aiohttp.ClientError | OSError
    ):
        return ApiProblem("unreachable", str(error.__cause__) or type(error.__cause__).__name__)
    if error.message == "Invalid server response":
        return ApiProblem("not_bot_api", "its answer is not JSON")
    return ApiProblem("error", error.message)


def _status(message: str) -> str:
    """ "Not Found (404). Parsing the server response ... failed" → "Not Found (404)"."""
    return message.split(". Parsing", 1)[0]
