"""Cases: one per order, opened by the first buyer message about it (see `bot.store.log`),
closed with a resolution recorded in the chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.analysis import Amount
from bot.store.log import Entry, Logged, StoreError, append_rows


@dataclass(frozen=True, slots=True)
class Case:
    order_id: str
    scenario: str | None
    status: str
    resolution: str | None
    amount: str | None
    currency: str | None
    opened_at: str
    resolved_at: str | None


def find_case(db: Database, order_id: str) -> Case | None:
    row = next(db.query("SELECT * FROM cases WHERE order_id = ?", [order_id]), None)
    return Case(**row) if row else None


def order_messages(db: Database, order_id: str) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM messages WHERE order_id = ? ORDER BY id", [order_id]))


def resolve_case(
    db: Database, order_id: str, resolution: str, amount: Amount | None = None
) -> Logged:
    """A write function: close an order's case and record the resolution in the chain, in
    the one transaction `EvidenceLog.write` runs it in: both are written or neither."""
    case = find_case(db, order_id)
    if case is None:
        raise StoreError(f"no case for order {order_id}: no message about it was logged")
    money = f" {format(amount.value, 'f')} {amount.currency or ''}".rstrip() if amount else ""
    [logged] = append_rows(
        db,
        [
            Entry(
                direction="out",
                channel="console",
                kind="case",
                order_id=order_id,
                scenario=case.scenario,
                resolution=resolution,
                text=f"Case resolved: {resolution}{money}",
            )
        ],
    )
    close_case(db, order_id, resolution, amount, logged.ts)
    return logged


def close_case(
    db: Database, order_id: str, resolution: str, amount: Amount | None, at: str
) -> None:
    db.table("cases").update(
        order_id,
        {
            "status": "resolved",
            "resolution": resolution,
            "amount": format(amount.value, "f") if amount else None,
            "currency": amount.currency if amount else None,
            "resolved_at": at,
        },
    )


def case_report(db: Database, order_id: str) -> str | None:
    """An order's case and messages as text, or None when nothing was logged about it."""
    case = find_case(db, order_id)
    messages = order_messages(db, order_id)
    if case is None and not messages:
        return None
    lines = []
    if case is not None:
        resolution = f", {case.resolution}" if case.resolution else ""
        money = f" {case.amount} {case.currency or ''}".rstrip() if case.amount else ""
        resolved = f", resolved {case.resolved_at}" if case.resolved_at else ""
        lines.append(
            f"order {order_id}: {case.status}{resolution}{money}, scenario {case.scenario}, "
            f"opened {case.opened_at}{resolved}"
        )
    for message in messages:
        who = "buyer " if message["direction"] == "in" else "seller"
        lines += ["", f"#{message['id']} {message['ts']} {who} [{message['scenario'] or '-'}]"]
        lines.append(message["text"])
    return "\n".join(lines)
