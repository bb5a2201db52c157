"""The hash chain over the messages table, and its verification.

Each row stores `prev_hash` (the hash of the row before it, or GENESIS for the first)
and `hash = sha256(prev_hash + canonical JSON of the row's content fields)`. The content
includes the row id, so moving a row is as visible as editing it. `chain_head` records
the last id, last hash and row count, written in the same transaction as the row, so
cutting rows off the end of the chain is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
CHAIN_NAME = "messages"
NOT_CONTENT = frozenset({"prev_hash", "hash"})
ADDED_LATER = frozenset({"business_connection_id"})
"""Columns added after the first schema enter a row's hash only when set, so rows logged
before they existed still verify."""


def canonical(row: Mapping[str, Any]) -> bytes:
    """The row's content fields as canonical JSON: sorted keys, no spaces, UTF-8."""
    content = {
        key: value
        for key, value in row.items()
        if key not in NOT_CONTENT and not (key in ADDED_LATER and value is None)
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(row)).hexdigest()


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    rows: int
    first_bad_id: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"the chain holds: {self.rows} rows verified"
        where = f"row {self.first_bad_id}" if self.first_bad_id is not None else "the chain head"
        return f"the chain is broken at {where}: {self.reason}"


def verify_rows(rows: Iterable[Mapping[str, Any]], head: Mapping[str, Any] | None) -> Verdict:
    """Check every row's links and hash in id order, then the recorded head."""
    expected_prev = GENESIS
    count = 0
    last_id = 0
    for row in rows:
        count += 1
        row_id = row["id"]
        if row["prev_hash"] != expected_prev:
            reason = "a row before it was removed, inserted or reordered"
            if count == 1:
                reason = "it does not start from the beginning of the chain"
            return Verdict(False, count, row_id, reason)
        if chain_hash(row["prev_hash"], row) != row["hash"]:
            return Verdict(False, count, row_id, "its content was changed after it was logged")
        expected_prev = row["hash"]
        last_id = row_id
    if head is None:
        if count:
            return Verdict(False, count, None, "the chain head record is missing")
        return Verdict(True, 0)
    if head["count"] != count or head["last_hash"] != expected_prev or head["last_id"] != last_id:
        return Verdict(
            False,
            count,
            None,
            f"{head['count']} rows were logged up to row {head['last_id']}, "
            f"but {count} remain up to row {last_id}: rows were cut off or added at the end",
        )
    return Verdict(True, count)
