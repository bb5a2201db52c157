"""Asks the Bot API who the bot is and whether a webhook is set, for `replybot doctor`.

Two read-only calls, getMe and getWebhookInfo, through the bot's own transport (so
HTTPS_PROXY applies as it does to the running bot), each bounded by a short timeout.
Never getUpdates: that would take updates away from a running bot.
"""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.error import TelegramError

from bot.config import BotSettings
from bot.doctor import ApiProblem, ApiReport, BotAccount, Webhook
from bot.tg.preflight import failure
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
    seen = failure(error)
    match seen.kind:
        case "rejected" | "not_bot_api" | "unreachable":
            return ApiProblem(seen.kind, seen.reason)
        case "timeout":
            return ApiProblem("unreachable", f"no answer within {timeout:g} s")
    return ApiProblem("error", seen.reason)
