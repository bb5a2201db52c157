"""A drafted reply: the text for the buyer and the same reply for the seller to read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Draft:
    """A reply in the buyer's language and the same reply in the seller's language."""

    template: str
    resolution: str
    language: str
    text: str
    seller_language: str
    seller_text: str

    def to_json(self) -> dict[str, Any]:
        """The fields of the `draft --json` contract."""
        return {
            "template": self.template,
            "language": self.language,
            "text": self.text,
            "seller_language": self.seller_language,
            "seller_text": self.seller_text,
        }
