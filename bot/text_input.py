"""Text from outside (command line, a pipe, Telegram) made safe before anything reads it.

Every edge passes buyer text through `readable_text` once, so analysis, the evidence log
(SQLite and the hash chain need encodable UTF-8) and replies all see the same text.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters except tab and newline."""
_CARRIAGE_RETURN = re.compile("\r\n?")


def readable_text(text: str) -> str:
    """`text` with line breaks as newlines, no control characters and no lone surrogates.

    Lone surrogates (JSON `"\\ud800"`, or bytes that were not UTF-8 decoded with
    `surrogateescape`, as Python does for argv) become U+FFFD, so the rest of the message
    stays readable; surrogate pairs become the character they encode. Everything else,
    including emoji sequences with zero-width joiners, is kept as written.
    """
    text = _CARRIAGE_RETURN.sub("\n", text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _CONTROL.sub("", text)
