"""Turning a message into features, and features into a weighted sparse vector.

Features come in three groups that are weighted and L2-normalised separately, so that a
handful of lexicon concepts is not drowned by hundreds of character n-grams:

- characters: 1-4-grams of the unaccented text (robust to typos and missing accents),
  kept as 64-bit rolling hashes computed with NumPy, so the hundreds of n-grams of a
  message are never built as strings;
- words: words and word bigrams, plus accented words where they differ (Vietnamese tones);
- cues: lexicon concepts and the message's shape (shouting, "!!!", very short).

The same `extract` serves training (in `bot.nlp.training`) and prediction, so both see
exactly the same features.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from bot.nlp.lexicon import Lexicon
from bot.nlp.normalize import clean, fold, strip_accents

GROUPS = ("characters", "words", "cues")

_LONG_NUMBER = re.compile(r"\d{4,}")
_WORD = re.compile(r"\w+")
_UPPER_WORD = re.compile(r"\b[A-Z]{3,}\b")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]")
_CHAR_ORDERS = (1, 2, 3, 4)
_MAX_CHARS = 2000

_BASE = np.uint64(0x110003)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SEPARATOR = 0

HashArray = npt.NDArray[np.uint64]
IndexArray = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class FeatureBatch:
    """The features of several messages: character n-gram hashes of all of them in one array
    (with the message each belongs to), and words and cues per message."""

    count: int
    char_hashes: HashArray
    char_rows: IndexArray
    words: list[list[str]]
    cues: list[list[str]]

    def row_slices(self) -> list[slice]:
        bounds = np.searchsorted(self.char_rows, np.arange(self.count + 1)).tolist()
        return [slice(a, b) for a, b in pairwise(bounds)]


def char_ngram_hashes(texts: Sequence[str]) -> tuple[HashArray, IndexArray]:
    """Hashes of the character n-grams of every text, and the text each one comes from.

    The texts are hashed together in one pass (joined by a separator no n-gram may span),
    which costs a few NumPy calls per batch instead of per message.
    """
    if not texts:
        return np.zeros(0, np.uint64), np.zeros(0, np.intp)
    joined = "\0".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    separators = np.cumsum(codes == _SEPARATOR)
    hashes, rows = [], []
    rolling = np.zeros(len(codes), dtype=np.uint64)
    for order in range(1, max(_CHAR_ORDERS) + 1):
        rolling = rolling[: len(codes) - order + 1] * _BASE + codes[order - 1 :]
        if order in _CHAR_ORDERS:
            first = separators[: len(rolling)] - (codes[: len(rolling)] == _SEPARATOR)
            clean_window = separators[order - 1 :] == first
            hashes.append(rolling[clean_window] * _MIX + np.uint64(order))
            rows.append(first[clean_window])
    row = np.concatenate(rows).astype(np.intp)
    order = np.argsort(row, kind="stable")
    return np.concatenate(hashes)[order], row[order]


def _shape(raw: str, words: list[str]) -> list[str]:
    shape = []
    if "!!" in raw:
        shape.append("shape:bang")
    if "??" in raw:
        shape.append("shape:ask")
    if len(_UPPER_WORD.findall(raw)) >= 2:
        shape.append("shape:caps")
    if (len(words) <= 2 and not _CJK.search(raw)) or len(raw) <= 6:
        shape.append("shape:tiny")
    return shape


def extract(texts: Sequence[str], lexicon: Lexicon) -> FeatureBatch:
    """The features of each message; repeated features count."""
    padded: list[str] = []
    all_words: list[list[str]] = []
    all_cues: list[list[str]] = []
    for text in texts:
        raw = clean(text)[:_MAX_CHARS].replace("\0", " ")
        accented = _LONG_NUMBER.sub("§", fold(raw))
        plain = strip_accents(accented)
        padded.append(f" {plain} ")

        words = _WORD.findall(plain)
        word_features = words + [f"{a} {b}" for a, b in pairwise(words)]
        if accented != plain:
            word_features += [word for word in _WORD.findall(accented) if not word.isascii()]
        all_words.append(word_features)

        cues = [
            f"lex:{concept}"
            for concept, hits in lexicon.concepts(plain).items()
            for _ in range(hits)
        ]
        all_cues.append(cues + _shape(raw, words))
    char_hashes, char_rows = char_ngram_hashes(padded)
    return FeatureBatch(len(padded), char_hashes, char_rows, all_words, all_cues)


@dataclass(frozen=True, slots=True)
class FeatureSpace:
    """A fitted vocabulary per group, with one column per feature and its idf.

    Columns are laid out group after group: first the character n-gram hashes (sorted,
    column = position), then words, then cues.
    """

    char_keys: HashArray
    words: dict[str, int]
    cues: dict[str, int]
    idf: npt.NDArray[np.float32]
    group_weight: npt.NDArray[np.float32]

    @property
    def size(self) -> int:
        return len(self.idf)

    @property
    def boundaries(self) -> IndexArray:
        first_word = len(self.char_keys)
        return np.array([first_word, first_word + len(self.words)], dtype=np.intp)

    def _char_columns(self, hashes: HashArray) -> tuple[npt.NDArray[np.bool_], IndexArray]:
        """Which hashes are in the vocabulary, and the columns of those that are."""
        keys = self.char_keys
        if not len(keys):
            return np.zeros(len(hashes), dtype=bool), np.zeros(0, dtype=np.intp)
        positions = np.searchsorted(keys, hashes)
        positions[positions == len(keys)] = 0
        known = keys[positions] == hashes
        return known, positions[known]

    def vectorize(self, batch: FeatureBatch) -> SparseRows:
        """Sublinear tf-idf, L2-normalised per group and weighted, for a batch of messages."""
        known, char_columns = self._char_columns(batch.char_hashes)
        rows, columns = [batch.char_rows[known]], [char_columns]
        for row, (words, cues) in enumerate(zip(batch.words, batch.cues, strict=True)):
            found = [c for c in map(self.words.get, words) if c is not None]
            found += [c for c in map(self.cues.get, cues) if c is not None]
            rows.append(np.full(len(found), row, dtype=np.intp))
            columns.append(np.asarray(found, dtype=np.intp))
        size = max(self.size, 1)
        keys, counts = np.unique(
            np.concatenate(rows) * size + np.concatenate(columns), return_counts=True
        )
        row_of, column_of = np.divmod(keys, size)
        values = (1.0 + np.log(counts.astype(np.float32))) * self.idf[column_of]
        cell = row_of * len(GROUPS) + np.searchsorted(self.boundaries, column_of, side="right")
        cells = batch.count * len(GROUPS)
        norms = np.sqrt(np.bincount(cell, weights=values * values, minlength=cells))
        weights = np.tile(self.group_weight, batch.count)
        scale = np.divide(weights, norms, out=np.zeros_like(norms), where=norms > 0)
        return SparseRows(batch.count, row_of, column_of, (values * scale[cell]).astype(np.float32))


@dataclass(frozen=True, slots=True)
class SparseRows:
    """Messages as a sparse matrix in coordinate form, sorted by row then column."""

    count: int
    rows: IndexArray
    columns: IndexArray
    values: npt.NDArray[np.float32]


def fit_space(batch: FeatureBatch, group_weight: Sequence[float], min_df: int = 2) -> FeatureSpace:
    """Vocabulary of features seen in at least `min_df` messages (cues always kept)."""
    total = batch.count

    def idf(df: npt.ArrayLike) -> npt.NDArray[np.float32]:
        return (np.log((1 + total) / (1 + np.asarray(df, dtype=np.float64))) + 1.0).astype(
            np.float32
        )

    per_message = [np.unique(batch.char_hashes[rows]) for rows in batch.row_slices()]
    char_keys, char_df = np.unique(np.concatenate(per_message), return_counts=True)
    frequent = char_df >= min_df
    char_keys, char_df = char_keys[frequent], char_df[frequent]

    indexes: list[dict[str, int]] = []
    dfs: list[int] = []
    for documents, keep in ((batch.words, min_df), (batch.cues, 1)):
        df: Counter[str] = Counter()
        for features in documents:
            df.update(set(features))
        names = sorted(name for name, count in df.items() if count >= keep)
        start = len(char_keys) + len(dfs)
        indexes.append({name: start + offset for offset, name in enumerate(names)})
        dfs += [df[name] for name in names]
    return FeatureSpace(
        char_keys=char_keys,
        words=indexes[0],
        cues=indexes[1],
        idf=np.concatenate([idf(char_df), idf(dfs)]),
        group_weight=np.asarray(group_weight, dtype=np.float32),
    )
