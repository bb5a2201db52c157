"""The shop profile (name, platforms, currency, return policy, coupon, ...), kept in the
evidence log file: one row per setting that is set; a setting that is unset has no row."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Sequence
from functools import partial

from sqlite_utils import Database

from bot.replies.facts import (
    ALIASES,
    PROFILE_KEYS,
    FactError,
    ShopSettings,
    apply_settings,
    setting_keys,
    setting_text,
)
from bot.store.log import EvidenceLog

log = logging.getLogger(__name__)

SHOP = "shop"
STORED = tuple(field.name for field in dataclasses.fields(ShopSettings))
"""The settings the profile keeps, in the order they are shown."""
_READ_FIRST = ("currency",)
"""Read before the others: a coupon stored without its currency takes the shop's."""


def load_shop_settings(db: Database) -> ShopSettings:
    """The profile as stored. A row that no longer reads (a key of an earlier version with
    a value this one refuses) is left out, as if unset, and said in the log."""
    rows = {
        row["key"]: row["value"]
        for row in db.table("seller_settings").rows_where("seller_id = ?", [SHOP])
        if row["key"] in STORED or row["key"] in ALIASES
    }
    for alias, key in ALIASES.items():
        if key in rows:
            rows.pop(alias, None)
    settings = ShopSettings()
    for key in sorted(rows, key=lambda key: key not in _READ_FIRST):
        try:
            settings = apply_settings(settings, [(key, rows[key])])
        except FactError as error:
            log.warning("shop setting %s left unset: %s", key, error)
    return settings


def save_shop_settings(db: Database, pairs: Sequence[tuple[str, str]]) -> ShopSettings:
    """A write function: check every `(key, text)` pair, then store them all, or none
    (FactError naming the first that cannot be read); an empty text unsets its setting.
    Returns the profile now stored."""
    if not pairs:
        raise FactError("nothing to set: give key=value, e.g. shop_name=Lotus Home")
    for key, _ in pairs:
        if key not in PROFILE_KEYS and key not in ALIASES:
            raise FactError(f"unknown setting {key!r} (choose: {', '.join(PROFILE_KEYS)})")
    settings = apply_settings(load_shop_settings(db), pairs)
    rows = db.table("seller_settings")
    for name in setting_keys(pairs):
        for old in (name, *(alias for alias, key in ALIASES.items() if key == name)):
            db.execute("DELETE FROM seller_settings WHERE seller_id = ? AND key = ?", [SHOP, old])
        text = setting_text(settings, name)
        if text is not None:
            rows.insert({"seller_id": SHOP, "key": name, "value": text})
    return load_shop_settings(db)


def save_shop_setting(db: Database, key: str, value: str) -> ShopSettings:
    """A write function: `save_shop_settings` for one setting."""
    return save_shop_settings(db, [(key, value)])


class ShopProfile:
    """The shop's profile as it is in force, read once and kept in step with the log:
    every change goes through the log's writer and replaces the copy in memory. The
    console, `draft`, `replybot shop` and the bot all read and write it through here."""

    def __init__(self, log: EvidenceLog) -> None:
        self._log = log
        self._settings = log.read(load_shop_settings)
        self._lock = threading.Lock()
        self._written = 0
        self._shown = 0

    @property
    def settings(self) -> ShopSettings:
        return self._settings

    def _save(self, db: Database, pairs: Sequence[tuple[str, str]]) -> tuple[int, ShopSettings]:
        """Runs on the writer thread, in the order writes commit: the number tells a later
        write's result from an earlier one's that reaches its caller after it."""
        settings = save_shop_settings(db, pairs)
        with self._lock:
            self._written += 1
            return self._written, settings

    def _keep(self, result: tuple[int, ShopSettings]) -> ShopSettings:
        number, settings = result
        with self._lock:
            if number > self._shown:
                self._shown, self._settings = number, settings
        return settings

    def store(self, pairs: Sequence[tuple[str, str]]) -> ShopSettings:
        """Check and store `(key, text)` pairs, all or none (FactError, nothing changed);
        returns the profile now in force."""
        return self._keep(self._log.write(partial(self._save, pairs=list(pairs))))

    async def store_async(self, pairs: Sequence[tuple[str, str]]) -> ShopSettings:
        """`store` without blocking the event loop."""
        return self._keep(await self._log.write_async(partial(self._save, pairs=list(pairs))))

    async def set(self, key: str, value: str) -> ShopSettings:
        """Check and store one setting (FactError, and nothing changed, when it is not
        valid); returns the profile now in force."""
        return await self.store_async([(key, value)])
