"""Rendering speed of reply drafts; prints its figures (nothing is asserted).

    python bench/render_speed.py [--rounds 20]

Renders every template x resolution x language with sample facts, for a marketplace
shop and a delivery-app shop (each with the resolutions of its order kind), after one
warm-up round, and prints p50 / p99 / max per draft.
"""

from __future__ import annotations

import argparse
import sys
import time

from bot.replies.facts import ShopSettings
from bot.replies.registry import TEMPLATES
from bot.replies.render import Renderer
from bot.replies.reply_context import order_rules
from bot.replies.review import SAMPLE_FACTS
from bot.scenarios import LANGUAGES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    renderer = Renderer.default()
    shops = (ShopSettings(), ShopSettings(platforms=("baemin",)))
    jobs = [
        (spec.id, language, resolution.name, settings)
        for settings in shops
        for spec in TEMPLATES.values()
        for resolution in spec.offered(order_rules(settings))
        for language in LANGUAGES
    ]
    for template_id, language, resolution, settings in jobs:
        renderer.render(template_id, language, SAMPLE_FACTS, settings, resolution)
    timings = []
    for _ in range(args.rounds):
        for template_id, language, resolution, settings in jobs:
            start = time.perf_counter_ns()
            renderer.render(template_id, language, SAMPLE_FACTS, settings, resolution)
            timings.append((time.perf_counter_ns() - start) / 1e6)
    timings.sort()
    p50, p99 = timings[len(timings) // 2], timings[int(len(timings) * 0.99)]
    print(f"render one draft, {len(timings)} renders after warm-up: p50 {p50:.3f} ms, "
          f"p99 {p99:.3f} ms, max {timings[-1]:.3f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
