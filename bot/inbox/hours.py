"""Working hours: blocks per weekday in the shop's time zone, and dated closures.

Sellers write them the way they would on a shop page:

    mon-fri 09:00-12:00,13:30-18:00 Asia/Shanghai
    sat 10:00-14:00
    sun closed

Each line sets the days it names and leaves the others as they were. Until a seller sets
hours there are none, and the shop never counts as closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_BLOCK = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
_LOOK_AHEAD_DAYS = 400

Block = tuple[time, time | None]
"""Opening and closing time; a closing time of None means midnight at the end of the day."""


class HoursError(ValueError):
    """Working hours or closures written in a way that cannot be read."""


@dataclass(frozen=True, slots=True)
class WorkingHours:
    timezone: str
    week: tuple[tuple[Block, ...], ...] = field(default_factory=lambda: ((),) * 7)
    """Opening blocks for Monday to Sunday, in order."""
    closures: tuple[tuple[date, date], ...] = ()
    """Closed from the first to the last date, both included (holidays)."""
    weekly: bool = True
    """False when only closures are set: open every day except on them."""

    @classmethod
    def closures_only(cls, timezone: str, closures: tuple[tuple[date, date], ...]) -> WorkingHours:
        every_day: tuple[Block, ...] = ((time(0), None),)
        return cls(timezone, (every_day,) * 7, closures, weekly=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        if self._closed_on(local.date()):
            return False
        now = local.time()
        return any(
            start <= now and (end is None or now < end) for start, end in self.week[local.weekday()]
        )

    def next_opening(self, at: datetime) -> datetime | None:
        """When the shop next opens after `at` (`at` itself if open), or None if never."""
        if self.is_open(at):
            return at
        local = at.astimezone(self.zone)
        for offset in range(_LOOK_AHEAD_DAYS):
            day = local.date() + timedelta(days=offset)
            if self._closed_on(day):
                continue
            for start, _ in sorted(self.week[day.weekday()]):
                # through UTC, so an opening inside a daylight-saving gap becomes a real time
                opening = datetime.combine(day, start, tzinfo=self.zone).astimezone(UTC)
                if opening > at:
                    return opening.astimezone(self.zone)
        return None

    def _closed_on(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.closures)

    def to_json(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "week": [
                [[f"{start:%H:%M}", None if end is None else f"{end:%H:%M}"] for start, end in day]
                for day in self.week
            ],
            "closures": [[first.isoformat(), last.isoformat()] for first, last in self.closures],
            "weekly": self.weekly,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkingHours:
        return cls(
            timezone=data["timezone"],
            week=tuple(
                tuple(
                    (time.fromisoformat(start), None if end is None else time.fromisoformat(end))
                    for start, end in day
                )
                for day in data["week"]
            ),
            closures=tuple(
                (date.fromisoformat(first), date.fromisoformat(last))
                for first, last in data["closures"]
            ),
            weekly=data.get("weekly", True),
        )

    def describe(self) -> str:
        if not self.weekly:
            lines = [f"open every day, time zone {self.timezone}"]
            lines += [_describe_closure(first, last) for first, last in self.closures]
            return "\n".join(lines)
        lines = [
            f"{name} {_describe_blocks(blocks)}"
            for name, blocks in zip(WEEKDAYS, self.week, strict=True)
        ]
        lines.append(f"time zone {self.timezone}")
        lines += [_describe_closure(first, last) for first, last in self.closures]
        return "\n".join(lines)


def _describe_closure(first: date, last: date) -> str:
    return f"closed {first.isoformat()}" + (f" to {last.isoformat()}" if last != first else "")


def _describe_blocks(blocks: tuple[Block, ...]) -> str:
    if not blocks:
        return "closed"
    return ",".join(
        f"{start:%H:%M}-{'24:00' if end is None else format(end, '%H:%M')}" for start, end in blocks
    )


def parse_hours(line: str, current: WorkingHours | None, default_timezone: str) -> WorkingHours:
    """Working hours after applying one line such as `mon-fri 09:00-18:00 Asia/Shanghai`."""
    words = line.split()
    if len(words) not in {2, 3}:
        raise HoursError(
            "write the days, the hours and optionally the time zone, "
            "e.g. mon-fri 09:00-12:00,13:30-18:00 Asia/Shanghai"
        )
    days = parse_days(words[0])
    blocks = () if words[1].lower() == "closed" else _parse_blocks(words[1])
    timezone = words[2] if len(words) == 3 else (current.timezone if current else default_timezone)
    check_timezone(timezone)
    if current is not None and current.weekly:
        base = current
    else:
        base = WorkingHours(timezone, closures=current.closures if current else ())
    week = tuple(blocks if day in days else base.week[day] for day in range(7))
    return replace(base, timezone=timezone, week=week, weekly=True)


def parse_days(text: str) -> set[int]:
    """`mon-fri`, `sat`, `mon,wed,fri` or `daily` as weekday numbers (Monday is 0)."""
    if text.lower() in {"daily", "everyday"}:
        return set(range(7))
    days: set[int] = set()
    for part in text.lower().split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise HoursError(f"{text!r}: days are mon, tue, wed, thu, fri, sat, sun (e.g. mon-fri)")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
        days.update(span)
    return days


def _parse_blocks(text: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for part in text.split(","):
        match = _BLOCK.fullmatch(part)
        if not match:
            raise HoursError(f"{part!r}: write hours as 09:00-18:00, several joined by commas")
        start = _time(int(match[1]), int(match[2]), part)
        end = (
            None
            if (match[3], match[4]) == ("24", "00")
            else _time(int(match[3]), int(match[4]), part)
        )
        if end is not None and end <= start:
            raise HoursError(f"{part!r}: the closing time must be after the opening time")
        blocks.append((start, end))
    blocks.sort(key=lambda block: block[0])
    for (_, end), (start, _) in pairwise(blocks):
        if end is None or start < end:
            raise HoursError(f"{text!r}: the blocks overlap")
    return tuple(blocks)


def _time(hour: int, minute: int, text: str) -> time:
    try:
        return time(hour, minute)
    except ValueError:
        raise HoursError(f"{text!r}: {hour:02d}:{minute:02d} is not a time of day") from None


def parse_closure(words: list[str]) -> tuple[date, date]:
    """`2026-12-24` or `2026-12-24 2026-12-26` (both days included)."""
    if len(words) not in {1, 2}:
        raise HoursError("write one date or a first and last date, e.g. 2026-12-24 2026-12-26")
    try:
        first, last = date.fromisoformat(words[0]), date.fromisoformat(words[-1])
    except ValueError:
        raise HoursError(f"{' '.join(words)!r}: write dates as YYYY-MM-DD") from None
    if last < first:
        raise HoursError("the last date is before the first")
    return first, last


def check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(f"{name!r} is not a time zone name such as Asia/Shanghai") from None
