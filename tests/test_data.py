"""The shipped training set and the held-out dev set are what the issue promises."""

import json
from collections import Counter
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.nlp.dataset import DatasetError, load_examples, parse_example, training_sources
from bot.nlp.normalize import normalize, strip_accents
from bot.scenarios import LANGUAGES, SCENARIOS

DEVSET = Path(__file__).parent.parent / "bench" / "devset"
NEAR_DUPLICATE = 0.85


@pytest.fixture(scope="module")
def training():
    return load_examples(training_sources())


@pytest.fixture(scope="module")
def devset():
    records = []
    for path in sorted(DEVSET.glob("*.jsonl")):
        records += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    return records


def test_training_set_covers_every_scenario_in_every_language(training):
    counts = Counter((e.language, e.scenario) for e in training)
    assert min(counts[(lang, s)] for lang in LANGUAGES for s in SCENARIOS) >= 150
    assert len(training) >= 7200
    assert 0.1 < sum(e.dispute_risk for e in training) / len(training) < 0.3


def test_training_set_has_several_writers_per_language():
    names = [name for name, _ in training_sources()]
    for language in LANGUAGES:
        assert sum(name.startswith(f"train/{language}_") for name in names) >= 2


def test_devset_covers_every_scenario_in_every_language(devset):
    counts = Counter((r["language"], r["scenario"]) for r in devset)
    assert min(counts[(lang, s)] for lang in LANGUAGES for s in SCENARIOS) >= 25
    assert len({r["id"] for r in devset}) == len(devset)
    for record in devset:
        parse_example(json.dumps(record), record["id"])
        assert set(record["entities"]) == {"order_ids", "tracking_numbers", "amounts"}


def test_devset_has_no_near_duplicate_of_a_training_line(training, devset):
    def key(text: str) -> str:
        return strip_accents(normalize(text))

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=1)
    train_matrix = vectorizer.fit_transform([key(e.text) for e in training])
    dev_matrix = vectorizer.transform([key(r["text"]) for r in devset])
    similarity = (dev_matrix @ train_matrix.T).max(axis=1).toarray().ravel()
    close = [devset[i]["id"] for i in range(len(devset)) if similarity[i] >= NEAR_DUPLICATE]
    assert close == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{", "not a labelled example"),
        (
            '{"text": "hi", "language": "fr", "scenario": "other", "dispute_risk": false}',
            "language",
        ),
        (
            '{"text": "hi", "language": "en", "scenario": "refund", "dispute_risk": false}',
            "scenario",
        ),
        ('{"text": " ", "language": "en", "scenario": "other", "dispute_risk": false}', "empty"),
        ('{"text": "hi", "language": "en", "scenario": "other", "dispute_risk": "no"}', "dispute"),
    ],
)
def test_malformed_examples_are_named(line, message):
    with pytest.raises(DatasetError, match=message):
        parse_example(line, "train/x.jsonl:3")
