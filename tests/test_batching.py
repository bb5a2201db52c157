"""Messages analysed during one turn of the event loop are analysed together."""

import asyncio

from bot.nlp.analyzer import EmptyMessageError
from bot.nlp.batching import AnalysisBatcher

TEXTS = [
    "still not shipped?? order 8123456789",
    "收到的杯子碎了",
    "배송언제와요",
    "hàng bị lỗi rồi shop",
]


def test_concurrent_requests_share_one_call_and_get_their_own_answers(analyzer):
    calls = []

    class Counting:
        def analyse_many(self, texts):
            calls.append(list(texts))
            return analyzer.analyse_many(texts)

    async def main():
        batcher = AnalysisBatcher(Counting())
        together = await asyncio.gather(*(batcher.analyse(text) for text in TEXTS))
        alone = await batcher.analyse(TEXTS[0])
        return together, alone

    together, alone = asyncio.run(main())
    assert calls == [TEXTS, TEXTS[:1]]
    assert [a.text for a in together] == TEXTS
    assert together == [analyzer.analyse(text) for text in TEXTS]
    assert alone == together[0]


def test_an_empty_message_fails_alone(analyzer):
    async def main():
        batcher = AnalysisBatcher(analyzer)
        return await asyncio.gather(
            batcher.analyse(" \n\t"), batcher.analyse(TEXTS[1]), return_exceptions=True
        )

    empty, fine = asyncio.run(main())
    assert isinstance(empty, EmptyMessageError)
    assert fine.language == "zh"


def test_a_failing_batch_fails_every_waiting_request():
    class Broken:
        def analyse_many(self, texts):
            raise RuntimeError("model file unreadable")

    async def main():
        batcher = AnalysisBatcher(Broken())
        return await asyncio.gather(*(batcher.analyse(t) for t in TEXTS), return_exceptions=True)

    results = asyncio.run(main())
    assert [str(r) for r in results] == ["model file unreadable"] * len(TEXTS)
