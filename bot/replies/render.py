"""Rendering a reply template in a language: (template id, language, facts) -> text.

One sandboxed Jinja environment per reply language, each with its gettext catalog compiled
in memory from `locales/<locale>/LC_MESSAGES/messages.po` (`zh_Hant` for `zh-Hant`), so no
compiled file can go stale and a missing catalog is an error instead of silent English.
Money is formatted with Babel in the reply's locale, dates and times by `bot.replies.times`
in the buyer's market's own words, before they reach the template. Buyer-supplied values
are only ever template data, never template source.

The shop's platform playbook supplies the greeting, the sign-off, the app paths and the
rules a template reads (`bot.replies.reply_context`); the resolution must be one the
template offers for the platform's order kind (parcels or meals).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property
from io import BytesIO
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bot.analysis import Amount
from bot.replies.facts import Facts, ShopSettings
from bot.replies.paths import locales_dir, templates_dir
from bot.replies.registry import template
from bot.replies.reply_context import order_rules, playbook_context
from bot.replies.times import spoken_date, spoken_time
from bot.scenarios import REPLY_LANGUAGES

_BLANK_LINES = re.compile(r"\n{3,}")


class CatalogError(RuntimeError):
    """A language's catalog is missing or unreadable."""


class UnknownLanguageError(ValueError):
    """Replies are written in the REPLY_LANGUAGES only."""


def catalog_locale(language: str) -> str:
    """The Babel locale of a reply language, which also names its catalog's folder:
    `zh-Hant` is `zh_Hant` (`locales/zh_Hant/LC_MESSAGES/messages.po`)."""
    return language.replace("-", "_")


def catalog_path(language: str, folder: Path) -> Path:
    """Where a reply language's catalog is in the `locales` folder `folder`."""
    return folder / catalog_locale(language) / "LC_MESSAGES" / "messages.po"


def _translations(language: str, folder: Path) -> Translations:
    path = catalog_path(language, folder)
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=catalog_locale(language))
    except OSError as error:
        raise CatalogError(f"no catalog for {language!r} at {path}: {error}") from error
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def _environment(language: str, templates: Path, locales: Path) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(templates),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        undefined=StrictUndefined,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(_translations(language, locales), newstyle=True)  # type: ignore[attr-defined]
    return env


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(catalog_locale(language))


_MARKET_FORMS: Final = {("ko", "KRW"): "{}원", ("zh-Hant", "TWD"): "NT${}"}
"""Currencies a market writes its own way rather than with Babel's sign and decimals:
Korean chat writes "3,000원", never "₩3,000" (REPLY-POLICY §6); Taiwan writes "NT$1,200",
not Babel's zh_Hant "$1,200.00", whose bare "$" a buyer in Hong Kong would read as HK$."""


def format_money(amount: Amount, language: str, default_currency: str | None) -> str:
    """The amount in its currency, else the shop's; a plain number when neither is known
    (never a currency the seller did not give)."""
    currency = amount.currency or default_currency
    if currency is None:
        return format_decimal(amount.value, locale=_locale(language), decimal_quantization=False)
    if (language, currency) in _MARKET_FORMS:
        number = format_decimal(amount.value, locale=_locale(language), decimal_quantization=False)
        return _MARKET_FORMS[language, currency].format(number)
    return format_currency(amount.value, currency, locale=_locale(language))


class _Formatted:
    """A money, date or time value formatted for the reply's language only if the text uses it."""

    __slots__ = ("_format", "_text")

    def __init__(self, format_: Callable[[], str]) -> None:
        self._format = format_
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._format()
        return self._text


def _format(value: Any, language: str, settings: ShopSettings, today: date) -> Any:
    if isinstance(value, Amount):
        return _Formatted(lambda: format_money(value, language, settings.currency))
    if isinstance(value, datetime):
        return _Formatted(lambda: spoken_time(value, language, shop_zone=settings.zone_name))
    if isinstance(value, date):
        return _Formatted(lambda: spoken_date(value, language, today=today))
    return value


@dataclass
class Renderer:
    templates: Path
    locales: Path

    @classmethod
    def default(cls) -> Renderer:
        return cls(templates_dir(), locales_dir())

    @cached_property
    def environments(self) -> dict[str, SandboxedEnvironment]:
        return {lang: _environment(lang, self.templates, self.locales) for lang in REPLY_LANGUAGES}

    def render(
        self,
        template_id: str,
        language: str,
        facts: Facts,
        settings: ShopSettings,
        resolution: str | None = None,
        *,
        today: date | None = None,
    ) -> str:
        """The reply text; unknown template, resolution or language raise a clear error.

        `today` (by default the shop's, in its time zone) decides whether dates show
        their year.
        """
        spec = template(template_id)
        chosen = spec.resolution(resolution, order_rules(settings))
        if language not in REPLY_LANGUAGES:
            raise UnknownLanguageError(
                f"unknown language {language!r} (choose: {', '.join(REPLY_LANGUAGES)})"
            )
        today = today or datetime.now(ZoneInfo(settings.zone_name)).date()
        context = {
            name: _format(getattr(facts, name), language, settings, today)
            for name in facts.__dataclass_fields__
        }
        context |= playbook_context(settings, language, facts.buyer_name)
        context |= {
            "back": context["back_at"],
            "resolution": chosen.name,
            "shop_name": settings.shop_name,
            "processing_days": settings.processing_days,
            "wait_hours": settings.wait_hours,
            "coupon": _format(settings.coupon, language, settings, today)
            if context["coupons_in_messages"]
            else None,
            "coupon_how": settings.coupon_how,
        }
        text = self.environments[language].get_template(f"{template_id}.j2").render(context)
        lines = [line.rstrip() for line in text.strip().splitlines()]
        return _BLANK_LINES.sub("\n\n", "\n".join(lines))
