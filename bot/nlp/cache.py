"""The model cache: train on first use, reuse while nothing it was made from has changed.

No binary model ships with replybot. The first analysis trains one from the packaged
training data and stores it in the user's cache directory (`REPLYBOT_CACHE_DIR`, else the
platform's cache folder). The file name carries a key over everything the model's numbers
come from: the training data, the lexicons, extra examples (seller corrections), the
training settings, the source of the modules that compute features and fit the model, and
the versions of scikit-learn, NumPy and SciPy. A change to any of them trains a fresh model
instead of reusing a stale one; a new release of replybot that changes none of them keeps
the cached model.

Training happens once per machine even when several processes start together: a lock
file per model lets one train while the others wait for its result.
"""

from __future__ import annotations

import logging
import os
import sys
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import platformdirs

from bot.nlp.dataset import Example, fingerprint, load_examples, training_sources
from bot.nlp.lexicon import Lexicon, lexicon_sources
from bot.nlp.model import Model
from bot.nlp.training_config import TrainingConfig

if TYPE_CHECKING:
    from filelock import FileLock

    from bot.nlp.training import Progress

log = logging.getLogger(__name__)

CACHE_ENV = "REPLYBOT_CACHE_DIR"

MODEL_CODE = (
    "nlp/training.py",
    "nlp/training_config.py",
    "nlp/features.py",
    "nlp/normalize.py",
    "nlp/lexicon.py",
    "nlp/dataset.py",
    "nlp/model.py",
    "scenarios.py",
)
"""The modules (under `bot/`) whose code decides the model: training and all it imports."""

LIBRARIES = ("scikit-learn", "numpy", "scipy")


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV, "").strip()
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("replybot"))


def code_sources() -> list[tuple[str, bytes]]:
    """(name, source text) of every module in `MODEL_CODE`."""
    package = resources.files("bot")
    return [(f"code/{name}", package.joinpath(name).read_bytes()) for name in MODEL_CODE]


def _extra_source(extra: Sequence[Example]) -> tuple[str, bytes]:
    lines = "\n".join(f"{e.language}\t{e.scenario}\t{int(e.dispute_risk)}\t{e.text}" for e in extra)
    return "extra", lines.encode()


def model_key(extra: Sequence[Example] = (), config: TrainingConfig | None = None) -> str:
    sources = [*training_sources(), *lexicon_sources(), *code_sources()]
    if extra:
        sources.append(_extra_source(extra))
    return fingerprint(
        sources,
        f"config={config or TrainingConfig()!r}",
        *(f"{library}={metadata.version(library)}" for library in LIBRARIES),
    )[:24]


def model_path(key: str) -> Path:
    return cache_dir() / f"model-{key}.npz"


def load_or_train(
    lexicon: Lexicon, extra: Sequence[Example] = (), config: TrainingConfig | None = None
) -> Model:
    """The cached model for the current data, training (and caching) it when missing."""
    config = config or TrainingConfig()
    key = model_key(extra, config)
    path = model_path(key)
    model = _load(path, quiet=True)
    if model is not None:
        return model
    with _training_lock(path):
        model = _load(path, quiet=False)
        if model is None:
            model = _train(lexicon, extra, config, key)
            _save(model, path)
    return model


def _load(path: Path, *, quiet: bool) -> Model | None:
    if not path.exists():
        return None
    try:
        return Model.load(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        if not quiet:
            log.warning("ignoring unreadable cached model %s: %s", path, error)
        return None


@contextmanager
def _training_lock(path: Path) -> Iterator[None]:
    """Held while one process checks the cache, trains and saves; others wait for it.

    A lock that cannot be created (an unwritable cache folder) does not stop the analysis:
    the process trains without it. filelock, like tqdm and scikit-learn, is imported only
    when there is a model to train, which keeps start-up with a cached model fast.
    """
    from filelock import FileLock

    lock = FileLock(path.with_suffix(".lock"))
    locked = _acquire(lock)
    try:
        yield
    finally:
        if locked:
            lock.release()


def _acquire(lock: FileLock) -> bool:
    from filelock import Timeout

    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("waiting for another process's training of the classifier to finish")
            lock.acquire()
    except OSError as error:
        log.info("training without a lock (cannot create %s: %s)", lock.lock_file, error)
        return False
    return True


def _train(lexicon: Lexicon, extra: Sequence[Example], config: TrainingConfig, key: str) -> Model:
    from bot.nlp.training import step_count, train

    examples = [*load_examples(training_sources()), *extra]
    log.info("training the classifier on %d examples (first use)", len(examples))
    with _progress_display(step_count(config), sys.stderr) as progress:
        return train(examples, lexicon, key, config, progress)


_BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]"
"""Steps take from a second to a minute each, so no rate or time left: they would mislead."""


@contextmanager
def _progress_display(total: int, stream: TextIO | None) -> Iterator[Progress | None]:
    """A progress bar on `stream` when it is a terminal; nothing in pipes, files and logs."""
    if not _is_terminal(stream):
        yield None
        return
    from tqdm import tqdm

    with tqdm(
        total=total,
        desc="training the classifier",
        file=stream,
        bar_format=_BAR_FORMAT,
    ) as bar:
        begun = 0

        def begin(step: str) -> None:
            nonlocal begun
            bar.set_postfix_str(step, refresh=not begun)
            if begun:
                bar.update()
            begun += 1

        yield begin
        bar.set_postfix_str("done", refresh=False)
        bar.update(total - bar.n)


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except ValueError:
        return False


def _save(model: Model, path: Path) -> None:
    try:
        model.save(path)
        _remove_stale(path)
    except OSError as error:
        log.warning("cannot cache the model in %s (%s); it will be trained again", path, error)


_MODELS_KEPT = 4


def _remove_stale(current: Path) -> None:
    """Keep the few most recent models (a shop's corrected model beside the base one)."""
    models = sorted(
        current.parent.glob("model-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in models[_MODELS_KEPT:]:
        if old != current:
            old.unlink(missing_ok=True)
            old.with_suffix(".lock").unlink(missing_ok=True)
