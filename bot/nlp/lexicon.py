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


def _trie_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds, at every position, the longest term starting there.

    The alternation is laid out as a trie (shared prefixes written once) behind a test of
    the first character, so most positions are rejected at once; the lookahead lets
    matches overlap.
    """
    trie: dict[str, dict] = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    if not trie:
        return re.compile(r"(?!x)x")
    first = "".join(re.escape(ch) for ch in sorted(trie))
    return re.compile(f"(?=[{first}])(?=({build(trie)}))")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Concept matcher over the normalised, unaccented text of a message.

    Latin phrases match whole words only (they are looked for in the message's words
    joined by single spaces, each term padded with spaces); other terms (Chinese, Korean,
    terms with punctuation) match anywhere. Every term that is a prefix of a match counts
    too, so "refund" still fires inside "refund the difference".
    """

    phrase_pattern: re.Pattern[str]
    substring_pattern: re.Pattern[str]
    concepts_of: dict[str, frozenset[str]]
    """Matched term -> the concepts of it and of every term that is a prefix of it."""

    @classmethod
    def from_terms(cls, terms: Iterable[tuple[str, str]]) -> Lexicon:
        own: dict[str, set[str]] = {}
        phrases: set[str] = set()
        substrings: set[str] = set()
        for concept, raw in terms:
            term = _prepare(raw)
            if not term:
                continue
            words = _LATIN_WORD.findall(term)
            if " ".join(words) == term and len(words) <= _MAX_PHRASE_WORDS:
                keys = [f" {term} "]
                phrases.update(keys)
            else:
                keys = [term, term.replace(" ", "")] if " " in term else [term]
                substrings.update(keys)
            for key in keys:
                own.setdefault(key, set()).add(concept)
        concepts_of = {}
        for term in own:
            inherited: set[str] = set()
            for end in range(1, len(term) + 1):
                inherited |= own.get(term[:end], set())
            concepts_of[term] = frozenset(inherited)
        return cls(_trie_pattern(phrases), _trie_pattern(substrings), concepts_of)

    @classmethod
    def load(cls) -> Lexicon:
        terms: list[tuple[str, str]] = []
        for _, raw in lexicon_sources():
            for concept, words in json.loads(raw).items():
                terms.extend((concept, word) for word in words)
        return cls.from_terms(terms)

    def concepts(self, plain: str) -> dict[str, int]:
        """Concept -> number of distinct terms found in `plain` (normalised, unaccented)."""
        matched = set(self.substring_pattern.findall(plain))
        words = _LATIN_WORD.findall(plain)
        if words:
            matched.update(self.phrase_pattern.findall(f" {' '.join(words)} "))
        found: dict[str, int] = {}
        for term in matched:
            for concept in self.concepts_of[term]:
                found[concept] = found.get(concept, 0) + 1
        return found
