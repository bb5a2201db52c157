"""The database schema, created and migrated in order (sqlite-utils migrations).

Column types are declared so that Datasette and the `sqlite-utils` CLI show them as they
are: text, integers, reals. Message text is searchable with FTS5 (trigram tokenizer, so
Chinese and Korean text without spaces is searchable too); the writer adds new rows to
the search index in batches (`search_index` records how far it got) rather than with a
trigger on every insert, which would halve the logging rate.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("replybot")
"""Applied migrations are recorded in `_sqlite_migrations`: the schema's version."""


@migrations()
def create_evidence_log(db: Database) -> None:
    db["messages"].create(
        {
            "id": int,
            "ts": str,
            "kind": str,
            "direction": str,
            "channel": str,
            "chat_id": str,
            "buyer_name": str,
            "order_id": str,
            "scenario": str,
            "language": str,
            "confidence": float,
            "dispute_risk": int,
            "template": str,
            "resolution": str,
            "text": str,
            "source_id": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="id",
        not_null={"ts", "kind", "direction", "channel", "text", "prev_hash", "hash"},
    )
    db["messages"].create_index(["source_id"], unique=True)
    db["messages"].create_index(["order_id"])
    db["messages"].create_index(["ts"])
    db["messages"].create_index(["chat_id"])
    db["messages"].enable_fts(["text"], tokenize="trigram")
    db["search_index"].create({"name": str, "last_id": int}, pk="name")
    db["chain_head"].create(
        {"name": str, "last_id": int, "last_hash": str, "count": int}, pk="name"
    )
    db["cases"].create(
        {
            "order_id": str,
            "scenario": str,
            "status": str,
            "resolution": str,
            "amount": str,
            "currency": str,
            "opened_at": str,
            "resolved_at": str,
        },
        pk="order_id",
        not_null={"status", "opened_at"},
    )
    db["seller_settings"].create(
        {"seller_id": str, "key": str, "value": str}, pk=("seller_id", "key")
    )
    db["peak_windows"].create(
        {"id": int, "starts_at": str, "ends_at": str, "created_by": str}, pk="id"
    )
    db["business_connections"].create(
        {
            "connection_id": str,
            "owner_user_id": str,
            "can_reply": int,
            "is_enabled": int,
            "updated_at": str,
        },
        pk="connection_id",
    )


@migrations()
def add_corrections(db: Database) -> None:
    db["corrections"].create(
        {"id": int, "ts": str, "seller_id": str, "text": str, "language": str, "scenario": str,
         "dispute_risk": int},
        pk="id",
        not_null={"ts", "text", "language", "scenario"},
    )  # fmt: skip


@migrations()
def add_inbox(db: Database) -> None:
    """Buyers who write through a seller's Telegram Business account are told apart by the
    connection as well as the chat; settings for modes and hours live in seller_settings."""
    db["messages"].add_column("business_connection_id", str)
    db["messages"].create_index(["channel", "business_connection_id", "chat_id"])


def migrate(db: Database) -> None:
    migrations.apply(db)
