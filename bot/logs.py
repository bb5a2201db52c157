"""Logging for the command line: one line per event, and secrets never shown.

The bot's token is part of every Bot API URL (`<root>/bot<token>/getMe`), so an error
from the HTTP layer can carry it anywhere: a message, its arguments, a traceback. One
filter on every handler redacts each record before it is written, and the same
redaction serves the CLI's own error messages.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
REDACTED = "<redacted>"
_SHORTEST_SECRET = 8
"""Shorter values are not secrets worth the name, and replacing them would mangle text."""


class Redactor(logging.Filter):
    """Replaces each registered secret, in any record it sees, with `REDACTED`.

    Exceptions of the `expected` kinds (a network error, a refusal from Telegram) are
    shown as one line; any other exception keeps its traceback, redacted.
    """

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._expected: tuple[type[BaseException], ...] = ()
        self._tracebacks = logging.Formatter()

    def add_secret(self, secret: str) -> None:
        """A bot token is registered whole and by its secret half (after the colon), each
        also as it appears percent-encoded in a URL."""
        secret = secret.strip()
        for piece in (secret, secret.partition(":")[2]):
            if len(piece) >= _SHORTEST_SECRET:
                self._secrets.update({piece, quote(piece, safe="")})

    def expect(self, *kinds: type[BaseException]) -> None:
        self._expected = (*self._expected, *kinds)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = _message(record)
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and isinstance(error, self._expected):
            if str(error) not in message:
                message = f"{message} ({type(error).__name__}: {error})"
            record.exc_info = None
            record.exc_text = None
        elif record.exc_info:
            record.exc_text = self.redact(self._tracebacks.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        record.msg = self.redact(message)
        record.args = None
        return True


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):
        return f"{record.msg} {record.args}"


REDACTOR = Redactor()
"""The process's one redactor: logging is process-wide, and so is the token."""


def redact(text: str) -> str:
    return REDACTOR.redact(text)


def add_secret(secret: str) -> None:
    REDACTOR.add_secret(secret)


def expect(*kinds: type[BaseException]) -> None:
    """Log exceptions of these kinds without a traceback: they are failures of the world
    (the network, a server), not of the program."""
    REDACTOR.expect(*kinds)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record arrives (test runners swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> object:  # type: ignore[override]
        return sys.stderr


_installed: list[logging.Handler] = []


def setup_logging(log_file: Path | None = None, *, level: int = logging.WARNING) -> None:
    """Log one line per event to stderr (and to `log_file`), every line redacted.

    Calling it again replaces what the previous call installed; OSError when the log file
    cannot be opened, and then the previous handlers stay. The `bot` loggers speak
    at INFO, everything else (libraries) from WARNING up. Uncaught exceptions, in any
    thread, go through the same redacting handlers instead of straight to stderr.
    """
    handlers: list[logging.Handler] = [_CurrentStderr()]
    if log_file is not None:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    formatter = logging.Formatter(FORMAT, DATE_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(REDACTOR)
        root.addHandler(handler)
        _installed.append(handler)
    root.setLevel(level)
    logging.getLogger("bot").setLevel(logging.INFO)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("replybot").critical("unexpected error", exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread else "a thread"
    logging.getLogger("replybot").critical(
        "unexpected error in %s", name, exc_info=(args.exc_type, args.exc_value, args.exc_traceback)
    )
