"""The inbox: what happens to each buyer message, whichever way it reached the shop.

Every buyer message is analysed and logged; in peak mode or outside working hours the
buyer gets the matching auto-reply (once per cool-down); the account owner's own
messages in business chats are logged as the seller's. The Telegram layer only turns
updates into `BuyerMessage`s and sends what this returns.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from bot.analysis import Analysis, Draft
from bot.assistant import draft
from bot.inbox.autoreply import BuyerKey, Cooldowns, auto_reply_for
from bot.inbox.hours import WorkingHours
from bot.inbox.peak import PeakMode
from bot.nlp.analyzer import is_empty
from bot.nlp.batching import AnalysisBatcher
from bot.replies.facts import Facts, ShopSettings
from bot.store import inbox as store
from bot.store.log import Entry, EvidenceLog

BUYER_ZONES = {"zh": "Asia/Shanghai", "ko": "Asia/Seoul", "vi": "Asia/Ho_Chi_Minh"}
"""Where buyers writing each language most likely are: the away reply says when the shop is
back in the buyer's own time, naming the zone. English could be anywhere: the shop's time."""


@dataclass(frozen=True, slots=True)
class BuyerMessage:
    channel: Literal["business", "direct"]
    chat_id: int
    message_id: int
    text: str
    """The message's text or caption; empty for a photo or sticker without one."""
    buyer_name: str | None = None
    business_connection_id: str | None = None
    kind: Literal["message", "edit", "deletion"] = "message"
    from_owner: bool = False
    """Sent by the business account's owner (a seller answering in the chat)."""
    edited_at: int | None = None
    """For an edit, when it was made (Unix time): each edit is logged once."""
    media: bool = False
    """A photo, sticker or voice message without a caption: `text` names what it is."""
    language_hint: str | None = None
    """The sender's Telegram language, for replies to messages without text."""

    @property
    def buyer(self) -> BuyerKey:
        return (self.business_connection_id or "", str(self.chat_id))

    @property
    def source_id(self) -> str:
        return (
            f"{self.channel}:{self.business_connection_id or ''}:{self.chat_id}:{self.message_id}"
        )


@dataclass(frozen=True, slots=True)
class Received:
    analysis: Analysis | None
    """None for a message without text (a photo, a sticker), the owner's own message, or a
    deletion."""
    auto_reply: Draft | None = None
    duplicate: bool = False
    claimed_at: datetime | None = None
    """When the auto-reply was claimed against the cool-down; release it if sending fails."""
    needs_seller: bool = False
    """Put the card in front of the sellers now: no auto-reply mode is on, or dispute risk."""


