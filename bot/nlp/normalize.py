"""Text normalisation shared by language id, the classifier and entity extraction.

Buyers type on phones: full-width punctuation, stretched letters ("lâuuuu"), runs of
"!!!!!", Vietnamese with all, some or no diacritics. Everything that reads the text sees
it through these functions so that training and prediction agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_STRETCH = re.compile(r"(\D)\1{2,}")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Unicode-compose, fold full-width forms, drop control characters, squeeze spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalize(text: str) -> str:
    """`clean`, lower-cased, with URLs masked and stretched characters collapsed to two."""
    return fold(clean(text))


def fold(cleaned: str) -> str:
    """`normalize` for text that has been through `clean` already."""
    text = cleaned.lower()
    if "://" in text or "www." in text:
        text = _SPACES.sub(" ", _URL.sub(" url ", text)).strip()
    return _STRETCH.sub(r"\1\1", text)


@cache
def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            base = "".join(
                ch
                for ch in unicodedata.normalize("NFD", chr(code))
                if unicodedata.category(ch) != "Mn"
            )
            if base != chr(code) and base.isascii():
                table[code] = base
    for code in range(0x0300, 0x0370):
        table[code] = ""
    return table


def strip_accents(text: str) -> str:
    """Latin letters without diacritics ("không được" -> "khong duoc"); other scripts untouched."""
    return text.translate(_accent_table())


_VIETNAMESE_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
VIETNAMESE_LETTERS = frozenset(_VIETNAMESE_LOWER + _VIETNAMESE_LOWER.upper())
"""Letters with Vietnamese diacritics: of the languages replybot reads, only Vietnamese has them."""
