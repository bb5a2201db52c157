"""Labelled buyer messages: the training set shipped in the package, and its fingerprint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from bot.scenarios import LANGUAGES, SCENARIOS


class DatasetError(ValueError):
    """A line of a labelled data file is not a valid example."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    language: str
    scenario: str
    dispute_risk: bool


def parse_example(line: str, where: str) -> Example:
    try:
        record = json.loads(line)
        example = Example(
            text=record["text"],
            language=record["language"],
            scenario=record["scenario"],
            dispute_risk=record["dispute_risk"],
        )
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise DatasetError(f"{where}: not a labelled example ({error})") from error
    if not isinstance(example.text, str) or not example.text.strip():
        raise DatasetError(f"{where}: empty text")
    if example.language not in LANGUAGES:
        raise DatasetError(f"{where}: unknown language {example.language!r}")
    if example.scenario not in SCENARIOS:
        raise DatasetError(f"{where}: unknown scenario {example.scenario!r}")
    if not isinstance(example.dispute_risk, bool):
        raise DatasetError(f"{where}: dispute_risk must be true or false")
    return example


def read_examples(name: str, raw: bytes) -> Iterator[Example]:
    for number, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        if line.strip():
            yield parse_example(line, f"{name}:{number}")


def training_sources() -> list[tuple[str, bytes]]:
    """(name, raw bytes) of every training file shipped in the package, in a stable order."""
    folder = resources.files("bot") / "data" / "train"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".jsonl")),
        key=lambda entry: entry.name,
    )
    return [(f"train/{entry.name}", entry.read_bytes()) for entry in files]


def load_examples(sources: Iterable[tuple[str, bytes]]) -> list[Example]:
    return [example for name, raw in sources for example in read_examples(name, raw)]


def fingerprint(sources: Iterable[tuple[str, bytes]], *extra: str) -> str:
    """A digest that changes whenever a source's name or content, or an `extra` string, does."""
    digest = hashlib.sha256()
    for part in extra:
        digest.update(part.encode())
        digest.update(b"\0")
    for name, raw in sources:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()
