"""Which of en, zh, ko, vi a buyer message is written in.

The language is the one most of the words are in (docs/SCENARIOS.md). Scripts settle most
cases: Hangul words are Korean, Han characters Chinese. Latin words inside a Korean or
Chinese message are mostly product names, brands and ids, so they count half there.
Latin text is Vietnamese when most words carry Vietnamese letters; otherwise, and for
Vietnamese typed without diacritics ("shop oi sao chua giao hang"), the model's language
head tells English from Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.nlp.normalize import VIETNAMESE_LETTERS

DEFAULT_LANGUAGE = "en"
_HAN_CHARS_PER_WORD = 1.7
_HANGUL_CHARS_PER_WORD = 3.0
_LATIN_WEIGHT_BESIDE_CJK = 0.5


@dataclass(frozen=True, slots=True)
class ScriptCounts:
    hangul_words: float
    han_words: float
    latin_words: int
    vietnamese_marked: int


_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
_HAN = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
_HANGUL_CHAR = re.compile(f"[{_HANGUL}]")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HANGUL_WORD = re.compile(f"[^\\W_]*[{_HANGUL}][^\\W_]*")
_LATIN_WORD = re.compile(r"(?<![^\W_])[A-Za-z\u00c0-\u024f\u1e00-\u1eff]{2,}(?![^\W_])")


def count_scripts(text: str) -> ScriptCounts:
    hangul_chars = len(_HANGUL_CHAR.findall(text))
    han_chars = len(_HAN_CHAR.findall(text))
    latin_words = _LATIN_WORD.findall(text)
    marked = sum(not VIETNAMESE_LETTERS.isdisjoint(word) for word in latin_words)
    return ScriptCounts(
        hangul_words=max(
            len(_HANGUL_WORD.findall(text)) if hangul_chars else 0,
            hangul_chars / _HANGUL_CHARS_PER_WORD,
        ),
        han_words=han_chars / _HAN_CHARS_PER_WORD,
        latin_words=len(latin_words),
        vietnamese_marked=marked,
    )


def identify_language(
    text: str,
    vietnamese_probability: Callable[[], float],
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """The message's language; `vietnamese_probability` decides Latin text without accents."""
    counts = count_scripts(text)
    cjk = max(counts.hangul_words, counts.han_words)
    if cjk > 0 and cjk >= _LATIN_WEIGHT_BESIDE_CJK * counts.latin_words:
        return "ko" if counts.hangul_words >= counts.han_words else "zh"
    if counts.latin_words == 0:
        return default
    if 2 * counts.vietnamese_marked >= counts.latin_words:
        return "vi"
    return "vi" if vietnamese_probability() >= 0.5 else "en"
