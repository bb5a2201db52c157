"""What the evidence log says about the inbox's conversations: who is waiting for a seller,
how many messages and replies there were, and one logged buyer message again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlite_utils import Database

from bot.inbox.autoreply import BuyerKey
from bot.inbox.state import utc_text


def direction_of(db: Database, source_id: str) -> Literal["in", "out"] | None:
    """Whether a logged message was the buyer's ("in") or the seller's ("out")."""
    row = db.execute("SELECT direction FROM messages WHERE source_id = ?", [source_id]).fetchone()
    if row is None:
        return None
    return "out" if row[0] == "out" else "in"


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


def waiting_count(db: Database) -> int:
    return db.execute(f"SELECT count(*) FROM ({_WAITING})").fetchone()[0]


def waiting(db: Database, limit: int = 50) -> list[Waiting]:
    """Conversations waiting for a human answer: dispute risk first, then the oldest."""
    rows = db.execute(f"{_WAITING} ORDER BY risk DESC, since ASC LIMIT ?", [limit]).fetchall()
    found = []
    for channel, bc, chat_id, last_id, first_ts, risk, count in rows:
        latest = db.execute(
            "SELECT text, scenario, language, buyer_name FROM messages WHERE id = ?", [last_id]
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


@dataclass(frozen=True, slots=True)
class Counts:
    buyer_messages: int
    auto_replies: int
    seller_replies: int


def counts_since(db: Database, since: datetime) -> Counts:
    """Buyer messages, auto-replies and seller replies in the inbox since a time."""
    row = db.execute(
        "SELECT "
        "coalesce(sum(direction = 'in' AND kind = 'message'), 0), "
        "coalesce(sum(direction = 'out' AND template LIKE 'auto_reply_%'), 0), "
        "coalesce(sum(direction = 'out' AND kind = 'message' "
        "AND (template IS NULL OR template NOT LIKE 'auto_reply_%')), 0) "
        "FROM messages WHERE channel IN ('business', 'direct') AND ts >= ?",
        [utc_text(since)],
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


def logged_buyer_message(db: Database, row_id: int) -> LoggedBuyerMessage | None:
    """A buyer message of the inbox as logged, to open its card again from the queue."""
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
