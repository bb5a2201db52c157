"""The model is trained on first use, cached, reused, and retrained when its inputs change."""

import json
import logging
import os
from collections import Counter

import numpy as np
import pytest

from bot.nlp import cache
from bot.nlp.dataset import Example, training_sources
from bot.nlp.features import extract
from bot.nlp.lexicon import Lexicon
from bot.nlp.model import Model


def small_sources(per_class: int = 6) -> list[tuple[str, bytes]]:
    """A few examples of every scenario from each packaged file: enough to train in a second."""
    sources = []
    for name, raw in training_sources():
        seen: Counter[str] = Counter()
        kept = []
        for line in raw.decode().splitlines():
            scenario = json.loads(line)["scenario"]
            if seen[scenario] < per_class:
                seen[scenario] += 1
                kept.append(line)
        sources.append((name, "\n".join(kept).encode()))
    return sources


@pytest.fixture
def small_cache(tmp_path, monkeypatch):
    sources = small_sources()
    monkeypatch.setattr(cache, "training_sources", lambda: sources)
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "models"))
    return tmp_path / "models"


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon.load()


def forbid_training(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the cached model should have been used")

    monkeypatch.setattr("bot.nlp.training.train", fail)


def test_first_use_trains_and_caches_then_reuses(small_cache, lexicon, monkeypatch):
    model = cache.load_or_train(lexicon)
    files = list(small_cache.glob("model-*.npz"))
    assert [f.name for f in files] == [f"model-{model.key}.npz"]

    forbid_training(monkeypatch)
    again = cache.load_or_train(lexicon)
    features = extract(["the parcel never arrived", "hàng bị vỡ"], lexicon)
    assert np.allclose(again.scores(features).scenario, model.scores(features).scenario)
    assert again.dispute_threshold == model.dispute_threshold


def test_key_changes_with_data_extra_examples_and_library_version(small_cache, monkeypatch):
    base = cache.model_key()
    correction = Example("hop banh thieu 2 cai", "vi", "wrong_or_missing_item", False)
    assert cache.model_key([correction]) != base

    sources = small_sources(per_class=5)
    monkeypatch.setattr(cache, "training_sources", lambda: sources)
    assert cache.model_key() != base

    real_version = cache.metadata.version
    monkeypatch.setattr(
        cache.metadata,
        "version",
        lambda name: "0.0.1" if name == "scikit-learn" else real_version(name),
    )
    assert cache.model_key() not in {base, cache.model_key([correction])}


def test_extra_examples_are_learned(small_cache, lexicon):
    text = "cai quat nay chay ro ro nhu may cay"
    correction = Example(text, "vi", "damaged_item", False)
    extra = [correction] * 8
    model = cache.load_or_train(lexicon, extra)
    scores = model.scores(extract([text], lexicon)).scenario[0]
    assert model.scenarios[int(np.argmax(scores))] == "damaged_item"


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_unreadable_cached_model_is_replaced(small_cache, lexicon, caplog, damage):
    model = cache.load_or_train(lexicon)
    path = small_cache / f"model-{model.key}.npz"
    whole = path.read_bytes()
    path.write_bytes(b"not a model" if damage == "garbage" else whole[: len(whole) // 2])
    with caplog.at_level(logging.WARNING):
        rebuilt = cache.load_or_train(lexicon)
    assert "unreadable cached model" in caplog.text
    assert Model.load(path).key == rebuilt.key


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_cache_still_gives_a_model(tmp_path, monkeypatch, lexicon, caplog):
    sources = small_sources()
    monkeypatch.setattr(cache, "training_sources", lambda: sources)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setenv(cache.CACHE_ENV, str(locked))
    with caplog.at_level(logging.WARNING):
        model = cache.load_or_train(lexicon)
    assert model.space.size > 0
    assert "cannot cache the model" in caplog.text


def test_cache_path_is_not_writable_as_a_directory(tmp_path, monkeypatch, lexicon, caplog):
    sources = small_sources()
    monkeypatch.setattr(cache, "training_sources", lambda: sources)
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))
    with caplog.at_level(logging.WARNING):
        model = cache.load_or_train(lexicon)
    assert model.space.size > 0
    assert "cannot cache the model" in caplog.text


def test_default_cache_location_without_setting(monkeypatch):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    assert cache.cache_dir().name == "replybot"


def test_batch_features_match_one_by_one(lexicon):
    texts = ["shop oi", "", "亲 在吗？？", "배송언제와요", "x" * 50, "the lid\x00 is cracked"]
    batch = extract(texts, lexicon)
    for row, text in zip(batch.row_slices(), texts, strict=True):
        alone = extract([text], lexicon)
        assert np.array_equal(np.sort(batch.char_hashes[row]), np.sort(alone.char_hashes))
    assert batch.words[3] == extract([texts[3]], lexicon).words[0]


def test_a_batch_scores_like_single_messages(small_cache, lexicon):
    model = cache.load_or_train(lexicon)
    texts = ["where is my parcel", "亲 在吗", "hoàn tiền cho mình", "환불해주세요"]
    together = model.scores(extract(texts, lexicon))
    for row, text in enumerate(texts):
        alone = model.scores(extract([text], lexicon))
        assert np.allclose(together.scenario[row], alone.scenario[0], atol=1e-6)
        assert np.allclose(together.dispute[row], alone.dispute[0], atol=1e-6)
