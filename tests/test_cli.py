import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.scenarios import LANGUAGES, REPLY_LANGUAGES, SCENARIOS
from bot.store.log import connection, read
from bot.store.verify import verify

CONTRACT_KEYS = {"id", "language", "scenario", "confidence", "dispute_risk", "entities"}


@pytest.fixture
def run(analyzer):
    runner = CliRunner()

    def invoke(*args: str, stdin: bytes | None = None):
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    return invoke


def jsonl(*records) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode()) + b"\n"
        for r in records
    )


def test_jsonl_contract_one_line_per_input_in_order(run):
    lines = [
        {"id": 1, "text": "the price dropped after I ordered, refund the difference $8"},
        {"id": "b", "text": "shop oi sao chua giao hang"},
        {"id": [3], "text": "运单号 SF1234567890123 一直不动"},
        {"id": None, "text": "주문번호 20231234567 취소해주세요"},
    ]
    result = run("classify", "--jsonl", stdin=jsonl(*lines))
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", [3], None]
    for record in out:
        assert set(record) == CONTRACT_KEYS
        assert record["language"] in LANGUAGES
        assert record["scenario"] in SCENARIOS
        assert 0.0 <= record["confidence"] <= 1.0
        assert isinstance(record["dispute_risk"], bool)
        assert set(record["entities"]) == {"order_ids", "tracking_numbers", "amounts"}
    assert out[0]["entities"]["amounts"] == [{"value": "8.00", "currency": "USD"}]
    assert out[2]["entities"]["tracking_numbers"] == ["SF1234567890123"]
    assert out[3]["entities"]["order_ids"] == ["20231234567"]
    assert [o["language"] for o in out] == ["en", "vi", "zh", "ko"]


def test_malformed_lines_yield_errors_and_the_run_goes_on(run):
    stdin = jsonl(
        {"id": 1, "text": "where is my parcel"},
        b"{not json",
        b"[1, 2]",
        {"id": 4},
        {"id": 5, "text": 42},
        {"id": 6, "text": "   "},
        b"",
        b"\xff\xfe broken bytes",
        {"id": 9, "text": "hello"},
    )
    result = run("classify", "--jsonl", stdin=stdin)
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 9
    assert "error" not in out[0]
    assert out[0]["id"] == 1
    errors = {i + 1: o["error"] for i, o in enumerate(out) if "error" in o}
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8]
    assert errors[2].startswith("line 2: not JSON")
    assert "UTF-8" in errors[8]
    assert out[3]["id"] == 4
    assert out[8]["id"] == 9
    assert out[8]["scenario"] in SCENARIOS


def test_byte_order_mark_and_crlf_are_accepted(run):
    stdin = b"\xef\xbb\xbf" + json.dumps({"id": 1, "text": "hi"}).encode() + b"\r\n"
    out = [json.loads(line) for line in run("classify", "--jsonl", stdin=stdin).stdout.splitlines()]
    assert out[0]["id"] == 1
    assert "error" not in out[0]


def test_readable_summary(run):
    result = run("classify", "tracking RB123456789CN no update for 3 weeks, order 8123456789012345")
    assert result.exit_code == 0
    assert "delivery_delay" in result.stdout
    assert "RB123456789CN" in result.stdout
    assert "8123456789012345" in result.stdout
    assert "language     en (English)" in result.stdout


def test_single_message_as_json(run):
    result = run("classify", "--json", "15,000원 내렸네요 차액 환불 부탁드려요")
    record = json.loads(result.stdout)
    assert record["language"] == "ko"
    assert record["entities"]["amounts"] == [{"value": "15000", "currency": "KRW"}]


@pytest.mark.parametrize("args", [["classify"], ["classify", ""], ["classify", " \t "]])
def test_missing_or_empty_message_is_a_usage_error(run, args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "Error" in result.output


def test_text_and_jsonl_together_is_refused(run):
    assert CliRunner().invoke(main, ["classify", "--jsonl", "hi"]).exit_code == 2


def test_python_dash_m_bot_reads_raw_bytes(session_cache, analyzer):
    stdin = jsonl({"id": 1, "text": "hàng bị vỡ rồi shop ơi"}, b"\xc3\x28", {"id": 3, "text": "亲"})
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "classify", "--jsonl"],
        input=stdin,
        capture_output=True,
        check=True,
        timeout=120,
    )
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o.get("id") for o in out] == [1, None, 3]
    assert out[0]["language"] == "vi"
    assert "error" in out[1]


def test_jsonl_answers_each_line_without_waiting_for_the_end_of_input(session_cache, analyzer):
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "classify", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        for ident, text in enumerate(["where is my parcel", "亲 在吗", "hoàn tiền đi shop"]):
            process.stdin.write(jsonl({"id": ident, "text": text}))
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
            assert answer["id"] == ident
            assert answer["scenario"] in SCENARIOS
    finally:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()
    assert process.returncode == 0


