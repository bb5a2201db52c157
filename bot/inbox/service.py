"""The inbox: what happens to each buyer message, whichever way it reached the shop.

Every buyer message is analysed and logged; in peak mode or outside working hours the
buyer gets the matching auto-reply (once per cool-down); the account owner's own
messages in business chats are logged as the seller's. The Telegram layer only turns
updates into `BuyerMessage`s and sends what this returns.

The sellers' commands change the modes, windows and hours through `Inbox` too: each change
is read, made and stored under one lock, so two commands at once do not overwrite each other,
and what the inbox decides with is always what the database holds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Literal
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.analysis import Analysis
from bot.core import draft, reply_language
from bot.draft import Draft
from bot.inbox import state
from bot.inbox.autoreply import BuyerKey, Cooldowns, auto_reply_for
from bot.inbox.hours import HoursError, WorkingHours, parse_hours
from bot.inbox.peak import PeakMode, PeakWindow
from bot.inbox.queue import (
    Counts,
    LoggedBuyerMessage,
    Waiting,
    counts_since,
    direction_of,
    logged_buyer_message,
    waiting,
    waiting_count,
)
from bot.inbox.state import BusinessConnection
from bot.inbox.zone import ShopZone
from bot.nlp.analyzer import is_empty
from bot.nlp.batching import AnalysisBatcher
from bot.replies.facts import Facts, ShopSettings
from bot.replies.render import Renderer
from bot.store.log import Entry, EvidenceLog

BUYER_ZONES = {
    "zh": "Asia/Shanghai",
    "zh-Hant": "Asia/Taipei",
    "ko": "Asia/Seoul",
    "vi": "Asia/Ho_Chi_Minh",
}
"""Where buyers writing each language most likely are: the away reply says when the shop is
back in the buyer's own time, naming the zone. English could be anywhere: the shop's time.
Traditional Chinese is mostly Taiwan's; Hong Kong keeps the same clock (UTC+8)."""


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


@dataclass(frozen=True, slots=True)
class PeakReport:
    """What `/peak` shows: the mode, today's traffic and how many buyers wait."""

    peak: PeakMode
    today: Counts
    waiting: int


@dataclass(frozen=True, slots=True)
class Queue:
    """The first conversations waiting for a seller (dispute risk first, then the oldest) and
    how many wait in all."""

    entries: list[Waiting]
    total: int


def _stored_state(
    db: Database,
) -> tuple[
    PeakMode,
    WorkingHours | None,
    dict[str, BusinessConnection],
    tuple[dict[BuyerKey, datetime], dict[BuyerKey, datetime]],
]:
    """What a restart carries over, read as one moment of the log: the modes, the hours, the
    business connections, and the last day's replies for the cool-downs."""
    return (
        state.load_peak(db),
        state.load_hours(db),
        state.load_connections(db),
        state.recent_replies(db, timedelta(hours=24)),
    )


