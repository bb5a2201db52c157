"""The core's entry points, shared by the command line and the Telegram layer.

The default analyzer is loaded (or trained) once per process and kept here. The renderer
is the caller's: each edge builds one with `Renderer.default()` where it starts (a CLI
command; `bot/services.py` for the bot) and passes it to `draft` and `warm_up`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from bot.analysis import Amount, Analysis
from bot.draft import Draft
from bot.nlp.analyzer import Analyzer
from bot.nlp.cache import load_or_train
from bot.nlp.dataset import Example
from bot.nlp.lexicon import Lexicon
from bot.replies.facts import Facts, ShopSettings
from bot.replies.han_script import is_traditional
from bot.replies.registry import TEMPLATES, template
from bot.replies.render import Renderer
from bot.replies.reply_context import order_rules
from bot.scenarios import REPLY_LANGUAGES

CORRECTION_WEIGHT = 10
"""A seller's correction counts as much as ten ordinary training messages: it is about
this shop's own buyers."""


@cache
def _lexicon() -> Lexicon:
    return Lexicon.load()


@cache
def default_analyzer() -> Analyzer:
    """The analyser over the packaged training data, loaded (or trained) once per process."""
    return Analyzer(load_or_train(_lexicon()), _lexicon())


def correction_examples(corrections: Sequence[Example]) -> list[Example]:
    """The extra training examples sellers' corrections make (each weighs CORRECTION_WEIGHT)."""
    return [example for example in corrections for _ in range(CORRECTION_WEIGHT)]


def analyzer_with(corrections: Sequence[Example]) -> Analyzer:
    """An analyser that has also learnt from sellers' corrections (trained once, then cached)."""
    if not corrections:
        return default_analyzer()
    return Analyzer(load_or_train(_lexicon(), correction_examples(corrections)), _lexicon())


def analyse(text: str) -> Analysis:
    """Language, scenario, dispute risk and entities of one buyer message."""
    return default_analyzer().analyse(text)


def reply_language(analysis: Analysis) -> str:
    """The language to answer a buyer message in: the one it was read in, except that
    Chinese written in Traditional characters (Taiwan, Hong Kong) is answered in
    Traditional Chinese, `zh-Hant`. The classifier reads both scripts as `zh`."""
    if analysis.language == "zh" and is_traditional(analysis.text):
        return "zh-Hant"
    return analysis.language


def draft(
    renderer: Renderer,
    template_id: str,
    language: str,
    *,
    facts: Facts | None = None,
    settings: ShopSettings | None = None,
    resolution: str | None = None,
    seller_language: str | None = None,
) -> Draft:
    """A reply from a reviewed template, in the buyer's language and the seller's."""
    facts = facts or Facts()
    settings = settings or ShopSettings()
    chosen = template(template_id).resolution(resolution, order_rules(settings)).name
    seller_language = seller_language or settings.seller_language or "en"
    text = renderer.render(template_id, language, facts, settings, chosen)
    seller_text = (
        text
        if seller_language == language
        else renderer.render(template_id, seller_language, facts, settings, chosen)
    )
    return Draft(template_id, chosen, language, text, seller_language, seller_text)


def warm_up(analyzer: Analyzer, renderer: Renderer) -> None:
    """Runs the model once and renders every template in every language.

    Jinja compiles a template and Babel loads a locale's data on first use, several
    milliseconds each, so without this the first buyers after a restart wait far longer
    than the rest (bench/bot_speed.py).
    """
    analyzer.analyse_many(["hello", "order 123456789 refund $5"])
    facts = Facts(
        buyer_name="A",
        order_id="1",
        amount=Amount(Decimal(1), "USD"),
        ship_date=date(2026, 1, 1),
        back_at=datetime(2026, 1, 1, 9, tzinfo=UTC),
    )
    for template_id, spec in TEMPLATES.items():
        for language in REPLY_LANGUAGES:
            for resolution in spec.offered():
                draft(renderer, template_id, language, facts=facts, resolution=resolution.name)
