"""Verifying a whole evidence log file."""

from __future__ import annotations

from pathlib import Path

from bot.store.chain import CHAIN_NAME, Verdict, verify_rows
from bot.store.log import connection


def verify(path: Path) -> Verdict:
    with connection(path) as db:
        head = db.execute(
            "SELECT last_id, last_hash, count FROM chain_head WHERE name = ?", [CHAIN_NAME]
        ).fetchone()
        cursor = db.execute("SELECT * FROM messages ORDER BY id")
        columns = [description[0] for description in cursor.description]
        rows = (dict(zip(columns, values, strict=True)) for values in cursor)
        recorded = {"last_id": head[0], "last_hash": head[1], "count": head[2]} if head else None
        return verify_rows(rows, recorded)
