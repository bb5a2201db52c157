"""Reply templates, catalogs and rendering in every language."""

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.analysis import Amount
from bot.core import analyse, draft
from bot.replies.facts import Facts, ShopSettings
from bot.replies.paths import locales_dir, templates_dir
from bot.replies.playbooks import PLATFORMS, playbook
from bot.replies.registry import (
    TEMPLATES,
    UnknownResolutionError,
    UnknownTemplateError,
)
from bot.replies.render import Renderer, UnknownLanguageError, catalog_locale, catalog_path
from bot.replies.reply_context import order_rules, playbook_context
from bot.replies.review import SAMPLE_FACTS as FULL
from bot.replies.times import spoken_date, spoken_time
from bot.scenarios import REPLY_LANGUAGES, SCENARIOS

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")

MINIMAL = Facts()
SETTINGS = ShopSettings(shop_name="Lotus Home")
MEAL_SETTINGS = ShopSettings(shop_name="Lotus Home", platforms=("baemin",))
RENDERER = Renderer.default()


def settings_for(template_id: str, resolution: str) -> ShopSettings:
    """A shop whose platform offers the resolution: the neutral one when it does, else the
    first platform that does (a delivery app for what only meals have, Taobao for a
    difference link that ships with the order)."""
    for platforms in ((), *((platform,) for platform in PLATFORMS)):
        shop = replace(SETTINGS, platforms=platforms)
        if resolution in {r.name for r in TEMPLATES[template_id].offered(order_rules(shop))}:
            return shop
    raise AssertionError(f"no platform offers {template_id}/{resolution}")


CASES = [
    pytest.param(
        template_id, resolution.name, language, id=f"{template_id}-{resolution.name}-{language}"
    )
    for template_id, spec in TEMPLATES.items()
    for resolution in spec.resolutions
    for language in REPLY_LANGUAGES
]


def catalog(language: str):
    with catalog_path(language, locales_dir()).open("rb") as handle:
        return read_po(handle, locale=catalog_locale(language))


def render(template_id, language, facts, resolution=None, settings=None, today=None):
    if settings is None:
        settings = SETTINGS if resolution is None else settings_for(template_id, resolution)
    return RENDERER.render(template_id, language, facts, settings, resolution, today=today)


def test_every_buyer_scenario_has_a_template_and_every_template_a_file():
    assert set(SCENARIOS) <= set(TEMPLATES)
    kinds = {spec.kind for spec in TEMPLATES.values()}
    assert kinds == {"scenario", "notice", "auto_reply"}
    assert sum(spec.kind == "notice" for spec in TEMPLATES.values()) == 7
    assert sum(spec.kind == "auto_reply" for spec in TEMPLATES.values()) == 3
    files = {path.stem for path in templates_dir().glob("*.j2")} - {"_common"}
    assert files == set(TEMPLATES)


def test_templates_branch_on_exactly_the_registered_resolutions():
    for template_id, spec in TEMPLATES.items():
        source = (templates_dir() / f"{template_id}.j2").read_text("utf-8")
        used = set(re.findall(r'resolution == "([a-z_]+)"', source))
        if len(spec.resolutions) > 1:
            assert used == {r.name for r in spec.resolutions}, template_id
        else:
            assert used == set(), template_id


@pytest.mark.parametrize(("template_id", "resolution", "language"), CASES)
def test_renders_with_full_and_minimal_facts(template_id, resolution, language):
    for facts in (FULL, MINIMAL):
        text = render(template_id, language, facts, resolution)
        assert text.strip()
        assert "None" not in text
        assert "{{" not in text
        assert "%(" not in text
        assert "\n\n\n" not in text
        assert "Lotus Home" in text
    full = render(template_id, language, FULL, resolution)
    assert "Munirah" in full
    if template_id not in {
        "stock_inquiry",
        "auto_reply_busy",
        "auto_reply_away",
        "auto_reply_welcome",
    }:
        assert "8123456789012345" in full
    assert "8123456789012345" not in render(template_id, language, MINIMAL, resolution)


