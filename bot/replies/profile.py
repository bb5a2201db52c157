"""The shop profile as sellers read it: each setting's value, or what its being unset
means for the replies (`replybot shop`, `/settings`, the end of `/setup`)."""

from __future__ import annotations

from typing import Protocol

from bot.replies.facts import ALIASES, DEFAULT_COOLDOWN_MINUTES, ShopSettings, setting_text
from bot.replies.playbooks import playbook


def platform_name(platform: str) -> str:
    """How sellers know a platform: its playbook's English name ("Other" for the rest)."""
    return "Other" if platform == "other" else playbook(platform).text("en").name


class ZoneInForce(Protocol):
    """The shop's time zone and where it comes from (bot.inbox.zone.ShopZone)."""

    def describe(self) -> str: ...


def unset_means(settings: ShopSettings, name: str) -> str:
    """What replies do while `name` is unset, in the seller's terms."""
    signed = "replies are signed with the signature" if settings.signature else None
    meanings = {
        "shop_name": (
            f"{signed}; the welcome names no shop"
            if signed
            else "replies carry no signature and the welcome names no shop"
        ),
        "signature": (
            "replies are signed with the shop name"
            if settings.shop_name
            else "replies carry no signature"
        ),
        "platforms": "replies name no platform; returns follow the platform's own period",
        "currency": "amounts written without a currency are shown as plain numbers",
        "seller_language": "drafts are mirrored in each seller's own language in the bot, "
        "in English on the command line",
        "timezone": "times use the working hours' zone, else REPLYBOT_TIMEZONE, else UTC",
        "return_window_days": "replies speak of the platform's return period",
        "return_shipping": "as the platform's rule says",
        "processing_days": "no reply promises a shipping time",
        "coupon": "no reply offers a coupon",
        "coupon_how": (
            "the coupon is offered without saying how to use it"
            if settings.coupon
            else "no coupon is offered"
        ),
        "wait_hours": "the busy auto-reply promises no answer time",
    }
    return meanings[name]


def shown_value(settings: ShopSettings, name: str) -> str | None:
    """A set value as a seller reads it; None when unset."""
    if name == "platforms" and settings.platforms:
        names = [platform_name(p) for p in settings.platforms]
        return ", ".join([f"{names[0]} (main)", *names[1:]])
    if name == "return_shipping" and settings.return_shipping:
        return {"buyer": "the buyer pays", "seller": "the shop pays"}[settings.return_shipping]
    if name == "auto_reply_cooldown_minutes":
        value = settings.auto_reply_cooldown_minutes
        return f"{value} (default)" if value == DEFAULT_COOLDOWN_MINUTES else str(value)
    return setting_text(settings, name)


def describe(settings: ShopSettings, zone: ZoneInForce | None = None) -> str:
    """The profile, one setting a line: its value, or "not set — what that means"; with
    `zone`, the time zone in force and where it comes from (the profile, the working
    hours, the server)."""
    lines = []
    for name in ShopSettings.__dataclass_fields__:
        value = shown_value(settings, name)
        if name == "timezone" and zone is not None:
            lines.append(f"timezone: {zone.describe()}")
        elif value is not None:
            lines.append(f"{name}: {value}")
        else:
            lines.append(f"{name}: not set — {unset_means(settings, name)}")
    return "\n".join(lines)


def setting_line(settings: ShopSettings, key: str) -> str:
    """The `describe` line of the setting `key` changes (`platform`: the platforms)."""
    name = "platforms" if key == "platform" else ALIASES.get(key, key)
    prefix = f"{name}: "
    return next(line for line in describe(settings).splitlines() if line.startswith(prefix))
