"""Checks that a start-up will not fail half-way: each passes, or raises StartupError
whose message is one line saying what is wrong and what to do about it."""

from __future__ import annotations

import errno
import socket
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.store.log import DB_ENV
from bot.writable import unwritable_log


class StartupError(RuntimeError):
    """The bot cannot start; the message is one line for the person starting it."""


def check_database(path: Path) -> None:
    """The evidence log at `path` can be opened for writing (or created).

    Changes nothing: the reasons come from `bot.writable`, and an existing file is locked
    for writing and released, which also finds a file that is not a database.
    """
    hint = f"set {DB_ENV} to a file in a folder you can write to"
    problem = unwritable_log(path)
    if problem is not None:
        verb = "write" if path.exists() else "create"
        raise StartupError(f"cannot {verb} the evidence log {path}: {problem}; {hint}")
    if not path.exists():
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
    except sqlite3.Error as error:
        raise StartupError(f"cannot write the evidence log {path} ({error}): {hint}") from None


def check_listen(listen: str, port: int) -> None:
    """A webhook server could listen on `listen`:`port` (the port is free)."""
    if not 1 <= port <= 65535:
        raise StartupError(f"webhook port {port} is out of range: give --port from 1 to 65535")
    try:
        addresses = socket.getaddrinfo(
            listen, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else "not a host name"
        raise StartupError(
            f"cannot listen on {listen!r} ({reason}): give --listen an address of this "
            "machine, e.g. 0.0.0.0"
        ) from None
    for family, kind, protocol, _, address in addresses:
        with closing(socket.socket(family, kind, protocol)) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise cannot_listen(listen, port, error) from None


def cannot_listen(listen: str, port: int, error: OSError) -> StartupError:
    advice = _LISTEN_ADVICE.get(error.errno or 0, "give --listen or --port another one")
    return StartupError(f"cannot listen on {listen}:{port} ({error.strerror or error}): {advice}")


_LISTEN_ADVICE = {
    errno.EADDRINUSE: "stop what uses the port, or give --port another one",
    errno.EADDRNOTAVAIL: "give --listen an address of this machine, e.g. 0.0.0.0",
    errno.EACCES: "ports below 1024 need privileges: give --port 1024 or above",
}
