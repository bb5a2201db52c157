"""Exports of the evidence log: CSV (opens in Excel), JSON Lines, a printable HTML transcript."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from jinja2 import Environment
from sqlite_utils import Database

from bot.store.cases import find_case

COLUMNS = (
    "id", "ts", "kind", "direction", "channel", "chat_id", "buyer_name", "order_id",
    "scenario", "language", "confidence", "dispute_risk", "template", "resolution", "text",
    "source_id", "prev_hash", "hash",
)  # fmt: skip
FORMATS = ("csv", "jsonl", "html")


@dataclass(frozen=True, slots=True)
class Filters:
    order_id: str | None = None
    chat_id: str | None = None
    since: date | None = None
    until: date | None = None
    scenario: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for column, value in (
            ("order_id", self.order_id),
            ("chat_id", self.chat_id),
            ("scenario", self.scenario),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.since is not None:
            clauses.append("ts >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            clauses.append("ts < date(?, '+1 day')")
            params.append(self.until.isoformat())
        return (" AND ".join(clauses) or "1"), params


def count(db: Database, filters: Filters) -> int:
    return db.table("messages").count_where(*filters.where())


def rows(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    where, params = filters.where()
    yield from db.query(
        f"SELECT {', '.join(COLUMNS)} FROM messages WHERE {where} ORDER BY id", params
    )


def write_csv(records: Iterator[dict[str, Any]], out: TextIO, tick: Callable[[], None]) -> None:
    """UTF-8 with a byte order mark, so Excel shows Chinese, Korean and Vietnamese text."""
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(record)
        tick()


def write_jsonl(records: Iterator[dict[str, Any]], out: TextIO, tick: Callable[[], None]) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        tick()


_TRANSCRIPT = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; }
.turn { border: 1px solid #ccc; border-radius: 6px; padding: .6rem .8rem; margin: .7rem 0; }
.in { background: #f6f6f6; } .out { background: #eef6ff; margin-left: 3rem; }
.meta { color: #555; font-size: .8rem; } .text { white-space: pre-wrap; margin: .4rem 0; }
.hash { font-family: monospace; font-size: .7rem; color: #777; word-break: break-all; }
@media print { .turn { break-inside: avoid; } }
</style></head><body>
<h1>{{ title }}</h1>
<p>Times are shown as logged, in UTC, and in the shop's time zone, {{ timezone }}.</p>
{% for case in cases %}
<p>Order {{ case.order_id }}: case {{ case.status }}, scenario {{ case.scenario or "-" }}
{%- if case.resolution %}, resolution {{ case.resolution }}{% if case.amount %}
 {{ case.amount }} {{ case.currency or "" }}{% endif %}{% endif %}
 (opened {{ case.opened_at }}
{%- if case.resolved_at %}, resolved {{ case.resolved_at }}{% endif %}).</p>
{% endfor %}
{% for row in records %}
<div class="turn {{ row.direction }}">
<div class="meta">#{{ row.id }} · {{ "buyer" if row.direction == "in" else "seller" }}
{%- if row.buyer_name %} ({{ row.buyer_name }}){% endif %} · {{ row.ts }} UTC ·
{{ row.local_ts }} ({{ timezone }}) · {{ row.channel }}
{%- if row.scenario %} · {{ row.scenario }}{% endif %}
{%- if row.order_id %} · order {{ row.order_id }}{% endif %}</div>
<div class="text">{{ row.text }}</div>
<div class="hash">prev {{ row.prev_hash }}<br>hash {{ row.hash }}</div>
</div>
{% endfor %}
<p>{{ records|length }} messages. Each row's hash is sha256 of the previous row's hash
followed by the row's content fields as canonical JSON (sorted keys, no spaces, UTF-8);
run <code>replybot verify --db {{ db_name }}</code> on the original file to check that no
message was edited, removed or reordered.</p>
</body></html>
"""


def write_html(
    records: Iterator[dict[str, Any]],
    out: TextIO,
    tick: Callable[[], None],
    *,
    db: Database,
    title: str,
    timezone: str,
    db_name: str,
) -> None:
    zone = ZoneInfo(timezone)
    listed = []
    orders: list[str] = []
    for record in records:
        moment = datetime.fromisoformat(record["ts"].replace("Z", "+00:00"))
        listed.append({**record, "local_ts": moment.astimezone(zone).isoformat(timespec="seconds")})
        if record["order_id"] and record["order_id"] not in orders:
            orders.append(record["order_id"])
        tick()
    cases = [case for order in orders if (case := find_case(db, order)) is not None]
    page = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
        _TRANSCRIPT
    )
    out.write(
        page.render(title=title, records=listed, cases=cases, timezone=timezone, db_name=db_name)
    )


def export_text(db: Database, filters: Filters, fmt: str, timezone: str = "UTC") -> str:
    """The whole export as a string (for small exports and for sending as a document)."""
    buffer = io.StringIO()
    export(db, filters, fmt, buffer, timezone=timezone)
    return buffer.getvalue()


def export(
    db: Database,
    filters: Filters,
    fmt: str,
    out: TextIO,
    *,
    timezone: str = "UTC",
    db_name: str = "replybot.db",
    tick: Callable[[], None] = lambda: None,
) -> None:
    records = rows(db, filters)
    if fmt == "csv":
        write_csv(records, out, tick)
    elif fmt == "jsonl":
        write_jsonl(records, out, tick)
    elif fmt == "html":
        what = f"order {filters.order_id}" if filters.order_id else "messages"
        write_html(
            records, out, tick, db=db, title=f"Transcript of {what}", timezone=timezone,
            db_name=db_name,
        )  # fmt: skip
    else:
        raise ValueError(f"unknown export format {fmt!r} (choose: {', '.join(FORMATS)})")
