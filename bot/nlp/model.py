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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.nlp.features import FeatureSpace

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Scores:
    scenario: FloatArray
    language: FloatArray
    dispute: float


def _softmax(z: FloatArray) -> FloatArray:
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


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

    def scores(self, features: Counter[str]) -> Scores:
        ids, values = self.space.vectorize(features)
        logits = values @ self.coef[ids] + self.intercept
        n_scenarios, n_languages = len(self.scenarios), len(self.languages)
        scenario = _softmax(logits[:n_scenarios] / self.temperature)
        language = _softmax(logits[n_scenarios : n_scenarios + n_languages])
        dispute = float(1.0 / (1.0 + np.exp(-logits[-1])))
        return Scores(scenario=scenario, language=language, dispute=dispute)

    def save(self, path: Path) -> None:
        """Write atomically, so a reader never sees half a model."""
        names = sorted(self.space.index, key=self.space.index.__getitem__)
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
                np.savez(
                    handle,
                    vocabulary=np.array("\n".join(names)),
                    idf=self.space.idf,
                    group=self.space.group,
                    group_weight=self.space.group_weight,
                    coef=self.coef,
                    intercept=self.intercept,
                    meta=np.array(json.dumps(meta)),
                )
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Model:
        with np.load(path, allow_pickle=False) as data:
            names = str(data["vocabulary"].item()).split("\n")
            meta = json.loads(str(data["meta"].item()))
            space = FeatureSpace(
                index={name: column for column, name in enumerate(names)},
                idf=data["idf"],
                group=data["group"],
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
