"""The core's entry points, shared by the command line and the Telegram layer."""

from __future__ import annotations

from functools import cache

from bot.analysis import Analysis, Draft
from bot.nlp.analyzer import Analyzer
from bot.nlp.cache import load_or_train
from bot.nlp.lexicon import Lexicon
from bot.replies.facts import Facts, ShopSettings
from bot.replies.registry import template
from bot.replies.render import Renderer


@cache
def default_analyzer() -> Analyzer:
    """The analyser over the packaged training data, loaded (or trained) once per process."""
    lexicon = Lexicon.load()
    return Analyzer(load_or_train(lexicon), lexicon)


def analyse(text: str) -> Analysis:
    """Language, scenario, dispute risk and entities of one buyer message."""
    return default_analyzer().analyse(text)


@cache
def default_renderer() -> Renderer:
    """Templates and catalogs of every language, loaded once per process."""
    return Renderer.default()


def draft(
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
    chosen = template(template_id).resolution(resolution).name
    seller_language = seller_language or settings.seller_language
    renderer = default_renderer()
    text = renderer.render(template_id, language, facts, settings, chosen)
    seller_text = (
        text
        if seller_language == language
        else renderer.render(template_id, seller_language, facts, settings, chosen)
    )
    return Draft(template_id, chosen, language, text, seller_language, seller_text)
