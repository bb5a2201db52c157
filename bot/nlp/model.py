"""The fitted classifier, as plain arrays: prediction needs NumPy only.

Three linear heads share one feature space and one weight matrix: the 12 buyer scenarios
(softmax with a fitted temperature, so confidences are calibrated), the language of Latin
text (English vs Vietnamese when diacritics are missing), and dispute risk (logistic).
Training lives in `bot.nlp.training`; scikit-learn is imported only there, which keeps
start-up fast once the model is cached.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.nlp.features import FeatureBatch, FeatureSpace

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Scores:
    """Per message (row): scenario and language probabilities, dispute probability."""

    scenario: FloatArray
    language: FloatArray
    dispute: FloatArray


def _softmax(z: FloatArray) -> FloatArray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _names(array: np.ndarray, start: int) -> dict[str, int]:
    text = str(array.item())
    names = text.split("\n") if text else []
    return dict(zip(names, range(start, start + len(names)), strict=True))


@dataclass(frozen=True, slots=True)
class Model:
    space: FeatureSpace
    scenarios: tuple[str, ...]
    languages: tuple[str, ...]
    coef: FloatArray
    """Columns: scenarios, then languages, then the dispute logit."""
    intercept: FloatArray
    temperature: float
    dispute_threshold: float
    key: str

    def scores(self, batch: FeatureBatch) -> Scores:
        rows = self.space.vectorize(batch)
        logits = np.tile(self.intercept, (rows.count, 1))
        if len(rows.columns):
            contributions = rows.values[:, None] * self.coef[rows.columns]
            present = np.bincount(rows.rows, minlength=rows.count) > 0
            starts = np.searchsorted(rows.rows, np.flatnonzero(present))
            logits[present] += np.add.reduceat(contributions, starts)
        n_scenarios, n_languages = len(self.scenarios), len(self.languages)
        return Scores(
            scenario=_softmax(logits[:, :n_scenarios] / self.temperature),
            language=_softmax(logits[:, n_scenarios : n_scenarios + n_languages]),
            dispute=1.0 / (1.0 + np.exp(-logits[:, -1])),
        )

    def save(self, path: Path) -> None:
        """Write atomically, so a reader never sees half a model.

        The arrays go to a temporary file in the same folder (through an open handle, so
        NumPy adds no `.npz` to its name), which replaces `path` once complete and on disk.
        """
        meta = {
            "scenarios": self.scenarios,
            "languages": self.languages,
            "temperature": self.temperature,
            "dispute_threshold": self.dispute_threshold,
            "key": self.key,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".model-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                space = self.space
                np.savez(
                    handle,
                    char_keys=space.char_keys,
                    words=np.array("\n".join(sorted(space.words, key=space.words.__getitem__))),
                    cues=np.array("\n".join(sorted(space.cues, key=space.cues.__getitem__))),
                    idf=self.space.idf,
                    group_weight=self.space.group_weight,
                    coef=self.coef,
                    intercept=self.intercept,
                    meta=np.array(json.dumps(meta)),
                )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Model:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"].item()))
            char_keys = data["char_keys"]
            words = _names(data["words"], start=len(char_keys))
            space = FeatureSpace(
                char_keys=char_keys,
                words=words,
                cues=_names(data["cues"], start=len(char_keys) + len(words)),
                idf=data["idf"],
                group_weight=data["group_weight"],
            )
            return cls(
                space=space,
                scenarios=tuple(meta["scenarios"]),
                languages=tuple(meta["languages"]),
                coef=data["coef"],
                intercept=data["intercept"],
                temperature=float(meta["temperature"]),
                dispute_threshold=float(meta["dispute_threshold"]),
                key=str(meta["key"]),
            )
