"""The model cache: train on first use, reuse while nothing it was made from has changed.

No binary model ships with replybot. The first analysis trains one from the packaged
training data and stores it in the user's cache directory (`REPLYBOT_CACHE_DIR`, else the
platform's cache folder). The file name carries a key over the training data, the
lexicons, extra examples (seller corrections), the feature code and the scikit-learn
version, so any change to those trains a fresh model instead of reusing a stale one.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import platformdirs

from bot import __version__
from bot.nlp.dataset import Example, fingerprint, load_examples, training_sources
from bot.nlp.features import FEATURE_VERSION
from bot.nlp.lexicon import Lexicon, lexicon_sources
from bot.nlp.model import Model

log = logging.getLogger(__name__)

CACHE_ENV = "REPLYBOT_CACHE_DIR"


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV, "").strip()
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("replybot"))


def _extra_source(extra: Sequence[Example]) -> tuple[str, bytes]:
    lines = "\n".join(f"{e.language}\t{e.scenario}\t{int(e.dispute_risk)}\t{e.text}" for e in extra)
    return "extra", lines.encode()


def model_key(extra: Sequence[Example] = ()) -> str:
    sources = [*training_sources(), *lexicon_sources()]
    if extra:
        sources.append(_extra_source(extra))
    return fingerprint(
        sources,
        f"features={FEATURE_VERSION}",
        f"replybot={__version__}",
        f"scikit-learn={metadata.version('scikit-learn')}",
        f"numpy={metadata.version('numpy')}",
    )[:24]


def model_path(key: str) -> Path:
    return cache_dir() / f"model-{key}.npz"


def load_or_train(lexicon: Lexicon, extra: Sequence[Example] = ()) -> Model:
    """The cached model for the current data, training (and caching) it when missing."""
    key = model_key(extra)
    path = model_path(key)
    if path.exists():
        try:
            return Model.load(path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            log.warning("ignoring unreadable cached model %s: %s", path, error)
    from bot.nlp.training import train

    examples = [*load_examples(training_sources()), *extra]
    log.info("training the classifier on %d examples (first use)", len(examples))
    model = train(examples, lexicon, key)
    try:
        model.save(path)
        _remove_stale(path)
    except OSError as error:
        log.warning("cannot cache the model in %s (%s); it will be trained again", path, error)
    return model


_MODELS_KEPT = 4


def _remove_stale(current: Path) -> None:
    """Keep the few most recent models (a shop's corrected model beside the base one)."""
    models = sorted(
        current.parent.glob("model-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in models[_MODELS_KEPT:]:
        if old != current:
            old.unlink(missing_ok=True)
