"""The evidence log: chain, verification, once-only logging, reliability, exports."""

import asyncio
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from bot.analysis import Amount
from bot.cli import main
from bot.replies.facts import ShopSettings
from bot.store.cases import find_case, resolve_case
from bot.store.chain import chain_hash
from bot.store.corrections import load_corrections
from bot.store.export import Filters, export_text
from bot.store.log import Entry, EvidenceLog, StoreError, _explain, _write, connection, read
from bot.store.sellers import get_setting, set_setting
from bot.store.shop import load_shop_settings, save_shop_setting
from bot.store.verify import verify


def entry(number: int, **fields) -> Entry:
    return Entry(direction="in", channel="console", text=f"message {number} 亲 đơn hàng", **fields)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "evidence.db"


@pytest.fixture
def filled(db_path) -> Path:
    with EvidenceLog(db_path) as log:
        log.append_many(
            [entry(n, order_id=f"8000000{n % 3}", chat_id=str(n % 2)) for n in range(10)]
        )
    return db_path


def tamper(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)


def test_a_fresh_log_verifies_and_has_readable_types(filled):
    verdict = read(filled, verify)
    assert (verdict.ok, verdict.rows) == (True, 10)
    db = Database(filled)
    columns = {c.name: c.type for c in db["messages"].columns}
    assert columns["text"] == "TEXT"
    assert columns["confidence"] == "REAL"
    assert columns["id"] == "INTEGER"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"order_id", "ts", "source_id"} <= {c for i in db["messages"].indexes for c in i.columns}
    applied = [row["name"] for row in db["_sqlite_migrations"].rows]
    assert applied == ["create_evidence_log", "add_corrections", "add_inbox"]
    assert columns["business_connection_id"] == "TEXT"
    db.close()


@pytest.mark.parametrize(
    ("statements", "bad_row"),
    [
        (["UPDATE messages SET text = 'changed' WHERE id = 4"], 4),
        (["UPDATE messages SET ts = '2020-01-01T00:00:00.000Z' WHERE id = 7"], 7),
        (["DELETE FROM messages WHERE id = 5"], 6),
        (["UPDATE messages SET id = 100 WHERE id = 3", "UPDATE messages SET id = 3 WHERE id = 6",
          "UPDATE messages SET id = 6 WHERE id = 100"], 3),
        (["DELETE FROM messages WHERE id >= 9"], None),
        (["DELETE FROM messages WHERE id = 1"], 2),
    ],
    ids=["edited-text", "edited-time", "deleted", "reordered", "head-cut-off", "first-removed"],
)  # fmt: skip
def test_verify_names_the_first_bad_row(filled, statements, bad_row):
    tamper(filled, *statements)
    verdict = read(filled, verify)
    assert not verdict.ok
    assert verdict.first_bad_id == bad_row
    if bad_row is not None:
        assert f"row {bad_row}" in verdict.describe()


def test_an_inserted_row_with_a_valid_looking_hash_is_caught(filled):
    with sqlite3.connect(filled) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM messages WHERE id = 5").fetchone())
        conn.execute("DELETE FROM messages WHERE id > 5")
    forged = {**row, "id": 6, "text": "I never asked for a refund", "prev_hash": row["hash"]}
    forged["hash"] = chain_hash(forged["prev_hash"], forged)
    with sqlite3.connect(filled) as conn:
        conn.execute(
            f"INSERT INTO messages ({', '.join(forged)}) VALUES ({', '.join('?' for _ in forged)})",
            list(forged.values()),
        )
    assert not read(filled, verify).ok


def test_the_same_source_message_is_logged_once(db_path):
    with EvidenceLog(db_path) as log:
        first = log.append(entry(1, source_id="tg:42:7"))
        again = log.append(entry(1, source_id="tg:42:7"))
        other = log.append(entry(2, source_id="tg:42:8"))
    assert (first.id, first.duplicate) == (1, False)
    assert (again.id, again.duplicate) == (1, True)
    assert other.id == 2
    assert read(db_path, verify).rows == 2


def test_concurrent_threads_and_tasks_lose_no_row(db_path):
    with EvidenceLog(db_path) as log:

        def worker(offset: int) -> None:
            for n in range(100):
                log.append(entry(offset + n))

        async def tasks() -> None:
            await asyncio.gather(*(log.append_async(entry(10_000 + n)) for n in range(300)))

        threads = [threading.Thread(target=worker, args=(i * 1000,)) for i in range(8)]
        for thread in threads:
            thread.start()
        asyncio.run(tasks())
        for thread in threads:
            thread.join()
    verdict = read(db_path, verify)
    assert (verdict.ok, verdict.rows) == (True, 1100)


