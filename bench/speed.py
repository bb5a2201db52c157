"""Speed and memory of the analysis core; prints its figures (nothing is asserted).

    python bench/speed.py [--messages 10000] [--skip-training]

- in-process: one-message `analyse` latency (p50, p99, max) after warm-up;
- `python -m bot classify --jsonl` over N messages on one core: throughput after start-up
  (the run's time minus the time of a run over a single message) and peak RSS;
- `replybot classify "hi"` cold start with a warm model cache (median and worst of 10);
- first use: training the model into an empty cache (time and peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from bot.core import default_analyzer
from bot.nlp.dataset import load_examples, training_sources

DEVSET = Path(__file__).parent / "devset"


def messages() -> list[str]:
    texts = []
    for path in sorted(DEVSET.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line]
    return texts or [example.text for example in load_examples(training_sources())]


def one_core(command: list[str]) -> list[str]:
    return ["taskset", "-c", "0", *command] if shutil.which("taskset") else command


def run_measured(
    command: list[str], stdin_path: Path | None, env: dict[str, str]
) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one child process."""
    with open(stdin_path or os.devnull, "rb") as stdin, open(os.devnull, "wb") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=stdin, stdout=stdout, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command} failed with {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def in_process(texts: list[str]) -> None:
    analyzer = default_analyzer()
    for text in texts[:300]:
        analyzer.analyse(text)
    timings = []
    sample = list(islice(cycle(texts), 5000))
    for text in sample:
        start = time.perf_counter_ns()
        analyzer.analyse(text)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    print(f"analyse() in-process, {len(sample)} messages: p50 {percentile(timings, 50):.3f} ms, "
          f"p99 {percentile(timings, 99):.3f} ms, max {max(timings):.3f} ms, "
          f"{len(sample) / (sum(timings) / 1000):.0f} messages/s")  # fmt: skip


def jsonl_throughput(texts: list[str], count: int, env: dict[str, str], workdir: Path) -> None:
    big, small = workdir / "big.jsonl", workdir / "one.jsonl"
    with big.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(islice(cycle(texts), count)):
            handle.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
    small.write_text(json.dumps({"id": 0, "text": texts[0]}, ensure_ascii=False) + "\n", "utf-8")
    command = one_core([sys.executable, "-m", "bot", "classify", "--jsonl"])
    startup = min(run_measured(command, small, env)[0] for _ in range(3))
    total, peak = run_measured(command, big, env)
    print(f"classify --jsonl, {count} messages, one core: {total:.2f} s in all, start-up "
          f"{startup:.2f} s, {(count - 1) / (total - startup):.0f} messages/s after start-up, "
          f"peak RSS {peak:.0f} MB")  # fmt: skip


def cold_start(env: dict[str, str]) -> None:
    executable = shutil.which("replybot")
    command = [executable] if executable else [sys.executable, "-m", "bot"]
    times = [run_measured([*command, "classify", "hi"], None, env)[0] for _ in range(10)]
    print(
        f'{Path(command[0]).name} classify "hi" with a warm cache: median '
        f"{statistics.median(times):.3f} s, worst {max(times):.3f} s"
    )


def first_use(env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as empty:
        seconds, peak = run_measured(
            [sys.executable, "-m", "bot", "classify", "hi"],
            None,
            {**env, "REPLYBOT_CACHE_DIR": empty},
        )
    print(f"first use (training into an empty cache): {seconds:.1f} s, peak RSS {peak:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    texts = messages()
    in_process(texts)
    with tempfile.TemporaryDirectory() as workdir:
        jsonl_throughput(texts, args.messages, env, Path(workdir))
    cold_start(env)
    if not args.skip_training:
        first_use(env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
