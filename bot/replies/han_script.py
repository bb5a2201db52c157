"""Which written form of Chinese a text is in: Simplified or Traditional.

The classifier reads both as `zh`; replies are written in either (`zh` or `zh-Hant`).
Most characters are the same in both scripts, so a text is told by the characters only
one script uses (`bot/data/scripts/han.toml`): Traditional when it has more
Traditional-only than Simplified-only characters. The reply check uses the same lists to
find the other script's characters in a reply.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

SCRIPTS: Final = ("simplified", "traditional")


@dataclass(frozen=True, slots=True)
class HanScripts:
    """The characters only Simplified and only Traditional writing use."""

    simplified: frozenset[str]
    traditional: frozenset[str]

    def only_in(self, script: str) -> frozenset[str]:
        """The characters only `script` ("simplified" or "traditional") uses."""
        match script:
            case "simplified":
                return self.simplified
            case "traditional":
                return self.traditional
        raise ValueError(f"unknown script {script!r} (known: {', '.join(SCRIPTS)})")

    def is_traditional(self, text: str) -> bool:
        """True when `text` has more Traditional-only than Simplified-only characters; a
        text with neither (or as many of each) is not."""
        traditional = sum(char in self.traditional for char in text)
        simplified = sum(char in self.simplified for char in text)
        return traditional > simplified


def parse_scripts(data: Mapping[str, Any]) -> HanScripts:
    """The lists a parsed data file holds; a character in both lists is an error."""
    scripts = HanScripts(
        simplified=frozenset(data["simplified"]["chars"]),
        traditional=frozenset(data["traditional"]["chars"]),
    )
    shared = scripts.simplified & scripts.traditional
    if shared:
        raise ValueError(f"characters listed for both scripts: {''.join(sorted(shared))}")
    return scripts


def data_text() -> str:
    return (resources.files("bot") / "data" / "scripts" / "han.toml").read_text("utf-8")


@cache
def han_scripts() -> HanScripts:
    return parse_scripts(tomllib.loads(data_text()))


def is_traditional(text: str) -> bool:
    """Whether Chinese `text` is written in Traditional characters (see `HanScripts`)."""
    return han_scripts().is_traditional(text)
