"""Verifying a whole evidence log file."""

from __future__ import annotations

from pathlib import Path

from bot.store.chain import CHAIN_NAME, Verdict, verify_rows
from bot.store.log import connection


def verify(path: Path) -> Verdict:
    with connection(path) as db:
        head = next(
            db.query(
                "SELECT last_id, last_hash, count FROM chain_head WHERE name = ?", [CHAIN_NAME]
            ),
            None,
        )
        return verify_rows(db.query("SELECT * FROM messages ORDER BY id"), head)
