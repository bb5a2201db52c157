"""Settings, from the environment and an optional `.env` file in the working directory.

A missing or malformed value stops start-up with one line naming it.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from bot.store.log import DEFAULT_DB, default_db_path

DEFAULT_API_URL = "https://api.telegram.org"
ENV_FILE = ".env"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
LOG_FILE_ENV = "REPLYBOT_LOG_FILE"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""Telegram's rule for the secret token it sends in X-Telegram-Bot-Api-Secret-Token."""


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class BotSettings:
    token: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    seller_ids: frozenset[int] = frozenset()
    db_path: Path = Path(DEFAULT_DB)
    timezone: str = "UTC"
    webhook_secret: str | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"


def _seller_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in (piece.strip() for piece in raw.split(",")):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"SELLER_IDS: {part!r} is not a Telegram user id (digits only)")
        ids.add(int(part))
    return frozenset(ids)


def load_settings(environ: Mapping[str, str] | None = None) -> BotSettings:
    env = os.environ if environ is None else environ
    token = env.get(TOKEN_ENV, "").strip()
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (the token @BotFather gave you)")
    if not _TOKEN.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN is malformed (expected 123456:ABC...)")
    api_url = env.get("TELEGRAM_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL
    parsed = urlparse(api_url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc or parsed.path not in {"", "/"}:
        raise ConfigError(
            f"TELEGRAM_API_URL: {api_url!r} is not a server root like https://api.telegram.org"
        )
    try:
        parsed.port  # noqa: B018 (it raises for a port out of range)
    except ValueError:
        raise ConfigError(f"TELEGRAM_API_URL: {api_url!r} has a port out of range") from None
    timezone = env.get("REPLYBOT_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"REPLYBOT_TIMEZONE: {timezone!r} is not an IANA time zone") from None
    webhook_secret = env.get(WEBHOOK_SECRET_ENV, "").strip() or None
    if webhook_secret is not None and not _WEBHOOK_SECRET.match(webhook_secret):
        raise ConfigError(
            f"{WEBHOOK_SECRET_ENV} must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return BotSettings(
        token=token,
        api_url=api_url,
        seller_ids=_seller_ids(env.get("SELLER_IDS", "")),
        db_path=default_db_path(env),
        timezone=timezone,
        webhook_secret=webhook_secret,
    )


def load_env_file(folder: Path | None = None) -> Path | None:
    """Read `.env` from `folder` (the working directory) into the environment, if it exists.

    Only that folder: a `.env` further up belongs to some other project. Variables already
    in the environment win over the file. A line the file's syntax cannot parse is skipped
    with a warning naming its number; a file that cannot be read at all is a ConfigError.
    Returns the file read, or None.
    """
    path = (Path.cwd() if folder is None else folder) / ENV_FILE
    if not path.exists():
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line} is not UTF-8 text") from None
    load_dotenv(stream=io.StringIO(text), override=False)
    return path


def log_file(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where to write the log besides stderr (`REPLYBOT_LOG_FILE`), if anywhere."""
    env = os.environ if environ is None else environ
    raw = env.get(LOG_FILE_ENV, "").strip()
    return Path(raw) if raw else None
