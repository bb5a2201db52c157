"""Keeping what the bot sends within Telegram's limits, and escaped for HTML parse mode."""

from __future__ import annotations

import html

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for whole_line in text.splitlines(keepends=True):
        line = whole_line
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current or not pieces:
        pieces.append(current)
    return [piece.rstrip("\n") or piece for piece in pieces]


def callback_data(*parts: str) -> str:
    data = ":".join(parts)
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data
