"""What the analysis of one buyer message yields: small immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MAX_AMOUNT_DIGITS = 15
"""At most this many digits before the decimal point: 10^15 is beyond any order in any
currency (VND included), so a longer number is not money."""


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money as written by the buyer; `currency` is ISO 4217 or None when unwritten."""

    value: Decimal
    currency: str | None

    def to_json(self) -> dict[str, Any]:
        return {"value": format(self.value, "f"), "currency": self.currency}


@dataclass(frozen=True, slots=True)
class Entities:
    order_ids: tuple[str, ...] = ()
    tracking_numbers: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "order_ids": list(self.order_ids),
            "tracking_numbers": list(self.tracking_numbers),
            "amounts": [amount.to_json() for amount in self.amounts],
        }


@dataclass(frozen=True, slots=True)
class ScenarioScore:
    scenario: str
    probability: float


@dataclass(frozen=True, slots=True)
class Analysis:
    """The understanding of one buyer message.

    `confidence` is the calibrated probability of `scenario`; `alternatives` ranks the
    other scenarios by probability, most likely first.
    """

    text: str
    language: str
    scenario: str
    confidence: float
    dispute_risk: bool
    dispute_score: float
    entities: Entities = field(default_factory=Entities)
    alternatives: tuple[ScenarioScore, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The fields of the `classify --jsonl` contract (without the caller's id)."""
        return {
            "language": self.language,
            "scenario": self.scenario,
            "confidence": round(self.confidence, 4),
            "dispute_risk": self.dispute_risk,
            "entities": self.entities.to_json(),
        }
