"""Whether a buyer's message gets an auto-reply now, and which one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.inbox.hours import WorkingHours
from bot.inbox.peak import PeakMode

DEFAULT_COOLDOWN = timedelta(minutes=30)
SELLER_QUIET = timedelta(minutes=5)
"""A buyer whom a seller answered this recently is in a conversation: no auto-reply."""

AutoReply = Literal["auto_reply_busy", "auto_reply_away"]


def auto_reply_for(at: datetime, peak: PeakMode, hours: WorkingHours | None) -> AutoReply | None:
    """The busy reply in peak mode, the away reply outside working hours, else none."""
    if peak.active(at):
        return "auto_reply_busy"
    if hours is not None and not hours.is_open(at):
        return "auto_reply_away"
    return None


BuyerKey = tuple[str, str]
"""(business connection id or "", chat id): a chat id alone can repeat across connections."""


@dataclass
class Cooldowns:
    """When each buyer last got an auto-reply and last heard from a seller.

    `claim` decides and records in one step, so two messages from one buyer handled at
    the same moment still get one auto-reply between them.
    """

    cooldown: timedelta = DEFAULT_COOLDOWN
    auto_replied: dict[BuyerKey, datetime] = field(default_factory=dict)
    seller_answered: dict[BuyerKey, datetime] = field(default_factory=dict)

    def claim(self, buyer: BuyerKey, at: datetime) -> bool:
        answered = self.seller_answered.get(buyer)
        if answered is not None and at - answered < SELLER_QUIET:
            return False
        last = self.auto_replied.get(buyer)
        if last is not None and at - last < self.cooldown:
            return False
        self.auto_replied[buyer] = at
        return True

    def release(self, buyer: BuyerKey, claimed_at: datetime) -> None:
        """Forget a claim whose auto-reply could not be sent, so the next message tries again."""
        if self.auto_replied.get(buyer) == claimed_at:
            del self.auto_replied[buyer]

    def answered_by_seller(self, buyer: BuyerKey, at: datetime) -> None:
        self.seller_answered[buyer] = at
