"""The seller assistant in a terminal: analyse, draft, log; shared by `replybot console`."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from babel.numbers import format_currency, format_decimal

from bot.analysis import Amount, Analysis
from bot.core import analyse, draft, reply_language
from bot.draft import Draft
from bot.nlp.analyzer import is_empty
from bot.replies.facts import Facts, ShopSettings
from bot.replies.render import Renderer
from bot.store.log import EvidenceLog, exchange_entries
from bot.text_input import readable_text

LANGUAGE_NAMES = {
    "en": "English",
    "zh": "Chinese",
    "zh-Hant": "繁體中文",
    "ko": "Korean",
    "vi": "Vietnamese",
}
"""Each reply language as the seller sees it named; Traditional Chinese by its own name."""


def _money(amount: Amount) -> str:
    if amount.currency is None:
        return f"{format_decimal(amount.value, locale='en')} (currency not written)"
    return f"{format_currency(amount.value, amount.currency, locale='en')} ({amount.currency})"


def summary(analysis: Analysis) -> str:
    """A seller-readable view of an analysis."""
    entities = analysis.entities
    alternatives = ", ".join(
        f"{alt.scenario} {alt.probability:.2f}" for alt in analysis.alternatives[:3]
    )
    risk = "YES" if analysis.dispute_risk else "no"
    rows = [
        ("language", f"{analysis.language} ({LANGUAGE_NAMES[analysis.language]})"),
        ("scenario", f"{analysis.scenario} (confidence {analysis.confidence:.2f})"),
        ("runners-up", alternatives),
        ("dispute risk", f"{risk} ({analysis.dispute_score:.2f})"),
        ("order ids", ", ".join(entities.order_ids) or "-"),
        ("tracking", ", ".join(entities.tracking_numbers) or "-"),
        ("amounts", ", ".join(_money(amount) for amount in entities.amounts) or "-"),
    ]
    return "\n".join(f"{label:<13}{value}" for label, value in rows)


def card(analysis: Analysis, reply: Draft) -> str:
    parts = [summary(analysis), "", f"--- reply ({LANGUAGE_NAMES[reply.language]}) ---", reply.text]
    if reply.seller_language != reply.language:
        parts += ["", f"--- {LANGUAGE_NAMES[reply.seller_language]} ---", reply.seller_text]
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class ConsoleLine:
    number: int
    text: str
    """Cleaned by `readable_text`; bytes that were not UTF-8 are U+FFFD."""
    utf8: bool
    """False when the line had bytes that are not UTF-8."""


def read_lines(
    stream: IO[bytes], prompt: Callable[[], None] | None = None
) -> Iterator[ConsoleLine]:
    """Each line of `stream` as a buyer message, decoded by itself.

    Reading bytes rather than text means one line that is not UTF-8 cannot end the
    input: it is read with U+FFFD in place of the bad bytes, and the next line is read
    as usual. A byte order mark (files saved on Windows) is not part of the first line.
    `prompt` is called before each line (for a terminal); the input ends at end of file
    (Ctrl-D).
    """
    for number in itertools.count(1):
        if prompt is not None:
            prompt()
        raw = stream.readline()
        if not raw:
            return
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text, utf8 = raw.decode("utf-8"), True
        except UnicodeDecodeError:
            text, utf8 = raw.decode("utf-8", "surrogateescape"), False
        yield ConsoleLine(number, readable_text(text), utf8)


class ConsoleSession:
    """Each buyer message: analysed, answered with a draft, both logged as evidence."""

    def __init__(self, log: EvidenceLog, settings: ShopSettings, renderer: Renderer) -> None:
        self.log = log
        self.settings = settings
        self.renderer = renderer

    def handle(self, text: str) -> str | None:
        if is_empty(text):
            return None
        analysis = analyse(text)
        facts = Facts.from_analysis(analysis)
        reply = draft(
            self.renderer,
            analysis.scenario,
            reply_language(analysis),
            facts=facts,
            settings=self.settings,
        )
        self.log.append_many(exchange_entries(analysis, reply, "console"))
        return card(analysis, reply)
