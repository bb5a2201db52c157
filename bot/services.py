"""What the bot runs on, built without Telegram: the evidence log, the analyzer with the
sellers' corrections learnt, the renderer of the replies, the shop's settings and the inbox.

`replybot run` builds these once and hands them to the Telegram layer; the analyzer is
trained (or loaded) and every template compiled before the first buyer arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import BotSettings
from bot.core import analyzer_with, warm_up
from bot.inbox.service import Inbox
from bot.nlp.batching import AnalysisBatcher
from bot.replies.render import Renderer
from bot.store.corrections import load_corrections
from bot.store.log import EvidenceLog
from bot.store.shop import ShopProfile


@dataclass(frozen=True, slots=True)
class Services:
    settings: BotSettings
    shop: ShopProfile
    log: EvidenceLog
    analyzer: AnalysisBatcher
    renderer: Renderer
    inbox: Inbox


def start_services(settings: BotSettings) -> Services:
    """Opens the evidence log and readies the analyzer; StoreError when the log cannot
    be opened. The caller closes `log` when it stops."""
    log = EvidenceLog(settings.db_path)
    try:
        analyzer = analyzer_with(log.read(load_corrections))
        renderer = Renderer.default()
        warm_up(analyzer, renderer)
        batcher = AnalysisBatcher(analyzer)
        return Services(
            settings=settings,
            shop=ShopProfile(log),
            log=log,
            analyzer=batcher,
            renderer=renderer,
            inbox=Inbox(log, batcher, renderer),
        )
    except BaseException:
        log.close()
        raise
