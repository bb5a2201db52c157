"""Which of en, zh, ko, vi a buyer message is written in.

The language is the one most of the words are in (SCENARIOS.md). Scripts settle most
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

from bot.nlp.normalize import VIETNAMESE_LETTERS, char_script

DEFAULT_LANGUAGE = "en"
_TOKEN = re.compile(r"[^\W_]+")
_HAN_CHARS_PER_WORD = 1.7
_HANGUL_CHARS_PER_WORD = 3.0
_LATIN_WEIGHT_BESIDE_CJK = 0.5


@dataclass(frozen=True, slots=True)
class ScriptCounts:
    hangul_words: float
    han_words: float
    latin_words: int
    vietnamese_marked: int


def count_scripts(text: str) -> ScriptCounts:
    hangul_tokens = hangul_chars = han_chars = latin = marked = 0
    for token in _TOKEN.findall(text):
        scripts = [char_script(ch) for ch in token]
        hangul = scripts.count("hangul")
        han = scripts.count("han")
        hangul_chars += hangul
        han_chars += han
        if hangul:
            hangul_tokens += 1
        elif not han and scripts.count("latin") >= max(2, len(token) // 2):
            latin += 1
            if any(ch in VIETNAMESE_LETTERS for ch in token):
                marked += 1
        elif not han and any(ch in VIETNAMESE_LETTERS for ch in token):
            latin += 1
            marked += 1
    return ScriptCounts(
        hangul_words=max(hangul_tokens, hangul_chars / _HANGUL_CHARS_PER_WORD),
        han_words=han_chars / _HAN_CHARS_PER_WORD,
        latin_words=latin,
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
