"""Start-up checks against the Bot API: can it be reached, and does it accept the token?"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

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


FailureKind = Literal[
    "unreachable", "timeout", "rejected", "not_bot_api", "server_error", "retry_after",
    "conflict", "refused",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Failure:
    """What went wrong talking to the Bot API, in words that never quote the token."""

    kind: FailureKind
    reason: str


def failure(error: TelegramError) -> Failure:
    """The one reading of a failed Bot API call, for `replybot run` and `replybot doctor`.

    PTB's own message for a rejected token quotes the token, so the server's answer is
    read from the cause instead; a 404 page that is not JSON means TELEGRAM_API_URL is
    not a Bot API server, not that the token is wrong.
    """
    if isinstance(error, InvalidToken):
        answer = error.__cause__ if isinstance(error.__cause__, InvalidToken) else error
        if isinstance(answer.__cause__, TelegramError):
            return Failure("not_bot_api", f"HTTP {_status(answer.message)}, not JSON")
        return Failure("rejected", answer.message)
    if isinstance(error, TimedOut):
        return Failure("timeout", "no answer in time")
    if isinstance(error, RetryAfter):
        return Failure("retry_after", error.message)
    if isinstance(error, Conflict):
        return Failure("conflict", error.message)
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        cause = error.__cause__
        if isinstance(cause, aiohttp.ClientError | OSError):
            return Failure("unreachable", _reason(cause))
        return Failure("server_error", error.message)
    if error.message == "Invalid server response":
        return Failure("not_bot_api", "its answer is not JSON")
    return Failure("refused", error.message)


def explain(error: TelegramError, api_url: str, attempts: int = 1) -> str:
    """One line for a failure to start: what went wrong, and what to check."""
    what, advice = _what_and_advice(failure(error), f"the Bot API at {api_url}")
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    return f"{what}{tried}: {advice}"


def _what_and_advice(problem: Failure, where: str) -> tuple[str, str]:
    network = "check the network, a proxy (HTTPS_PROXY) and TELEGRAM_API_URL"
    reason = problem.reason
    match problem.kind:
        case "rejected":
            return (
                f"{where} rejected the bot token",
                "check TELEGRAM_BOT_TOKEN (@BotFather's /token shows it) and TELEGRAM_API_URL",
            )
        case "not_bot_api":
            return (
                f"{where} does not answer like a Bot API server ({reason})",
                "set TELEGRAM_API_URL to the server root, e.g. https://api.telegram.org",
            )
        case "timeout":
            return f"{where} did not answer in time", network
        case "retry_after":
            return f"{where} asks to wait ({reason})", "start the bot again then"
        case "unreachable":
            return f"cannot reach {where} ({reason})", network
        case "server_error":
            return (
                f"{where} answered with an error ({reason})",
                "Telegram may be having trouble; try again later, or check TELEGRAM_API_URL",
            )
        case "conflict":
            return (
                f"Telegram refused to start the bot ({reason})",
                "another process uses this token; stop it first",
            )
    return (
        f"Telegram refused to start the bot ({reason})",
        "check --webhook-url, if given, and TELEGRAM_API_URL",
    )


def _status(message: str) -> str:
    """ "Not Found (404). Parsing the server response ... failed" → "Not Found (404)"."""
    return message.split(". Parsing", 1)[0]


def _reason(error: aiohttp.ClientError | OSError) -> str:
    if isinstance(error, aiohttp.ClientConnectorError):
        if isinstance(error.os_error, ConnectionRefusedError):
            return "connection refused"
        return error.os_error.strerror or str(error.os_error)
    return str(error) or type(error).__name__
