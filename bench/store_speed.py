"""Evidence-log speed; prints its figures (nothing is asserted).

    python bench/store_speed.py [--rows 100000]

- logging with the chain kept: one caller appending one message at a time, and eight
  threads appending at once (their appends share transactions);
- other writes (a seller's setting) through the same writer thread, one at a time;
- verifying a log of --rows rows;
- exporting --rows rows to CSV.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

from bot.store.export import Filters, export
from bot.store.log import Entry, EvidenceLog, connection, read
from bot.store.sellers import set_setting
from bot.store.verify import verify

TEXTS = [
    "price dropped $8 right after i paid, order 8123456789012345",
    "亲 订单号 3000123456 收到的杯子碎了 退款",
    "배송언제와요 주문번호 20231234567 환불해주세요",
    "shop oi sao chua giao hang, mã đơn 240512ABCD1234",
]


def message(n: int) -> Entry:
    return Entry(
        direction="in" if n % 2 else "out",
        channel="console",
        text=TEXTS[n % len(TEXTS)],
        order_id=str(8123456789012345 + n % 5000),
        scenario="price_drop",
        language="en",
        confidence=0.97,
        dispute_risk=False,
        source_id=f"bench:{n}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        with EvidenceLog(path) as log:
            start = time.perf_counter()
            for n in range(2000):
                log.append(message(n))
            one = 2000 / (time.perf_counter() - start)

            def worker(offset: int) -> None:
                for n in range(1000):
                    log.append(message(offset + n))

            threads = [threading.Thread(target=worker, args=(10_000 + i * 1000,)) for i in range(8)]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            many = 8000 / (time.perf_counter() - start)
            print(f"logging with the chain: {one:.0f} messages/s one at a time, "
                  f"{many:.0f} messages/s from 8 threads")  # fmt: skip
            start = time.perf_counter()
            for n in range(2000):
                language = TEXTS[n % len(TEXTS)][:2]
                log.write(partial(set_setting, seller_id=n % 50, key="language", value=language))
            print(f"settings through the writer: {2000 / (time.perf_counter() - start):.0f} "
                  "writes/s one at a time")  # fmt: skip
            done = 10_000
            while done < args.rows:
                batch = min(5000, args.rows - done)
                log.append_many([message(100_000 + done + n) for n in range(batch)])
                done += batch
        start = time.perf_counter()
        verdict = read(path, verify)
        seconds = time.perf_counter() - start
        print(f"verify {verdict.rows} rows: {seconds:.2f} s ({verdict.describe()})")
        target = Path(folder) / "export.csv"
        start = time.perf_counter()
        with connection(path) as db, target.open("w", encoding="utf-8", newline="") as handle:
            export(db, Filters(), "csv", handle)
        print(f"export {verdict.rows} rows to CSV: {time.perf_counter() - start:.2f} s "
              f"({os.path.getsize(target) / 1e6:.1f} MB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
