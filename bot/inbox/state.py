"""What the inbox keeps across restarts: peak mode, scheduled peak windows, working hours and
closures, business connections, and the shop's time zone; the auto-reply cool-downs are read
back from the replies in the evidence log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from bot.inbox.autoreply import BuyerKey
from bot.inbox.hours import WorkingHours
from bot.inbox.peak import PeakMode, PeakWindow
from bot.inbox.zone import ShopZone, choose_zone
from bot.store.log import utc_now
from bot.store.shop import SHOP

_PEAK_MANUAL = "peak_manual"
_PEAK_UNTIL = "peak_until"
_HOURS = "working_hours_weekly"


def utc_text(moment: datetime) -> str:
    """The evidence log's time format, so times compare as text in SQL."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _set(db: Database, key: str, value: str | None) -> None:
    if value is None:
        db.execute("DELETE FROM seller_settings WHERE seller_id = ? AND key = ?", [SHOP, key])
        return
    db.execute(
        "INSERT INTO seller_settings (seller_id, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT(seller_id, key) DO UPDATE SET value = excluded.value",
        [SHOP, key, value],
    )


def _settings(db: Database) -> dict[str, str]:
    rows = db.execute("SELECT key, value FROM seller_settings WHERE seller_id = ?", [SHOP])
    return dict(rows.fetchall())


def load_peak(db: Database) -> PeakMode:
    settings = _settings(db)
    until = settings.get(_PEAK_UNTIL)
    rows = db.execute("SELECT id, starts_at, ends_at FROM peak_windows ORDER BY starts_at")
    windows = tuple(
        PeakWindow(row_id, datetime.fromisoformat(start), datetime.fromisoformat(end))
        for row_id, start, end in rows.fetchall()
    )
    return PeakMode(
        manual=settings.get(_PEAK_MANUAL) == "1",
        until=datetime.fromisoformat(until) if until else None,
        windows=windows,
    )


def switch_peak(
    db: Database, *, on: bool, until: datetime | None = None, at: datetime | None = None
) -> PeakMode:
    """A write function: peak mode on (optionally until a time) or off; off also ends a
    window under way. Returns the peak mode now stored."""
    now = utc_text(at or datetime.now(UTC))
    _set(db, _PEAK_MANUAL, "1" if on else "0")
    _set(db, _PEAK_UNTIL, utc_text(until) if on and until else None)
    if not on:
        db.execute(
            "UPDATE peak_windows SET ends_at = ? WHERE starts_at <= ? AND ends_at > ?",
            [now, now, now],
        )
    return load_peak(db)


def add_window(db: Database, starts_at: datetime, ends_at: datetime, created_by: str) -> PeakWindow:
    """A write function: schedule a peak window."""
    cursor = db.execute(
        "INSERT INTO peak_windows (starts_at, ends_at, created_by) VALUES (?, ?, ?)",
        [utc_text(starts_at), utc_text(ends_at), created_by],
    )
    return PeakWindow(int(cursor.lastrowid or 0), starts_at, ends_at)


def cancel_windows(db: Database, at: datetime) -> list[PeakWindow]:
    """A write function: scheduled windows that have not started yet are removed; returns them."""
    upcoming = [window for window in load_peak(db).windows if window.starts_at > at]
    db.execute("DELETE FROM peak_windows WHERE starts_at > ?", [utc_text(at)])
    return upcoming


def load_hours(db: Database) -> WorkingHours | None:
    saved = _settings(db).get(_HOURS)
    return WorkingHours.from_json(json.loads(saved)) if saved else None


def save_hours(db: Database, hours: WorkingHours | None) -> None:
    """A write function: the weekly hours and closures, or none."""
    _set(db, _HOURS, json.dumps(hours.to_json()) if hours else None)


def shop_zone(db: Database, configured: str | None) -> ShopZone:
    """The shop's time zone (see bot.inbox.zone): /settings timezone, else the working hours'
    zone, else `configured` (REPLYBOT_TIMEZONE), else UTC. Every time shown to a seller and
    every time a seller writes uses it."""
    settings = _settings(db)
    saved = settings.get(_HOURS)
    hours_zone = json.loads(saved)["timezone"] if saved else None
    return choose_zone(settings.get("timezone"), hours_zone, configured)


@dataclass(frozen=True, slots=True)
class BusinessConnection:
    connection_id: str
    owner_user_id: int
    can_reply: bool
    is_enabled: bool


def save_connection(db: Database, connection_info: BusinessConnection) -> None:
    """A write function: a business connection as Telegram last described it."""
    values = [
        connection_info.connection_id,
        str(connection_info.owner_user_id),
        int(connection_info.can_reply),
        int(connection_info.is_enabled),
        utc_now(),
    ]
    db.execute(
        "INSERT INTO business_connections "
        "(connection_id, owner_user_id, can_reply, is_enabled, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(connection_id) DO UPDATE SET "
        "owner_user_id = excluded.owner_user_id, can_reply = excluded.can_reply, "
        "is_enabled = excluded.is_enabled, updated_at = excluded.updated_at",
        values,
    )


def load_connections(db: Database) -> dict[str, BusinessConnection]:
    rows = db.execute(
        "SELECT connection_id, owner_user_id, can_reply, is_enabled FROM business_connections"
    ).fetchall()
    return {
        row[0]: BusinessConnection(row[0], int(row[1]), bool(row[2]), bool(row[3])) for row in rows
    }


def recent_replies(
    db: Database, since: timedelta
) -> tuple[dict[BuyerKey, datetime], dict[BuyerKey, datetime]]:
    """The last auto-reply and the last seller answer of each buyer within `since`, to carry
    the cool-downs across a restart."""
    auto: dict[BuyerKey, datetime] = {}
    seller: dict[BuyerKey, datetime] = {}
    cutoff = utc_text(datetime.now(UTC) - since)
    rows = db.execute(
        "SELECT coalesce(business_connection_id, ''), chat_id, template, max(ts) FROM messages "
        "WHERE direction = 'out' AND kind = 'message' AND channel IN ('business', 'direct') "
        "AND ts >= ? AND coalesce(template, '') != 'auto_reply_welcome' "
        "GROUP BY 1, 2, coalesce(template IN ('auto_reply_busy', 'auto_reply_away'), 0)",
        [cutoff],
    ).fetchall()
    for bc, chat_id, template, ts in rows:
        target = auto if template in {"auto_reply_busy", "auto_reply_away"} else seller
        target[(bc, chat_id)] = datetime.fromisoformat(ts)
    return auto, seller
