"""One HTML page for a native reviewer: every template x resolution, per platform family,
in every language side by side, for a shop that has set nothing up and for one that has.

Each platform family's playbook words and rules, which the replies quote, are listed at
the top, so a reviewer can tell a template's wording from the platform's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from jinja2 import Environment

from bot.analysis import Amount
from bot.replies.facts import Facts, ShopSettings
from bot.replies.playbooks import Playbook
from bot.replies.registry import TEMPLATES, TemplateSpec
from bot.replies.render import Renderer
from bot.replies.reply_context import PLAYBOOK_NAMES, order_rules, playbook_context, shop_playbook
from bot.scenarios import REPLY_LANGUAGES

SAMPLE_FACTS = Facts(
    buyer_name="Munirah",
    order_id="8123456789012345",
    tracking_number="RB123456789CN",
    address="12 Jalan Ampang, 50450 Kuala Lumpur",
    amount=Amount(Decimal("8.00"), "USD"),
    ship_date=date(2026, 11, 25),
    expected_date=date(2026, 12, 2),
    refund_date=date(2026, 11, 30),
    restock_date=date(2026, 12, 10),
    cancel_date=date(2026, 11, 27),
    back_at=datetime(2026, 11, 24, 9, 0),
    scenario="delivery_delay",
    delay_minutes=20,
)


@dataclass(frozen=True, slots=True)
class Family:
    """A platform family on the page, with a shop that sells there as it would be set up."""

    platform: str
    shop: ShopSettings
    amount: Decimal
    """A realistic amount in the shop's currency."""


def _family(
    platform: str, name: str, currency: str, zone: str, *, coupon: int, amount: int
) -> Family:
    shop = ShopSettings(
        shop_name=name,
        platforms=(platform,),
        currency=currency,
        timezone=zone,
        processing_days=2,
        wait_hours=24,
        coupon=Amount(Decimal(coupon), currency),
    )
    return Family(platform, shop, Decimal(amount))


FAMILIES: Final = (
    _family("taobao", "月光家居", "CNY", "Asia/Shanghai", coupon=5, amount=122),
    _family("shopee", "Nhà Lan", "VND", "Asia/Ho_Chi_Minh", coupon=20000, amount=50000),
    _family("coupang", "루나홈", "KRW", "Asia/Seoul", coupon=3000, amount=3000),
    _family("aliexpress", "Lotus Home", "USD", "Asia/Shanghai", coupon=2, amount=8),
    _family("baemin", "루나키친", "KRW", "Asia/Seoul", coupon=3000, amount=3000),
    _family("other", "Lotus Home", "USD", "UTC", coupon=2, amount=8),
)
"""Marketplaces in China, South-East Asia, Korea and worldwide, a delivery app, and the
neutral playbook."""


@dataclass(frozen=True, slots=True)
class Case:
    """One way of drafting: a shop and the facts it knows."""

    label: str
    settings: ShopSettings
    facts: Facts


def cases(family: Family) -> tuple[Case, Case]:
    """A shop that has set only its platform and knows no facts, and the family's shop
    with every setting given and realistic facts."""
    unset = ShopSettings(platforms=(family.platform,))
    realistic = dataclasses.replace(SAMPLE_FACTS, amount=Amount(family.amount, None))
    return (
        Case(f"{family.platform}, empty profile, no facts", unset, Facts()),
        Case(f"{family.platform}, {family.shop.shop_name}, sample facts", family.shop, realistic),
    )


def _playbook_rows(book: Playbook) -> list[dict[str, object]]:
    """Each playbook word or rule the templates read, in every language."""
    settings = ShopSettings(platforms=(book.id,))
    words = {lang: playbook_context(settings, lang, "Munirah") for lang in REPLY_LANGUAGES}
    rows: list[dict[str, object]] = []
    for name in PLAYBOOK_NAMES:
        values = {lang: words[lang][name] for lang in REPLY_LANGUAGES}
        same = len({str(v) for v in values.values()}) == 1
        rows.append({"name": name, "values": values, "same": same})
    return rows


