"""Analyses asked for during one turn of the event loop, computed together."""

from __future__ import annotations

import asyncio

from bot.analysis import Analysis
from bot.nlp.analyzer import Analyzer, EmptyMessageError, is_empty


class AnalysisBatcher:
    """Gathers the messages that concurrent handlers want analysed into one `analyse_many`.

    During a peak many handlers ask at once, and one call for 16 messages costs about a
    third of 16 single calls (0.21 against 0.75 ms a message). A message that arrives
    alone is analysed on the next turn of the loop, without waiting for company.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self._pending: list[tuple[str, asyncio.Future[Analysis]]] = []

    async def analyse(self, text: str) -> Analysis:
        if is_empty(text):
            raise EmptyMessageError("the message is empty")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Analysis] = loop.create_future()
        self._pending.append((text, future))
        if len(self._pending) == 1:
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        try:
            analyses = self.analyzer.analyse_many([text for text, _ in pending])
        except Exception as error:
            for _, future in pending:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), analysis in zip(pending, analyses, strict=True):
            if not future.done():
                future.set_result(analysis)
