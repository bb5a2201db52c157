"""`replybot run` starting, or failing to start, as a process against the fake Bot API.

A failure to start is one line saying what to do, a non-zero exit, no traceback, no
unclosed connection, and never the token: not on stdout, stderr or in the log file.
"""

import asyncio
import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli import _RedactingGroup
from bot.config import BotSettings
from bot.logs import REDACTED, Redactor, add_secret
from bot.preflight import StartupError, check_database, check_listen
from bot.store.log import EvidenceLog
from bot.tg.preflight import check_bot_api
from tests.fake_bot_api import TOKEN, FakeBotApi

SECRET = TOKEN.partition(":")[2]
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: ")


@pytest.fixture
def api():
    server = FakeBotApi().start()
    yield server
    server.stop()


def bot_env(tmp_path: Path, api_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if "proxy" not in key.lower() and not key.startswith(("TELEGRAM_", "SELLER_"))
        and (not key.startswith("REPLYBOT_") or key == "REPLYBOT_CACHE_DIR")
    }  # fmt: skip
    return env | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "REPLYBOT_DB": str(tmp_path / "bot.db"),
        "REPLYBOT_LOG_FILE": str(tmp_path / "replybot.log"),
        **extra,
    }


def run_bot(tmp_path: Path, api_url: str, *args: str, **extra: str) -> tuple[int, str, str]:
    """Start `replybot run` and expect it to stop by itself; its exit code and output."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        env=bot_env(tmp_path, api_url, **extra),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def assert_one_clear_error(tmp_path: Path, code: int, stdout: str, stderr: str) -> str:
    """The checks every failed start must pass; returns the error line."""
    log = tmp_path / "replybot.log"
    logged = log.read_text(encoding="utf-8") if log.exists() else ""
    for output in (stdout, stderr, logged):
        assert TOKEN not in output
        assert SECRET not in output
    assert code == 1, stderr
    assert stdout == ""
    assert "Traceback" not in stderr
    assert "Unclosed" not in stderr
    assert "is running" not in stderr
    lines = stderr.strip().splitlines()
    assert lines[-1].startswith("Error: "), stderr
    assert len(lines) <= 4, stderr
    assert all(LOG_LINE.match(line) for line in lines[:-1]), stderr
    return lines[-1]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_api_is_one_line_after_the_retries(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    error = assert_one_clear_error(tmp_path, *run_bot(tmp_path, url))
    assert error == (
        f"Error: cannot reach the Bot API at {url} (connection refused) after 3 attempts: "
        "check the network, a proxy (HTTPS_PROXY) and TELEGRAM_API_URL"
    )


def test_a_rejected_token_is_one_line_and_not_retried(tmp_path, api):
    api.fail_next("getMe", 401, description="Unauthorized")
    error = assert_one_clear_error(tmp_path, *run_bot(tmp_path, api.url))
    assert error == (
        f"Error: the Bot API at {api.url} rejected the bot token: check TELEGRAM_BOT_TOKEN "
        "(@BotFather's /token shows it) and TELEGRAM_API_URL"
    )
    assert [call.method for call in api.calls] == ["getMe"]


def test_a_server_error_that_persists_is_one_line(tmp_path, api):
    for _ in range(3):
        api.fail_next("getMe", 500, description="Internal Server Error")
    error = assert_one_clear_error(tmp_path, *run_bot(tmp_path, api.url))
    assert error == (
        f"Error: the Bot API at {api.url} answered with an error (Internal Server Error) after "
        "3 attempts: Telegram may be having trouble; try again later, or check TELEGRAM_API_URL"
    )
    assert [call.method for call in api.calls] == ["getMe"] * 3


def test_a_server_error_that_passes_is_ridden_out(tmp_path, api, analyzer):
    api.fail_next("getMe", 502, description="Bad Gateway")
    process, stderr = start_bot(tmp_path, api)
    try:
        wait_for_line(stderr, "is running")
    finally:
        stop(process)
    assert process.returncode == 0


def test_a_failure_after_the_checks_is_one_line_after_the_bootstrap_retries(
    tmp_path, api, analyzer
):
    for _ in range(3):
        api.fail_next("deleteWebhook", 500, description="Internal Server Error")
    error = assert_one_clear_error(tmp_path, *run_bot(tmp_path, api.url))
    assert error == (
        f"Error: the Bot API at {api.url} answered with an error (Internal Server Error): "
        "Telegram may be having trouble; try again later, or check TELEGRAM_API_URL"
    )
    assert [call.method for call in api.calls].count("deleteWebhook") == 3


def test_a_server_that_never_answers_is_one_line(tmp_path, api):
    api.never_answer("getMe")
    error = assert_one_clear_error(tmp_path, *run_bot(tmp_path, api.url))
    assert error == (
        f"Error: the Bot API at {api.url} did not answer in time after 3 attempts: "
        "check the network, a proxy (HTTPS_PROXY) and TELEGRAM_API_URL"
    )


def test_an_unwritable_database_stops_before_calling_telegram(tmp_path, api):
    (tmp_path / "a-file").write_text("not a folder")
    db = tmp_path / "a-file" / "bot.db"
    error = assert_one_clear_error(tmp_path, *run_bot(tmp_path, api.url, REPLYBOT_DB=str(db)))
    assert error == (
        f"Error: cannot create the evidence log {db}: {tmp_path / 'a-file'} is not a folder; "
        "set REPLYBOT_DB to a file in a folder you can write to"
    )
    assert api.calls == []


@pytest.mark.parametrize("port", ["99999", "0"])
def test_a_webhook_port_out_of_range_stops_before_calling_telegram(tmp_path, api, port):
    code, stdout, stderr = run_bot(
        tmp_path, api.url, "--webhook-url", "https://shop.example/hook", "--port", port
    )
    error = assert_one_clear_error(tmp_path, code, stdout, stderr)
    assert error == f"Error: webhook port {port} is out of range: give --port from 1 to 65535"
    assert api.calls == []


def test_a_webhook_port_in_use_stops_before_telegram_is_told(tmp_path, api):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, stdout, stderr = run_bot(
            tmp_path, api.url, "--webhook-url", "https://shop.example/hook",
            "--listen", "127.0.0.1", "--port", str(port),
        )  # fmt: skip
    error = assert_one_clear_error(tmp_path, code, stdout, stderr)
    assert error == (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use): stop what uses "
        "the port, or give --port another one"
    )
    assert "setWebhook" not in {call.method for call in api.calls}


def test_a_token_pasted_into_another_setting_is_redacted_from_the_error(tmp_path, api):
    code, stdout, stderr = run_bot(tmp_path, api.url, REPLYBOT_TIMEZONE=TOKEN)
    error = assert_one_clear_error(tmp_path, code, stdout, stderr)
    assert error == f"Error: REPLYBOT_TIMEZONE: '{REDACTED}' is not an IANA time zone"


def test_an_unwritable_log_file_is_one_line(tmp_path, api):
    (tmp_path / "a-file").write_text("not a folder")
    log = tmp_path / "a-file" / "replybot.log"
    code, _, stderr = run_bot(tmp_path, api.url, REPLYBOT_LOG_FILE=str(log))
    assert code == 1
    assert stderr.strip().splitlines() == [
        f"Error: REPLYBOT_LOG_FILE: cannot write {log} (Not a directory)"
    ]


def start_bot(
    tmp_path: Path, api: FakeBotApi, *args: str, **extra: str
) -> tuple[subprocess.Popen, Path]:
    stderr = tmp_path / "stderr.txt"
    with stderr.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            env=bot_env(tmp_path, api.url, **extra),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    return process, stderr


def wait_for_line(path: Path, text: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in path.read_text(encoding="utf-8").splitlines():
            if text in line:
                return line
        time.sleep(0.05)
    raise AssertionError(f"no {text!r} in:\n{path.read_text(encoding='utf-8')}")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_running_is_announced_once_updates_are_fetched(tmp_path, api, analyzer):
    process, stderr = start_bot(tmp_path, api)
    try:
        line = wait_for_line(stderr, "is running")
        methods = [call.method for call in api.calls]
    finally:
        stop(process)
    assert process.returncode == 0
    assert LOG_LINE.match(line)
    assert line.endswith("INFO bot.tg.app: @replybot_test_bot is running; stop it with Ctrl+C")
    assert "deleteWebhook" in methods
    output = stderr.read_text(encoding="utf-8") + (tmp_path / "replybot.log").read_text("utf-8")
    assert TOKEN not in output
    assert SECRET not in output
    assert "Unclosed" not in output


def post_update(port: int, secret: str | None) -> int:
    """POST an update to the bot's webhook as Telegram would; the HTTP status."""
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "hi",
              "chat": {"id": 7, "type": "private"}, "from": {"id": 7, "is_bot": False,
              "first_name": "A"}}}  # fmt: skip
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=json.dumps(update).encode(), headers=headers
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_webhook_is_announced_once_it_listens_and_takes_only_telegrams_secret(
    tmp_path, api, analyzer
):
    port = closed_port()
    webhook_secret = "s3cret_" + "x" * 40
    process, stderr = start_bot(
        tmp_path, api, "--webhook-url", f"http://127.0.0.1:{port}/hook",
        "--listen", "127.0.0.1", "--port", str(port), TELEGRAM_WEBHOOK_SECRET=webhook_secret,
    )  # fmt: skip
    try:
        wait_for_line(stderr, "is running")
        webhooks = api.wait_for("setWebhook")
        assert post_update(port, None) == 403
        assert post_update(port, "wrong") == 403
        assert post_update(port, webhook_secret) == 200
    finally:
        stop(process)
    assert process.returncode == 0
    assert webhooks[0].params["url"] == f"http://127.0.0.1:{port}/hook"
    assert webhooks[0].params["secret_token"] == webhook_secret
    output = stderr.read_text(encoding="utf-8") + (tmp_path / "replybot.log").read_text("utf-8")
    assert webhook_secret not in output
    assert TOKEN not in output


