"""Reading the playbook files of one folder: TOML parsing and `extends` inheritance.

A file may start with `extends = "<id>"`: it then holds only what differs from that
playbook. Tables are merged key by key, anything else (strings, numbers, lists) is
replaced. The `[uncertain]` notes are keyed by the rule they doubt ("return_window_days",
"text.ko.cancel_path"); a file that sets a rule itself drops the note it inherited on that
rule, so a doubt stays with the value it was written for. What comes out is one complete
table per file; checking it against the schema is `bot/replies/playbooks.py`'s job.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ID = re.compile(r"[a-z0-9]+")


class PlaybookError(ValueError):
    """A playbook file is missing, unreadable, or does not follow the schema."""


@dataclass(frozen=True, slots=True)
class PlaybookFile:
    id: str
    path: Path
    table: dict[str, Any]
    """The file's content with everything it inherits filled in (no `extends` key)."""
    chain: tuple[str, ...]
    """The ids it was resolved from, itself first."""


def read_folder(folder: Path) -> dict[str, PlaybookFile]:
    """Every `<id>.toml` in `folder`, inheritance resolved, keyed by id."""
    if not folder.is_dir():
        raise PlaybookError(f"no playbook folder at {folder}")
    own: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.toml")):
        if not _ID.fullmatch(path.stem):
            raise PlaybookError(f"{path}: a playbook's file name is its platform id: a-z and 0-9")
        own[path.stem] = (path, _parse(path))
    return {pid: _resolve(pid, own, ()) for pid in own}


def _parse(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise PlaybookError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise PlaybookError(f"{path}: cannot be read: {error}") from None


def _resolve(
    pid: str, own: Mapping[str, tuple[Path, dict[str, Any]]], seen: tuple[str, ...]
) -> PlaybookFile:
    path, table = own[pid]
    if pid in seen:
        loop = " → ".join((*seen, pid))
        raise PlaybookError(f"{path}: `extends` goes round in a circle: {loop}")
    parent_id = table.get("extends")
    child = {key: value for key, value in table.items() if key != "extends"}
    if parent_id is None:
        return PlaybookFile(pid, path, child, (pid,))
    if not isinstance(parent_id, str) or parent_id not in own:
        known = ", ".join(sorted(own))
        raise PlaybookError(f"{path}: extends = {parent_id!r} names no playbook (known: {known})")
    parent = _resolve(parent_id, own, (*seen, pid))
    return PlaybookFile(pid, path, inherit(parent.table, child), (pid, *parent.chain))


def inherit(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """`child` over `parent`; the parent's doubts about rules the child sets are dropped."""
    rules = {k: v for k, v in child.items() if k != "uncertain"}
    merged = _merge({k: v for k, v in parent.items() if k != "uncertain"}, rules)
    set_by_child = set(leaf_paths(rules))
    notes = {
        rule: note
        for rule, note in _table(parent.get("uncertain")).items()
        if not any(leaf == rule or leaf.startswith(f"{rule}.") for leaf in set_by_child)
    }
    notes.update(_table(child.get("uncertain")))
    if notes:
        merged["uncertain"] = notes
    return merged


def _table(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        below = merged.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            merged[key] = _merge(below, value)
        else:
            merged[key] = value
    return merged


def leaf_paths(table: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of every value that is not a table: "return_shipping.seller_fault"."""
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from leaf_paths(value, f"{path}.")
        else:
            yield path


def has_path(table: Mapping[str, Any], dotted: str) -> bool:
    """Whether "text.ko.cancel_path" (or "text.ko", "text") names something in `table`."""
    node: Any = table
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True
