"""Keeping what the bot sends within Telegram's limits, and escaped for HTML parse mode."""

from __future__ import annotations

import html

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters of escaped HTML, cut at line ends where possible.

    A line longer than a message is cut at a space where there is one near the end, and
    never inside an entity such as `&amp;`, which Telegram would refuse to parse. Pieces
    that would hold only white space (which Telegram refuses) are left out.
    """
    pieces: list[str] = []
    current = ""
    for whole_line in text.splitlines(keepends=True):
        line = whole_line
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = _cut(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        if len(current) + len(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current or not pieces:
        pieces.append(current)
    return [piece.rstrip("\n") for piece in pieces if piece.strip()] or [text[:limit]]


def _cut(line: str, limit: int) -> int:
    cut = limit
    entity = line.rfind("&", max(0, limit - 10), limit)
    if entity > 0 and line.find(";", entity, limit) == -1:
        cut = entity
    space = line.rfind(" ", max(0, cut - 200), cut)
    return space + 1 if space > 0 else cut


def callback_data(*parts: str) -> str:
    data = ":".join(parts)
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data
