"""The core's entry points, shared by the command line and the Telegram layer."""

from __future__ import annotations

from functools import cache

from bot.analysis import Analysis
from bot.nlp.analyzer import Analyzer
from bot.nlp.cache import load_or_train
from bot.nlp.lexicon import Lexicon


@cache
def default_analyzer() -> Analyzer:
    """The analyser over the packaged training data, loaded (or trained) once per process."""
    lexicon = Lexicon.load()
    return Analyzer(load_or_train(lexicon), lexicon)


def analyse(text: str) -> Analysis:
    """Language, scenario, dispute risk and entities of one buyer message."""
    return default_analyzer().analyse(text)
