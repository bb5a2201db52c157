"""`replybot doctor` against the fake Bot API server, a real SQLite file and a real cache."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from bot.cli import main
from bot.config import load_settings
from bot.doctor import DiskLimits, disk_checks, mask, run_checks
from bot.nlp.cache import CACHE_ENV, model_key, model_path
from bot.store.corrections import save_correction
from bot.store.log import Entry, EvidenceLog
from bot.store.schema import migrations
from bot.tg.probe import probe_bot_api
from tests.fake_bot_api import TOKEN, FakeBotApi

SECRET = TOKEN.partition(":")[2]
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "replybot.db"
    with EvidenceLog(path) as log:
        for number in range(3):
            log.append(Entry("in", "console", f"where is order 81234567{number}?"))
    return path


@pytest.fixture
def env(monkeypatch, tmp_path, api, db, analyzer):
    """A shop whose settings are all right, its model trained and cached."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", api.url)
    monkeypatch.setenv("SELLER_IDS", "11, 22")
    monkeypatch.setenv("REPLYBOT_TIMEZONE", "Asia/Seoul")
    monkeypatch.setenv("REPLYBOT_DB", str(db))
    return monkeypatch


def doctor(*args: str) -> tuple[int, dict[str, tuple[str, str]]]:
    """Exit code, and each check's status and text by name; never the token, never a traceback."""
    result = CliRunner().invoke(main, ["doctor", *args], catch_exceptions=False)
    assert TOKEN not in result.output
    assert SECRET not in result.output
    assert "Traceback" not in result.output
    checks = {}
    for line in result.output.splitlines():
        status, name, text = line[:4].strip(), line[6:24].strip(), line[25:]
        assert status in {"ok", "warn", "fail", "skip"}, line
        checks.setdefault(name, (status, text))
    return result.exit_code, checks


