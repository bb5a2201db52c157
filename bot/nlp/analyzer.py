"""One buyer message in, one `Analysis` out: language, scenario, dispute risk, entities."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.analysis import Analysis, ScenarioScore
from bot.nlp.entities import extract_entities
from bot.nlp.features import extract
from bot.nlp.language import identify_language
from bot.nlp.lexicon import Lexicon
from bot.nlp.model import Model
from bot.nlp.normalize import clean
from bot.scenarios import FALLBACK_SCENARIO
from bot.text_input import readable_text

MAX_ANALYSED_CHARS = 5000
"""Longer messages are analysed on their first 5,000 characters (and kept whole elsewhere)."""

MIN_CONFIDENCE = 0.25
"""Below this probability the best guess is not trusted and the message counts as `other`."""


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


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

    def analyse(self, text: str) -> Analysis:
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        """Analyses of several messages, computed together (faster than one by one).

        Raises EmptyMessageError when a message has no text; check with `is_empty` first
        to analyse the others.
        """
        cleaned = [_prepare(text) for text in texts]
        for position, message in enumerate(cleaned):
            if not message:
                raise EmptyMessageError(f"message {position + 1} is empty")
        scores = self._model.scores(extract(cleaned, self._lexicon))
        latin = scores.language[:, [self._vi, self._en]].tolist()
        return [
            self._analysis(text, message, probabilities, vi_en, dispute)
            for text, message, probabilities, vi_en, dispute in zip(
                texts,
                cleaned,
                scores.scenario.tolist(),
                latin,
                scores.dispute.tolist(),
                strict=True,
            )
        ]

    def _analysis(
        self,
        text: str,
        cleaned: str,
        probabilities: list[float],
        vi_en: list[float],
        dispute: float,
    ) -> Analysis:
        language = identify_language(cleaned, lambda: vi_en[0] / (vi_en[0] + vi_en[1]))
        ranked = sorted(range(len(probabilities)), key=probabilities.__getitem__, reverse=True)
        best = ranked[0]
        if probabilities[best] < self._min_confidence or not _LETTER_OR_DIGIT.search(cleaned):
            best = self._other
        scenarios = self._model.scenarios
        return Analysis(
            text=text,
            language=language,
            scenario=scenarios[best],
            confidence=probabilities[best],
            dispute_risk=dispute >= self._model.dispute_threshold,
            dispute_score=dispute,
            entities=extract_entities(cleaned, language),
            alternatives=tuple(
                ScenarioScore(scenarios[i], probabilities[i]) for i in ranked if i != best
            ),
        )


def _prepare(text: str) -> str:
    """The text the model reads; `readable_text` again so that no caller's text can fail it."""
    return clean(readable_text(text[: MAX_ANALYSED_CHARS * 2]))[:MAX_ANALYSED_CHARS]


def is_empty(text: str) -> bool:
    """True when a message has nothing to analyse (only spaces or control characters)."""
    return not _prepare(text)
