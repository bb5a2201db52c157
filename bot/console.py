"""The seller assistant in a terminal: analyse, draft, log; shared by `replybot console`."""

from __future__ import annotations

from babel.numbers import format_currency, format_decimal

from bot.analysis import Amount, Analysis, Draft
from bot.assistant import analyse, draft
from bot.nlp.analyzer import is_empty
from bot.replies.facts import Facts, ShopSettings
from bot.store.log import Entry, EvidenceLog

LANGUAGE_NAMES = {"en": "English", "zh": "Chinese", "ko": "Korean", "vi": "Vietnamese"}


def _money(amount: Amount) -> str:
    if amount.currency is None:
        return f"{format_decimal(amount.value, locale='en')} (currency not written)"
    return f"{format_currency(amount.value, amount.currency, locale='en')} ({amount.currency})"


def summary(analysis: Analysis) -> str:
    """A seller-readable view of an analysis."""
    entities = analysis.entities
    alternatives = ", ".join(
        f"{alt.scenario} {alt.probability:.2f}" for alt in analysis.alternatives[:3]
    )
    risk = "YES" if analysis.dispute_risk else "no"
    rows = [
        ("language", f"{analysis.language} ({LANGUAGE_NAMES[analysis.language]})"),
        ("scenario", f"{analysis.scenario} (confidence {analysis.confidence:.2f})"),
        ("runners-up", alternatives),
        ("dispute risk", f"{risk} ({analysis.dispute_score:.2f})"),
        ("order ids", ", ".join(entities.order_ids) or "-"),
        ("tracking", ", ".join(entities.tracking_numbers) or "-"),
        ("amounts", ", ".join(_money(amount) for amount in entities.amounts) or "-"),
    ]
    return "\n".join(f"{label:<13}{value}" for label, value in rows)


def card(analysis: Analysis, reply: Draft) -> str:
    parts = [summary(analysis), "", f"--- reply ({LANGUAGE_NAMES[reply.language]}) ---", reply.text]
    if reply.seller_language != reply.language:
        parts += ["", f"--- {LANGUAGE_NAMES[reply.seller_language]} ---", reply.seller_text]
    return "\n".join(parts)


class ConsoleSession:
    """Each buyer message: analysed, answered with a draft, both logged as evidence."""

    def __init__(self, log: EvidenceLog, settings: ShopSettings) -> None:
        self.log = log
        self.settings = settings

    def handle(self, text: str) -> str | None:
        if is_empty(text):
            return None
        analysis = analyse(text)
        facts = Facts.from_analysis(analysis)
        reply = draft(analysis.scenario, analysis.language, facts=facts, settings=self.settings)
        order_id = facts.order_id
        self.log.append_many(
            [
                Entry(
                    direction="in",
                    channel="console",
                    text=text,
                    order_id=order_id,
                    scenario=analysis.scenario,
                    language=analysis.language,
                    confidence=round(analysis.confidence, 4),
                    dispute_risk=analysis.dispute_risk,
                ),
                Entry(
                    direction="out",
                    channel="console",
                    text=reply.text,
                    order_id=order_id,
                    scenario=analysis.scenario,
                    language=reply.language,
                    template=reply.template,
                    resolution=reply.resolution,
                ),
            ]
        )
        return card(analysis, reply)
