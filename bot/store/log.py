"""Writing to the evidence log: one writer thread owns the connection.

Any thread or asyncio task may append; appends are queued, and the writer thread commits
whatever has queued up in one `BEGIN IMMEDIATE` transaction, computing each row's hash
from the chain head it reads inside that transaction. So appends from many threads,
tasks and even processes keep one unbroken chain, the event loop never waits on SQLite,
and an append returns only after its row is committed (WAL survives a killed process).

Every other write to the file (settings, cases, corrections, the inbox's state) is a
function handed to `EvidenceLog.write`, run on the same thread in its own `BEGIN
IMMEDIATE` transaction, in queue order with the appends (Datasette's `execute_write_fn`).
"""

from __future__ import annotations

import asyncio
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlite_utils import Database

from bot.analysis import Analysis
from bot.draft import Draft
from bot.replies.facts import Facts
from bot.store.chain import CHAIN_NAME, GENESIS, chain_hash
from bot.store.schema import migrate

Direction = Literal["in", "out"]
Channel = Literal["assistant", "business", "direct", "console"]
T = TypeVar("T")

DB_ENV = "REPLYBOT_DB"
DEFAULT_DB = "replybot.db"
_BATCH = 500


class StoreError(RuntimeError):
    """The evidence log cannot be read or written; the message says why."""


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """`REPLYBOT_DB` (surrounding spaces ignored), else `replybot.db`."""
    env = os.environ if environ is None else environ
    return Path(env.get(DB_ENV, "").strip() or DEFAULT_DB)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Entry:
    """One message (or case update) to log."""

    direction: Direction
    channel: Channel
    text: str
    kind: Literal["message", "edit", "deletion", "case"] = "message"
    """An edit or a deletion is logged as a row of its own; the original row stays."""
    chat_id: str | None = None
    buyer_name: str | None = None
    order_id: str | None = None
    scenario: str | None = None
    language: str | None = None
    confidence: float | None = None
    dispute_risk: bool | None = None
    template: str | None = None
    resolution: str | None = None
    business_connection_id: str | None = None
    source_id: str | None = None
    """Identifies the message at its source (e.g. Telegram chat and message id): the same
    source message is logged once however often it is delivered."""

    @classmethod
    def incoming(
        cls,
        analysis: Analysis,
        channel: Channel,
        *,
        scenario: str | None = None,
        chat_id: str | None = None,
        source_id: str | None = None,
    ) -> Entry:
        """A buyer's message as analysed; `scenario` when a seller chose another one."""
        return cls(
            direction="in", channel=channel, text=analysis.text, chat_id=chat_id,
            order_id=Facts.from_analysis(analysis).order_id,
            scenario=scenario or analysis.scenario, language=analysis.language,
            confidence=round(analysis.confidence, 4), dispute_risk=analysis.dispute_risk,
            source_id=source_id,
        )  # fmt: skip

    @classmethod
    def reply(
        cls,
        draft: Draft,
        channel: Channel,
        *,
        order_id: str | None,
        scenario: str | None,
        chat_id: str | None = None,
        business_connection_id: str | None = None,
        source_id: str | None = None,
    ) -> Entry:
        """A reply that went (or was marked as gone) to the buyer, as drafted."""
        return cls(
            direction="out", channel=channel, text=draft.text, chat_id=chat_id,
            order_id=order_id, scenario=scenario, language=draft.language,
            template=draft.template, resolution=draft.resolution,
            business_connection_id=business_connection_id, source_id=source_id,
        )  # fmt: skip