class Inbox:
    def __init__(self, db_path: Path, log: EvidenceLog, analyzer: AnalysisBatcher) -> None:
        self.db_path = db_path
        self._log = log
        self._analyzer = analyzer
        self.peak: PeakMode = store.load_peak(db_path)
        self.hours: WorkingHours | None = store.load_hours(db_path)
        self.connections = store.load_connections(db_path)
        self.cooldowns = Cooldowns()
        self._sending: set[str] = set()
        self._sent: set[str] = set()
        self.settings_lock = asyncio.Lock()
        """Held while a seller command reads, changes and stores the modes or hours, so two
        commands at once do not overwrite each other."""
        auto, answered = store.recent_replies(db_path, timedelta(hours=24))
        self.cooldowns.auto_replied.update(auto)
        self.cooldowns.seller_answered.update(answered)

    def owner_of(self, connection_id: str | None) -> int | None:
        connection = self.connections.get(connection_id or "")
        return connection.owner_user_id if connection else None

    async def receive(
        self, message: BuyerMessage, shop: ShopSettings, at: datetime | None = None
    ) -> Received:
        at = at or datetime.now(UTC)
        if message.from_owner:
            if message.kind == "message":
                self.cooldowns.answered_by_seller(message.buyer, at)
            await self._log.append_async(self._entry(message, "out"))
            return Received(None)
        if message.kind == "deletion":
            direction = await asyncio.to_thread(store.direction_of, self.db_path, message.source_id)
            logged = await self._log.append_async(self._entry(message, direction or "in"))
            return Received(None, duplicate=logged.duplicate)
        analysis = None
        if message.kind != "deletion" and not message.media and not is_empty(message.text):
            analysis = await self._analyzer.analyse(message.text)
        logged = await self._log.append_async(self._entry(message, "in", analysis))
        if logged.duplicate or message.kind != "message":
            risky = analysis is not None and analysis.dispute_risk
            return Received(analysis, duplicate=logged.duplicate, needs_seller=risky)
        template = auto_reply_for(at, self.peak, self.hours)
        needs_seller = template is None or (analysis is not None and analysis.dispute_risk)
        self.cooldowns.cooldown = timedelta(minutes=shop.auto_reply_cooldown_minutes)
        if template is None or not self.cooldowns.claim(message.buyer, at):
            return Received(analysis, needs_seller=needs_seller)
        language = analysis.language if analysis else message.language_hint or "en"
        back_at = None
        if self.hours is not None and (opening := self.hours.next_opening(at)) is not None:
            back_at = opening.astimezone(ZoneInfo(BUYER_ZONES.get(language, self.hours.timezone)))
        if analysis is not None:
            facts = Facts.from_analysis(analysis, buyer_name=message.buyer_name, back_at=back_at)
        else:
            facts = Facts(buyer_name=message.buyer_name, back_at=back_at)
        reply = draft(template, language, facts=facts, settings=shop)
        return Received(analysis, auto_reply=reply, claimed_at=at, needs_seller=needs_seller)

    async def auto_reply_sent(
        self, message: BuyerMessage, reply: Draft, analysis: Analysis | None
    ) -> None:
        await self._log.append_async(
            Entry(
                direction="out", channel=message.channel, text=reply.text,
                chat_id=str(message.chat_id),
                order_id=Facts.from_analysis(analysis).order_id if analysis else None,
                scenario=analysis.scenario if analysis else None,
                language=reply.language, template=reply.template,
                resolution=reply.resolution, business_connection_id=message.business_connection_id,
                source_id=f"{message.source_id}:auto",
            )
        )  # fmt: skip

    def auto_reply_failed(self, message: BuyerMessage, at: datetime) -> None:
        self.cooldowns.release(message.buyer, at)

    def claim_send(self, source_id: str) -> Literal["claimed", "sending", "sent"]:
        """Only the first seller to press Send on a buyer message sends a reply to it."""
        if source_id in self._sent:
            return "sent"
        if source_id in self._sending:
            return "sending"
        self._sending.add(source_id)
        return "claimed"

    def release_send(self, source_id: str) -> None:
        """The reply could not be delivered: another press may try again."""
        self._sending.discard(source_id)

    async def seller_sent(
        self, message: BuyerMessage, reply: Draft, analysis: Analysis, scenario: str
    ) -> None:
        self._sending.discard(message.source_id)
        self._sent.add(message.source_id)
        self.cooldowns.answered_by_seller(message.buyer, datetime.now(UTC))
        await self._log.append_async(
            Entry(
                direction="out", channel=message.channel, text=reply.text,
                chat_id=str(message.chat_id), order_id=Facts.from_analysis(analysis).order_id,
                scenario=scenario, language=reply.language, template=reply.template,
                resolution=reply.resolution, business_connection_id=message.business_connection_id,
                source_id=f"{message.source_id}:reply",
            )
        )  # fmt: skip

    def _entry(
        self,
        message: BuyerMessage,
        direction: Literal["in", "out"],
        analysis: Analysis | None = None,
    ) -> Entry:
        text = message.text or {"deletion": "[deleted]"}.get(message.kind, "[no text]")
        return Entry(
            direction=direction,
            channel=message.channel,
            kind=message.kind,
            text=text,
            chat_id=str(message.chat_id),
            buyer_name=message.buyer_name if direction == "in" else None,
            order_id=Facts.from_analysis(analysis).order_id if analysis else None,
            scenario=analysis.scenario if analysis else None,
            language=analysis.language if analysis else None,
            confidence=round(analysis.confidence, 4) if analysis else None,
            dispute_risk=analysis.dispute_risk if analysis else None,
            business_connection_id=message.business_connection_id,
            source_id=message.source_id + _suffix(message),
        )


def _suffix(message: BuyerMessage) -> str:
    if message.kind == "edit":
        return f":edit:{message.edited_at or 0}"
    return "" if message.kind == "message" else f":{message.kind}"
