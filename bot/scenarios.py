"""The fixed vocabulary: the languages replybot reads and writes, and the buyer scenario
ids the classifier predicts. docs/SCENARIOS.md says what each id means."""

from typing import Final

LANGUAGES: Final = ("en", "zh", "ko", "vi")

SCENARIOS: Final = (
    "price_drop",
    "difference_order",
    "not_shipped",
    "delivery_delay",
    "damaged_item",
    "not_as_described",
    "wrong_or_missing_item",
    "cancel_order",
    "return_refund",
    "address_change",
    "stock_inquiry",
    "other",
)

FALLBACK_SCENARIO: Final = "other"