def exchange_entries(
    analysis: Analysis,
    reply: Draft,
    channel: Channel,
    *,
    scenario: str | None = None,
    chat_id: str | None = None,
    source_id: str | None = None,
) -> list[Entry]:
    """A buyer's message and the seller's reply to it, as the console and the assistant's
    "Log as sent" record them; the reply's source id is the message's with `:reply`."""
    scenario = scenario or analysis.scenario
    incoming = Entry.incoming(
        analysis, channel, scenario=scenario, chat_id=chat_id, source_id=source_id
    )
    return [
        incoming,
        Entry.reply(
            reply, channel, order_id=incoming.order_id, scenario=scenario, chat_id=chat_id,
            source_id=None if source_id is None else f"{source_id}:reply",
        ),
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Logged:
    id: int
    ts: str
    hash: str
    duplicate: bool


def _explain(error: sqlite3.Error, path: Path) -> StoreError:
    message = str(error)
    if "readonly" in message or "read-only" in message:
        return StoreError(f"cannot write to {path}: the database file is read-only")
    if "disk is full" in message or "disk I/O" in message:
        return StoreError(f"cannot write to {path}: the disk is full or failing ({message})")
    if "unable to open" in message:
        return StoreError(f"cannot open {path}: {message}")
    return StoreError(f"evidence log {path}: {message}")


def _retry_while_locked(action: Callable[[], object], attempts: int = 100) -> None:
    """Switching to WAL needs a moment alone with the file; another process may hold it."""
    for attempt in range(attempts):
        try:
            action()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock as it begins (`BEGIN IMMEDIATE`), so what it
    reads (the chain head, the schema version) cannot change before it commits. Unlike
    `Database.atomic()`, which begins deferred and takes the lock only at its first write."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


def connect(path: Path) -> Database:
    """A connection with WAL, a busy timeout and the current schema."""
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=True)
        db = Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        _retry_while_locked(lambda: db.execute("PRAGMA journal_mode = WAL"))
        db.execute("PRAGMA synchronous = NORMAL")
        with write_transaction(db):
            migrate(db)
    except sqlite3.Error as error:
        raise _explain(error, path) from error
    return db


@contextmanager
def connection(path: Path) -> Iterator[Database]:
    """A read-only connection for the calling thread, so that a copy of the log on
    read-only media can still be verified and exported. Writes go through `EvidenceLog`."""
    if not path.exists():
        raise StoreError(f"no evidence log at {path}")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as error:
        raise _explain(error, path) from error
    db = Database(conn)
    try:
        yield db
    except sqlite3.Error as error:
        raise _explain(error, path) from error
    finally:
        db.close()


def read(path: Path, fn: Callable[[Database], T]) -> T:
    """Run `fn` on a read-only connection inside one read transaction, so everything it
    reads is one moment of the log (rows logged meanwhile are not half seen). The read path
    of every store function; `EvidenceLog.write` is the write path."""
    with connection(path) as db:
        db.execute("BEGIN")
        try:
            return fn(db)
        finally:
            db.execute("ROLLBACK")


_ENTRY_FIELDS = tuple(field.name for field in fields(Entry))


def _row(entry: Entry, row_id: int) -> dict[str, Any]:
    row: dict[str, Any] = {"id": row_id, "ts": utc_now()}
    row.update((name, getattr(entry, name)) for name in _ENTRY_FIELDS)
    if entry.dispute_risk is not None:
        row["dispute_risk"] = int(entry.dispute_risk)
    return row


def _open_case(db: Database, order_id: str, scenario: str | None, at: str) -> None:
    """A buyer's first message about an order opens its case (the first scenario is kept)."""
    db.execute(
        "INSERT INTO cases (order_id, scenario, status, opened_at) VALUES (?, ?, 'open', ?) "
        "ON CONFLICT(order_id) DO NOTHING",
        [order_id, scenario, at],
    )


