"""The mechanical part of REPLY-POLICY.md: what a reply's text alone shows to be wrong.

`check_reply` reads a finished reply and what the caller says was given (the names of the
facts and of the shop settings the seller supplied) and lists the violations; it never
renders. The phrases, the facts that make a claim true and the resolutions that allow a
phrase are data (`bot/data/policy/reply_checks.toml`), so a wording found in review is one
line there. What text alone cannot show (whether the reply answers the question asked, the
tone, which name the buyer goes by) stays with human review.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any, Final

from bot.replies.facts import Facts, ShopSettings
from bot.replies.han_script import HanScripts, han_scripts
from bot.replies.reply_context import shop_playbook

PHRASE_CHECKS: Final = (
    "fault_admission",
    "status_claim",
    "seller_cancel",
    "zone_name",
    "register",
    "unset_setting",
    "placeholder",
)
"""The tables of phrase rules in the data file, each also the `check` of its violations."""

EVERY_LANGUAGE: Final = "all"
_WORD: Final = re.compile(r"[A-Za-z]+")


class UnknownCheckLanguageError(ValueError):
    """The data file has no limits for that language."""


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    """The section of REPLY-POLICY.md, e.g. "§2"."""
    check: str
    """Which check found it: a table of the data file, or "length", "script", "untranslated"."""
    phrase: str
    """What in the text is wrong, as it appears there."""
    message: str


@dataclass(frozen=True, slots=True)
class PhraseRule:
    check: str
    id: str
    rule: str
    message: str
    patterns: Mapping[str, tuple[re.Pattern[str], ...]]
    needs: frozenset[str] = frozenset()
    allowed_in: frozenset[str] = frozenset()
    planned_in: frozenset[str] = frozenset()

    def excused(self, template_id: str, resolution: str, given: frozenset[str]) -> bool:
        """True when a given fact or setting, or the resolution's meaning, makes it true."""
        if self.needs & given:
            return True
        places = self.allowed_in | self.planned_in
        return f"{template_id}/{resolution}" in places or f"{template_id}/*" in places

    def found(self, text: str, language: str) -> list[str]:
        """Each distinct match in the text; of matches that overlap, only the one that starts
        first (the longest of those) counts, so one wording is one violation."""
        compiled = (*self.patterns.get(EVERY_LANGUAGE, ()), *self.patterns.get(language, ()))
        spans = sorted(
            {
                (m.start(), m.end())
                for p in compiled
                for m in p.finditer(text)
                if m.end() > m.start()
            },
            key=lambda span: (span[0], -span[1]),
        )
        kept: list[tuple[int, int]] = []
        for start, end in spans:
            if not kept or start >= kept[-1][1]:
                kept.append((start, end))
        return list(dict.fromkeys(text[start:end] for start, end in kept))


@dataclass(frozen=True, slots=True)
class ScriptRule:
    language: str
    name: str
    """The script whose characters do not belong in `language`."""
    chars: frozenset[str]


@dataclass(frozen=True, slots=True)
class ReplyChecks:
    max_chars: Mapping[str, int]
    phrase_rules: tuple[PhraseRule, ...]
    planned_facts: frozenset[str]
    derived_facts: frozenset[str]
    script_rule: str
    scripts: Mapping[str, ScriptRule]
    untranslated_rule: str
    untranslated_message: str
    untranslated_languages: frozenset[str]
    untranslated_words: frozenset[str]
    untranslated_min_distinct: int

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self.max_chars)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _compile(entry: Mapping[str, Any]) -> dict[str, tuple[re.Pattern[str], ...]]:
    flags = re.MULTILINE | (0 if entry.get("case_sensitive", False) else re.IGNORECASE)
    compiled: dict[str, list[re.Pattern[str]]] = {}
    for language, phrases in entry.get("phrases", {}).items():
        compiled.setdefault(language, []).extend(
            re.compile(re.escape(_nfc(phrase)), flags) for phrase in phrases
        )
    for language, patterns in entry.get("patterns", {}).items():
        compiled.setdefault(language, []).extend(
            re.compile(_nfc(pattern), flags) for pattern in patterns
        )
    return {language: tuple(patterns) for language, patterns in compiled.items()}


def _phrase_rule(check: str, entry: Mapping[str, Any]) -> PhraseRule:
    return PhraseRule(
        check=check,
        id=entry["id"],
        rule=entry["rule"],
        message=entry["message"],
        patterns=_compile(entry),
        needs=frozenset(entry.get("needs", ())),
        allowed_in=frozenset(entry.get("allowed_in", ())),
        planned_in=frozenset(entry.get("planned_in", ())),
    )