@pytest.mark.parametrize(("template_id", "resolution", "language"), [
    case for case in CASES if case.values[2] in {"zh", "zh-Hant", "ko"}
])  # fmt: skip
def test_chinese_and_korean_replies_have_no_english_left(template_id, resolution, language):
    # A shop in UTC says "UTC时间" to its buyers, rightly; a shop in Shanghai names no Latin.
    in_shanghai = replace(settings_for(template_id, resolution), timezone="Asia/Shanghai")
    text = render(template_id, language, FULL, resolution, settings=in_shanghai)
    for value in ("Munirah", "8123456789012345", "RB123456789CN", "Lotus Home", FULL.address):
        text = text.replace(value, "")
    # The platform's own words (an app path that says "App") are the playbook's, checked in
    # tests/test_playbooks.py; this test is about the catalog's text around them.
    words = playbook_context(in_shanghai, language, None)
    for name in ("refund_path", "return_path", "cancel_path", "address_change", "difference_how"):
        if isinstance(words[name], str) and words[name]:
            text = text.replace(words[name], "")
    assert re.findall(r"[A-Za-z]{3,}", text) == []


@pytest.mark.parametrize("template_id", list(TEMPLATES))
def test_every_language_really_is_translated(template_id):
    """The body, between the platform's greeting and sign-off (which are not in the
    catalogs), differs from the English one."""
    english = {line for line in render(template_id, "en", FULL).splitlines()[1:-1] if line}
    for language in ("zh", "zh-Hant", "ko", "vi"):
        assert english.isdisjoint(render(template_id, language, FULL).splitlines()), language


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_catalogs_are_complete_not_fuzzy_and_keep_placeholders(language):
    messages = catalog(language)
    assert not messages.fuzzy
    problems = []
    for message in messages:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(("untranslated or fuzzy", ids[0]))
            continue
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != sorted(PLACEHOLDER.findall(ids[0])):
                problems.append(("placeholders differ", ids[0]))
    assert problems == []
    assert list(messages.check()) == []


def _source_messages() -> set[str]:
    method_map = [("**.j2", "jinja2")]
    options = {"**.j2": {"trimmed": "true", "silent": "false"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(templates_dir(), method_map, options_map=options):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_pot_and_catalogs_are_up_to_date_with_the_templates():
    with (locales_dir() / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    in_pot = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert in_pot == _source_messages()
    for language in REPLY_LANGUAGES:
        in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
        assert in_catalog == in_pot, language


@pytest.mark.parametrize(
    ("language", "amount", "expected_money"),
    [
        ("en", Amount(Decimal("8"), "USD"), "$8.00"),
        ("zh", Amount(Decimal("25"), "CNY"), "¥25.00"),
        ("zh-Hant", Amount(Decimal("1200"), "TWD"), "NT$1,200"),
        ("zh-Hant", Amount(Decimal("80"), "HKD"), "HK$80.00"),
        ("ko", Amount(Decimal("15000"), "KRW"), "15,000원"),
        ("vi", Amount(Decimal("50000"), "VND"), "50.000"),
    ],
)
def test_money_and_dates_follow_the_locale(language, amount, expected_money):
    facts = Facts(amount=amount, refund_date=date(2026, 11, 30))
    text = render("refund_confirmation", language, facts, "partial", today=date(2026, 11, 20))
    assert expected_money in text
    assert spoken_date(date(2026, 11, 30), language, today=date(2026, 11, 20)) in text
    next_year = render("refund_confirmation", language, facts, "partial", today=date(2027, 1, 2))
    assert "2026" in next_year
    assert "2026" not in text


def test_an_amount_without_a_currency_in_a_shop_without_one_is_a_plain_number():
    text = render("refund_confirmation", "en", Facts(amount=Amount(Decimal(8), None)), "full",
                  settings=ShopSettings())  # fmt: skip
    assert "refund of 8 has been issued" in text
    assert "$" not in text


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ 7*7 }}",
        "{% raw %}x{% endraw %}",
        "<b>bold</b> &amp;",
        "*stars* _under_ [a](b) `c`",
        "%(name)s %",
    ],
)
def test_buyer_supplied_values_are_inert_text(hostile):
    facts = Facts(buyer_name=hostile, order_id=hostile, address=hostile)
    for language in REPLY_LANGUAGES:
        text = render("address_change", language, facts, "updated")
        assert hostile in text
        assert "49" not in text