def append_rows(db: Database, entries: Sequence[Entry]) -> list[Logged]:
    """Append entries to the chain inside the caller's write transaction: for a write
    function (`EvidenceLog.write`) that logs a row together with other changes."""
    if not db.conn.in_transaction:
        raise StoreError("append_rows needs an open write transaction (EvidenceLog.write)")
    head = db.execute(
        "SELECT last_id, last_hash, count FROM chain_head WHERE name = ?", [CHAIN_NAME]
    ).fetchone()
    last_id, last_hash, count = head if head else (0, GENESIS, 0)
    results = []
    for entry in entries:
        if entry.source_id is not None:
            existing = db.execute(
                "SELECT id, ts, hash FROM messages WHERE source_id = ?", [entry.source_id]
            ).fetchone()
            if existing:
                results.append(Logged(*existing, duplicate=True))
                continue
        row = _row(entry, last_id + 1)
        row["prev_hash"] = last_hash
        row["hash"] = chain_hash(last_hash, row)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        db.execute(f"INSERT INTO messages ({columns}) VALUES ({marks})", list(row.values()))
        if entry.order_id and entry.direction == "in" and entry.kind == "message":
            _open_case(db, entry.order_id, entry.scenario, row["ts"])
        last_id, last_hash, count = row["id"], row["hash"], count + 1
        results.append(Logged(row["id"], row["ts"], row["hash"], duplicate=False))
    db.execute(
        "INSERT INTO chain_head (name, last_id, last_hash, count) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET last_id = excluded.last_id, "
        "last_hash = excluded.last_hash, count = excluded.count",
        [CHAIN_NAME, last_id, last_hash, count],
    )
    return results


def _write(db: Database, entries: Sequence[Entry]) -> list[Logged]:
    with write_transaction(db):
        return append_rows(db, entries)


def _index_for_search(db: Database) -> None:
    """Add rows logged since the last call to the full-text index, in one transaction."""
    with write_transaction(db):
        done = db.execute(
            "SELECT last_id FROM search_index WHERE name = ?", [CHAIN_NAME]
        ).fetchone()
        last = done[0] if done else 0
        newest = db.execute("SELECT max(id) FROM messages").fetchone()[0] or 0
        if newest > last:
            db.execute(
                "INSERT INTO messages_fts (rowid, text) "
                "SELECT id, text FROM messages WHERE id > ? ORDER BY id",
                [last],
            )
            db.execute(
                "INSERT INTO search_index (name, last_id) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET last_id = excluded.last_id",
                [CHAIN_NAME, newest],
            )


_Job = tuple[Sequence[Entry], Future[list[Logged]]]
_INDEX_EVERY = 256
_INDEX_AFTER_IDLE = 0.5


@dataclass(frozen=True, slots=True)
class _Call:
    """A write function queued for the writer thread, and where its result goes."""

    fn: Callable[[Database], Any]
    future: Future[Any]


