"""What the inbox keeps across restarts: peak mode, peak windows, working hours, business
connections, and the conversations waiting for a seller (read from the evidence log)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from bot.inbox.autoreply import BuyerKey
from bot.inbox.hours import WorkingHours
from bot.inbox.peak import PeakMode, PeakWindow
from bot.inbox.zone import ShopZone, choose_zone
from bot.store.log import connection, utc_now
from bot.store.shop import SHOP

_PEAK_MANUAL = "peak_manual"
_PEAK_UNTIL = "peak_until"
_HOURS = "working_hours_weekly"


def _utc(moment: datetime) -> str:
    """The evidence log's time format, so times compare as text in SQL."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _set(path: Path, key: str, value: str | None) -> None:
    with connection(path, writable=True) as db:
        if value is None:
            db.execute("DELETE FROM seller_settings WHERE seller_id = ? AND key = ?", [SHOP, key])
            return
        db.execute(
            "INSERT INTO seller_settings (seller_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT(seller_id, key) DO UPDATE SET value = excluded.value",
            [SHOP, key, value],
        )


def _settings(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with connection(path) as db:
        rows = db.execute("SELECT key, value FROM seller_settings WHERE seller_id = ?", [SHOP])
        return dict(rows.fetchall())


def load_peak(path: Path) -> PeakMode:
    settings = _settings(path)
    until = settings.get(_PEAK_UNTIL)
    windows: tuple[PeakWindow, ...] = ()
    if path.exists():
        with connection(path) as db:
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
    path: Path, *, on: bool, until: datetime | None = None, at: datetime | None = None
) -> PeakMode:
    """Peak mode on (optionally until a time) or off; off also ends a window under way."""
    _set(path, _PEAK_MANUAL, "1" if on else "0")
    _set(path, _PEAK_UNTIL, _utc(until) if on and until else None)
    if not on:
        now = _utc(at or datetime.now(UTC))
        with connection(path, writable=True) as db:
            db.execute(
                "UPDATE peak_windows SET ends_at = ? WHERE starts_at <= ? AND ends_at > ?",
                [now, now, now],
            )
    return load_peak(path)


def add_window(path: Path, starts_at: datetime, ends_at: datetime, created_by: str) -> PeakWindow:
    with connection(path, writable=True) as db:
        cursor = db.execute(
            "INSERT INTO peak_windows (starts_at, ends_at, created_by) VALUES (?, ?, ?)",
            [_utc(starts_at), _utc(ends_at), created_by],
        )
        return PeakWindow(int(cursor.lastrowid or 0), starts_at, ends_at)


def cancel_windows(path: Path, at: datetime) -> list[PeakWindow]:
    """Scheduled windows that have not started yet are removed; returns them."""
    upcoming = [w for w in load_peak(path).windows if w.starts_at > at]
    with connection(path, writable=True) as db:
        db.execute("DELETE FROM peak_windows WHERE starts_at > ?", [_utc(at)])
    return upcoming


def direction_of(path: Path, source_id: str) -> Literal["in", "out"] | None:
    """Whether a logged message was the buyer's ("in") or the seller's ("out")."""
    with connection(path) as db:
        row = db.execute(
            "SELECT direction FROM messages WHERE source_id = ?", [source_id]
        ).fetchone()
    if row is None:
        return None
    return "out" if row[0] == "out" else "in"


def load_hours(path: Path) -> WorkingHours | None:
    saved = _settings(path).get(_HOURS)
    return WorkingHours.from_json(json.loads(saved)) if saved else None


def save_hours(path: Path, hours: WorkingHours | None) -> None:
    _set(path, _HOURS, json.dumps(hours.to_json()) if hours else None)


def shop_zone(path: Path, configured: str | None) -> ShopZone:
    """The shop's time zone (see bot.inbox.zone): /settings timezone, else the working hours'
    zone, else `configured` (REPLYBOT_TIMEZONE), else UTC. Every time shown to a seller and
    every time a seller writes uses it."""
    settings = _settings(path)
    saved = settings.get(_HOURS)
    hours_zone = json.loads(saved)["timezone"] if saved else None
    return choose_zone(settings.get("timezone"), hours_zone, configured)


@dataclass(frozen=True, slots=True)
class BusinessConnection:
    connection_id: str
    owner_user_id: int
    can_reply: bool
    is_enabled: bool


def save_connection(path: Path, connection_info: BusinessConnection) -> None:
    with connection(path, writable=True) as db:
        db.execute(
            "INSERT INTO business_connections "
            "(connection_id, owner_user_id, can_reply, is_enabled, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(connection_id) DO UPDATE SET "
            "owner_user_id = excluded.owner_user_id, can_reply = excluded.can_reply, "
            "is_enabled = excluded.is_enabled, updated_at = excluded.updated_at",
            [
                connection_info.connection_id,
                str(connection_info.owner_user_id),
                int(connection_info.can_reply),
                int(connection_info.is_enabled),
                utc_now(),
            ],
        )


def load_connections(path: Path) -> dict[str, BusinessConnection]:
    if not path.exists():
        return {}
    with connection(path) as db:
        rows = db.execute(
            "SELECT connection_id, owner_user_id, can_reply, is_enabled FROM business_connections"
        ).fetchall()
    return {
        row[0]: BusinessConnection(row[0], int(row[1]), bool(row[2]), bool(row[3])) for row in rows
    }


