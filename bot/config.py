"""Settings for `replybot run`, from the environment (and `.env`, loaded by the CLI).

A missing or malformed value stops start-up with one line naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.store.log import DB_ENV, DEFAULT_DB

DEFAULT_API_URL = "https://api.telegram.org"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class BotSettings:
    token: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    seller_ids: frozenset[int] = frozenset()
    db_path: Path = Path(DEFAULT_DB)
    timezone: str = "UTC"

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
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
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
    timezone = env.get("REPLYBOT_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"REPLYBOT_TIMEZONE: {timezone!r} is not an IANA time zone") from None
    return BotSettings(
        token=token,
        api_url=api_url,
        seller_ids=_seller_ids(env.get("SELLER_IDS", "")),
        db_path=Path(env.get(DB_ENV, "").strip() or DEFAULT_DB),
        timezone=timezone,
    )
