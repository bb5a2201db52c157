import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.config import DEFAULT_API_URL, ConfigError, load_env_file, load_settings
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
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "http://127.0.0.1:99999"},
            "TELEGRAM_API_URL: 'http://127.0.0.1:99999' has a port out of range",
        ),
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


def replybot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ...` in `cwd`, with no setting of ours inherited but the model cache."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "SELLER_", "REPLYBOT_")) or key == "REPLYBOT_CACHE_DIR"
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=inherited | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def error_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("Error: ")]


def test_the_env_file_in_the_working_directory_is_read(tmp_path):
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nREPLYBOT_TIMEZONE=Mars/Base\n")
    done = replybot(tmp_path, "run")
    assert done.returncode == 1
    assert error_lines(done) == ["Error: REPLYBOT_TIMEZONE: 'Mars/Base' is not an IANA time zone"]


def test_the_environment_wins_over_the_env_file(tmp_path):
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nREPLYBOT_TIMEZONE=Mars/Base\n")
    done = replybot(tmp_path, "run", REPLYBOT_TIMEZONE="Venus/Base")
    assert error_lines(done) == ["Error: REPLYBOT_TIMEZONE: 'Venus/Base' is not an IANA time zone"]


def test_an_env_file_in_a_parent_folder_is_not_read(tmp_path):
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\n")
    (tmp_path / "shop").mkdir()
    done = replybot(tmp_path / "shop", "run")
    assert error_lines(done) == [
        "Error: TELEGRAM_BOT_TOKEN is not set (the token @BotFather gave you)"
    ]


def test_a_malformed_env_line_is_skipped_with_a_warning_naming_it(tmp_path):
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nthis line is not a setting\nREPLYBOT_TIMEZONE=Mars/Base\n"
    )
    done = replybot(tmp_path, "run")
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2, done.stderr
    assert lines[0].endswith("WARNING dotenv.main: python-dotenv could not parse statement "
                             "starting at line 2")  # fmt: skip
    assert lines[1] == "Error: REPLYBOT_TIMEZONE: 'Mars/Base' is not an IANA time zone"
    assert TOKEN not in done.stderr


@pytest.mark.parametrize(
    ("write", "error"),
    [
        (
            lambda path: path.write_bytes(b"SELLER_IDS=1\nSHOP=\xff\xfe\n"),
            "line 2 is not UTF-8 text",
        ),
        (lambda path: path.mkdir(), "cannot be read (Is a directory)"),
    ],
)
def test_an_unreadable_env_file_is_one_line(tmp_path, write, error):
    write(tmp_path / ".env")
    done = replybot(tmp_path, "run")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"Error: {tmp_path / '.env'}: {error}"]
    with pytest.raises(ConfigError, match=re.escape(error)):
        load_env_file(tmp_path)


def test_no_env_file_is_no_error(tmp_path):
    assert load_env_file(tmp_path) is None


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
