"""Verifying a whole evidence log."""

from __future__ import annotations

from sqlite_utils import Database

from bot.store.chain import CHAIN_NAME, Verdict, verify_rows


def verify(db: Database) -> Verdict:
    """The chain's verdict. Run it through the read path (`read(path, verify)`): the head and
    the rows are then read in one transaction, so rows logged meanwhile (the bot keeps
    logging during /verify) are not taken for rows added behind the head's back."""
    head = next(
        db.query("SELECT last_id, last_hash, count FROM chain_head WHERE name = ?", [CHAIN_NAME]),
        None,
    )
    return verify_rows(db.query("SELECT * FROM messages ORDER BY id"), head)
