"""The model is trained on first use, cached, reused, and retrained when its inputs change;
training shows its progress on a terminal and happens once however many processes start."""

import ast
import dataclasses
import io
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import bot
from bot.nlp import cache, training
from bot.nlp.dataset import DatasetError, Example, load_examples, training_sources
from bot.nlp.features import extract
from bot.nlp.lexicon import Lexicon
from bot.nlp.model import Model
from bot.nlp.training_config import TrainingConfig


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


@pytest.fixture
def tiny_cache(tmp_path, monkeypatch):
    """Like `small_cache` with half the examples, for tests about the cache, not the model."""
    sources = small_sources(per_class=3)
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


@pytest.mark.parametrize("library", cache.LIBRARIES)
def test_key_changes_with_data_extra_examples_and_library_version(
    small_cache, monkeypatch, library
):
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
        lambda name: "0.0.1" if name == library else real_version(name),
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
    with caplog.at_level(logging.INFO):
        model = cache.load_or_train(lexicon)
    assert model.space.size > 0
    assert "training without a lock" in caplog.text
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


def test_key_changes_with_the_training_settings(small_cache):
    default = cache.model_key()
    assert cache.model_key(config=TrainingConfig()) == default
    assert cache.model_key(config=dataclasses.replace(TrainingConfig(), scenario_c=20.0)) != default
    assert cache.model_key(config=dataclasses.replace(TrainingConfig(), folds=4)) != default


def test_key_covers_the_source_of_the_training_code(small_cache, monkeypatch):
    package = Path(bot.__file__).parent
    sources = dict(cache.code_sources())
    for name in cache.MODEL_CODE:
        assert sources[f"code/{name}"] == (package / name).read_bytes()

    base = cache.model_key()
    for name in ("nlp/training.py", "nlp/features.py"):
        edited = [
            (source, raw + b"\n# edited\n" if source == f"code/{name}" else raw)
            for source, raw in sources.items()
        ]
        monkeypatch.setattr(cache, "code_sources", lambda edited=edited: edited)
        assert cache.model_key() != base


def _bot_modules_imported_by(path: Path) -> set[str]:
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    return {name for name in imported if name == "bot" or name.startswith("bot.")}


def test_key_covers_every_module_the_training_code_imports():
    package = Path(bot.__file__).parent
    listed = set(cache.MODEL_CODE)
    for name in cache.MODEL_CODE:
        for module in _bot_modules_imported_by(package / name):
            parts = module.split(".")[1:]
            file = "/".join(parts) + ".py" if parts else "__init__.py"
            assert file in listed, f"{name} imports {module}, which the model key leaves out"


def test_a_crash_while_saving_leaves_no_half_written_model(tiny_cache, lexicon, monkeypatch):
    class PowerCut(Exception):
        pass

    def write_half_then_fail(handle, **arrays):
        handle.write(b"PK\x03\x04 half a model")
        raise PowerCut

    with monkeypatch.context() as crashing:
        crashing.setattr(np, "savez", write_half_then_fail)
        with pytest.raises(PowerCut):
            cache.load_or_train(lexicon)
    assert [path.name for path in tiny_cache.iterdir() if path.suffix != ".lock"] == []

    model = cache.load_or_train(lexicon)
    assert Model.load(tiny_cache / f"model-{model.key}.npz").key == model.key


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def record_progress(monkeypatch) -> list[str | None]:
    """The steps the real training reports, or None when it was given no progress display."""
    steps: list[str | None] = []
    real_train = training.train

    def train(examples, lexicon, key, config=None, progress=None):
        def record(step: str) -> None:
            steps.append(step)
            progress(step)

        if progress is None:
            steps.append(None)
        return real_train(examples, lexicon, key, config, record if progress else None)

    monkeypatch.setattr(training, "train", train)
    return steps


def test_a_terminal_shows_each_step_of_training(tiny_cache, lexicon, monkeypatch, caplog):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    steps = record_progress(monkeypatch)
    with caplog.at_level(logging.INFO):
        cache.load_or_train(lexicon)
    total = training.step_count(TrainingConfig())
    assert len(steps) == total
    assert steps[0] == "extracting features"
    assert "scenarios, fold 3 of 3" in steps
    assert steps[-1] == "fitting the dispute model"
    shown = terminal.getvalue()
    assert "training the classifier" in shown
    assert f"{total}/{total}" in shown
    assert "training the classifier on" in caplog.text


def test_no_progress_bar_in_a_pipe_or_log(tiny_cache, lexicon, monkeypatch, caplog):
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    steps = record_progress(monkeypatch)
    with caplog.at_level(logging.INFO):
        cache.load_or_train(lexicon)
    assert steps == [None]
    assert piped.getvalue() == ""
    assert "training the classifier on" in caplog.text


def test_training_data_too_thin_for_cross_validation_is_named(lexicon):
    examples = load_examples(small_sources(per_class=3))
    thin = [e for e in examples if e.scenario != "price_drop"] + [
        e for e in examples if e.scenario == "price_drop"
    ][:2]
    with pytest.raises(DatasetError, match="at least 3 examples of: price_drop"):
        training.train(thin, lexicon, "thin")


TRAIN_IN_ANOTHER_PROCESS = """
import logging, sys, time
from pathlib import Path
from bot.nlp import cache, training
from bot.nlp.lexicon import Lexicon

work, name = Path(sys.argv[1]), sys.argv[2]
logging.basicConfig(filename=work / f"{name}.log", level=logging.INFO)
sources = [(f"train/{p.name}", p.read_bytes()) for p in sorted((work / "train").iterdir())]
cache.training_sources = lambda: sources
real_train = training.train

def train(*args, **kwargs):
    with (work / "trained").open("a") as trained:
        trained.write(name + "\\n")
    while not (work / "go").exists():
        time.sleep(0.05)
    return real_train(*args, **kwargs)

training.train = train
print(cache.load_or_train(Lexicon.load()).key)
"""


def _wait_until(condition, processes, what: str, deadline: float = 300.0) -> None:
    give_up = time.monotonic() + deadline
    while not condition():
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"a process ended before {what}: {process.communicate()}")
        if time.monotonic() > give_up:
            pytest.fail(f"gave up waiting until {what}")
        time.sleep(0.05)


def test_two_processes_starting_together_train_once(tmp_path):
    """The first takes the lock and is held inside training until the second says it waits."""
    (tmp_path / "train").mkdir()
    for name, raw in small_sources(per_class=3):
        (tmp_path / name).write_bytes(raw)
    env = {**os.environ, cache.CACHE_ENV: str(tmp_path / "models")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", TRAIN_IN_ANOTHER_PROCESS, str(tmp_path), name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    trained = tmp_path / "trained"
    try:
        _wait_until(trained.exists, processes, "one process trains")
        _wait_until(
            lambda: any(
                "waiting for another process" in log.read_text() for log in logs if log.exists()
            ),
            processes,
            "the other waits for it",
        )
        (tmp_path / "go").touch()
        results = [process.communicate(timeout=300) for process in processes]
    finally:
        for process in processes:
            process.kill()
            process.wait()
    assert [process.returncode for process in processes] == [0, 0], results
    assert len(trained.read_text().split()) == 1
    keys = {stdout.strip() for stdout, _ in results}
    assert len(keys) == 1
    assert Model.load(tmp_path / "models" / f"model-{keys.pop()}.npz").space.size > 0
    waited = [log for log in logs if "waiting for another process" in log.read_text()]
    assert [log.stem for log in waited] != [trained.read_text().strip()]
    assert len(waited) == 1
