"""Fitting the classifier from labelled examples (scikit-learn; imported only to train).

Scenario confidences are calibrated by temperature scaling fitted on out-of-fold
predictions, and the dispute-risk threshold is the one that maximises F1 out of fold:
both are chosen from the training data alone, never from the dev set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.nlp.dataset import DatasetError, Example
from bot.nlp.features import FeatureBatch, FeatureSpace, extract, fit_space
from bot.nlp.lexicon import Lexicon
from bot.nlp.model import Model
from bot.nlp.training_config import TrainingConfig
from bot.scenarios import LANGUAGES, SCENARIOS

__all__ = ["Progress", "TrainingConfig", "step_count", "train"]

Progress = Callable[[str], None]
"""Told, as each step of training begins, what that step does (for a progress display)."""


def step_count(config: TrainingConfig) -> int:
    """How many times `train` calls its `progress`: features, a scenario model per fold,
    calibration, the scenario and language models, a dispute model per fold, the dispute
    model."""
    return 2 * config.folds + 5


def _ignore(step: str) -> None:
    pass


def _matrix(space: FeatureSpace, batch: FeatureBatch) -> csr_matrix:
    rows = space.vectorize(batch)
    return csr_matrix(
        (rows.values, (rows.rows, rows.columns)),
        shape=(rows.count, space.size),
        dtype=np.float32,
    )


def _columns(model: LogisticRegression, labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Weights and biases in the order of `labels` (scikit-learn sorts its classes)."""
    order = [list(model.classes_).index(label) for label in labels]
    return model.coef_[order].T, model.intercept_[order]


def _fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    def nll(temperature: float) -> float:
        z = logits / temperature
        z = z - z.max(axis=1, keepdims=True)
        log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_probs[np.arange(len(targets)), targets].mean())

    return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)


def _best_threshold(probabilities: np.ndarray, truth: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.2, 0.81, 0.025):
        predicted = probabilities >= threshold
        tp = float(np.sum(predicted & truth))
        denominator = float(np.sum(predicted) + np.sum(truth))
        f1 = 2 * tp / denominator if denominator else 0.0
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def _out_of_fold(
    model: LogisticRegression,
    x: csr_matrix,
    targets: np.ndarray,
    folds: StratifiedKFold,
    *,
    method: str,
    progress: Progress,
    name: str,
) -> np.ndarray:
    """What `sklearn.model_selection.cross_val_predict` computes, one reported fold at a time.

    Every fold's training part holds every class (`_require_coverage` asks for as many
    examples of each class as there are folds), so the folds' columns line up.
    """
    predictions: np.ndarray | None = None
    for number, (fit_rows, held_out) in enumerate(folds.split(x, targets), 1):
        progress(f"{name}, fold {number} of {folds.get_n_splits()}")
        fitted = clone(model).fit(x[fit_rows], targets[fit_rows])
        predicted = getattr(fitted, method)(x[held_out])
        if predictions is None:
            predictions = np.empty((len(targets), *predicted.shape[1:]), predicted.dtype)
        predictions[held_out] = predicted
    assert predictions is not None
    return predictions


def _require_coverage(examples: Sequence[Example], folds: int) -> None:
    missing = sorted(set(SCENARIOS) - {e.scenario for e in examples}) + sorted(
        set(LANGUAGES) - {e.language for e in examples}
    )
    if missing:
        raise DatasetError(f"the training data has no example of: {', '.join(missing)}")
    if len({e.dispute_risk for e in examples}) < 2:
        raise DatasetError("the training data needs messages with and without dispute risk")
    counts = Counter(e.scenario for e in examples) + Counter(
        "with dispute risk" if e.dispute_risk else "without dispute risk" for e in examples
    )
    scarce = sorted(label for label, count in counts.items() if count < folds)
    if scarce:
        raise DatasetError(
            f"the training data needs at least {folds} examples of: {', '.join(scarce)}"
        )


def train(
    examples: Sequence[Example],
    lexicon: Lexicon,
    key: str,
    config: TrainingConfig | None = None,
    progress: Progress | None = None,
) -> Model:
    """The fitted model; `progress` hears of each of the `step_count(config)` steps."""
    config = config or TrainingConfig()
    progress = progress or _ignore
    _require_coverage(examples, config.folds)
    progress("extracting features")
    batch = extract([example.text for example in examples], lexicon)
    space = fit_space(batch, config.group_weight, config.min_df)
    x = _matrix(space, batch)
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)

    scenario_targets = np.array([SCENARIOS.index(e.scenario) for e in examples])
    scenario_model = LogisticRegression(C=config.scenario_c, max_iter=3000)
    out_of_fold = _out_of_fold(
        scenario_model,
        x,
        scenario_targets,
        folds,
        method="decision_function",
        progress=progress,
        name="scenarios",
    )
    progress("calibrating confidences")
    temperature = _fit_temperature(out_of_fold, scenario_targets)
    progress("fitting the scenario model")
    scenario_model.fit(x, scenario_targets)

    progress("fitting the language model")
    languages = np.array([e.language for e in examples])
    language_model = LogisticRegression(C=config.language_c, max_iter=3000).fit(x, languages)

    disputes = np.array([e.dispute_risk for e in examples])
    dispute_model = LogisticRegression(C=config.dispute_c, max_iter=3000, class_weight="balanced")
    dispute_oof = _out_of_fold(
        dispute_model,
        x,
        disputes,
        folds,
        method="predict_proba",
        progress=progress,
        name="dispute risk",
    )[:, 1]
    progress("fitting the dispute model")
    dispute_model.fit(x, disputes)

    scenario_coef, scenario_bias = _columns(scenario_model, range(len(SCENARIOS)))
    language_coef, language_bias = _columns(language_model, LANGUAGES)
    coef = np.hstack([scenario_coef, language_coef, dispute_model.coef_.T]).astype(np.float32)
    intercept = np.concatenate([scenario_bias, language_bias, dispute_model.intercept_])
    return Model(
        space=space,
        scenarios=SCENARIOS,
        languages=LANGUAGES,
        coef=np.ascontiguousarray(coef),
        intercept=intercept.astype(np.float32),
        temperature=temperature,
        dispute_threshold=_best_threshold(dispute_oof, disputes),
        key=key,
    )
