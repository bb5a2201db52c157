"""Per-seller settings (such as the language of the seller's mirror of each draft)."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.store.log import EvidenceLog, connection


def get_setting(path: Path, seller_id: int, key: str) -> str | None:
    if not path.exists():
        return None
    with connection(path) as db:
        row = next(
            db.query(
                "SELECT value FROM seller_settings WHERE seller_id = ? AND key = ?",
                [str(seller_id), key],
            ),
            None,
        )
    return row["value"] if row else None


def set_setting(log: EvidenceLog, seller_id: int, key: str, value: str) -> None:
    row = {"seller_id": str(seller_id), "key": key, "value": value}

    def insert(db: Database) -> None:
        db.table("seller_settings").insert(row, replace=True)

    log.write(insert)
