import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.scenarios import LANGUAGES, SCENARIOS

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
    assert "₩15,000" in reply["text"]
    assert "₩15,000" in reply["seller_text"]
    assert "20231234567" in reply["text"]


def test_draft_from_a_buyer_message_uses_its_scenario_language_and_facts(run):
    result = run("draft", "--text", "亲 订单号 3000123456 收到的杯子碎了", "--seller-lang", "en")
    assert result.exit_code == 0
    assert "3000123456" in result.stdout
    assert "--- English ---" in result.stdout
    assert "photos or a short video" in result.stdout


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
    assert all(f'lang="{language}"' in page for language in LANGUAGES)
