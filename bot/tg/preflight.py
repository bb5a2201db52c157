"""Start-up checks against the Bot API: can it be reached, and does it accept the token?"""

from __future__ import annotations

import asyncio

import aiohttp
from telegram import Bot
from telegram.error import (
    BadRequest,
    Conflict,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.config import BotSettings
from bot.preflight import StartupError
from bot.tg.request import AiohttpRequest

BOOTSTRAP_RETRIES = 2
"""Start-up retries after a network failure, a timeout or a server error, one second
apart: three attempts ride out a blip, yet a wrong TELEGRAM_API_URL or a dead network
fails within seconds (within three read timeouts, 15 s, when the server never answers).
Python-telegram-bot's own bootstrap (deleting or setting the webhook) retries as often."""


async def check_bot_api(
    settings: BotSettings, *, retries: int = BOOTSTRAP_RETRIES, interval: float = 1.0
) -> str:
    """The bot's username, from getMe; StartupError when the API cannot be reached, keeps
    failing, or rejects the token. Every connection it opens is closed on return."""
    bot = Bot(
        settings.token,
        base_url=settings.base_url,
        base_file_url=settings.base_file_url,
        request=AiohttpRequest(connection_pool_size=1),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    attempts = 1
    while True:
        try:
            async with bot:
                return bot.username
        except TelegramError as error:
            if not _transient(error) or attempts > retries:
                raise StartupError(explain(error, settings.api_url, attempts)) from None
        attempts += 1
        await asyncio.sleep(interval)


def _transient(error: TelegramError) -> bool:
    """A timeout, a failed connection or a 5xx: worth another try, unlike a refusal."""
    if isinstance(error.__cause__, aiohttp.InvalidURL):
        return False
    return isinstance(error, TimedOut) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


def explain(error: TelegramError, api_url: str, attempts: int = 1) -> str:
    """One line for a failure to start: what went wrong, and what to check. It never
    quotes the token (`InvalidToken`'s own message does)."""
    what, advice = _what_and_advice(error, f"the Bot API at {api_url}")
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    return f"{what}{tried}: {advice}"


def _what_and_advice(error: TelegramError, where: str) -> tuple[str, str]:
    network = "check the network, a proxy (HTTPS_PROXY) and TELEGRAM_API_URL"
    if isinstance(error, InvalidToken):
        return (
            f"{where} rejected the bot token",
            "check TELEGRAM_BOT_TOKEN (@BotFather's /token shows it) and TELEGRAM_API_URL",
        )
    if isinstance(error, TimedOut):
        return f"{where} did not answer in time", network
    if isinstance(error, RetryAfter):
        return f"{where} asks to wait ({error.message})", "start the bot again then"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        cause = error.__cause__
        if isinstance(cause, aiohttp.ClientError):
            return f"cannot reach {where} ({_reason(cause)})", network
        return (
            f"{where} answered with an error ({error.message})",
            "Telegram may be having trouble; try again later, or check TELEGRAM_API_URL",
        )
    if isinstance(error, Conflict):
        return (
            f"Telegram refused to start the bot ({error.message})",
            "another process uses this token; stop it first",
        )
    return (
        f"Telegram refused to start the bot ({error.message})",
        "check --webhook-url, if given, and TELEGRAM_API_URL",
    )


def _reason(error: aiohttp.ClientError) -> str:
    if isinstance(error, aiohttp.ClientConnectorError):
        if isinstance(error.os_error, ConnectionRefusedError):
            return "connection refused"
        return error.os_error.strerror or str(error.os_error)
    return str(error) or type(error).__name__
