"""The fixed vocabulary: the languages replybot reads and writes, and the buyer scenario
ids the classifier predicts. docs/SCENARIOS.md says what each id means."""

from typing import Final

LANGUAGES: Final = ("en", "zh", "ko", "vi")
"""The languages the classifier reads; Chinese in either script is `zh`."""

REPLY_LANGUAGES: Final = ("en", "zh", "zh-Hant", "ko", "vi")
"""The languages replies are written in: the classifier's, and Traditional Chinese (`zh-Hant`,
for Taiwan and Hong Kong) as its own catalog and playbook text, never converted from `zh`."""

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


def reply_language_named(text: str) -> str | None:
    """The reply language `text` names, in any letter case (`zh-hant` is `zh-Hant`)."""
    return {language.lower(): language for language in REPLY_LANGUAGES}.get(text.strip().lower())
