"""Shared fixtures: one model cache per test session, so the classifier trains once."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from bot.nlp.cache import CACHE_ENV

_SESSION_CACHE = Path(tempfile.mkdtemp(prefix="replybot-test-cache-"))
os.environ[CACHE_ENV] = str(_SESSION_CACHE)


@pytest.fixture(scope="session")
def session_cache() -> Path:
    return _SESSION_CACHE


@pytest.fixture(scope="session")
def analyzer():
    from bot.assistant import default_analyzer

    return default_analyzer()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import shutil

    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)