def test_a_malformed_webhook_secret_is_one_line_without_the_value(tmp_path, api):
    code, stdout, stderr = run_bot(
        tmp_path, api.url, "--webhook-url", "https://example.invalid/hook",
        TELEGRAM_WEBHOOK_SECRET="has spaces and ünicode",
    )  # fmt: skip
    error = assert_one_clear_error(tmp_path, code, stdout, stderr)
    assert "TELEGRAM_WEBHOOK_SECRET" in error
    assert "ünicode" not in stderr


# --- the start-up checks, as `replybot doctor` calls them ------------------------------


def test_database_checks(tmp_path):
    check_database(tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()
    with EvidenceLog(tmp_path / "bot.db"):
        pass
    check_database(tmp_path / "bot.db")
    (tmp_path / "notes.txt").write_text("not a database, but long enough to have a header " * 9)
    with pytest.raises(StartupError, match=r"cannot write the evidence log .*notes\.txt"):
        check_database(tmp_path / "notes.txt")
    with pytest.raises(StartupError, match="is a folder, not a file"):
        check_database(tmp_path)
    with pytest.raises(StartupError, match="does not exist; set REPLYBOT_DB"):
        check_database(tmp_path / "missing" / "bot.db")


def test_api_checks(api, monkeypatch):
    for key in [key for key in os.environ if "proxy" in key.lower()]:
        monkeypatch.delenv(key)
    settings = BotSettings(token=TOKEN, api_url=api.url)
    assert asyncio.run(check_bot_api(settings)) == "replybot_test_bot"
    api.fail_next("getMe", 401, description="Unauthorized")
    with pytest.raises(StartupError, match="rejected the bot token"):
        asyncio.run(check_bot_api(settings))
    api.fail_next("getMe", 500, description="Internal Server Error")
    with pytest.raises(StartupError, match=r"\(Internal Server Error\): Telegram may be"):
        asyncio.run(check_bot_api(settings, retries=0))
    assert [call.method for call in api.calls] == ["getMe"] * 3


def test_listen_checks():
    check_listen("127.0.0.1", closed_port())
    with pytest.raises(StartupError, match=r"cannot listen on 'a\.\.b' \(not a host name\)"):
        check_listen("a..b", 8443)
    with pytest.raises(StartupError, match="give --listen an address of this machine"):
        check_listen("192.0.2.1", 8443)


# --- redaction ----------------------------------------------------------------------------


@pytest.fixture
def redacted_log():
    """A logger whose only handler writes, through a Redactor knowing TOKEN, to a string."""
    redactor = Redactor()
    redactor.add_secret(TOKEN)
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(redactor)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, redactor, written
    logger.removeHandler(handler)
    logger.propagate = True


def test_the_token_is_redacted_from_messages_and_their_arguments(redacted_log):
    logger, _, written = redacted_log
    logger.warning(f"GET /bot{TOKEN}/getMe failed")
    logger.warning("GET %s failed %d times", f"http://x/bot{TOKEN}/getMe", 3)
    logger.warning("encoded: %s", TOKEN.replace(":", "%3A"))
    logger.warning("the secret half alone: %s", SECRET)
    assert written.getvalue().splitlines() == [
        f"WARNING GET /bot{REDACTED}/getMe failed",
        f"WARNING GET http://x/bot{REDACTED}/getMe failed 3 times",
        f"WARNING encoded: {REDACTED}",
        f"WARNING the secret half alone: {REDACTED}",
    ]


def test_the_token_is_redacted_from_tracebacks(redacted_log):
    logger, _, written = redacted_log

    def call_the_api(url: str) -> None:
        raise ConnectionError(f"cannot connect to {url}")

    try:
        call_the_api(f"http://127.0.0.1:9/bot{TOKEN}/getMe")
    except ConnectionError:
        logger.exception("start-up failed")
    text = written.getvalue()
    assert "Traceback" in text
    assert f"cannot connect to http://127.0.0.1:9/bot{REDACTED}/getMe" in text
    assert TOKEN not in text
    assert SECRET not in text


def test_expected_failures_are_one_line_and_others_keep_their_traceback(redacted_log):
    logger, redactor, written = redacted_log
    redactor.expect(ConnectionError)
    for error in (ConnectionError(f"refused: /bot{TOKEN}/"), KeyError("bug")):
        try:
            raise error
        except (ConnectionError, KeyError):
            logger.exception("polling failed")
    lines = written.getvalue().splitlines()
    assert lines[0] == f"ERROR polling failed (ConnectionError: refused: /bot{REDACTED}/)"
    assert lines[1] == "ERROR polling failed"
    assert lines[2] == "Traceback (most recent call last):"
    assert lines[-1] == "KeyError: 'bug'"


def test_short_values_are_not_taken_for_secrets():
    redactor = Redactor()
    redactor.add_secret("1:ab")
    assert redactor.redact("1:ab and 1 and ab") == "1:ab and 1 and ab"


def test_exit_messages_of_the_cli_are_redacted():
    add_secret(TOKEN)

    @click.group(cls=_RedactingGroup)
    def group() -> None:
        pass

    @group.command()
    def fails() -> None:
        raise click.ClickException(f"no answer from /bot{TOKEN}/getMe")

    @group.command()
    def exits() -> None:
        raise SystemExit(f"stopped at /bot{TOKEN}/getMe")

    failed = CliRunner().invoke(group, ["fails"])
    assert failed.output == f"Error: no answer from /bot{REDACTED}/getMe\n"
    exited = CliRunner().invoke(group, ["exits"])
    assert exited.exit_code == 1
    assert str(exited.exception) == f"stopped at /bot{REDACTED}/getMe"


@pytest.mark.parametrize("where", ["main", "thread"])
def test_an_unexpected_crash_is_logged_redacted(tmp_path, where):
    crash = f"raise RuntimeError('cannot open /bot{TOKEN}/getMe')"
    program = "\n".join([
        "import threading",
        "from bot import logs",
        "logs.setup_logging()",
        f"logs.add_secret({TOKEN!r})",
        "def crash():",
        f"    {crash}",
        "thread = threading.Thread(target=crash, name='worker'); thread.start(); thread.join()"
        if where == "thread"
        else "crash()",
    ])  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert TOKEN not in done.stderr
    assert SECRET not in done.stderr
    first, *_, last = done.stderr.strip().splitlines()
    assert LOG_LINE.match(first)
    assert first.endswith("unexpected error" if where == "main" else "unexpected error in worker")
    assert last == f"RuntimeError: cannot open /bot{REDACTED}/getMe"
