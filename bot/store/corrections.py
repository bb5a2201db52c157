"""Sellers' corrections of a card's scenario, kept as labelled examples for the classifier."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.nlp.dataset import Example
from bot.store.log import EvidenceLog, connection, utc_now


def save_correction(
    log: EvidenceLog,
    *,
    seller_id: int,
    text: str,
    language: str,
    scenario: str,
    dispute_risk: bool,
) -> None:
    row = {
        "ts": utc_now(),
        "seller_id": str(seller_id),
        "text": text,
        "language": language,
        "scenario": scenario,
        "dispute_risk": int(dispute_risk),
    }

    def insert(db: Database) -> None:
        db.table("corrections").insert(row)

    log.write(insert)


def load_corrections(path: Path) -> list[Example]:
    """Every stored correction, the latest label winning when a text was corrected twice
    (a log from before corrections were kept has none)."""
    if not path.exists():
        return []
    with connection(path) as db:
        latest = {
            row["text"]: Example(
                row["text"], row["language"], row["scenario"], bool(row["dispute_risk"])
            )
            for row in db.table("corrections").rows_where(order_by="id")
        }
    return list(latest.values())