def parse_checks(data: Mapping[str, Any], han: HanScripts | None = None) -> ReplyChecks:
    """The checks a parsed data file describes, each script's characters from `han` (by
    default bot/data/scripts/han.toml); a malformed regular expression raises."""
    han = han or han_scripts()
    script = data["script"]
    untranslated = data["untranslated"]
    return ReplyChecks(
        max_chars=dict(data["languages"]["max_chars"]),
        phrase_rules=tuple(
            _phrase_rule(check, entry) for check in PHRASE_CHECKS for entry in data.get(check, ())
        ),
        planned_facts=frozenset(data.get("planned_facts", {})),
        derived_facts=frozenset(data.get("derived_facts", {})),
        script_rule=script["rule"],
        scripts={
            language: ScriptRule(language, name.capitalize(), han.only_in(name))
            for language, name in script["forbidden"].items()
        },
        untranslated_rule=untranslated["rule"],
        untranslated_message=untranslated["message"],
        untranslated_languages=frozenset(untranslated["languages"]),
        untranslated_words=frozenset(untranslated["words"]),
        untranslated_min_distinct=untranslated["min_distinct"],
    )


def data_text() -> str:
    return (resources.files("bot") / "data" / "policy" / "reply_checks.toml").read_text("utf-8")


@cache
def default_checks() -> ReplyChecks:
    return parse_checks(tomllib.loads(data_text()))


def given_facts(facts: Facts) -> frozenset[str]:
    """The names of the facts that are known, and `amount_currency` when the amount says its
    own currency."""
    names = {f.name for f in fields(facts) if getattr(facts, f.name) is not None}
    if facts.amount is not None and facts.amount.currency:
        names.add("amount_currency")
    return frozenset(names)


def given_settings(settings: ShopSettings) -> frozenset[str]:
    """The settings the seller gave: those that differ from `ShopSettings()`, where every
    setting a buyer could read is unset (§8)."""
    defaults = ShopSettings()
    return frozenset(
        f.name for f in fields(settings) if getattr(settings, f.name) != getattr(defaults, f.name)
    )


def given_by_playbook(settings: ShopSettings) -> frozenset[str]:
    """The settings a reply takes from the shop's platform playbook while the profile
    leaves them unset: the playbook's return window is the platform's rule, not a
    placeholder (REPLY-POLICY §5), so a reply that states it states what it was given."""
    book = shop_playbook(settings)
    return frozenset({"return_window_days"} if book.return_window_days is not None else ())


def _length(text: str, language: str, checks: ReplyChecks) -> Iterable[Violation]:
    limit = checks.max_chars[language]
    if len(text) > limit:
        yield Violation(
            "§6",
            "length",
            f"{len(text)} characters",
            f"longer than one chat message in {language} ({len(text)} > {limit} characters)",
        )


def _script(text: str, language: str, checks: ReplyChecks) -> Iterable[Violation]:
    script = checks.scripts.get(language)
    if script is None:
        return
    stray = "".join(dict.fromkeys(char for char in text if char in script.chars))
    if stray:
        yield Violation(
            checks.script_rule,
            "script",
            stray,
            f"{script.name} characters in a {language} reply",
        )


def _untranslated(text: str, language: str, checks: ReplyChecks) -> Iterable[Violation]:
    if language not in checks.untranslated_languages:
        return
    words = [w for w in _WORD.findall(text) if w.lower() in checks.untranslated_words]
    distinct = list(dict.fromkeys(w.lower() for w in words))
    if len(distinct) >= checks.untranslated_min_distinct:
        yield Violation(
            checks.untranslated_rule,
            "untranslated",
            " ".join(distinct),
            checks.untranslated_message,
        )


def check_reply(
    text: str,
    *,
    language: str,
    template_id: str,
    resolution: str,
    facts_given: frozenset[str],
    settings_given: frozenset[str],
    checks: ReplyChecks | None = None,
) -> list[Violation]:
    """Every violation of the mechanical rules in `text`, in the data file's order.

    `facts_given` and `settings_given` name what the seller supplied (see `given_facts` and
    `given_settings`); a claim those names or the resolution make true is not a violation.
    """
    checks = checks or default_checks()
    if language not in checks.languages:
        raise UnknownCheckLanguageError(
            f"no reply checks for {language!r} (known: {', '.join(sorted(checks.languages))})"
        )
    text = _nfc(text)
    given = facts_given | settings_given
    violations = [
        Violation(rule.rule, rule.check, phrase, rule.message)
        for rule in checks.phrase_rules
        if not rule.excused(template_id, resolution, given)
        for phrase in rule.found(text, language)
    ]
    violations.extend(_length(text, language, checks))
    violations.extend(_script(text, language, checks))
    violations.extend(_untranslated(text, language, checks))
    return violations