def _rows(spec: TemplateSpec, renderer: Renderer) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for resolution in spec.resolutions:
        drafts = []
        for family in FAMILIES:
            for case in cases(family):
                if resolution not in spec.offered(order_rules(case.settings)):
                    continue
                texts = {
                    language: renderer.render(
                        spec.id, language, case.facts, case.settings, resolution.name
                    )
                    for language in REPLY_LANGUAGES
                }
                drafts.append({"label": case.label, "texts": texts})
        default_on = [
            f.platform
            for f in FAMILIES
            if spec.offered(order_rules(f.shop))
            and spec.default_for(order_rules(f.shop)) == resolution.name
        ]
        rows.append(
            {
                "resolution": resolution.name,
                "facts": ", ".join(resolution.facts) or "-",
                "kinds": ", ".join(sorted(resolution.kinds)),
                "default_on": ", ".join(default_on) or "-",
                "drafts": drafts,
            }
        )
    return rows


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>replybot replies for review</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin-bottom: 1.5rem; }
th, td { border: 1px solid #ccc; padding: .4rem; vertical-align: top; text-align: left; }
td { white-space: pre-wrap; font-size: .9rem; }
th.case { width: 10rem; font-weight: normal; color: #555; }
h2 { margin-top: 2.5rem; } h3 { margin-bottom: .3rem; } .kind, .note { color: #777; }
.same { color: #999; }
</style></head><body>
<h1>replybot replies for review</h1>
<p>Every template and resolution, for each platform family: once for a shop that has set
only its platform and knows no facts, once for a shop with every setting given and sample
facts (buyer {{ facts.buyer_name }}, order {{ facts.order_id }}). Read each row across: the
languages must say the same thing, and each must read as that market's chat agents write.
Words that come from the platform (paths in the app, greeting, sign-off) are listed first;
fix those in the playbook, not in the template.</p>
<p>Templates: {% for spec in specs %}<a href="#{{ spec.id }}">{{ spec.id }}</a>
{% endfor %}</p>

<h2 id="playbooks">Platform words and rules the replies use</h2>
{% for family in families %}
<h3 id="playbook-{{ family.platform }}">{{ family.platform }}</h3>
<table><tr><th class="case">name</th>
{% for language in languages %}<th>{{ language }}</th>{% endfor %}</tr>
{% for row in playbooks[family.platform] %}
<tr><th class="case">{{ row.name }}</th>
{% if row.same %}
<td colspan="{{ languages|length }}" class="same">{{ row["values"]["en"] }}</td>
{% else %}
{% for language in languages %}
<td lang="{{ language }}">{{ row["values"][language] }}</td>
{% endfor %}
{% endif %}
</tr>
{% endfor %}
</table>
{% endfor %}

{% for spec in specs %}
<h2 id="{{ spec.id }}">{{ spec.id }} <span class="kind">({{ spec.kind }})</span></h2>
{% for row in rows[spec.id] %}
<h3>resolution: {{ row.resolution }}</h3>
<p class="note">for: {{ row.kinds }} · default on: {{ row.default_on }} ·
facts: {{ row.facts }}</p>
<table><tr><th class="case"></th>
{% for language in languages %}<th>{{ language }}</th>{% endfor %}</tr>
{% for draft in row.drafts %}
<tr><th class="case">{{ draft.label }}</th>
{% for language in languages %}
<td lang="{{ language }}">{{ draft.texts[language] }}</td>
{% endfor %}
</tr>
{% endfor %}
</table>
{% endfor %}
{% endfor %}
</body></html>
"""


def review_page(renderer: Renderer) -> str:
    specs = list(TEMPLATES.values())
    page = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(_PAGE)
    return page.render(
        specs=specs,
        rows={spec.id: _rows(spec, renderer) for spec in specs},
        playbooks={f.platform: _playbook_rows(shop_playbook(f.shop)) for f in FAMILIES},
        families=FAMILIES,
        languages=REPLY_LANGUAGES,
        facts=SAMPLE_FACTS,
    )
