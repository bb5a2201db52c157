import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.config import DEFAULT_API_URL, ConfigError, load_settings
from bot.tg.text import callback_data, escape, split_message

TOKEN = "123456:ABCdefGhIJKlmNoPQRstuVWXyz0123456789"


def test_settings_from_the_environment():
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "SELLER_IDS": " 11, 22 ,", "REPLYBOT_TIMEZONE": "Asia/Seoul",
         "TELEGRAM_API_URL": "http://127.0.0.1:8081/", "REPLYBOT_DB": "/tmp/x.db"}
    )  # fmt: skip
    assert settings.seller_ids == frozenset({11, 22})
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert str(settings.db_path) == "/tmp/x.db"
    assert TOKEN not in repr(settings)
    assert load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}).api_url == DEFAULT_API_URL


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "nope"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "SELLER_IDS": "12,abc"}, "SELLER_IDS"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "https://x/bot"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "REPLYBOT_TIMEZONE": "Mars/Base"}, "REPLYBOT_TIMEZONE"),
    ],
)
def test_a_missing_or_malformed_setting_is_named(env, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(env)


def test_run_without_a_token_stops_with_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: TELEGRAM_BOT_TOKEN is not set (the token @BotFather gave you)"
    ]


def test_long_texts_are_split_on_lines_within_the_limit():
    text = "\n".join(f"line {n} " + "x" * 50 for n in range(200))
    pieces = split_message(text, limit=1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert "\n".join(pieces) == text
    assert split_message("y" * 2500, limit=1000) == ["y" * 1000, "y" * 1000, "y" * 500]


@settings(max_examples=200)
@given(st.text(alphabet="ab &<>;\n", max_size=3000))
def test_pieces_never_cut_an_html_entity(raw):
    pieces = split_message(escape(raw), limit=100)
    assert all(len(piece) <= 100 for piece in pieces)
    assert all(piece.strip() for piece in pieces) or not raw.strip()
    for piece in pieces:
        assert re.fullmatch(r"([^&]|&(amp|lt|gt);)*", piece, re.DOTALL), piece


def test_a_long_line_is_cut_at_a_space():
    line = " ".join(f"{n:016d}" for n in range(300))
    pieces = split_message(line, limit=1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert all(piece.endswith(" ") for piece in pieces[:-1])
    assert "".join(pieces) == line


def test_callback_data_stays_within_64_bytes():
    assert callback_data("s", "wrong_or_missing_item") == "s:wrong_or_missing_item"
    with pytest.raises(ValueError, match="64 bytes"):
        callback_data("x" * 65)


def test_every_package_of_the_code_is_in_the_distribution():
    """A package missing from pyproject works in an editable install and breaks `pip install .`."""
    root = Path(__file__).resolve().parents[1]
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "bot").rglob("__init__.py")
    }
    assert found <= listed
