"""Turning a message into named features, and named features into a weighted vector.

Features come in groups that are weighted and L2-normalised separately, so that a
handful of lexicon concepts is not drowned by hundreds of character n-grams:

- `c` character 1-4-grams of the unaccented text (robust to typos and missing accents);
- `w` words and word bigrams, plus accented words where they differ (Vietnamese tones);
- `x` lexicon concepts and message shape (shouting, "!!!", very short).

The same code serves training (in `bot.nlp.training`) and prediction, so both see
exactly the same features.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from bot.nlp.lexicon import Lexicon
from bot.nlp.normalize import clean, normalize, strip_accents

FEATURE_VERSION = 1
GROUPS = ("c", "w", "x")

_LONG_NUMBER = re.compile(r"\d{4,}")
_WORD = re.compile(r"\w+")
_UPPER_WORD = re.compile(r"\b[A-Z]{3,}\b")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]")
_CHAR_ORDERS = (1, 2, 3, 4)
_MAX_CHARS = 2000


def _shape(raw: str, words: list[str]) -> list[str]:
    shape = []
    if "!!" in raw or "!!" in raw.replace("！", "!"):
        shape.append("s:bang")
    if "??" in raw.replace("？", "?"):
        shape.append("s:ask")
    if len(_UPPER_WORD.findall(raw)) >= 2:
        shape.append("s:caps")
    if (len(words) <= 2 and not _CJK_RUN.search(raw)) or len(raw) <= 6:
        shape.append("s:tiny")
    return shape


def extract(text: str, lexicon: Lexicon) -> Counter[str]:
    """Named features of one message; the group is the part before the first colon."""
    raw = clean(text)[:_MAX_CHARS]
    accented = _LONG_NUMBER.sub("§", normalize(raw))
    plain = strip_accents(accented)
    features: Counter[str] = Counter()

    padded = f" {plain} "
    for order in _CHAR_ORDERS:
        features.update("c:" + padded[i : i + order] for i in range(len(padded) - order + 1))

    words = _WORD.findall(plain)
    features.update("w:" + word for word in words)
    features.update(f"w:{a}_{b}" for a, b in pairwise(words))
    if accented != plain:
        features.update("w:" + word for word in _WORD.findall(accented) if not word.isascii())

    for concept, hits in lexicon.concepts(plain).items():
        features["x:" + concept] = hits
    features.update(_shape(raw, words))
    return features


@dataclass(frozen=True, slots=True)
class FeatureSpace:
    """A fitted vocabulary: feature name -> column, with its idf and group."""

    index: dict[str, int]
    idf: npt.NDArray[np.float32]
    group: npt.NDArray[np.int8]
    group_weight: npt.NDArray[np.float32]

    @property
    def size(self) -> int:
        return len(self.index)

    def vectorize(
        self, features: Counter[str]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Sparse (columns, values): sublinear tf-idf, L2-normalised per group, then weighted."""
        index = self.index
        columns: list[int] = []
        counts: list[float] = []
        for name, count in features.items():
            column = index.get(name)
            if column is not None:
                columns.append(column)
                counts.append(count)
        ids = np.fromiter(columns, dtype=np.intp, count=len(columns))
        if not columns:
            return ids, np.zeros(0, dtype=np.float32)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * self.idf[ids]
        groups = self.group[ids]
        norms = np.sqrt(np.bincount(groups, weights=values * values, minlength=len(GROUPS)))
        scale = np.divide(self.group_weight, norms, out=np.zeros_like(norms), where=norms > 0)
        return ids, (values * scale[groups]).astype(np.float32)


def fit_space(
    documents: list[Counter[str]], group_weight: tuple[float, ...], min_df: int = 2
) -> FeatureSpace:
    """Vocabulary of features seen in at least `min_df` documents (lexicon features always)."""
    df: Counter[str] = Counter()
    for features in documents:
        df.update(features.keys())
    names = sorted(
        name for name, count in df.items() if count >= min_df or name.startswith(("x:", "s:"))
    )
    total = len(documents)
    idf = np.array(
        [math.log((1 + total) / (1 + df[name])) + 1.0 for name in names], dtype=np.float32
    )
    group = np.array([group_of(name) for name in names], dtype=np.int8)
    return FeatureSpace(
        index={name: column for column, name in enumerate(names)},
        idf=idf,
        group=group,
        group_weight=np.asarray(group_weight, dtype=np.float32),
    )


def group_of(name: str) -> int:
    prefix = name[0]
    return 2 if prefix == "s" else GROUPS.index(prefix)
