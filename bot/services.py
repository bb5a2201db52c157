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
from bot.replies.facts import ShopSettings
from bot.replies.render import Renderer
from bot.store.corrections import load_corrections
from bot.store.log import EvidenceLog
from bot.store.shop import load_shop_settings


@dataclass(frozen=True, slots=True)
class Services:
    settings: BotSettings
    shop: ShopSettings
    log: EvidenceLog
    analyzer: AnalysisBatcher
    renderer: Renderer
    inbox: Inbox


def start_services(settings: BotSettings) -> Services:
    """Opens the evidence log and readies the analyzer; StoreError when the log cannot
    be opened. The caller closes `log` when it stops."""
    log = EvidenceLog(settings.db_path)
    analyzer = analyzer_with(load_corrections(settings.db_path))
    renderer = Renderer.default()
    warm_up(analyzer, renderer)
    batcher = AnalysisBatcher(analyzer)
    return Services(
        settings=settings,
        shop=load_shop_settings(settings.db_path),
        log=log,
        analyzer=batcher,
        renderer=renderer,
        inbox=Inbox(settings.db_path, log, batcher, renderer),
    )