def test_unknown_template_resolution_or_language_is_a_clear_error():
    with pytest.raises(UnknownTemplateError, match="unknown template 'nope'"):
        draft(RENDERER, "nope", "en")
    with pytest.raises(UnknownResolutionError, match="choose: checking, refund_difference"):
        draft(RENDERER, "price_drop", "en", resolution="free_money")
    with pytest.raises(UnknownLanguageError, match="unknown language 'fr'"):
        draft(RENDERER, "price_drop", "fr")


def test_the_seller_mirror_says_the_same_in_the_sellers_language():
    reply = draft(
        RENDERER, "damaged_item", "ko", facts=FULL, settings=SETTINGS, seller_language="en"
    )
    assert reply.seller_text == render("damaged_item", "en", FULL, "evidence_first")
    assert reply.text == render("damaged_item", "ko", FULL, "evidence_first")
    assert reply.resolution == "evidence_first"


def test_a_draft_is_rendered_by_the_renderer_it_is_given(tmp_path):
    for source in templates_dir().glob("*.j2"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "other.j2").write_text("Seen by {{ shop_name }}.", encoding="utf-8")
    reply = draft(Renderer(tmp_path, locales_dir()), "other", "en", settings=SETTINGS)
    assert (reply.text, reply.seller_text) == ("Seen by Lotus Home.", "Seen by Lotus Home.")
    assert draft(RENDERER, "other", "en", settings=SETTINGS).text != reply.text


def test_facts_found_by_the_analysis_fill_the_draft(analyzer):
    analysis = analyse("price dropped $8 right after i paid!! order 8123456789012345")
    reply = draft(
        RENDERER,
        analysis.scenario,
        analysis.language,
        facts=Facts.from_analysis(analysis),
        resolution="refund_difference",
    )
    assert analysis.scenario == "price_drop"
    assert "$8.00" in reply.text
    assert "8123456789012345" in reply.text


def test_pybabel_finds_every_catalog_up_to_date(tmp_path):
    import shutil

    from babel.messages.frontend import BaseError, CommandLineInterface

    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy)
    try:
        CommandLineInterface().run(
            [
                "pybabel",
                "-q",
                "update",
                "--check",
                "-i",
                str(copy / "messages.pot"),
                "-d",
                str(copy),
            ]
        )
    except BaseError as error:
        pytest.fail(f"pybabel update --check: {error}")


@pytest.mark.parametrize(
    ("language", "zone"),
    [("en", "Asia/Shanghai"), ("zh", "Asia/Shanghai"), ("zh-Hant", "Asia/Taipei"),
     ("ko", "Asia/Seoul"), ("vi", "Asia/Ho_Chi_Minh")],
)  # fmt: skip
def test_the_away_reply_says_when_the_shop_is_back_and_asks_what_helps(language, zone):
    at = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo(zone))
    text = render(
        "auto_reply_away", language, Facts(back_at=at, scenario="damaged_item", buyer_name="An")
    )
    assert spoken_time(at, language, shop_zone="UTC") in text
    words = playbook(None).text(language)
    assert words.evidence_request in text, "the damage scenario asks for the platform's evidence"
    assert text.startswith(words.greet("An"))


def test_the_away_reply_says_a_time_without_a_zone_in_the_shops_zone():
    text = render(
        "auto_reply_away",
        "en",
        Facts(back_at=datetime(2026, 11, 24, 9, 0)),
        settings=ShopSettings(shop_name="Lotus Home", timezone="Asia/Kuala_Lumpur"),
    )
    assert "back at 9:00 Kuala Lumpur time, Tue 24 Nov." in text
