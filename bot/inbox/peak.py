"""Peak mode: switched on by hand (optionally until a time) or by scheduled windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.inbox.hours import HoursError


@dataclass(frozen=True, slots=True)
class PeakWindow:
    id: int
    starts_at: datetime
    ends_at: datetime

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


@dataclass(frozen=True, slots=True)
class PeakMode:
    manual: bool = False
    """Switched on with `/peak on`."""
    until: datetime | None = None
    """When a hand-switched peak ends by itself; None means at `/peak off`."""
    windows: tuple[PeakWindow, ...] = ()

    def active(self, at: datetime) -> bool:
        return self.manual_active(at) or any(window.covers(at) for window in self.windows)

    def manual_active(self, at: datetime) -> bool:
        return self.manual and (self.until is None or at < self.until)

    def upcoming(self, at: datetime) -> tuple[PeakWindow, ...]:
        """Windows that have not ended yet, earliest first."""
        return tuple(sorted((w for w in self.windows if w.ends_at > at), key=_start))


def _start(window: PeakWindow) -> datetime:
    return window.starts_at


def parse_moment(words: list[str], timezone: str) -> datetime:
    """`2026-11-11 00:00` (or `2026-11-11T00:00`) in the shop's time zone, as an aware time."""
    text = " ".join(words)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
    except ValueError:
        raise HoursError(f"{text!r}: write a date and time as 2026-11-11 00:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


def parse_window(text: str, timezone: str) -> tuple[datetime, datetime]:
    """`2026-11-10 20:00 - 2026-11-12 02:00` in the shop's time zone."""
    first, separator, last = text.partition(" - ")
    if not separator:
        raise HoursError("write a window as 2026-11-10 20:00 - 2026-11-12 02:00")
    starts_at = parse_moment(first.split(), timezone)
    ends_at = parse_moment(last.split(), timezone)
    if ends_at <= starts_at:
        raise HoursError("the window must end after it starts")
    return starts_at, ends_at
