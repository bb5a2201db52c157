"""Per-seller settings (such as the language of the seller's mirror of each draft).

Like every store function these take the `Database` handed to them by the log's read path
(`EvidenceLog.read`, `read`) or its write path (`EvidenceLog.write`)."""

from __future__ import annotations

from sqlite_utils import Database


def get_setting(db: Database, seller_id: int, key: str) -> str | None:
    row = next(
        db.query(
            "SELECT value FROM seller_settings WHERE seller_id = ? AND key = ?",
            [str(seller_id), key],
        ),
        None,
    )
    return row["value"] if row else None


def set_setting(db: Database, seller_id: int, key: str, value: str) -> None:
    db.table("seller_settings").insert(
        {"seller_id": str(seller_id), "key": key, "value": value}, replace=True
    )
