"""Verifying a whole evidence log file."""

from __future__ import annotations

from pathlib import Path

from bot.store.chain import CHAIN_NAME, Verdict, verify_rows
from bot.store.log import connection


def verify(path: Path) -> Verdict:
    """The chain's verdict as of one moment: the head and the rows are read in one read
    transaction, so rows logged meanwhile (the bot keeps logging during /verify) are not
    taken for rows added behind the head's back."""
    with connection(path) as db:
        db.execute("BEGIN")
        try:
            head = next(
                db.query(
                    "SELECT last_id, last_hash, count FROM chain_head WHERE name = ?",
                    [CHAIN_NAME],
                ),
                None,
            )
            return verify_rows(db.query("SELECT * FROM messages ORDER BY id"), head)
        finally:
            db.execute("ROLLBACK")
