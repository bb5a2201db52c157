"""Shared fixtures: one model cache per test run, so the classifier trains once.

`REPLYBOT_CACHE_DIR`, when set, is that cache and is kept after the run, so repeated runs
on one machine (and CI, where it is set) reuse the model trained by the first. Otherwise
the run trains into a folder of its own and removes it at the end.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.nlp.cache import CACHE_ENV

_CONFIGURED = os.environ.get(CACHE_ENV, "").strip()
_SESSION_CACHE = (
    Path(_CONFIGURED) if _CONFIGURED else Path(tempfile.mkdtemp(prefix="replybot-test-cache-"))
)
os.environ[CACHE_ENV] = str(_SESSION_CACHE)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """The CLI sets up process-wide logging (handlers, levels, exception hooks); a test
    that runs it in-process must not change how later tests log."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    levels = {name: logging.getLogger(name).level for name in ("", "bot", "telegram")}
    hooks = sys.excepthook, threading.excepthook
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    sys.excepthook, threading.excepthook = hooks
    logging.captureWarnings(False)


@pytest.fixture(scope="session")
def session_cache() -> Path:
    return _SESSION_CACHE


@pytest.fixture(scope="session")
def analyzer():
    from bot.core import default_analyzer

    return default_analyzer()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _CONFIGURED:
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)