class Inbox:
    def __init__(self, log: EvidenceLog, analyzer: AnalysisBatcher, renderer: Renderer) -> None:
        self._log = log
        self._analyzer = analyzer
        self._renderer = renderer
        self._peak, self._hours, self._connections, (auto, answered) = log.read(_stored_state)
        self.cooldowns = Cooldowns()
        self._sending: set[str] = set()
        self._sent: set[str] = set()
        self._settings_lock = asyncio.Lock()
        """Held while a seller command reads, changes and stores the modes or hours: mode
        commands run one at a time."""
        self.cooldowns.auto_replied.update(auto)
        self.cooldowns.seller_answered.update(answered)

    @property
    def peak(self) -> PeakMode:
        return self._peak

    @property
    def hours(self) -> WorkingHours | None:
        return self._hours

    async def shop_zone(self, configured: str | None) -> ShopZone:
        """The shop's time zone as it is in force now (bot.inbox.zone gives the order);
        `configured` is REPLYBOT_TIMEZONE."""
        return await self._log.read_async(partial(state.shop_zone, configured=configured))

    def owner_of(self, connection_id: str | None) -> int | None:
        connection = self._connections.get(connection_id or "")
        return connection.owner_user_id if connection else None

    async def remember_connection(self, connection: BusinessConnection) -> None:
        """A business account connected, changed its rights or disconnected."""
        await self._log.write_async(partial(state.save_connection, connection_info=connection))
        self._connections[connection.connection_id] = connection

    async def peak_on(self, until: datetime | None = None, at: datetime | None = None) -> PeakMode:
        """Peak mode on by hand, until `until` or until switched off."""
        at = at or datetime.now(UTC)
        if until is not None and until <= at:
            raise HoursError("that time has already passed")
        async with self._settings_lock:
            self._peak = await self._log.write_async(
                partial(state.switch_peak, on=True, until=until, at=at)
            )
            return self._peak

    async def peak_off(self, at: datetime | None = None) -> list[PeakWindow]:
        """Peak mode off, ending a scheduled window under way; returns the windows it ended."""
        at = at or datetime.now(UTC)
        async with self._settings_lock:
            ended = [window for window in self._peak.windows if window.covers(at)]
            self._peak = await self._log.write_async(partial(state.switch_peak, on=False, at=at))
            return ended

    async def add_peak_window(
        self, starts_at: datetime, ends_at: datetime, created_by: str, at: datetime | None = None
    ) -> PeakWindow:
        if ends_at <= (at or datetime.now(UTC)):
            raise HoursError("that window has already ended")
        async with self._settings_lock:
            window = await self._log.write_async(
                partial(
                    state.add_window, starts_at=starts_at, ends_at=ends_at, created_by=created_by
                )
            )
            self._peak = replace(self._peak, windows=(*self._peak.windows, window))
            return window

    async def cancel_peak_windows(self, at: datetime | None = None) -> list[PeakWindow]:
        """The scheduled windows that have not started are dropped; returns them."""
        at = at or datetime.now(UTC)
        async with self._settings_lock:
            cancelled = await self._log.write_async(partial(state.cancel_windows, at=at))
            self._peak = await self._log.read_async(state.load_peak)
            return cancelled

    async def reload_peak(self) -> PeakMode:
        """Read the peak mode again, as a scheduled window opens or closes."""
        async with self._settings_lock:
            self._peak = await self._log.read_async(state.load_peak)
            return self._peak

    async def set_hours(self, line: str, configured_zone: str | None) -> WorkingHours:
        """Apply one line such as `mon-fri 09:00-18:00 Asia/Shanghai` to the working hours;
        without a zone of their own they are in the shop's."""
        async with self._settings_lock:
            zone = await self.shop_zone(configured_zone)
            hours = parse_hours(line, self._hours, zone.name)
            return await self._save_hours(hours)

    async def hours_off(self, configured_zone: str | None) -> WorkingHours | None:
        """No weekly hours (no off-hours auto-reply); the closures stay."""
        async with self._settings_lock:
            closures = self._hours.closures if self._hours else ()
            if not closures:
                return await self._save_hours(None)
            zone = await self.shop_zone(configured_zone)
            return await self._save_hours(WorkingHours.closures_only(zone.name, closures))

    async def add_closure(
        self, closure: tuple[date, date], configured_zone: str | None
    ) -> WorkingHours:
        """The shop is closed from the first to the last day (both included)."""
        async with self._settings_lock:
            base = self._hours
            if base is None:
                zone = await self.shop_zone(configured_zone)
                base = WorkingHours.closures_only(zone.name, ())
            return await self._save_hours(replace(base, closures=(*base.closures, closure)))

    async def clear_closures(self) -> WorkingHours | None:
        """No closures; weekly hours stay."""
        async with self._settings_lock:
            weekly = self._hours is not None and self._hours.weekly
            return await self._save_hours(
                replace(self._hours, closures=()) if weekly and self._hours else None
            )

    async def _save_hours(self, hours: WorkingHours | None) -> WorkingHours | None:
        await self._log.write_async(partial(state.save_hours, hours=hours))
        self._hours = hours
        return hours

    async def peak_report(self, zone: ShopZone, at: datetime | None = None) -> PeakReport:
        """The peak mode, and the buyer messages and replies since midnight in the shop's zone."""
        at = at or datetime.now(UTC)
        async with self._settings_lock:
            today, count = await self._log.read_async(
                lambda db: (counts_since(db, zone.start_of_day(at)), waiting_count(db))
            )
            return PeakReport(self._peak, today, count)

    async def queue(self, limit: int) -> Queue:
        return await self._log.read_async(lambda db: Queue(waiting(db, limit), waiting_count(db)))

    async def logged_message(self, row_id: int) -> LoggedBuyerMessage | None:
        """A buyer message of the inbox as logged, to open its card again from the queue."""
        return await self._log.read_async(partial(logged_buyer_message, row_id=row_id))

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
            direction = await self._log.read_async(
                partial(direction_of, source_id=message.source_id)
            )
            logged = await self._log.append_async(self._entry(message, direction or "in"))
            return Received(None, duplicate=logged.duplicate)
        analysis = None
        if message.kind != "deletion" and not message.media and not is_empty(message.text):
            analysis = await self._analyzer.analyse(message.text)
        logged = await self._log.append_async(self._entry(message, "in", analysis))
        if logged.duplicate or message.kind != "message":
            risky = analysis is not None and analysis.dispute_risk
            return Received(analysis, duplicate=logged.duplicate, needs_seller=risky)
        template = auto_reply_for(at, self._peak, self._hours)
        needs_seller = template is None or (analysis is not None and analysis.dispute_risk)
        self.cooldowns.cooldown = timedelta(minutes=shop.auto_reply_cooldown_minutes)
        if template is None or not self.cooldowns.claim(message.buyer, at):
            return Received(analysis, needs_seller=needs_seller)
        language = reply_language(analysis) if analysis else message.language_hint or "en"
        back_at = None
        if self._hours is not None and (opening := self._hours.next_opening(at)) is not None:
            back_at = opening.astimezone(ZoneInfo(BUYER_ZONES.get(language, self._hours.timezone)))
        if analysis is not None:
            facts = Facts.from_analysis(analysis, buyer_name=message.buyer_name, back_at=back_at)
        else:
            facts = Facts(buyer_name=message.buyer_name, back_at=back_at)
        reply = draft(self._renderer, template, language, facts=facts, settings=shop)
        return Received(analysis, auto_reply=reply, claimed_at=at, needs_seller=needs_seller)

    async def auto_reply_sent(
        self, message: BuyerMessage, reply: Draft, analysis: Analysis | None
    ) -> None:
        await self._log.append_async(
            Entry.reply(
                reply, message.channel, chat_id=str(message.chat_id),
                order_id=Facts.from_analysis(analysis).order_id if analysis else None,
                scenario=analysis.scenario if analysis else None,
                business_connection_id=message.business_connection_id,
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
            Entry.reply(
                reply, message.channel, chat_id=str(message.chat_id),
                order_id=Facts.from_analysis(analysis).order_id, scenario=scenario,
                business_connection_id=message.business_connection_id,
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
