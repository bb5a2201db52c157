"""Quality on the held-out dev set (bench/devset/*.jsonl), which the model never trains on.

Prints, per language and overall: scenario macro-F1 and accuracy, language-id accuracy,
dispute-risk F1, entity F1 (micro, over order ids, tracking numbers and amounts), the
expected calibration error of the confidence, and the scenario confusion matrix.

    python bench/quality.py [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

from bot.core import default_analyzer
from bot.scenarios import LANGUAGES, SCENARIOS

DEVSET = Path(__file__).parent / "devset"
TARGETS = {"macro_f1": 0.93, "macro_f1_per_language": 0.90, "language": 0.99,
           "dispute_f1": 0.85, "entity_f1": 0.95}  # fmt: skip


def load_devset() -> list[dict]:
    records = []
    for path in sorted(DEVSET.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def entity_items(entities: dict) -> Counter:
    items: Counter = Counter()
    items.update(("order", value.upper()) for value in entities.get("order_ids", []))
    items.update(("tracking", value.upper()) for value in entities.get("tracking_numbers", []))
    items.update(
        ("amount", Decimal(a["value"]).normalize(), a["currency"])
        for a in entities.get("amounts", [])
    )
    return items


def binary_f1(truth: list[bool], predicted: list[bool]) -> float:
    return float(f1_score(truth, predicted, zero_division=0.0))


def calibration_error(confidences: list[float], correct: list[bool], bins: int = 10) -> float:
    conf, hit = np.asarray(confidences), np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in pairwise(edges):
        mask = (conf > low) & (conf <= high)
        if mask.any():
            error += mask.mean() * abs(conf[mask].mean() - hit[mask].mean())
    return error


def evaluate(records: list[dict], show_errors: bool) -> dict[str, float]:
    analyzer = default_analyzer()
    rows = []
    for record in records:
        analysis = analyzer.analyse(record["text"])
        rows.append((record, analysis.to_json()))
        if show_errors and analysis.scenario != record["scenario"]:
            print(f"  {record['id']}: {record['scenario']} -> {analysis.scenario} "
                  f"({analysis.confidence:.2f}) {record['text'][:110]!r}")  # fmt: skip

    def report(name: str, subset: list) -> dict[str, float]:
        truth = [r["scenario"] for r, _ in subset]
        predicted = [p["scenario"] for _, p in subset]
        tp = fp = fn = 0
        for record, prediction in subset:
            gold, found = entity_items(record["entities"]), entity_items(prediction["entities"])
            overlap = sum((gold & found).values())
            tp, fp, fn = (
                tp + overlap,
                fp + sum(found.values()) - overlap,
                fn + sum(gold.values()) - overlap,
            )
        correct = [a == b for a, b in zip(truth, predicted, strict=True)]
        figures = {
            "n": len(subset),
            "macro_f1": float(
                f1_score(
                    truth, predicted, labels=list(SCENARIOS), average="macro", zero_division=0.0
                )
            ),
            "accuracy": float(np.mean(correct)),
            "language": float(np.mean([r["language"] == p["language"] for r, p in subset])),
            "dispute_f1": binary_f1(
                [r["dispute_risk"] for r, _ in subset], [p["dispute_risk"] for _, p in subset]
            ),
            "entity_f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
            "ece": calibration_error([p["confidence"] for _, p in subset], correct),
        }
        print(f"{name:<8} n={figures['n']:<5} scenario macro-F1 {figures['macro_f1']:.3f}  "
              f"accuracy {figures['accuracy']:.3f}  language {figures['language']:.3f}  "
              f"dispute F1 {figures['dispute_f1']:.3f}  entity F1 {figures['entity_f1']:.3f}  "
              f"ECE {figures['ece']:.3f}")  # fmt: skip
        return figures

    per_language = {}
    for language in LANGUAGES:
        subset = [row for row in rows if row[0]["language"] == language]
        if subset:
            per_language[language] = report(language, subset)
    overall = report("overall", rows)

    truth = [r["scenario"] for r, _ in rows]
    predicted = [p["scenario"] for _, p in rows]
    matrix = confusion_matrix(truth, predicted, labels=list(SCENARIOS))
    short = [s[:6] for s in SCENARIOS]
    print("\nconfusion matrix (rows: truth, columns: predicted)")
    print(" " * 22 + " ".join(f"{s:>6}" for s in short))
    for scenario, row in zip(SCENARIOS, matrix, strict=True):
        print(f"{scenario:<22}" + " ".join(f"{v:>6}" for v in row))

    worst_language = min(f["macro_f1"] for f in per_language.values())
    checks = [
        ("scenario macro-F1 overall", overall["macro_f1"], TARGETS["macro_f1"]),
        ("scenario macro-F1, worst language", worst_language, TARGETS["macro_f1_per_language"]),
        ("language-id accuracy", overall["language"], TARGETS["language"]),
        ("dispute-risk F1", overall["dispute_f1"], TARGETS["dispute_f1"]),
        ("entity F1", overall["entity_f1"], TARGETS["entity_f1"]),
    ]
    print("\ntargets")
    for label, value, target in checks:
        verdict = "ok" if value >= target else "MISSED"
        print(f"  {label:<36} {value:.3f}  (target >= {target:.2f})  {verdict}")
    return overall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misclassified messages")
    args = parser.parse_args()
    records = load_devset()
    if not records:
        print(f"no dev set found in {DEVSET}", file=sys.stderr)
        return 1
    evaluate(records, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