class EvidenceLog:
    """Append-only, hash-chained message log in one SQLite file, and the one writer of
    everything else kept in that file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._jobs: queue.SimpleQueue[_Job | _Call | None] = queue.SimpleQueue()
        self._closed = False
        self._closing = threading.Lock()
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="evidence-log-writer", daemon=True
        )
        self._thread.start()
        ready.result()

    def _run(self, ready: Future[None]) -> None:
        try:
            db = connect(self.path)
        except StoreError as error:
            ready.set_exception(error)
            return
        ready.set_result(None)
        unindexed = 1
        waiting: _Call | None = None
        try:
            while True:
                job: _Job | _Call | None
                if waiting is not None:
                    job, waiting = waiting, None
                else:
                    try:
                        job = self._jobs.get(timeout=_INDEX_AFTER_IDLE if unindexed else None)
                    except queue.Empty:
                        unindexed = self._index(db, unindexed)
                        continue
                if job is None:
                    break
                if isinstance(job, _Call):
                    self._call(db, job)
                    unindexed += 1  # it may have appended rows (a resolution does)
                    continue
                batch = [job]
                while len(batch) < _BATCH:
                    try:
                        more = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._jobs.put(None)
                        break
                    if isinstance(more, _Call):
                        waiting = more
                        break
                    batch.append(more)
                unindexed += self._commit(db, batch)
                if unindexed >= _INDEX_EVERY:
                    unindexed = self._index(db, unindexed)
            self._index(db, unindexed)
        finally:
            db.close()

    def _put(self, job: _Job | _Call) -> None:
        """Queue a job; once the log is closed, an error instead of a wait for ever (no job
        can slip in behind the writer's stop)."""
        with self._closing:
            if self._closed:
                raise StoreError(f"the evidence log {self.path} is closed")
            self._jobs.put(job)

    def _call(self, db: Database, call: _Call) -> None:
        """Run a write function in its own transaction; a failure rolls it back and goes
        to its caller, and the writer carries on."""
        try:
            with write_transaction(db):
                result = call.fn(db)
        except sqlite3.Error as error:
            failure = _explain(error, self.path)
            failure.__cause__ = error
            call.future.set_exception(failure)
        except Exception as error:
            call.future.set_exception(error)
        else:
            call.future.set_result(result)

    def _index(self, db: Database, unindexed: int) -> int:
        """Index for search; returns how many rows are still unindexed (0 unless it failed)."""
        try:
            _index_for_search(db)
        except sqlite3.Error:
            return unindexed
        return 0

    def _commit(self, db: Database, batch: list[_Job]) -> int:
        """Write a batch and answer its callers; returns the number of rows written."""
        entries = [entry for entries, _ in batch for entry in entries]
        try:
            results = _write(db, entries)
        except sqlite3.Error as error:
            failure = _explain(error, self.path)
            for _, future in batch:
                future.set_exception(failure)
            return 0
        except Exception as error:
            # Not the database: one caller's entry (text that cannot be encoded, say). Its
            # caller gets the error; the others' entries are written; the writer lives on.
            if len(batch) > 1:
                return sum(self._commit(db, [job]) for job in batch)
            batch[0][1].set_exception(error)
            return 0
        start = 0
        for job_entries, future in batch:
            future.set_result(results[start : start + len(job_entries)])
            start += len(job_entries)
        return sum(not result.duplicate for result in results)

    def append_many(self, entries: Sequence[Entry]) -> list[Logged]:
        """Log entries in order; returns once they are committed."""
        future: Future[list[Logged]] = Future()
        self._put((list(entries), future))
        return future.result()

    def append(self, entry: Entry) -> Logged:
        return self.append_many([entry])[0]

    async def append_many_async(self, entries: Sequence[Entry]) -> list[Logged]:
        """`append_many` without blocking the event loop."""
        future: Future[list[Logged]] = Future()
        self._put((list(entries), future))
        return await asyncio.wrap_future(future)

    async def append_async(self, entry: Entry) -> Logged:
        return (await self.append_many_async([entry]))[0]

    def _queue_call(self, fn: Callable[[Database], T]) -> Future[T]:
        if threading.current_thread() is self._thread:
            raise StoreError("a write function cannot queue another write: it would wait forever")
        future: Future[T] = Future()
        self._put(_Call(fn, future))
        return future

    def read(self, fn: Callable[[Database], T]) -> T:
        """Run `fn` on the calling thread over one moment of the log (`read`)."""
        return read(self.path, fn)

    async def read_async(self, fn: Callable[[Database], T]) -> T:
        """`read` on a worker thread, without blocking the event loop."""
        return await asyncio.to_thread(read, self.path, fn)

    def write(self, fn: Callable[[Database], T]) -> T:
        """Run `fn` on the writer thread inside one `BEGIN IMMEDIATE` transaction, after
        everything queued before it; returns its result once committed. If it raises, the
        transaction is rolled back and the error raised here (SQLite's as `StoreError`)."""
        return self._queue_call(fn).result()

    async def write_async(self, fn: Callable[[Database], T]) -> T:
        """`write` without blocking the event loop."""
        return await asyncio.wrap_future(self._queue_call(fn))

    def close(self) -> None:
        with self._closing:
            stop = not self._closed and self._thread.is_alive()
            self._closed = True
            if stop:
                self._jobs.put(None)
        self._thread.join()

    def __enter__(self) -> EvidenceLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
