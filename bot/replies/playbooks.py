"""Platform playbooks: how each platform's buyers ask for things, and what its rules are.

Templates read a playbook instead of branching on the platform: the words for the
refund / return / cancel flow as the buyer sees them in the app, who pays return
shipping, the evidence a dispute expects, whether orders are parcels or meals, and the
chat register of the market (greeting, sign-off). The data is one TOML file per platform
in `bot/data/playbooks/` (REPLY-POLICY §3, §5); rules the data is not sure are current are
named in each file's `[uncertain]` table rather than guessed.

`playbook(platform)` is what callers use: an unknown or unset platform gets the neutral
playbook (`other`), with the platform the caller named kept in `Playbook.platform`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

from bot.replies.paths import playbooks_dir
from bot.replies.playbook_files import PlaybookError, PlaybookFile, has_path, read_folder
from bot.scenarios import REPLY_LANGUAGES

__all__ = [
    "NEUTRAL",
    "PLATFORMS",
    "TEXT_LANGUAGES",
    "Playbook",
    "PlaybookError",
    "PlaybookLanguageError",
    "PlaybookText",
    "ReturnShipping",
    "load_playbooks",
    "playbook",
]

PLATFORMS: Final = (
    "aliexpress",
    "taobao",
    "tmall",
    "1688",
    "shopee",
    "lazada",
    "tiki",
    "tiktok",
    "coupang",
    "naver",
    "amazon",
    "meituan",
    "eleme",
    "grabfood",
    "shopeefood",
    "baemin",
    "coupangeats",
    "other",
)
"""Every platform with a playbook; `other` is the neutral one."""

NEUTRAL: Final = "other"

TEXT_LANGUAGES: Final = REPLY_LANGUAGES
"""Languages every playbook has text in: every reply language. zh-Hant is its own text,
never Simplified."""

Family = Literal["marketplace", "delivery_app"]
OrderKind = Literal["parcel", "meal"]
DifferenceOrder = Literal["combine", "reorder", "none"]
"""How a price or postage difference is paid. `combine`: a difference link is normal and
ships with the main order (Taobao 补差价, Naver 추가금 결제). `reorder`: an extra order is
cancelled and the main order placed again with the right option (AliExpress). `none`: the
app has no separate payment for a difference (delivery apps)."""
Payer = Literal["buyer", "seller", "platform", "insurance"]
"""Who pays return shipping. `platform`: free for the buyer through the app's own return
label or programme. `insurance`: return-shipping insurance (运费险) covers it where the
order has it, otherwise the buyer pays."""
Evidence = Literal["unboxing_video", "item_photos", "package_photos", "label_photo", "dish_photo"]

_FAMILY_KIND: Final[Mapping[str, str]] = {"marketplace": "parcel", "delivery_app": "meal"}
_SCENARIO_ID = re.compile(r"[a-z][a-z0-9_]*")
_SLOT = re.compile(r"\{[^{}]*\}")
_SLOTS: Final[Mapping[str, str]] = {
    "greeting_named": "{name}",
    "sign_off": "{shop}",
    "introduction": "{shop}",
}
_SLOT_OPTIONAL: Final = frozenset({"sign_off"})
"""Where the slot may be left out: a market whose greeting introduces the shop closes
without naming it again."""


class PlaybookLanguageError(ValueError):
    """A playbook has no text in that language."""


@dataclass(frozen=True, slots=True)
class ReturnShipping:
    """Who pays return shipping by default."""

    change_of_mind: Payer
    seller_fault: Payer


@dataclass(frozen=True, slots=True)
class PlaybookText:
    """A platform's words in one language: as its app shows them, or a plain description
    with the app's own label where the app has no interface in that language."""

    language: str
    name: str
    """What buyers call the platform: 淘宝, 쿠팡, Shopee."""
    refund_path: str
    """How the buyer asks for a refund: 我的订单 → 申请退款 → 仅退款."""
    return_path: str | None
    """How the buyer asks for a return and refund; None where orders are meals."""
    cancel_path: str
    address_change: str
    """How an address is changed before shipping (or for meals, before the rider leaves)."""
    evidence_request: str
    """A noun phrase: "a video of you opening the parcel", "开箱视频", "video mở hàng"."""
    carrier: str
    """courier / 快递 / 택배사; for meals the rider."""
    package: str
    """parcel / 包裹 / 택배; for meals the order or dish."""
    difference_how: str
    """How a price or postage difference is paid on this platform."""
    greeting: str
    greeting_named: str
    """The greeting with a `{name}` slot."""
    sign_off: str
    """The closing with a `{shop}` slot, or without one where `introduction` names the
    shop."""
    sign_off_unnamed: str
    """The closing when the shop has no name yet (REPLY-POLICY §8)."""
    scenarios: Mapping[str, Mapping[str, str]]
    """Optional per-scenario words (`[text.<lang>.scenarios.<id>]`); most platforms have none."""
    introduction: str = ""
    """Optional: how the shop names itself after the greeting, with a `{shop}` slot, where the
    market's chat does so ("안녕하세요, 고객님. 루나홈입니다."); left out while the shop
    has no name."""

    def greet(self, name: str | None, shop: str | None = None) -> str:
        """The greeting, with the buyer's name when it is known, and the shop's introduction
        when the market has one and the shop a name."""
        name, shop = (name or "").strip(), (shop or "").strip()
        greeting = self.greeting_named.replace("{name}", name) if name else self.greeting
        if shop and self.introduction:
            return f"{greeting} {self.introduction.replace('{shop}', shop)}"
        return greeting

    def sign(self, shop: str | None) -> str:
        """The closing, with the shop's name when it is set; never a placeholder name."""
        shop = (shop or "").strip()
        return self.sign_off.replace("{shop}", shop) if shop else self.sign_off_unnamed

    def scenario(self, scenario_id: str) -> Mapping[str, str]:
        return self.scenarios.get(scenario_id, MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Playbook:
    """One platform's rules and words. Language-independent rules are fields; the words
    are `text(language)`."""

    id: str
    """The playbook's own id: a platform in `PLATFORMS`, `other` for the neutral one."""
    platform: str | None
    """The platform the caller asked for (lower-cased), kept when it had no playbook."""
    family: Family
    order_kind: OrderKind
    return_window_days: int | None
    """Days a buyer has to ask for a change-of-mind return by default; None for meals."""
    return_shipping: ReturnShipping | None
    """None for meals."""
    seller_can_edit_address: bool
    """Whether the seller can change the address on the order before it ships."""
    difference_order: DifferenceOrder
    evidence: tuple[Evidence, ...]
    """What the platform's dispute process expects from the buyer, most useful first."""
    cash_on_delivery_common: bool
    """Whether cash on delivery is usual; replies then never speak of "the original payment
    method". True for the neutral playbook, which cannot know."""
    seller_cancels: bool
    """Whether the platform has the seller carry out a cancellation the buyer asked for.
    Elsewhere the buyer cancels in the app and the seller only agrees (REPLY-POLICY §3)."""
    coupons_in_messages: bool
    """Whether a message to a buyer may offer a coupon or discount code (Amazon's messaging
    rules forbid it); where not, no reply offers the shop's coupon."""
    uncertain: Mapping[str, str]
    """Rule (a dotted path into the file, e.g. "return_window_days", "text.ko.cancel_path")
    → why it may not be current."""
    scenarios: Mapping[str, Mapping[str, str | int | bool]]
    """Optional language-independent rules for one scenario (`[scenarios.<id>]`)."""
    texts: Mapping[str, PlaybookText]

    @property
    def neutral(self) -> bool:
        return self.id == NEUTRAL

    def text(self, language: str) -> PlaybookText:
        """The words in `language`; a language without text is an error, never a fallback
        (zh-Hant in particular never falls back to Simplified)."""
        try:
            return self.texts[language]
        except KeyError:
            known = ", ".join(self.texts)
            raise PlaybookLanguageError(
                f"the {self.id} playbook has no {language!r} text (languages: {known})"
            ) from None

    def scenario(self, scenario_id: str) -> Mapping[str, str | int | bool]:
        return self.scenarios.get(scenario_id, MappingProxyType({}))


def playbook(platform: str | None) -> Playbook:
    """The playbook for the shop's platform; the neutral one when it is unset or unknown."""
    asked = (platform or "").strip().lower() or None
    playbooks = _packaged()
    if asked in PLATFORMS:
        return playbooks[asked]
    return dataclasses.replace(playbooks[NEUTRAL], platform=asked)


@cache
def _packaged() -> Mapping[str, Playbook]:
    return load_playbooks(playbooks_dir())


def load_playbooks(folder: Path, required: tuple[str, ...] = PLATFORMS) -> Mapping[str, Playbook]:
    """Every playbook in `folder`, checked against the schema. A file that is missing,
    malformed or incomplete raises `PlaybookError` naming the file and the field."""
    files = read_folder(folder)
    missing = [pid for pid in required if pid not in files]
    if missing:
        raise PlaybookError(f"{folder}: no playbook for {', '.join(missing)} (<id>.toml)")
    return MappingProxyType({pid: _build(file) for pid, file in files.items()})


_RULES: Final = (
    "family",
    "order_kind",
    "return_window_days",
    "return_shipping",
    "seller_can_edit_address",
    "difference_order",
    "evidence",
    "cash_on_delivery_common",
    "seller_cancels",
    "coupons_in_messages",
)
_TABLES: Final = ("uncertain", "scenarios", "text")
_TEXT_FIELDS: Final = tuple(
    f.name
    for f in dataclasses.fields(PlaybookText)
    if f.name not in ("language", "scenarios", "introduction")
)
_PARCEL_ONLY: Final = ("return_window_days", "return_shipping")
_PARCEL_ONLY_TEXT: Final = ("return_path",)


class _Check:
    """Reads one resolved file's table; every failure names the file and the field.

    `prefix` is the dotted path of the table being read ("", "text.ko.", ...)."""

    def __init__(self, file: PlaybookFile) -> None:
        self.file = file

    def fail(self, field: str, problem: str) -> PlaybookError:
        inherited = self.file.chain[1:]
        via = f" (with what it inherits from {', '.join(inherited)})" if inherited else ""
        return PlaybookError(f"{self.file.path}: {field} {problem}{via}")

    def keys(self, table: Mapping[str, Any], prefix: str, allowed: tuple[str, ...]) -> None:
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            known = ", ".join(allowed)
            raise self.fail(f"{prefix}{unknown[0]}", f"is not a playbook field ({known})")

    def get(self, table: Mapping[str, Any], prefix: str, key: str) -> Any:
        if key not in table:
            raise self.fail(f"{prefix}{key}", "is missing")
        return table[key]

    def choice(self, table: Mapping[str, Any], prefix: str, key: str, kind: Any) -> Any:
        value = self.get(table, prefix, key)
        choices = get_args(kind)
        if value not in choices:
            raise self.fail(f"{prefix}{key}", f"is {value!r}; expected one of {', '.join(choices)}")
        return value

    def flag(self, table: Mapping[str, Any], key: str) -> bool:
        value = self.get(table, "", key)
        if not isinstance(value, bool):
            raise self.fail(key, f"is {value!r}; expected true or false")
        return value

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be a non-empty string")
        if value != value.strip():
            raise self.fail(field, "has spaces at its start or end")
        return value

    def table(self, value: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field, "must be a table")
        return value


def _build(file: PlaybookFile) -> Playbook:
    check = _Check(file)
    data = file.table
    check.keys(data, "", (*_RULES, *_TABLES))
    family = check.choice(data, "", "family", Family)
    kind = check.choice(data, "", "order_kind", OrderKind)
    if _FAMILY_KIND[family] != kind:
        raise check.fail("order_kind", f"is {kind!r} but a {family} sells {_FAMILY_KIND[family]}s")
    parcel = kind == "parcel"
    for key in _PARCEL_ONLY:
        if parcel and key not in data:
            raise check.fail(key, "is missing")
        if not parcel and key in data:
            raise check.fail(key, "is for parcels; meals have no returns")
    return Playbook(
        id=file.id,
        platform=file.id,
        family=family,
        order_kind=kind,
        return_window_days=_window(check, data) if parcel else None,
        return_shipping=_shipping(check, data) if parcel else None,
        seller_can_edit_address=check.flag(data, "seller_can_edit_address"),
        difference_order=check.choice(data, "", "difference_order", DifferenceOrder),
        evidence=_evidence(check, data),
        cash_on_delivery_common=check.flag(data, "cash_on_delivery_common"),
        seller_cancels=check.flag(data, "seller_cancels"),
        coupons_in_messages=check.flag(data, "coupons_in_messages"),
        texts=_texts(check, data, parcel),
        scenarios=_scenarios(check, data.get("scenarios", {}), "scenarios", _rule_value),
        uncertain=_uncertain(check, data),
    )


def _window(check: _Check, data: Mapping[str, Any]) -> int:
    days = check.get(data, "", "return_window_days")
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        raise check.fail("return_window_days", f"is {days!r}; expected a whole number of days")
    return days


def _shipping(check: _Check, data: Mapping[str, Any]) -> ReturnShipping:
    table = check.table(check.get(data, "", "return_shipping"), "return_shipping")
    check.keys(table, "return_shipping.", ("change_of_mind", "seller_fault"))
    return ReturnShipping(
        change_of_mind=check.choice(table, "return_shipping.", "change_of_mind", Payer),
        seller_fault=check.choice(table, "return_shipping.", "seller_fault", Payer),
    )


def _evidence(check: _Check, data: Mapping[str, Any]) -> tuple[Evidence, ...]:
    value = check.get(data, "", "evidence")
    kinds = get_args(Evidence)
    if not isinstance(value, list) or not value:
        raise check.fail("evidence", f"must be a list of one or more of {', '.join(kinds)}")
    for item in value:
        if item not in kinds:
            raise check.fail("evidence", f"has {item!r}; expected items from {', '.join(kinds)}")
    if len(set(value)) != len(value):
        raise check.fail("evidence", "names an item twice")
    return tuple(value)


def _uncertain(check: _Check, data: Mapping[str, Any]) -> Mapping[str, str]:
    notes = check.table(data.get("uncertain", {}), "uncertain")
    for rule, note in notes.items():
        if rule.split(".")[0] == "uncertain" or not has_path(data, rule):
            raise check.fail(f"uncertain.{rule}", "doubts a rule the playbook does not have")
        check.text(note, f"uncertain.{rule}")
    return MappingProxyType(dict(notes))


def _rule_value(check: _Check, value: Any, field: str) -> str | int | bool:
    if isinstance(value, str):
        return check.text(value, field)
    if isinstance(value, bool | int):
        return value
    raise check.fail(field, f"is {value!r}; expected a string, a whole number or true/false")


def _scenarios(
    check: _Check,
    value: Any,
    field: str,
    read: Callable[[_Check, Any, str], Any],
) -> Mapping[str, Mapping[str, Any]]:
    scenarios: dict[str, Mapping[str, Any]] = {}
    for scenario_id, rules in check.table(value, field).items():
        where = f"{field}.{scenario_id}"
        if not _SCENARIO_ID.fullmatch(scenario_id):
            raise check.fail(where, "is not a scenario id (snake_case)")
        table = check.table(rules, where)
        if not table:
            raise check.fail(where, "is empty; leave the table out instead")
        scenarios[scenario_id] = MappingProxyType(
            {key: read(check, item, f"{where}.{key}") for key, item in table.items()}
        )
    return MappingProxyType(scenarios)


def _texts(check: _Check, data: Mapping[str, Any], parcel: bool) -> Mapping[str, PlaybookText]:
    texts = check.table(check.get(data, "", "text"), "text")
    check.keys(texts, "text.", TEXT_LANGUAGES)
    return MappingProxyType({lang: _text(check, texts, lang, parcel) for lang in TEXT_LANGUAGES})


def _text(check: _Check, texts: Mapping[str, Any], language: str, parcel: bool) -> PlaybookText:
    field = f"text.{language}"
    table = check.table(check.get(texts, "text.", language), field)
    check.keys(table, f"{field}.", (*_TEXT_FIELDS, "scenarios", "introduction"))
    values: dict[str, Any] = {}
    for key in _TEXT_FIELDS:
        if key in _PARCEL_ONLY_TEXT and not parcel:
            if key in table:
                raise check.fail(f"{field}.{key}", "is for parcels; meals have no returns")
            values[key] = None
            continue
        values[key] = _words(check, check.get(table, f"{field}.", key), f"{field}.{key}", key)
    if "introduction" in table:
        values["introduction"] = _words(
            check, table["introduction"], f"{field}.introduction", "introduction"
        )
    scenarios = _scenarios(check, table.get("scenarios", {}), f"{field}.scenarios", _words_value)
    return PlaybookText(language=language, scenarios=scenarios, **values)


def _words(check: _Check, value: Any, field: str, key: str) -> str:
    text = check.text(value, field)
    slots = _SLOT.findall(text)
    expected = [_SLOTS[key]] if key in _SLOTS else []
    if key in _SLOT_OPTIONAL and not slots:
        expected = []
    if slots != expected or text.count("{") != len(expected) or text.count("}") != len(expected):
        want = f"exactly one {expected[0]}" if expected else "no {…} slot"
        raise check.fail(field, f"must have {want}: {text!r}")
    return text


def _words_value(check: _Check, value: Any, field: str) -> str:
    return _words(check, value, field, "")
