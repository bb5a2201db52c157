"""Peak-mode load on the inbox: many buyers at once in a business chat; prints its figures.

    python bench/inbox_load.py [--buyers 500] [--messages 2000]

The real Application, with python-telegram-bot's rate limiter on (30 messages a second
overall, as Telegram allows), polls the fake Bot API server in its own process. Peak mode
is on; every buyer writes several messages at once. Printed: how fast the messages are
taken in and logged, how long buyers wait for their auto-reply, whether every buyer got
exactly one, and whether the evidence log holds every message and still verifies.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import BotSettings
from bot.core import default_analyzer
from bot.inbox.state import switch_peak
from bot.store.log import EvidenceLog, connection, read
from bot.store.verify import verify
from bot.tg.app import build_application, freeze_startup_objects
from bot.tg.request import AiohttpRequest
from tests.fake_bot_api import TOKEN, ServerProcess

SELLER = 4242
FIRST_BUYER = 700000
TEXTS = [
    "still not shipped?? order 8123456789012345",
    "亲 怎么还没发货 订单号 3000123456",
    "배송 언제 와요? 주문번호 20231234567",
    "shop oi sao chua giao hang, don 8123456789",
    "price dropped $8 right after i paid",
    "收到的杯子碎了，要退款",
    "색상이 다른 게 왔어요",
    "hang bi vo roi shop",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=500)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    default_analyzer()
    server = ServerProcess()
    url, control = server.url, server.control

    messages = [
        [FIRST_BUYER + n % args.buyers, TEXTS[(n // args.buyers + n) % len(TEXTS)]]
        for n in range(args.messages)
    ]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.db"
        with EvidenceLog(db) as log:
            log.write(lambda d: switch_peak(d, on=True))
        settings = BotSettings(
            token=TOKEN, api_url=url, seller_ids=frozenset({SELLER}), db_path=db
        )  # fmt: skip

        def logged_in() -> int:
            with connection(db) as reader:
                return reader.execute(
                    "SELECT count(*) FROM messages WHERE direction = 'in'"
                ).fetchone()[0]

        def auto_replies() -> int:
            with connection(db) as reader:
                return reader.execute(
                    "SELECT count(*) FROM messages WHERE template = 'auto_reply_busy'"
                ).fetchone()[0]

        async def run() -> tuple[float, float]:
            application = build_application(
                settings,
                request=AiohttpRequest(trust_env=False),
                get_updates_request=AiohttpRequest(connection_pool_size=1, trust_env=False),
            )
            freeze_startup_objects()
            async with application:
                await application.start()
                await application.updater.start_polling(poll_interval=0, timeout=1)
                await asyncio.to_thread(
                    control, "connect", {"connection_id": "bc1", "owner_id": SELLER}
                )
                start = time.perf_counter()
                await asyncio.to_thread(
                    control, "business", {"connection_id": "bc1", "messages": messages}
                )
                while await asyncio.to_thread(logged_in) < args.messages:
                    await asyncio.sleep(0.05)
                taken_in = time.perf_counter() - start
                while await asyncio.to_thread(auto_replies) < args.buyers:
                    await asyncio.sleep(0.05)
                answered = time.perf_counter() - start
                await asyncio.sleep(1)  # room for a second auto-reply that should not come
                await application.updater.stop()
                await application.stop()
            application.bot_data.services.log.close()
            return taken_in, answered

        taken_in, answered = asyncio.run(run())
        report = control("sent", {})
        server.stop()
        verdict = read(db, verify)
        incoming = logged_in()
        replies_logged = auto_replies()
    pushed = {int(chat): at for chat, at in report["pushed"].items()}
    sent = {int(chat): times for chat, times in report["sent"].items() if int(chat) in pushed}
    waits = sorted((times[0] - pushed[chat]) for chat, times in sent.items())
    once = sum(len(times) == 1 for times in sent.values())

    def pct(p: float) -> float:
        return waits[min(len(waits) - 1, int(len(waits) * p / 100))]

    print(
        f"peak mode, rate limiter on: {args.messages} messages from {args.buyers} buyers "
        f"queued at once"
    )
    print(
        f"taken in and logged: {incoming}/{args.messages} in {taken_in:.2f} s "
        f"({args.messages / taken_in:.0f} messages/s)"
    )
    print(
        f"auto-replies: {len(sent)}/{args.buyers} buyers answered, {once} exactly once, "
        f"{replies_logged} logged; all sent {answered:.2f} s after the first message "
        f"({len(sent) / answered:.1f}/s)"
    )
    print(
        f"buyer's wait for the auto-reply: p50 {pct(50):.2f} s, p90 {pct(90):.2f} s, "
        f"p99 {pct(99):.2f} s, max {waits[-1]:.2f} s"
    )
    print(f"evidence log: {verdict.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
