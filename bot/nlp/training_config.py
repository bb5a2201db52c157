"""The classifier's training settings, apart from the training code so that the model cache
can read them (they are part of its key) without importing scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    group_weight: tuple[float, float, float] = (1.0, 1.0, 0.6)
    min_df: int = 2
    scenario_c: float = 40.0
    language_c: float = 10.0
    dispute_c: float = 10.0
    folds: int = 3
    seed: int = 13
