"""The seller assistant end to end against the fake Bot API server; prints its figures.

    python bench/bot_speed.py [--messages 2000] [--rate 300]

The real Application (rate limiter off) polls the fake server, which runs in its own
process on 127.0.0.1 as Telegram would. Two runs, each on a fresh database:

- burst: all messages are queued at once; the figure is how fast the bot drains them;
- paced: messages arrive at --rate a second, as during a peak; the figure is the time
  from the update being fetched (getUpdates answered) to its card being sent.

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from telegram import Update

from bot.config import BotSettings
from bot.core import default_analyzer
from bot.tg.app import build_application, freeze_startup_objects
from bot.tg.request import AiohttpRequest
from tests.fake_bot_api import TOKEN, ServerProcess

SELLER = 4242
TEXTS = [
    "price dropped $8 right after i paid, order 8123456789012345",
    "亲 订单号 3000123456 收到的杯子碎了 退款",
    "배송언제와요 주문번호 20231234567",
    "shop oi sao chua giao hang",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=300, help="messages a second, paced run")
    args = parser.parse_args()
    default_analyzer()
    burst = run_once(args.messages, None)
    print(
        f"burst: {args.messages} seller messages queued at once: {burst.sent} cards sent in "
        f"{burst.elapsed:.2f} s, {burst.sent / burst.elapsed:.0f} messages/s; "
        f"bot CPU {burst.cpu_ms_per_message:.2f} ms a message; lost {args.messages - burst.sent}"
    )
    paced = run_once(args.messages, args.rate)
    print(
        f"paced: {args.messages} seller messages arriving at {args.rate:.0f}/s: {paced.sent} "
        f"cards sent in {paced.elapsed:.2f} s, {paced.sent / paced.elapsed:.0f} messages/s; "
        f"update fetched -> card sent p50 {paced.percentile(50):.1f} ms, "
        f"p99 {paced.percentile(99):.1f} ms, max {paced.percentile(100):.1f} ms; "
        f"lost {args.messages - paced.sent}"
    )
    return 0


@dataclass
class Result:
    sent: int
    elapsed: float
    latencies: list[float]
    cpu_ms_per_message: float

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def run_once(messages: int, rate: float | None) -> Result:
    server = ServerProcess()
    url, control = server.url, server.control

    def feed(texts: list[str]) -> None:
        if rate is None:
            control("texts", {"user_id": SELLER, "texts": texts})
            return
        start = time.perf_counter()
        queued = 0
        while queued < len(texts):
            due = min(len(texts), int((time.perf_counter() - start) * rate) + 1)
            if due > queued:
                control("texts", {"user_id": SELLER, "texts": texts[queued:due]})
                queued = due
            time.sleep(0.002)

    def wait_for_cards(count: int) -> None:
        while control("count", {"method": "sendMessage"})["count"] < count:
            time.sleep(0.02)

    fetched: dict[int, float] = {}
    latencies: list[float] = []
    cpu_ms: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        settings = BotSettings(
            token=TOKEN, api_url=url, seller_ids=frozenset({SELLER}),
            db_path=Path(folder) / "bench.db",
        )  # fmt: skip

        async def run() -> float:
            application = build_application(
                settings,
                request=AiohttpRequest(trust_env=False),
                get_updates_request=AiohttpRequest(connection_pool_size=1, trust_env=False),
                rate_limited=False,
            )
            freeze_startup_objects()
            queue = application.update_queue
            put = queue.put

            async def stamped_put(update: object) -> None:
                if isinstance(update, Update):
                    fetched[update.update_id] = time.perf_counter()
                await put(update)

            queue.put = stamped_put  # type: ignore[method-assign]
            process = application.process_update

            async def timed(update: Update) -> None:
                await process(update)
                latencies.append((time.perf_counter() - fetched[update.update_id]) * 1000)

            application.process_update = timed  # type: ignore[method-assign]
            async with application:
                await application.start()
                await application.updater.start_polling(poll_interval=0, timeout=1)
                texts = [TEXTS[n % len(TEXTS)] for n in range(messages)]
                start, cpu = time.perf_counter(), time.process_time()
                await asyncio.to_thread(feed, texts)
                await asyncio.to_thread(wait_for_cards, messages)
                elapsed = time.perf_counter() - start
                cpu_ms.append((time.process_time() - cpu) * 1000 / messages)
                await application.updater.stop()
                await application.stop()
            application.bot_data.services.log.close()
            return elapsed

        elapsed = asyncio.run(run())
    sent = control("count", {"method": "sendMessage"})["count"]
    server.stop()
    return Result(sent, elapsed, latencies, cpu_ms[0])


if __name__ == "__main__":
    sys.exit(main())
