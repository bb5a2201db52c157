"""Every reply replybot can draft passes the reply check (REPLY-POLICY.md, the part text
alone shows): every template x resolution x language x shop profile x set of facts."""

import dataclasses
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.analysis import Amount
from bot.replies.check import check_reply, given_by_playbook, given_facts, given_settings
from bot.replies.facts import Facts, ShopSettings
from bot.replies.registry import TEMPLATES
from bot.replies.render import Renderer
from bot.replies.reply_context import order_rules
from bot.replies.review import SAMPLE_FACTS
from bot.scenarios import REPLY_LANGUAGES

AMOUNTS = {"CNY": Decimal(122), "KRW": Decimal(3000), "VND": Decimal(50000), "USD": Decimal(8)}
COUPONS = {"CNY": Decimal(5), "KRW": Decimal(3000), "VND": Decimal(20000), "USD": Decimal(2)}


def shop(name: str, platform: str, currency: str, timezone: str, **changes: Any) -> ShopSettings:
    """A shop that has been set up: name, platform, currency and zone, its own return
    window (an example, not a platform's rule: those belong to the platform playbooks),
    processing time and answer time, and a coupon in its currency; `changes` override any
    of them."""
    settings = ShopSettings(
        shop_name=name,
        platforms=(platform,),
        currency=currency,
        timezone=timezone,
        return_window_days=7,
        processing_days=2,
        wait_hours=24,
        coupon=Amount(COUPONS[currency], currency),
    )
    return dataclasses.replace(settings, **changes)


PROFILES: list[tuple[str, ShopSettings]] = [
    ("unset", ShopSettings()),
    ("taobao_cn", shop("月光家居", "taobao", "CNY", "Asia/Shanghai")),
    ("coupang_kr", shop("루나홈", "coupang", "KRW", "Asia/Seoul", coupon=None)),
    ("shopee_vn", shop("Nhà Lan", "shopee", "VND", "Asia/Ho_Chi_Minh", return_window_days=None)),
    ("aliexpress_en", shop("Lotus Home", "aliexpress", "USD", "Asia/Shanghai",
                           return_window_days=30)),
    ("baemin_kr", shop("루나키친", "baemin", "KRW", "Asia/Seoul", return_window_days=None)),
]  # fmt: skip
"""Shops to draft for, one a line: first a seller who has set nothing up, then shops selling
in one market each, one of them a delivery app. Which settings count as given is read off
their differences from `ShopSettings()` (`given_settings`) and what their platform's
playbook states (`given_by_playbook`)."""


def no_facts(settings: ShopSettings) -> Facts:
    return Facts()


def realistic_facts(settings: ShopSettings) -> Facts:
    """`SAMPLE_FACTS` as this shop would have them: an amount in the shop's currency and the
    time it is back in the shop's own zone."""
    assert SAMPLE_FACTS.back_at is not None
    return dataclasses.replace(
        SAMPLE_FACTS,
        amount=Amount(AMOUNTS.get(settings.currency or "", Decimal(8)), None),
        back_at=SAMPLE_FACTS.back_at.replace(tzinfo=ZoneInfo(settings.zone_name)),
        delay_minutes=20,
        reply_by=SAMPLE_FACTS.ship_date,
    )


FACT_SETS = [("no_facts", no_facts), ("realistic_facts", realistic_facts)]


@dataclass(frozen=True)
class Found:
    template: str
    resolution: str
    language: str
    profile: str
    facts: str
    rule: str
    check: str
    phrase: str

    def __str__(self) -> str:
        return (
            f"{self.template}/{self.resolution} {self.language} [{self.profile}, {self.facts}]: "
            f"{self.rule} {self.check} {self.phrase!r}"
        )


def every_violation(
    renderer: Renderer, languages: tuple[str, ...] = REPLY_LANGUAGES
) -> list[Found]:
    found = []
    for profile, settings in PROFILES:
        settings_given = given_settings(settings) | given_by_playbook(settings)
        for facts_name, make_facts in FACT_SETS:
            facts = make_facts(settings)
            facts_given = given_facts(facts)
            for spec in TEMPLATES.values():
                for resolution in spec.offered(order_rules(settings)):
                    for language in languages:
                        text = renderer.render(spec.id, language, facts, settings, resolution.name)
                        found.extend(
                            Found(
                                spec.id, resolution.name, language, profile, facts_name,
                                v.rule, v.check, v.phrase,
                            )
                            for v in check_reply(
                                text,
                                language=language,
                                template_id=spec.id,
                                resolution=resolution.name,
                                facts_given=facts_given,
                                settings_given=settings_given,
                            )
                        )  # fmt: skip
    return found


def summary(found: list[Found]) -> str:
    by_rule = Counter(f"{f.rule} {f.check}" for f in found)
    by_language = Counter(f.language for f in found)
    lines = [f"{len(found)} violations of REPLY-POLICY.md", "", "by rule:"]
    lines += [f"  {key}: {count}" for key, count in sorted(by_rule.items())]
    lines += ["by language:"]
    lines += [f"  {key}: {count}" for key, count in sorted(by_language.items())]
    lines += ["", *map(str, found)]
    return "\n".join(lines)


def test_the_matrix_covers_every_template_language_profile_and_fact_set():
    assert given_settings(PROFILES[0][1]) == frozenset(), "the first profile is the unset shop"
    for _, settings in PROFILES[1:]:
        assert {"shop_name", "platforms", "currency", "timezone"} <= given_settings(settings)
    # A shop that chose USD is told from one that chose nothing: its currency is given.
    assert "currency" in given_settings(dict(PROFILES)["aliexpress_en"])
    kinds = {order_rules(settings).order_kind for _, settings in PROFILES}
    assert kinds == {"parcel", "meal"}
    assert given_facts(no_facts(ShopSettings())) == frozenset()
    assert {"back_at", "delay_minutes", "reply_by"} <= given_facts(realistic_facts(ShopSettings()))


def test_a_return_window_counts_as_given_only_where_the_playbook_states_one():
    assert given_by_playbook(ShopSettings()) == {"return_window_days"}
    assert given_by_playbook(ShopSettings(platforms=("baemin",))) == frozenset()


def test_every_english_reply_obeys_the_reply_policy():
    """The English source text, on its own: what every other language is translated from."""
    found = every_violation(Renderer.default(), ("en",))
    assert not found, summary(found)


def test_every_reply_obeys_the_reply_policy():
    found = every_violation(Renderer.default())
    assert not found, summary(found)
