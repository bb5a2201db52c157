"""The shop's time zone, and moments shown to sellers in it.

The evidence log keeps every moment in UTC; sellers read them in the shop's zone, always
named: `2026-11-11 20:00 (Asia/Shanghai)`. Which zone is the shop's, in order:

1. the one a seller chose in the bot with `/settings timezone Asia/Shanghai`;
2. else the zone the working hours are written in (`/hours mon-fri 09:00-18:00 Asia/Shanghai`);
3. else `REPLYBOT_TIMEZONE` from the environment;
4. else UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Source = Literal["/settings timezone", "/hours", "REPLYBOT_TIMEZONE", "default"]
CHOSEN: Final = "/settings timezone"
HOURS: Final = "/hours"
CONFIGURED: Final = "REPLYBOT_TIMEZONE"
DEFAULT: Final = "default"
_EXPLAINED: dict[Source, str] = {
    CHOSEN: "the shop's setting",
    HOURS: "the working hours' zone",
    CONFIGURED: "the server's default",
    DEFAULT: "the server's default",
}
"""Sellers are told where the zone comes from in their terms: REPLYBOT_TIMEZONE, or UTC
when it is not set, is the server's business."""


class ZoneError(ValueError):
    """A time zone name that is not an IANA zone; the message names where it came from."""


@dataclass(frozen=True, slots=True)
class ShopZone:
    name: str
    """An IANA name such as Asia/Shanghai."""
    source: Source
    """Where the name came from."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.name)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def show(self, moment: datetime) -> str:
        """`2026-11-11 20:00 (Asia/Shanghai)`: the moment in the shop's zone, the zone named."""
        return f"{self.local(moment):%Y-%m-%d %H:%M} ({self.name})"

    def show_logged(self, ts: str) -> str:
        """A timestamp as the evidence log stores it (UTC, ISO 8601), shown in the shop's zone."""
        return self.show(datetime.fromisoformat(ts.replace("Z", "+00:00")))

    def start_of_day(self, moment: datetime) -> datetime:
        """Midnight of the shop's day that holds `moment`, in UTC."""
        local = self.local(moment)
        return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)

    def describe(self) -> str:
        """`Asia/Shanghai (the shop's setting)`: the zone and why it is the shop's."""
        return f"{self.name} ({_EXPLAINED[self.source]})"


def choose_zone(chosen: str | None, hours_zone: str | None, configured: str | None) -> ShopZone:
    """The shop's zone from what the sellers set and what the environment says (see above)."""
    for name, source in ((chosen, CHOSEN), (hours_zone, HOURS), (configured, CONFIGURED)):
        if name and name.strip():
            return ShopZone(_checked(name.strip(), source), source)
    return ShopZone("UTC", DEFAULT)


def _checked(name: str, source: Source) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"{source}: {name!r} is not an IANA time zone such as Asia/Shanghai"
        ) from None
    return name
