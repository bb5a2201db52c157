"""One HTML page with every template x resolution x language side by side, for review."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from jinja2 import Environment

from bot.analysis import Amount
from bot.replies.facts import Facts, ShopSettings
from bot.replies.registry import TEMPLATES
from bot.replies.render import Renderer
from bot.scenarios import LANGUAGES

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
)

SAMPLE_PROFILE = ShopSettings(
    shop_name="Lotus Home",
    platforms=("shopee",),
    currency="USD",
    timezone="Asia/Kuala_Lumpur",
    return_window_days=15,
    return_shipping="seller",
    processing_days=3,
    coupon=Amount(Decimal(3), "USD"),
    coupon_how="Enter code SORRY3 at checkout.",
    wait_hours=24,
)
"""A shop with every setting given, so that the page shows every sentence."""

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>replybot replies for review</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin-bottom: 2rem; }
th, td { border: 1px solid #ccc; padding: .5rem; vertical-align: top; text-align: left; }
td { white-space: pre-wrap; font-size: .9rem; }
h2 { margin-top: 2.5rem; } .kind { color: #777; font-weight: normal; }
</style></head><body>
<h1>replybot replies for review</h1>
<p>Every template, resolution and language, rendered with the same sample facts
(buyer {{ facts.buyer_name }}, order {{ facts.order_id }}, amount 8.00 USD, shop
“{{ settings.shop_name }}”). Read each row across: the languages must say the same thing.</p>
{% for row in rows %}
{% if loop.first or row.template != rows[loop.index0 - 1].template %}
<h2 id="{{ row.template }}">{{ row.template }} <span class="kind">({{ row.kind }})</span></h2>
{% endif %}
<table><tr><th colspan="{{ languages|length }}">resolution: {{ row.resolution }}</th></tr>
<tr>{% for language in languages %}<th>{{ language }}</th>{% endfor %}</tr>
<tr>{% for language in languages %}
<td lang="{{ language }}">{{ row.texts[language] }}</td>
{% endfor %}</tr>
</table>
{% endfor %}
</body></html>
"""


def review_page(renderer: Renderer, settings: ShopSettings, facts: Facts = SAMPLE_FACTS) -> str:
    rows = [
        {
            "template": spec.id,
            "kind": spec.kind,
            "resolution": resolution.name,
            "texts": {
                language: renderer.render(spec.id, language, facts, settings, resolution.name)
                for language in LANGUAGES
            },
        }
        for spec in TEMPLATES.values()
        for resolution in spec.resolutions
    ]
    page = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(_PAGE)
    return page.render(rows=rows, languages=LANGUAGES, facts=facts, settings=settings)
