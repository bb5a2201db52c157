"""Sellers' corrections of a card's scenario, kept as labelled examples for the classifier."""

from __future__ import annotations

from sqlite_utils import Database

from bot.nlp.dataset import Example
from bot.store.log import utc_now


def save_correction(
    db: Database,
    *,
    seller_id: int,
    text: str,
    language: str,
    scenario: str,
    dispute_risk: bool,
) -> None:
    """A write function: store a seller's correction of a card's scenario."""
    row = {
        "ts": utc_now(),
        "seller_id": str(seller_id),
        "text": text,
        "language": language,
        "scenario": scenario,
        "dispute_risk": int(dispute_risk),
    }
    db.table("corrections").insert(row)


def load_corrections(db: Database) -> list[Example]:
    """Every stored correction, the latest label winning when a text was corrected twice."""
    latest = {
        row["text"]: Example(
            row["text"], row["language"], row["scenario"], bool(row["dispute_risk"])
        )
        for row in db.table("corrections").rows_where(order_by="id")
    }
    return list(latest.values())
