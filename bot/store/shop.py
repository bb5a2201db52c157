"""The shop's settings (name, signature, return window, ...), kept in the evidence log file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Protocol

from sqlite_utils import Database

from bot.replies.facts import FactError, Facts, ShopSettings, apply_assignments
from bot.store.log import EvidenceLog, connection

SHOP = "shop"
EDITABLE = tuple(
    field.name for field in dataclasses.fields(ShopSettings) if field.name != "seller_language"
)


def load_shop_settings(path: Path) -> ShopSettings:
    """The defaults, overridden by whatever the sellers have set (none in a log from before
    settings were kept)."""
    if not path.exists():
        return ShopSettings()
    with connection(path) as db:
        assignments = [
            f"{row['key']}={row['value']}"
            for row in db.table("seller_settings").rows_where(
                "seller_id = ?", [SHOP], order_by="key"
            )
            if row["key"] in EDITABLE
        ]
    _, settings = apply_assignments(Facts(), ShopSettings(), assignments)
    return settings


def save_shop_setting(log: EvidenceLog, key: str, value: str) -> ShopSettings:
    """Validate and store one setting; returns the settings now in force."""
    if key not in EDITABLE:
        raise FactError(f"unknown setting {key!r} (choose: {', '.join(EDITABLE)})")
    current = load_shop_settings(log.path)
    apply_assignments(Facts(), current, [f"{key}={value}"])
    row = {"seller_id": SHOP, "key": key, "value": value}

    def insert(db: Database) -> None:
        db.table("seller_settings").insert(row, replace=True)

    log.write(insert)
    return load_shop_settings(log.path)


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