def statuses(checks: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {name: status for name, (status, _) in checks.items()}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_healthy_setup_is_all_ok(env, api):
    code, checks = doctor()
    assert code == 0
    disk = checks.pop("disk space")
    assert disk[0] in {"ok", "warn"}
    assert set(statuses(checks).values()) == {"ok"}
    assert checks["TELEGRAM_BOT_TOKEN"][1] == f"set ({mask(TOKEN)})"
    assert checks["SELLER_IDS"][1] == "2 seller(s): 11, 22"
    assert checks["REPLYBOT_TIMEZONE"][1] == "Asia/Seoul"
    assert checks["Telegram token"][1] == f"@replybot_test_bot (id 7000001) at {api.url}"
    assert "long polling" in checks["webhook"][1]
    assert checks["evidence chain"][1] == "the chain holds: 3 rows verified"
    assert [call.method for call in api.calls] == ["getMe", "getWebhookInfo"]


def test_the_token_is_masked_to_its_bot_id_and_three_characters():
    assert mask(TOKEN) == "7000001:…ake"
    assert mask("12:short") == "…"


def test_a_rejected_token_fails_with_the_fix(env, api):
    api.fail_next("getMe", 401, description="Unauthorized")
    code, checks = doctor()
    assert code == 1
    status, text = checks["Telegram token"]
    assert status == "fail"
    assert "rejected the token (Unauthorized)" in text
    assert "revoked or is wrong: get a new one from @BotFather" in text
    assert checks["webhook"][0] == "skip"
    assert checks["evidence chain"][0] == "ok"


def test_an_unreachable_api_fails_and_suggests_a_proxy(env):
    url = f"http://127.0.0.1:{closed_port()}"
    env.setenv("TELEGRAM_API_URL", url)
    code, checks = doctor()
    assert code == 1
    status, text = checks["Telegram token"]
    assert status == "fail"
    assert text.startswith(f"cannot reach {url}: ")
    assert "set HTTPS_PROXY=http://host:port" in text
    assert checks["webhook"][0] == "skip"


def test_an_unreachable_proxy_is_named_without_its_password(env):
    port = closed_port()
    env.setenv("HTTP_PROXY", f"http://shop:hunter2@127.0.0.1:{port}")
    code, checks = doctor()
    assert code == 1
    status, text = checks["Telegram token"]
    assert status == "fail"
    assert f"through the proxy 127.0.0.1:{port}" in text
    assert "hunter2" not in text


def test_a_server_that_never_answers_is_given_up_on(api):
    with socket.create_server(("127.0.0.1", 0)) as silent:
        host, port = silent.getsockname()[:2]
        settings = load_settings(
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": f"http://{host}:{port}"}
        )
        report = probe_bot_api(settings, timeout=0.3, trust_env=False)
    assert report.account.kind == "unreachable"
    assert "no answer within" in report.account.reason
    assert report.webhook is None


class _WebPage(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b"<html><body>Not Found</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_server_that_is_not_a_bot_api_is_not_blamed_on_the_token(env, web_server):
    env.setenv("TELEGRAM_API_URL", web_server)
    code, checks = doctor()
    assert code == 1
    status, text = checks["Telegram token"]
    assert status == "fail"
    assert f"{web_server} does not answer like a Bot API server (HTTP Not Found (404)" in text
    assert "set TELEGRAM_API_URL to the server root" in text


def test_a_webhook_is_reported_with_its_last_error_and_the_token_in_it_masked(env, api):
    api.webhook = {
        "url": f"https://shop.example/hook/{TOKEN}",
        "has_custom_certificate": False,
        "pending_update_count": 5,
        "last_error_date": 1_790_000_000,
        "last_error_message": "Connection timed out",
    }
    code, checks = doctor()
    assert code == 0
    status, text = checks["webhook"]
    assert status == "warn"
    assert f"set to https://shop.example/hook/{mask(TOKEN)} (5 updates waiting" in text
    assert "last delivery error: Connection timed out" in text
    assert "without --webhook-url removes it and polls instead" in text


def test_a_failing_webhook_query_fails_its_line(env, api):
    api.fail_next("getWebhookInfo", 500, description="Internal Server Error")
    code, checks = doctor()
    assert code == 1
    assert checks["Telegram token"][0] == "ok"
    assert checks["webhook"] == (
        "fail",
        f"the Bot API at {api.url} answered with an error: Internal Server Error — "
        "try again in a minute; if it persists, the server has trouble",
    )


def test_a_tampered_evidence_log_fails_verification(env, db):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE messages SET text = 'where is my refund?' WHERE id = 2")
    conn.close()
    code, checks = doctor()
    assert code == 1
    status, text = checks["evidence chain"]
    assert status == "fail"
    assert "broken at row 2: its content was changed after it was logged" in text
    assert "restore the evidence log from a backup" in text
    assert checks["database"][0] == "ok"


def test_a_missing_token_fails_and_the_rest_is_still_checked(env, api):
    env.delenv("TELEGRAM_BOT_TOKEN")
    code, checks = doctor()
    assert code == 1
    status, text = checks["TELEGRAM_BOT_TOKEN"]
    assert status == "fail"
    assert "TELEGRAM_BOT_TOKEN is not set" in text
    assert "@BotFather" in text
    assert checks["Telegram token"] == (
        "skip",
        "not checked: TELEGRAM_BOT_TOKEN must be fixed first",
    )
    assert statuses(checks)["database"] == "ok"
    assert statuses(checks)["evidence chain"] == "ok"
    assert statuses(checks)["model cache"] == "ok"
    assert api.calls == []


def test_each_malformed_setting_gets_its_own_line(env, api):
    env.setenv("TELEGRAM_API_URL", "ftp://api.example")
    env.setenv("SELLER_IDS", "12,abc")
    env.setenv("REPLYBOT_TIMEZONE", "Mars/Base")
    code, checks = doctor()
    assert code == 1
    assert checks["TELEGRAM_BOT_TOKEN"][0] == "ok"
    assert checks["TELEGRAM_API_URL"][0] == "fail"
    assert "SELLER_IDS: 'abc' is not a Telegram user id" in checks["SELLER_IDS"][1]
    assert (
        "REPLYBOT_TIMEZONE: 'Mars/Base' is not an IANA time zone" in checks["REPLYBOT_TIMEZONE"][1]
    )
    assert checks["Telegram token"][1] == "not checked: TELEGRAM_API_URL must be fixed first"
    assert api.calls == []


def test_a_malformed_token_is_named_without_being_shown(env, api):
    env.setenv("TELEGRAM_BOT_TOKEN", SECRET)
    code, checks = doctor()
    assert code == 1
    assert checks["TELEGRAM_BOT_TOKEN"][0] == "fail"
    assert "TELEGRAM_BOT_TOKEN is malformed" in checks["TELEGRAM_BOT_TOKEN"][1]
    assert api.calls == []


def test_no_sellers_and_an_untrained_model_are_warnings(env, tmp_path):
    env.delenv("SELLER_IDS")
    env.setenv(CACHE_ENV, str(tmp_path / "empty-cache"))
    code, checks = doctor()
    assert code == 0
    status, text = checks["SELLER_IDS"]
    assert status == "warn"
    assert "nobody can use the seller features" in text
    status, text = checks["model cache"]
    assert status == "warn"
    assert "the first analysis trains it (about a minute)" in text
    assert 'run `replybot classify "hello"` to train it now' in text


def test_the_model_cache_check_counts_sellers_corrections(env, db):
    with EvidenceLog(db) as log:
        log.write(partial(save_correction, seller_id=11, text="is it waterproof?", language="en",
                          scenario="product_question", dispute_risk=False))  # fmt: skip
    code, checks = doctor()
    assert code == 0
    status, text = checks["model cache"]
    assert status == "warn"
    assert "run `replybot learn` to train it now" in text


def test_an_unreadable_cached_model_is_a_warning(env, tmp_path):
    cache = tmp_path / "cache"
    env.setenv(CACHE_ENV, str(cache))
    cache.mkdir()
    model_path(model_key()).write_bytes(b"not a model")
    code, checks = doctor()
    assert code == 0
    status, text = checks["model cache"]
    assert status == "warn"
    assert "is unreadable" in text


def test_a_cache_folder_that_cannot_be_created_fails(env, tmp_path):
    (tmp_path / "a-file").write_text("x")
    env.setenv(CACHE_ENV, str(tmp_path / "a-file" / "cache"))
    code, checks = doctor()
    assert code == 1
    status, text = checks["model cache"]
    assert status == "fail"
    assert "is not a folder" in text
    assert f"set {CACHE_ENV} to a folder" in text


def test_a_missing_evidence_log_is_a_warning_and_a_missing_folder_a_failure(env, tmp_path):
    code, checks = doctor("--db", str(tmp_path / "new.db"))
    assert code == 0
    assert checks["database"][0] == "warn"
    assert "the bot creates it at its first start" in checks["database"][1]
    assert checks["evidence chain"][0] == "skip"
    code, checks = doctor("--db", str(tmp_path / "nowhere" / "new.db"))
    assert code == 1
    assert checks["database"][0] == "fail"
    assert "does not exist" in checks["database"][1]


def test_a_file_that_is_not_a_database_fails(env, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite" * 100)
    code, checks = doctor("--db", str(junk))
    assert code == 1
    status, text = checks["database"]
    assert status == "fail"
    assert "file is not a database" in text
    assert checks["evidence chain"][0] == "skip"


def test_a_log_written_by_a_newer_version_fails(env, db):
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('replybot', 'from_the_future', '2030-01-01')"
        )
    conn.close()
    code, checks = doctor()
    assert code == 1
    status, text = checks["database"]
    assert status == "fail"
    assert "written by a newer replybot (unknown migrations: from_the_future)" in text


def test_low_disk_space_warns_and_almost_none_fails(tmp_path):
    places = {"evidence log": tmp_path, "model cache": tmp_path / "not-yet" / "cache"}
    [low] = disk_checks(places, DiskLimits(warn_below_bytes=1 << 62))
    assert low.status == "warn"
    assert "for the evidence log and model cache: running low" in low.detail
    [out] = disk_checks(places, DiskLimits(fail_below_bytes=1 << 62))
    assert out.status == "fail"
    assert "writes will soon fail" in out.detail


def test_python_m_bot_doctor_runs_without_a_traceback(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{closed_port()}",
        "REPLYBOT_DB": str(tmp_path / "replybot.db"),
        CACHE_ENV: str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == ""
    assert SECRET not in result.stdout
    assert "fail  Telegram token     cannot reach" in result.stdout
    assert len(result.stdout.splitlines()) == 10


def test_a_folder_given_as_the_evidence_log_fails(env, tmp_path):
    env.setenv("REPLYBOT_DB", str(tmp_path))
    code, checks = doctor()
    assert code == 1
    assert checks["database"] == (
        "fail",
        f"{tmp_path} is a folder, not an evidence log file — "
        "set REPLYBOT_DB (or --db) to the evidence log's path",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_fails_the_database_check(env, db):
    db.parent.chmod(0o555)
    try:
        code, checks = doctor()
    finally:
        db.parent.chmod(0o755)
    assert code == 1
    status, text = checks["database"]
    assert status == "fail"
    assert "is read-only" in text


def test_a_check_that_breaks_unexpectedly_is_reported_on_its_line(env, db):
    def broken_probe(settings):
        raise RuntimeError("the probe broke")

    checks = {check.name: check for check in run_checks(os.environ, broken_probe, db_path=db)}
    assert checks["Telegram"].status == "fail"
    assert checks["Telegram"].detail == "could not be checked: RuntimeError: the probe broke"
    assert checks["evidence chain"].status == "ok"


def test_a_log_from_an_older_version_is_fine_and_upgraded_at_the_next_start(env, tmp_path):
    old = tmp_path / "old.db"
    database = Database(old)
    migrations.apply(database, stop_before="add_inbox")
    database.close()
    code, checks = doctor("--db", str(old))
    assert code == 0
    assert checks["database"] == (
        "ok",
        f"{old}: the next start updates its schema (pending: add_inbox), writable",
    )
    assert checks["evidence chain"] == ("ok", "the chain holds: 0 rows verified")
