"""Sellers' corrections of a card's scenario, kept as labelled examples for the classifier."""

from __future__ import annotations

from pathlib import Path

from bot.nlp.dataset import Example
from bot.store.log import connection, utc_now


def save_correction(
    path: Path, *, seller_id: int, text: str, language: str, scenario: str, dispute_risk: bool
) -> None:
    with connection(path, writable=True) as db:
        db.table("corrections").insert(
            {
                "ts": utc_now(),
                "seller_id": str(seller_id),
                "text": text,
                "language": language,
                "scenario": scenario,
                "dispute_risk": int(dispute_risk),
            }
        )


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
