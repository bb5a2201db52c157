"""The shop's settings (name, signature, return window, ...), kept in the evidence log file."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Protocol

from sqlite_utils import Database

from bot.replies.facts import FactError, Facts, ShopSettings, apply_assignments
from bot.store.log import EvidenceLog

SHOP = "shop"
EDITABLE = tuple(
    field.name for field in dataclasses.fields(ShopSettings) if field.name != "seller_language"
)


def load_shop_settings(db: Database) -> ShopSettings:
    """The defaults, overridden by whatever the sellers have set."""
    assignments = [
        f"{row['key']}={row['value']}"
        for row in db.table("seller_settings").rows_where("seller_id = ?", [SHOP], order_by="key")
        if row["key"] in EDITABLE
    ]
    _, settings = apply_assignments(Facts(), ShopSettings(), assignments)
    return settings


def save_shop_setting(db: Database, key: str, value: str) -> ShopSettings:
    """A write function: validate and store one setting; returns the settings now in force
    (FactError, and nothing stored, when the value cannot be read)."""
    if key not in EDITABLE:
        raise FactError(f"unknown setting {key!r} (choose: {', '.join(EDITABLE)})")
    apply_assignments(Facts(), load_shop_settings(db), [f"{key}={value}"])
    db.table("seller_settings").insert(
        {"seller_id": SHOP, "key": key, "value": value}, replace=True
    )
    return load_shop_settings(db)


class ShopProfile:
    """The shop's settings as they are in force, read once and kept in step with the log:
    every change goes through the log's writer and replaces the copy in memory."""

    def __init__(self, log: EvidenceLog) -> None:
        self._log = log
        self._settings = log.read(load_shop_settings)

    @property
    def settings(self) -> ShopSettings:
        return self._settings

    async def set(self, key: str, value: str) -> ShopSettings:
        """Validate and store one setting (FactError, and nothing changed, when it is not
        valid); returns the settings now in force."""
        self._settings = await self._log.write_async(
            partial(save_shop_setting, key=key, value=value)
        )
        return self._settings


class ZoneInForce(Protocol):
    """The shop's time zone and where it comes from (bot.inbox.zone.ShopZone)."""

    def describe(self) -> str: ...


def describe(settings: ShopSettings, zone: ZoneInForce) -> str:
    """The settings, one a line; the time zone as it is in force and where it comes from."""
    lines = []
    for name in EDITABLE:
        if name == "timezone":
            lines.append(f"timezone: {zone.describe()}")
            continue
        value = getattr(settings, name)
        if hasattr(value, "value") and hasattr(value, "currency"):
            value = f"{value.value} {value.currency or ''}".strip()
        lines.append(f"{name}: {value if value not in ('', None) else '-'}")
    return "\n".join(lines)
