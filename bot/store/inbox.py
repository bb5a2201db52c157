"""The inbox's state now lives in bot.inbox.state and bot.inbox.queue; these names stay
importable from here only for code written against the older path."""

from bot.inbox.state import load_hours, load_peak, save_hours, shop_zone

__all__ = ["load_hours", "load_peak", "save_hours", "shop_zone"]