def test_draft_json_contract(run):
    result = run(
        "draft", "--scenario", "price_drop", "--lang", "ko", "--seller-lang", "en",
        "--resolution", "refund_difference",
        "--set", "amount=15000 KRW", "--set", "order_id=20231234567", "--json",
    )  # fmt: skip
    assert result.exit_code == 0
    reply = json.loads(result.stdout)
    assert set(reply) == {"template", "language", "text", "seller_language", "seller_text"}
    assert (reply["template"], reply["language"], reply["seller_language"]) == (
        "price_drop",
        "ko",
        "en",
    )
    assert "15,000원" in reply["text"], "won as Korean chat writes it"
    assert "₩15,000" in reply["seller_text"]
    assert "20231234567" in reply["text"]


def test_draft_from_a_buyer_message_uses_its_scenario_language_and_facts(run):
    result = run("draft", "--text", "亲 订单号 3000123456 收到的杯子碎了", "--seller-lang", "en")
    assert result.exit_code == 0
    assert "3000123456" in result.stdout
    assert "--- English ---" in result.stdout
    assert "Please send us photos of the item and the parcel." in result.stdout, "evidence first"


def test_draft_resolution_and_bad_input(run):
    ok = run("draft", "--scenario", "damaged_item", "--resolution", "partial_refund",
             "--set", "amount=5 EUR")  # fmt: skip
    assert "€5.00" in ok.stdout
    for args in (
        ["draft", "--scenario", "nope"],
        ["draft", "--scenario", "price_drop", "--resolution", "free_money"],
        ["draft", "--scenario", "price_drop", "--set", "ship_date=tomorrow"],
        ["draft", "--scenario", "price_drop", "--set", "colour=red"],
        ["draft"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, args
        assert "Error" in result.output


def test_review_page_shows_every_template_in_every_language(tmp_path):
    from bot.replies.registry import TEMPLATES

    target = tmp_path / "review.html"
    result = CliRunner().invoke(main, ["review-page", "-o", str(target)])
    assert result.exit_code == 0
    page = target.read_text("utf-8")
    assert all(f'id="{template_id}"' in page for template_id in TEMPLATES)
    assert all(f'lang="{language}"' in page for language in REPLY_LANGUAGES)


def test_a_lone_surrogate_among_a_thousand_lines_is_cleaned_and_analysed(run):
    lines = [{"id": n, "text": "where is my parcel, order 8123456789012345"} for n in range(1005)]
    stdin = jsonl(
        *lines[:500], b'{"id": "odd \\ud800", "text": "refund \\ud800 now"}', *lines[500:]
    )
    result = run("classify", "--jsonl", stdin=stdin)
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]
    assert len(out) == 1006
    assert [o["id"] for o in out] == [*range(500), "odd \ud800", *range(500, 1005)]
    assert all(set(o) == CONTRACT_KEYS for o in out)


def _bot(*args: bytes | str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_arguments_that_are_not_utf8_are_read_with_replacement_characters(session_cache, analyzer):
    summary = _bot("classify", b"\xff\xfe bad \x01 order 8123456789012345 never arrived")
    assert summary.returncode == 0, summary.stderr
    assert b"8123456789012345" in summary.stdout
    as_json = _bot("classify", "--json", b"\xc3( hang bi vo roi, hoan tien")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["scenario"] in SCENARIOS
    drafted = _bot("draft", "--text", b"\xff", "--set", b"buyer_name=Lan\xff\x07")
    assert drafted.returncode == 0, drafted.stderr
    assert "Lan\ufffd," in drafted.stdout.decode("utf-8")
    assert b"Traceback" not in summary.stderr + as_json.stderr + drafted.stderr


def _logged_in_texts(db) -> list[str]:
    with connection(db) as reader:
        return [
            row[0] for row in reader.execute("SELECT text FROM messages WHERE direction = 'in'")
        ]


def test_a_piped_console_line_that_is_not_utf8_does_not_stop_the_rest(tmp_path, analyzer):
    db = tmp_path / "console.db"
    stdin = b"".join(
        [
            b"\xef\xbb\xbfwhere is my parcel\n",
            b"\xff\xfe broken \xc3( bytes\n",
            b"item\x00 broken \x1b[31m\r\n",
            "亲 在吗\n".encode(),
        ]
    )
    proc = _bot("console", "--db", str(db), stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(b"scenario ") == 4
    stderr = proc.stderr.decode("utf-8")
    assert "line 2: not valid UTF-8" in stderr
    assert len(stderr.splitlines()) == 1
    assert _logged_in_texts(db) == [
        "where is my parcel",
        "\ufffd\ufffd broken \ufffd( bytes",
        "item broken [31m",
        "亲 在吗",
    ]
    assert read(db, verify).ok


def test_the_console_in_a_terminal_prompts_and_ends_with_ctrl_d(tmp_path, analyzer):
    db = tmp_path / "console.db"
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--db", str(db)],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    try:
        os.write(controller, b"where is my parcel\n\xff bad bytes\n\x04")
        stdout, stderr = process.communicate(timeout=120)
    finally:
        os.close(controller)
    assert process.returncode == 0, stderr
    assert stdout.count(b"buyer> ") == 3
    assert stdout.count(b"scenario ") == 2
    assert _logged_in_texts(db) == ["where is my parcel", "\ufffd bad bytes"]


HUGE_OR_NOT_FINITE = ["1e400", "NaN", "Infinity", "-inf", "1e999999", "sNaN", "1e-400"]


@pytest.mark.parametrize("value", HUGE_OR_NOT_FINITE)
@pytest.mark.parametrize("key", ["amount", "coupon_value"])
def test_draft_refuses_amounts_that_are_not_finite_or_of_sane_size(run, key, value):
    for written in (value, f"{value} USD", f"USD {value}"):
        result = run("draft", "--scenario", "price_drop", "--set", f"{key}={written}")
        assert result.exit_code == 2
        error = result.output.strip().splitlines()[-1]
        assert error.startswith("Error: ")
        assert repr(value) in error


def test_resolve_refuses_amounts_that_are_not_finite_or_of_sane_size(run, tmp_path):
    db = tmp_path / "cases.db"
    opened = run("console", "--db", str(db), stdin=b"order 8123456789012345 arrived broken\n")
    assert opened.exit_code == 0
    for value in HUGE_OR_NOT_FINITE:
        result = run("resolve", "--db", str(db), "--", "8123456789012345", "refund", value, "USD")
        assert result.exit_code == 2
        assert repr(value) in result.output.strip().splitlines()[-1]
    assert len(_logged_in_texts(db)) == 1
    with connection(db) as reader:
        assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == 2
        assert reader.execute("SELECT status FROM cases").fetchall() == [("open",)]
    resolved = run("resolve", "--db", str(db), "8123456789012345", "refund", "12.50", "usd")
    assert resolved.exit_code == 0
    assert read(db, verify).ok


NOT_A_DATABASE = "not a database, but long enough to have a header " * 9


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["verify", "--db", "missing.db"], "no evidence log at missing.db"),
        (["export", "--db", "missing.db", "--format", "csv"], "no evidence log at missing.db"),
        (["case", "--db", "missing.db", "1"], "no evidence log at missing.db"),
        (
            ["resolve", "--db", "new.db", "404", "refund"],
            "no case for order 404: no message about it was logged",
        ),
        (
            ["console", "--db", "no-folder/x.db"],
            "cannot open no-folder/x.db: unable to open database file",
        ),
        *(
            ([command, "--db", "junk.db", *rest], "evidence log junk.db: file is not a database")
            for command, *rest in (
                ["console"],
                ["verify"],
                ["export", "--format", "csv"],
                ["case", "1"],
                ["resolve", "1", "refund"],
                ["learn"],
            )
        ),
    ],
)
def test_an_evidence_log_that_cannot_be_used_is_one_line_of_error(
    tmp_path, monkeypatch, args, error
):
    (tmp_path / "junk.db").write_text(NOT_A_DATABASE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args, input="hi\n", catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output == f"Error: {error}\n"


def test_the_evidence_log_comes_from_replybot_db_unless_db_is_given(tmp_path, monkeypatch):
    (tmp_path / "junk.db").write_text(NOT_A_DATABASE)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    from_env = runner.invoke(main, ["verify"], env={"REPLYBOT_DB": " junk.db \n"})
    assert from_env.output == "Error: evidence log junk.db: file is not a database\n"
    given = runner.invoke(main, ["verify", "--db", "missing.db"], env={"REPLYBOT_DB": "junk.db"})
    assert given.output == "Error: no evidence log at missing.db\n"
    for blank in ("", "  "):
        default = runner.invoke(main, ["verify"], env={"REPLYBOT_DB": blank})
        assert default.output == "Error: no evidence log at replybot.db\n"


def test_a_folder_in_replybot_db_is_a_usage_error_naming_the_variable(tmp_path):
    result = CliRunner().invoke(main, ["verify"], env={"REPLYBOT_DB": str(tmp_path)})
    assert result.exit_code == 2
    assert "Invalid value for '--db' (env var: 'REPLYBOT_DB')" in result.output
    assert "is a directory" in result.output
