"""One buyer message in, one `Analysis` out: language, scenario, dispute risk, entities."""

from __future__ import annotations

from bot.analysis import Analysis, ScenarioScore
from bot.nlp.entities import extract_entities
from bot.nlp.features import extract
from bot.nlp.language import identify_language
from bot.nlp.lexicon import Lexicon
from bot.nlp.model import Model
from bot.nlp.normalize import clean
from bot.scenarios import FALLBACK_SCENARIO

MAX_ANALYSED_CHARS = 5000
"""Longer messages are analysed on their first 5,000 characters (and kept whole elsewhere)."""

MIN_CONFIDENCE = 0.25
"""Below this probability the best guess is not trusted and the message counts as `other`."""


class EmptyMessageError(ValueError):
    """The message has no text to analyse."""


class Analyzer:
    def __init__(
        self, model: Model, lexicon: Lexicon, min_confidence: float = MIN_CONFIDENCE
    ) -> None:
        self._model = model
        self._lexicon = lexicon
        self._min_confidence = min_confidence
        self._vi = model.languages.index("vi")
        self._en = model.languages.index("en")
        self._other = model.scenarios.index(FALLBACK_SCENARIO)

    @property
    def model(self) -> Model:
        return self._model

    def analyse(self, text: str) -> Analysis:
        cleaned = clean(text[: MAX_ANALYSED_CHARS * 2])[:MAX_ANALYSED_CHARS]
        if not cleaned:
            raise EmptyMessageError("the message is empty")
        scores = self._model.scores(extract(cleaned, self._lexicon))

        def vietnamese_probability() -> float:
            vi, en = scores.language[self._vi], scores.language[self._en]
            return float(vi / (vi + en))

        language = identify_language(cleaned, vietnamese_probability)
        probabilities = scores.scenario
        ranked = sorted(range(len(probabilities)), key=lambda i: -probabilities[i])
        best = ranked[0]
        if probabilities[best] < self._min_confidence or not any(ch.isalnum() for ch in cleaned):
            best = self._other
        alternatives = tuple(
            ScenarioScore(self._model.scenarios[i], round(float(probabilities[i]), 4))
            for i in ranked
            if i != best
        )
        return Analysis(
            text=text,
            language=language,
            scenario=self._model.scenarios[best],
            confidence=float(probabilities[best]),
            dispute_risk=scores.dispute >= self._model.dispute_threshold,
            dispute_score=scores.dispute,
            entities=extract_entities(cleaned, language),
            alternatives=alternatives,
        )