def test_verify_while_the_log_is_written_sees_one_consistent_moment(db_path):
    with EvidenceLog(db_path) as log:
        log.append(entry(0))
        done = threading.Event()

        def writer() -> None:
            for n in range(1, 1500):
                log.append(entry(n))
            done.set()

        thread = threading.Thread(target=writer)
        thread.start()
        verdicts = []
        while not done.is_set():
            verdicts.append(read(db_path, verify))
        thread.join()
    assert verdicts
    assert all(verdict.ok for verdict in verdicts), [v.describe() for v in verdicts if not v.ok]
    assert read(db_path, verify).rows == 1500


WRITER = """
import sys
from pathlib import Path
from bot.store.log import Entry, EvidenceLog
log = EvidenceLog(Path(sys.argv[1]))
for n in range(int(sys.argv[2])):
    logged = log.append(Entry("in", "console", f"row {n} from pid", source_id=f"{sys.argv[3]}:{n}"))
    print(logged.id, flush=True)
log.close()
"""


def test_several_processes_keep_one_chain(db_path):
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), "150", f"p{i}"], stdout=subprocess.PIPE
        )
        for i in range(3)
    ]
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    verdict = read(db_path, verify)
    assert (verdict.ok, verdict.rows) == (True, 450)


def test_a_writer_killed_mid_run_loses_no_returned_row(db_path):
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), "100000", "kill"], stdout=subprocess.PIPE
    )
    returned = [int(writer.stdout.readline()) for _ in range(300)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    verdict = read(db_path, verify)
    assert verdict.ok
    with connection(db_path) as db:
        stored = {row["id"] for row in db.query("SELECT id FROM messages")}
    assert set(returned) <= stored


def test_a_full_disk_is_a_clear_error_and_leaves_a_valid_file(db_path):
    with EvidenceLog(db_path) as log:
        log.append_many([entry(n) for n in range(5)])
    db = Database(sqlite3.connect(db_path, isolation_level=None))
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")

    def fill() -> None:
        for n in range(2000):
            _write(db, [Entry("in", "console", "x" * 2000 + str(n))])

    with pytest.raises(sqlite3.OperationalError, match="full"):
        fill()
    db.close()
    assert read(db_path, verify).ok
    error = _explain(sqlite3.OperationalError("database or disk is full"), db_path)
    assert "the disk is full" in str(error)


def test_a_read_only_database_is_a_clear_error(filled):
    conn = sqlite3.connect(f"file:{filled}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="readonly") as raised:
        _write(Database(conn), [entry(99)])
    conn.close()
    assert "read-only" in str(_explain(raised.value, filled))
    assert read(filled, verify).ok


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_a_read_only_file_refuses_appends(filled):
    filled.chmod(0o444)
    with pytest.raises(StoreError, match="read-only"), EvidenceLog(filled) as log:
        log.append(entry(11))


def test_message_text_is_searchable_in_every_script(filled):
    with EvidenceLog(filled) as log:
        log.append(Entry("in", "console", "배송언제와요 주문번호 20231234567"))
    db = Database(filled)
    hits = list(db["messages"].search("언제와"))
    assert [hit["text"] for hit in hits] == ["배송언제와요 주문번호 20231234567"]
    db.close()


def test_cases_open_once_and_resolve_in_the_chain(db_path):
    with EvidenceLog(db_path) as log:
        log.append(entry(1, order_id="8123456789012345", scenario="price_drop"))
        log.append(entry(2, order_id="8123456789012345", scenario="other"))
        logged = log.write(
            lambda d: resolve_case(
                d, "8123456789012345", "refund_difference", Amount(Decimal("8.00"), "USD")
            )
        )
        with pytest.raises(StoreError, match="no case"):
            log.write(lambda d: resolve_case(d, "111", "refund"))
    with connection(db_path) as db:
        case = find_case(db, "8123456789012345")
    assert (case.status, case.scenario, case.resolution, case.amount, case.currency) == (
        "resolved", "price_drop", "refund_difference", "8.00", "USD",
    )  # fmt: skip
    assert case.resolved_at == logged.ts
    assert read(db_path, verify).rows == 3


def test_a_write_function_runs_on_the_writer_thread_in_order_with_appends(db_path):
    def insert(db: Database) -> str:
        db.table("seller_settings").insert({"seller_id": "7", "key": "k", "value": "v"})
        count = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        return f"{threading.current_thread().name} after {count} rows"

    with EvidenceLog(db_path) as log:
        log.append(entry(1))
        assert log.write(insert) == "evidence-log-writer after 1 rows"
        assert asyncio.run(log.write_async(lambda db: threading.current_thread().name)) == (
            "evidence-log-writer"
        )
    assert read(db_path, lambda d: get_setting(d, 7, "k")) == "v"


def test_a_failing_write_function_is_rolled_back_and_the_writer_carries_on(db_path):
    def half_done(db: Database) -> None:
        db.table("seller_settings").insert({"seller_id": "7", "key": "k", "value": "v"})
        raise ValueError("changed its mind")

    with EvidenceLog(db_path) as log:
        with pytest.raises(ValueError, match="changed its mind"):
            log.write(half_done)
        with pytest.raises(StoreError, match="no such table"):
            log.write(lambda db: db.execute("INSERT INTO nowhere VALUES (1)"))
        with pytest.raises(StoreError, match="cannot queue another write"):
            log.write(lambda db: log.write(lambda inner: None))
        assert log.append(entry(1)).id == 1
        log.write(lambda d: set_setting(d, 8, "language", "vi"))
    assert read(db_path, lambda d: get_setting(d, 7, "k")) is None
    assert read(db_path, lambda d: get_setting(d, 8, "language")) == "vi"
    assert read(db_path, verify).rows == 1


def test_a_closed_log_refuses_writes_instead_of_waiting(db_path):
    log = EvidenceLog(db_path)
    log.close()
    with pytest.raises(StoreError, match="is closed"):
        log.write(lambda db: None)
    with pytest.raises(StoreError, match="is closed"):
        log.append(entry(1))
    with pytest.raises(StoreError, match="is closed"):
        log.write(lambda d: set_setting(d, 7, "language", "vi"))


def test_a_resolution_is_written_with_its_case_or_not_at_all(db_path, monkeypatch):
    def fail(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    with EvidenceLog(db_path) as log:
        log.append(entry(1, order_id="8123456789012345", scenario="price_drop"))
        monkeypatch.setattr("bot.store.cases.close_case", fail)
        with pytest.raises(StoreError, match="disk is full or failing"):
            log.write(lambda d: resolve_case(d, "8123456789012345", "refund"))
        monkeypatch.undo()
        with connection(db_path) as db:
            assert find_case(db, "8123456789012345").status == "open"
            assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
        assert read(db_path, verify).ok
        logged = log.write(lambda d: resolve_case(d, "8123456789012345", "refund"))
    assert logged.id == 2
    with connection(db_path) as db:
        assert find_case(db, "8123456789012345").resolved_at == logged.ts
    assert (read(db_path, verify).ok, read(db_path, verify).rows) == (True, 2)


def test_writes_from_many_threads_interleave_with_appends(db_path):
    errors: list[BaseException] = []

    def worker(seller: int) -> None:
        try:
            for n in range(50):
                log.append(entry(seller * 100 + n, source_id=f"{seller}:{n}"))
                log.write(partial(set_setting, seller_id=seller, key="count", value=str(n)))
                if seller == 0 and n % 10 == 0:
                    log.append(entry(n, order_id=f"9{n}"))
                    log.write(partial(resolve_case, order_id=f"9{n}", resolution="refund"))
        except BaseException as error:
            errors.append(error)

    with EvidenceLog(db_path) as log:
        threads = [threading.Thread(target=worker, args=(seller,)) for seller in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    counts = [read(db_path, partial(get_setting, seller_id=s, key="count")) for s in range(6)]
    assert counts == ["49"] * 6
    assert (read(db_path, verify).ok, read(db_path, verify).rows) == (True, 6 * 50 + 5 * 2)


def test_csv_export_opens_in_excel_with_every_script(filled):
    with EvidenceLog(filled) as log:
        log.append(Entry("in", "console", 'Hàng bị vỡ, "giao" lại\n환불, 退款', order_id="x1"))
    with connection(filled) as db:
        text = export_text(db, Filters(), "csv")
    assert text.startswith("\ufeff")
    records = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(records) == 11
    assert records[-1]["text"] == 'Hàng bị vỡ, "giao" lại\n환불, 退款'
    assert len(records[-1]["hash"]) == 64


def test_jsonl_and_html_exports_and_filters(filled):
    with connection(filled) as db:
        lines = export_text(db, Filters(order_id="80000001"), "jsonl").splitlines()
        page = export_text(db, Filters(chat_id="0"), "html", timezone="Asia/Shanghai")
        today = export_text(db, Filters(since=date.today(), until=date.today()), "jsonl")
        none = export_text(db, Filters(until=date(2000, 1, 1)), "jsonl")
        other = export_text(db, Filters(scenario="price_drop"), "jsonl")
    assert [json.loads(line)["order_id"] for line in lines] == ["80000001"] * 3
    assert page.count('class="turn') == 5
    assert "Asia/Shanghai" in page
    assert "replybot verify" in page
    assert len(today.splitlines()) == 10
    assert none == ""
    assert other == ""


def test_cli_export_of_an_order_without_messages_writes_nothing(filled, tmp_path):
    target = tmp_path / "none.csv"
    result = CliRunner().invoke(
        main,
        ["export", "--db", str(filled), "--format", "csv", "--order", "404", "-o", str(target)],
    )
    assert result.exit_code == 1
    assert "no messages for order 404" in result.output
    assert not target.exists()


def test_cli_verify_exit_codes(filled):
    assert CliRunner().invoke(main, ["verify", "--db", str(filled)]).exit_code == 0
    tamper(filled, "UPDATE messages SET text = 'x' WHERE id = 2")
    result = CliRunner().invoke(main, ["verify", "--db", str(filled)])
    assert result.exit_code == 1
    assert "row 2" in result.output


def test_cli_resolve_and_case(filled):
    runner = CliRunner()
    resolved = runner.invoke(main, ["resolve", "80000001", "reship", "--db", str(filled)])
    assert resolved.exit_code == 0
    shown = runner.invoke(main, ["case", "80000001", "--db", str(filled)])
    assert "resolved, reship" in shown.output
    assert "Case resolved: reship" in shown.output
    assert runner.invoke(main, ["case", "404", "--db", str(filled)]).exit_code == 1


def test_console_from_a_pipe_logs_each_message_and_its_draft(tmp_path, session_cache, analyzer):
    db = tmp_path / "console.db"
    stdin = "price dropped $8 right after i paid, order 8123456789012345\n\n亲 收到的杯子碎了\n"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", str(db)],
        input=stdin.encode(), capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    out = proc.stdout.decode()
    assert "price_drop" in out
    assert "damaged_item" in out
    assert "buyer>" not in out
    verdict = read(db, verify)
    assert (verdict.ok, verdict.rows) == (True, 4)
    with connection(db) as conn:
        directions = [
            r["direction"] for r in conn.query("SELECT direction FROM messages ORDER BY id")
        ]
        assert directions == ["in", "out", "in", "out"]
        assert find_case(conn, "8123456789012345").scenario == "price_drop"


def test_console_uses_replybot_db_from_the_environment(tmp_path, session_cache, analyzer):
    db = tmp_path / "from-env.db"
    subprocess.run(
        [sys.executable, "-m", "bot", "console"], input=b"where is my parcel\n",
        capture_output=True, timeout=120, check=True, env={**os.environ, "REPLYBOT_DB": str(db)},
    )  # fmt: skip
    assert read(db, verify).rows == 2


def test_verify_and_export_leave_the_evidence_file_untouched(filled, tmp_path):
    before = filled.read_bytes()
    assert read(filled, verify).ok
    with connection(filled) as db:
        export_text(db, Filters(), "csv")
    assert filled.read_bytes() == before


def test_new_messages_become_searchable_while_the_log_is_open(db_path):
    import time

    with EvidenceLog(db_path) as log:
        log.append(Entry("in", "console", "thùng hàng bị móp, hoàn tiền giúp mình"))
        deadline = time.monotonic() + 10
        found: list = []
        while not found and time.monotonic() < deadline:
            time.sleep(0.1)
            with connection(db_path) as db:
                found = list(db["messages"].search("móp"))
        assert [row["id"] for row in found] == [1]


def test_a_setting_saved_again_replaces_the_old_value(db_path):
    with EvidenceLog(db_path) as log:
        log.write(lambda d: set_setting(d, 7, "language", "vi"))
        log.write(lambda d: set_setting(d, 7, "language", "ko"))
        assert read(db_path, lambda d: get_setting(d, 7, "language")) == "ko"
        assert read(db_path, lambda d: get_setting(d, 8, "language")) is None
        log.write(lambda d: save_shop_setting(d, "shop_name", "Lotus"))
        assert (
            log.write(lambda d: save_shop_setting(d, "shop_name", "Lotus Home")).shop_name
            == "Lotus Home"
        )
    with connection(db_path) as db:
        assert db.table("seller_settings").count == 2


def test_a_file_without_settings_or_corrections_gives_the_defaults(tmp_path):
    path = tmp_path / "other.db"
    other = Database(path)
    other["notes"].insert({"text": "not an evidence log"})
    other.close()
    assert read(path, load_shop_settings) == ShopSettings()
    assert read(path, load_corrections) == []
