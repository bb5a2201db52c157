"""Per-language keyword lexicons, grouped into language-independent concepts.

A concept ("broken", "late", "refund", "dispute", ...) fires whatever language or spelling
the buyer used, so the classifier can learn "broken -> damaged_item" once and apply it to a
word it saw only in the lexicon. Terms live in `bot/data/lexicon/<lang>.json`; they are
matched against the normalised, unaccented text, so Vietnamese terms cover both the
accented and the unaccented spelling.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from bot.nlp.normalize import normalize, strip_accents
from bot.scenarios import LANGUAGES

_LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MAX_PHRASE_WORDS = 4


def lexicon_sources() -> Iterator[tuple[str, bytes]]:
    """(name, raw bytes) of every lexicon file: the model's cache key includes them."""
    folder = resources.files("bot") / "data" / "lexicon"
    for language in LANGUAGES:
        yield f"lexicon/{language}.json", (folder / f"{language}.json").read_bytes()


def _prepare(term: str) -> str:
    return strip_accents(normalize(term))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Concept matcher: Latin phrases by word n-gram look-up, other terms by substring."""

    phrases: dict[str, frozenset[str]]
    substrings: tuple[tuple[str, str], ...]

    @classmethod
    def from_terms(cls, terms: Iterable[tuple[str, str]]) -> Lexicon:
        phrases: dict[str, set[str]] = {}
        substrings: set[tuple[str, str]] = set()
        for concept, raw in terms:
            term = _prepare(raw)
            if not term:
                continue
            words = _LATIN_WORD.findall(term)
            if " ".join(words) == term and len(words) <= _MAX_PHRASE_WORDS:
                phrases.setdefault(term, set()).add(concept)
            else:
                substrings.add((term, concept))
                if " " in term:
                    substrings.add((term.replace(" ", ""), concept))
        return cls(
            phrases={key: frozenset(value) for key, value in phrases.items()},
            substrings=tuple(sorted(substrings)),
        )

    @classmethod
    def load(cls) -> Lexicon:
        terms: list[tuple[str, str]] = []
        for _, raw in lexicon_sources():
            for concept, words in json.loads(raw).items():
                terms.extend((concept, word) for word in words)
        return cls.from_terms(terms)

    def concepts(self, plain: str) -> dict[str, int]:
        """Concept -> number of distinct terms found in `plain` (normalised, unaccented)."""
        found: dict[str, set[str]] = {}
        words = _LATIN_WORD.findall(plain)
        for size in range(1, _MAX_PHRASE_WORDS + 1):
            for start in range(len(words) - size + 1):
                phrase = " ".join(words[start : start + size])
                for concept in self.phrases.get(phrase, ()):
                    found.setdefault(concept, set()).add(phrase)
        ascii_only = plain.isascii()
        for term, concept in self.substrings:
            if (not ascii_only or term.isascii()) and term in plain:
                found.setdefault(concept, set()).add(term)
        return {concept: len(terms) for concept, terms in found.items()}
