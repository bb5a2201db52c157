"""Sellers' corrections of a card's scenario, kept as labelled examples for the classifier."""

from __future__ import annotations

from pathlib import Path

from bot.nlp.dataset import Example
from bot.store.log import connection, utc_now


def save_correction(
    path: Path, *, seller_id: int, text: str, language: str, scenario: str, dispute_risk: bool
) -> None:
    with connection(path, writable=True) as db:
        db.execute(
            "INSERT INTO corrections (ts, seller_id, text, language, scenario, dispute_risk) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [utc_now(), str(seller_id), text, language, scenario, int(dispute_risk)],
        )


def load_corrections(path: Path) -> list[Example]:
    """Every stored correction, the latest label winning when a text was corrected twice."""
    if not path.exists():
        return []
    with connection(path) as db:
        tables = set(db.table_names())
        if "corrections" not in tables:
            return []
        latest: dict[str, Example] = {}
        for row in db.query("SELECT * FROM corrections ORDER BY id"):
            latest[row["text"]] = Example(
                row["text"], row["language"], row["scenario"], bool(row["dispute_risk"])
            )
    return list(latest.values())