@dataclass(frozen=True, slots=True)
class Waiting:
    """A buyer conversation whose latest buyer message has no seller answer after it."""

    buyer: BuyerKey
    channel: str
    message_id: int
    """The evidence-log row of the buyer's latest message."""
    ts: str
    text: str
    scenario: str | None
    language: str | None
    dispute_risk: bool
    buyer_name: str | None
    unanswered: int


_WAITING = """
    WITH answered AS (
        SELECT channel, coalesce(business_connection_id, '') AS bc, chat_id,
               max(id) AS last_answer
        FROM messages
        WHERE kind = 'message' AND direction = 'out' AND channel IN ('business', 'direct')
          AND (template IS NULL OR template NOT LIKE 'auto_reply_%')
        GROUP BY 1, 2, 3
    ),
    incoming AS (
        SELECT m.channel, coalesce(m.business_connection_id, '') AS bc, m.chat_id,
               m.id, m.ts, m.kind, m.dispute_risk
        FROM messages m
        LEFT JOIN answered a ON a.channel = m.channel
            AND a.bc = coalesce(m.business_connection_id, '') AND a.chat_id = m.chat_id
        WHERE m.kind IN ('message', 'edit') AND m.direction = 'in'
          AND m.channel IN ('business', 'direct')
          AND m.id > coalesce(a.last_answer, 0)
    )
    SELECT channel, bc, chat_id, max(id) AS latest, min(ts) AS since,
           coalesce(max(dispute_risk), 0) AS risk, sum(kind = 'message') AS unanswered
    FROM incoming GROUP BY channel, bc, chat_id HAVING sum(kind = 'message') > 0
"""
"""Buyer conversations with messages (or edits) after the last human answer; auto-replies
are not answers. An edit counts for the text shown and for dispute risk."""


def waiting_count(path: Path) -> int:
    if not path.exists():
        return 0
    with connection(path) as db:
        return db.execute(f"SELECT count(*) FROM ({_WAITING})").fetchone()[0]


def waiting(path: Path, limit: int = 50) -> list[Waiting]:
    """Conversations waiting for a human answer: dispute risk first, then the oldest."""
    if not path.exists():
        return []
    with connection(path) as db:
        rows = db.execute(
            f"{_WAITING} ORDER BY risk DESC, since ASC LIMIT ?",
            [limit],
        ).fetchall()
        found = []
        for channel, bc, chat_id, last_id, first_ts, risk, count in rows:
            latest = db.execute(
                "SELECT text, scenario, language, buyer_name FROM messages WHERE id = ?",
                [last_id],
            ).fetchone()
            found.append(
                Waiting(
                    buyer=(bc, chat_id),
                    channel=channel,
                    message_id=last_id,
                    ts=first_ts,
                    text=latest[0],
                    scenario=latest[1],
                    language=latest[2],
                    dispute_risk=bool(risk),
                    buyer_name=latest[3],
                    unanswered=count,
                )
            )
    return found


def recent_replies(
    path: Path, since: timedelta
) -> tuple[dict[BuyerKey, datetime], dict[BuyerKey, datetime]]:
    """The last auto-reply and the last seller answer of each buyer within `since`, to carry
    the cool-downs across a restart."""
    auto: dict[BuyerKey, datetime] = {}
    seller: dict[BuyerKey, datetime] = {}
    if not path.exists():
        return auto, seller
    cutoff = _utc(datetime.now(UTC) - since)
    with connection(path) as db:
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


@dataclass(frozen=True, slots=True)
class Counts:
    buyer_messages: int
    auto_replies: int
    seller_replies: int


def counts_since(path: Path, since: datetime) -> Counts:
    """Buyer messages, auto-replies and seller replies in the inbox since a time."""
    if not path.exists():
        return Counts(0, 0, 0)
    with connection(path) as db:
        row = db.execute(
            "SELECT "
            "coalesce(sum(direction = 'in' AND kind = 'message'), 0), "
            "coalesce(sum(direction = 'out' AND template LIKE 'auto_reply_%'), 0), "
            "coalesce(sum(direction = 'out' AND kind = 'message' "
            "AND (template IS NULL OR template NOT LIKE 'auto_reply_%')), 0) "
            "FROM messages WHERE channel IN ('business', 'direct') AND ts >= ?",
            [_utc(since)],
        ).fetchone()
    return Counts(*row)


@dataclass(frozen=True, slots=True)
class LoggedBuyerMessage:
    channel: str
    chat_id: int
    message_id: int
    text: str
    buyer_name: str | None
    business_connection_id: str | None
    has_text: bool = True
    """False for a photo or sticker without a caption (it was not analysed)."""


def logged_buyer_message(path: Path, row_id: int) -> LoggedBuyerMessage | None:
    """A buyer message of the inbox as logged, to open its card again from the queue."""
    with connection(path) as db:
        row = db.execute(
            "SELECT channel, chat_id, source_id, text, buyer_name, business_connection_id, "
            "scenario FROM messages WHERE id = ? AND direction = 'in' "
            "AND kind IN ('message', 'edit') AND channel IN ('business', 'direct')",
            [row_id],
        ).fetchone()
    if row is None:
        return None
    channel, chat_id, source_id, text, buyer_name, connection_id, scenario = row
    # source ids read "channel:connection:chat:message[:edit:time]"
    message_id = int((source_id or "").split(f":{chat_id}:", 1)[-1].split(":")[0] or 0)
    return LoggedBuyerMessage(
        channel, int(chat_id), message_id, text, buyer_name, connection_id, has_text=bool(scenario)
    )
