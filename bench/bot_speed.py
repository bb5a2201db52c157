"""The seller assistant end to end against the fake Bot API server; prints its figures.

    python bench/bot_speed.py [--messages 1000]

The real Application (rate limiter off) polls the fake server, which runs in its own
process on 127.0.0.1 as Telegram would; N seller messages are queued, and for each the
time from the update being handed to the bot to the card being sent is measured.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.request import HTTPXRequest

from bot.assistant import default_analyzer
from bot.config import BotSettings
from bot.tg.app import build_application
from tests.fake_bot_api import TOKEN

SELLER = 4242
TEXTS = [
    "price dropped $8 right after i paid, order 8123456789012345",
    "亲 订单号 3000123456 收到的杯子碎了 退款",
    "배송언제와요 주문번호 20231234567",
    "shop oi sao chua giao hang",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    default_analyzer()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_bot_api"], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    url = server.stdout.readline().strip()

    def control(action: str, payload: dict) -> dict:
        request = urllib.request.Request(
            f"{url}/_control/{action}", data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def wait_for_cards(count: int) -> None:
        while control("count", {"method": "sendMessage"})["count"] < count:
            time.sleep(0.02)

    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        settings = BotSettings(
            token=TOKEN, api_url=url, seller_ids=frozenset({SELLER}),
            db_path=Path(folder) / "bench.db",
        )  # fmt: skip

        async def run() -> float:
            application = build_application(
                settings,
                request=HTTPXRequest(connection_pool_size=8, httpx_kwargs={"trust_env": False}),
                get_updates_request=HTTPXRequest(httpx_kwargs={"trust_env": False}),
                rate_limited=False,
            )
            original = application.process_update

            async def timed(update: object) -> None:
                started = time.perf_counter()
                await original(update)
                latencies.append((time.perf_counter() - started) * 1000)

            application.process_update = timed  # type: ignore[method-assign]
            async with application:
                await application.start()
                await application.updater.start_polling(poll_interval=0, timeout=1)
                texts = [TEXTS[n % len(TEXTS)] for n in range(args.messages)]
                start = time.perf_counter()
                await asyncio.to_thread(control, "texts", {"user_id": SELLER, "texts": texts})
                await asyncio.to_thread(wait_for_cards, args.messages)
                elapsed = time.perf_counter() - start
                await application.updater.stop()
                await application.stop()
            application.bot_data["log"].close()
            return elapsed

        elapsed = asyncio.run(run())
    sent = control("count", {"method": "sendMessage"})["count"]
    server.terminate()
    server.wait()
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    print(
        f"seller assistant, {args.messages} messages: {sent} cards sent in {elapsed:.2f} s, "
        f"{sent / elapsed:.0f} messages/s; update handed to the bot -> card sent p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms; lost {args.messages - sent}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
