"""The `replybot` command line: a thin caller of the core in `bot.core`."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from sqlite_utils import Database

from bot import __version__, logs
from bot.analysis import Amount
from bot.config import (
    LOG_FILE_ENV,
    TOKEN_ENV,
    WEBHOOK_SECRET_ENV,
    ConfigError,
    load_env_file,
    load_settings,
    log_file,
)
from bot.console import LANGUAGE_NAMES, ConsoleSession, read_lines, summary
from bot.core import analyse, analyzer_with, default_analyzer, draft, reply_language
from bot.inbox.state import shop_zone
from bot.inbox.zone import ShopZone, ZoneError, choose_zone
from bot.nlp.analyzer import Analyzer, EmptyMessageError, is_empty
from bot.preflight import StartupError
from bot.replies.facts import (
    FactError,
    Facts,
    ShopSettings,
    amount_value,
    apply_assignments,
    setting_keys,
    setting_text,
    split_assignment,
)
from bot.replies.profile import describe
from bot.replies.profile_setup import EVERY, KEEP, Question, answer, next_question
from bot.replies.registry import TEMPLATES, UnknownResolutionError, UnknownTemplateError
from bot.replies.render import Renderer, UnknownLanguageError
from bot.replies.review import review_page
from bot.scenarios import REPLY_LANGUAGES, SCENARIOS
from bot.store.cases import case_report, resolve_case
from bot.store.corrections import load_corrections
from bot.store.export import FORMATS, Filters, count, export
from bot.store.log import DB_ENV, DEFAULT_DB, EvidenceLog, StoreError, read
from bot.store.shop import ShopProfile, load_shop_settings
from bot.store.verify import verify
from bot.text_input import readable_text


class _RedactingGroup(click.Group):
    """Error messages are redacted like the log: a message may quote a setting's value.

    An evidence log that cannot be read or written ends any command with its one-line
    reason, as any other error of the command's input does."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StoreError as error:
            raise click.ClickException(logs.redact(str(error))) from error
        except click.ClickException as error:
            error.message = logs.redact(error.message)
            raise
        except SystemExit as error:
            if isinstance(error.code, str):
                raise SystemExit(logs.redact(error.code)) from None
            raise


@click.group(cls=_RedactingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replybot")
def main() -> None:
    """replybot: understand buyer messages and draft replies in the buyer's language."""
    logs.setup_logging()
    try:
        load_env_file()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    logs.add_secret(os.environ.get(TOKEN_ENV, ""))
    logs.add_secret(os.environ.get(WEBHOOK_SECRET_ENV, ""))
    path = log_file()
    if path is not None:
        try:
            logs.setup_logging(path)
        except OSError as error:
            reason = error.strerror or error
            raise click.ClickException(f"{LOG_FILE_ENV}: cannot write {path} ({reason})") from None


class _LogPath(click.Path):
    """The evidence log's file as `REPLYBOT_DB` gives it to the bot too: surrounding spaces
    ignored, and blank meaning the default."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = value.strip() or DEFAULT_DB
        return super().convert(value, param, ctx)


def _db_option(function: Any = None, *, dir_okay: bool = False) -> Any:
    option = click.option(
        "--db",
        "db_path",
        type=_LogPath(dir_okay=dir_okay, path_type=Path),
        envvar=DB_ENV,
        show_envvar=True,
        default=DEFAULT_DB,
        show_default=True,
        help="Evidence log file.",
    )
    return option(function) if function is not None else option


@main.command()
@click.argument("text", required=False)
@click.option(
    "--jsonl", is_flag=True, help='Read {"id", "text"} lines on stdin, write one line each.'
)
@click.option("--json", "as_json", is_flag=True, help="Print the analysis of TEXT as JSON.")
def classify(text: str | None, jsonl: bool, as_json: bool) -> None:
    """Analyse a buyer message: language, scenario, dispute risk, order ids, amounts."""
    if jsonl:
        if text is not None:
            raise click.UsageError("give either TEXT or --jsonl, not both")
        out = sys.stdout.buffer
        try:
            for lines in classify_lines(sys.stdin.buffer, default_analyzer()):
                # A lone surrogate can only be in a caller's id, inside a JSON string,
                # where the backslash escape is the JSON escape it came in as.
                out.write(
                    "".join(line + "\n" for line in lines).encode("utf-8", "backslashreplace")
                )
                out.flush()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(0) from None
        return
    if text is None:
        raise click.UsageError(
            'give the message to analyse, e.g. replybot classify "hi", or --jsonl'
        )
    try:
        analysis = analyse(readable_text(text))
    except EmptyMessageError as error:
        raise click.UsageError(str(error)) from error
    if as_json:
        click.echo(json.dumps(analysis.to_json(), ensure_ascii=False))
    else:
        click.echo(summary(analysis))


@main.command("draft")
@click.option(
    "--scenario",
    "template_id",
    type=click.Choice(list(TEMPLATES)),
    help="Scenario, notice or auto-reply to draft (default: the analysed scenario).",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(REPLY_LANGUAGES, case_sensitive=False),
    help="The buyer's language (default: the analysed one, zh-Hant for Chinese "
    "written in Traditional characters).",
)
@click.option(
    "--seller-lang",
    "seller_language",
    type=click.Choice(REPLY_LANGUAGES, case_sensitive=False),
    help="Your language.",
)
@click.option(
    "--resolution",
    help="One of the template's resolutions (default: the one the shop's platform starts with).",
)
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="A fact (order_id, amount, ship_date, ...) or shop setting.")  # fmt: skip
@click.option("--text", "buyer_text", help="A buyer message: analyse it, then draft the reply.")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as JSON.")
@_db_option
def draft_command(
    *,
    db_path: Path,
    template_id: str | None,
    language: str | None,
    seller_language: str | None,
    resolution: str | None,
    assignments: tuple[str, ...],
    buyer_text: str | None,
    as_json: bool,
) -> None:
    """Draft a reply from the reviewed templates, with the same reply in your language.

    The shop profile stored in the evidence log (`replybot shop`) signs and prices the
    reply; `--set` overrides any of its settings for this draft only."""
    facts = Facts()
    if buyer_text is not None:
        try:
            analysis = analyse(readable_text(buyer_text))
        except EmptyMessageError as error:
            raise click.UsageError(str(error)) from error
        facts = Facts.from_analysis(analysis)
        template_id = template_id or analysis.scenario
        language = language or reply_language(analysis)
    if template_id is None:
        raise click.UsageError("give --scenario ID, or --text with a buyer message")
    try:
        values = [readable_text(assignment) for assignment in assignments]
        facts, settings = apply_assignments(facts, _stored_profile(db_path), values)
        reply = draft(
            Renderer.default(),
            template_id,
            language or "en",
            facts=facts,
            settings=settings,
            resolution=resolution,
            seller_language=seller_language,
        )
    except (FactError, UnknownTemplateError, UnknownResolutionError, UnknownLanguageError) as error:
        raise click.UsageError(str(error)) from error
    if as_json:
        click.echo(json.dumps(reply.to_json(), ensure_ascii=False))
        return
    click.echo(reply.text)
    if reply.seller_language != reply.language:
        click.echo(f"\n--- {LANGUAGE_NAMES[reply.seller_language]} ---\n{reply.seller_text}")


def _stored_profile(db_path: Path) -> ShopSettings:
    """The shop profile kept in the evidence log; the unset profile when there is no log."""
    return read(db_path, load_shop_settings) if db_path.exists() else ShopSettings()


@main.command("review-page")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), default="review.html",
    show_default=True, help="Where to write the page.",
)  # fmt: skip
def review_page_command(output: str) -> None:
    """Write one HTML page with every template and resolution, per platform family, in
    every language side by side."""
    page = review_page(Renderer.default())
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(page)
    click.echo(f"wrote {output}")


@main.command()
@_db_option
@click.option("--seller-lang", "seller_language",
              type=click.Choice(REPLY_LANGUAGES, case_sensitive=False),
              help="Your language, for the mirror of each draft [default: the shop's "
              "seller_language, else en].")  # fmt: skip
def console(db_path: Path, seller_language: str | None) -> None:
    """The seller assistant in a terminal: each line is a buyer message.

    Prints the analysis and the drafted reply, and logs both. Reading from a pipe it
    asks nothing and ends with the input.
    """
    interactive = sys.stdin.isatty()
    log = EvidenceLog(db_path)
    shop = ShopProfile(log).settings
    shop = dataclasses.replace(shop, seller_language=seller_language or shop.seller_language)
    session = ConsoleSession(log, shop, Renderer.default())
    if interactive:
        click.echo(f"replybot console, logging to {db_path}. Paste a buyer message; Ctrl-D ends.")
    prompt = (lambda: click.echo("buyer> ", nl=False)) if interactive else None
    try:
        for line in read_lines(sys.stdin.buffer, prompt):
            if not line.utf8:
                click.echo(
                    f"line {line.number}: not valid UTF-8; unreadable bytes are shown as \ufffd",
                    err=True,
                )
            shown = session.handle(line.text)
            if shown is not None:
                click.echo(shown + "\n")
    finally:
        log.close()


@main.group("shop", invoke_without_command=True)
@_db_option
@click.pass_context
def shop_group(ctx: click.Context, db_path: Path) -> None:
    """Show the shop profile: name, platforms, currency, time zone, return policy, coupon.

    `replybot shop set key=value ...` stores settings; `replybot shop setup` asks for
    each in turn. Replies leave out, never invent, what is not set."""
    if ctx.invoked_subcommand is not None:
        return

    def profile(db: Database) -> tuple[ShopSettings, ShopZone]:
        return load_shop_settings(db), _zone_in_force(db)

    if db_path.exists():
        settings, zone = read(db_path, profile)
    else:
        click.echo(f"no evidence log at {db_path} yet: nothing is set", err=True)
        settings, zone = ShopSettings(), _zone_in_force(None)
    click.echo(describe(settings, zone))


def _zone_in_force(db: Database | None) -> ShopZone:
    configured = os.environ.get("REPLYBOT_TIMEZONE")
    try:
        if db is None:
            return choose_zone(None, None, configured)
        return shop_zone(db, configured)
    except ZoneError as error:
        raise click.ClickException(str(error)) from error


def _shop_db(ctx: click.Context, db_path: Path) -> Path:
    """The subcommand's --db when given, else the group's (`replybot shop --db X set ...`)."""
    given = ctx.get_parameter_source("db_path") == click.core.ParameterSource.COMMANDLINE
    if given or ctx.parent is None:
        return db_path
    return Path(ctx.parent.params["db_path"])


@shop_group.command("set")
@_db_option
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.pass_context
def shop_set(ctx: click.Context, db_path: Path, assignments: tuple[str, ...]) -> None:
    """Store shop settings, all or none: each is checked before any is written.

    An empty value unsets a setting (`signature=`); `platform=taobao` makes taobao the main
    platform, `platforms=shopee,lazada` sets the list. Keys: shop_name, signature, platform,
    platforms, currency, seller_language, timezone, return_window_days, return_shipping,
    processing_days, coupon, coupon_how, auto_reply_cooldown_minutes, wait_hours.
    """
    try:
        pairs = [split_assignment(readable_text(assignment)) for assignment in assignments]
    except FactError as error:
        raise click.UsageError(str(error)) from error
    with EvidenceLog(_shop_db(ctx, db_path)) as log:
        try:
            settings = ShopProfile(log).store(pairs)
        except FactError as error:
            raise click.UsageError(f"{error}; nothing was stored") from error
    shown = describe(settings).splitlines()
    changed = setting_keys(pairs)
    click.echo("\n".join(line for line in shown if line.split(":", 1)[0] in changed))


@shop_group.command("setup")
@_db_option
@click.pass_context
def shop_setup(ctx: click.Context, db_path: Path) -> None:
    """Answer one question per setting on a terminal; each answer is stored at once."""
    if not sys.stdin.isatty():
        raise click.ClickException(
            "shop setup asks its questions on a terminal, and standard input is not one; "
            "use replybot shop set key=value ... instead"
        )
    with EvidenceLog(_shop_db(ctx, db_path)) as log:
        profile = ShopProfile(log)
        click.echo("Press Enter to keep the value in brackets; type - to clear it.")
        key: str | None = None
        while (question := next_question(EVERY, key, profile.settings)) is not None:
            key = question.key
            current = setting_text(profile.settings, key)
            text = click.prompt(
                _prompt(question, profile.settings),
                default=current or "",
                show_default=current is not None,
                value_proc=partial(_setup_answer, key=key, settings=profile.settings),
            )
            if text != (current or ""):
                profile.store([(key, text)])
        click.echo("\n" + describe(profile.settings, log.read(_zone_in_force)))


def _prompt(question: Question, settings: ShopSettings) -> str:
    """The question and what to type: its choices, or suggestions, or an example."""
    offered = [option.value for option in question.options(settings)]
    values = [value for value in offered if value not in ("", KEEP)]
    if question.key in ("seller_language", "return_shipping"):
        return f"{question.text} ({' or '.join(values)})"
    if values:
        return f"{question.text} (e.g. {', '.join(values)})"
    return f"{question.text} ({question.example})"


def _setup_answer(text: str, *, key: str, settings: ShopSettings) -> str:
    """The typed answer, checked: `-` clears; anything that cannot be read is asked again."""
    text = readable_text(text).strip()
    if text == "-":
        return ""
    try:
        answer(key, text, settings)
    except FactError as error:
        raise click.UsageError(str(error)) from error
    return text


@main.command("verify")
@_db_option
def verify_command(db_path: Path) -> None:
    """Check the evidence log's hash chain: exit 0 when it holds, 1 naming the first bad row."""
    verdict = read(db_path, verify)
    click.echo(verdict.describe())
    if not verdict.ok:
        raise SystemExit(1)


@main.command("export")
@_db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--order", "order_id", help="Only this order's messages.")
@click.option("--chat", "chat_id", help="Only this chat's messages.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this day (UTC).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this day (UTC).")
@click.option("--scenario", type=click.Choice(SCENARIOS))
@click.option("--timezone", help="Show times in this zone [default: the shop's time zone].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")  # fmt: skip
def export_command(
    *,
    db_path: Path,
    fmt: str,
    order_id: str | None,
    chat_id: str | None,
    since: datetime | None,
    until: datetime | None,
    scenario: str | None,
    timezone: str | None,
    output: Path | None,
) -> None:
    """Export the evidence log as CSV (for Excel), JSON Lines or a printable HTML transcript."""
    filters = Filters(
        order_id=order_id,
        chat_id=chat_id,
        since=since.date() if since else None,
        until=until.date() if until else None,
        scenario=scenario,
    )
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise click.BadParameter(
                f"unknown time zone {timezone!r}", param_hint="--timezone"
            ) from error

    def write_export(db: Database) -> tuple[int, str]:
        """The export as of one moment of the log: its count, zone and rows agree."""
        try:
            zone = timezone or shop_zone(db, os.environ.get("REPLYBOT_TIMEZONE")).name
        except ZoneError as error:
            raise click.ClickException(str(error)) from error
        total = count(db, filters)
        if total == 0:
            what = f"order {order_id}" if order_id else "these filters"
            raise click.ClickException(f"no messages for {what}: nothing written")
        options = {"timezone": zone, "db_name": db_path.name}
        if output is None:
            export(db, filters, fmt, click.get_text_stream("stdout"), **options)
            return total, zone
        with output.open("w", encoding="utf-8", newline="") as handle:
            if sys.stderr.isatty() and total >= 1000:
                with click.progressbar(length=total, label="exporting", file=sys.stderr) as bar:
                    export(db, filters, fmt, handle, tick=lambda: bar.update(1), **options)
            else:
                export(db, filters, fmt, handle, **options)
        return total, zone

    total, zone = read(db_path, write_export)
    if output is not None:
        click.echo(f"wrote {total} messages to {output} (times in {zone})", err=True)


@main.command("case")
@_db_option
@click.argument("order_id")
def case_command(db_path: Path, order_id: str) -> None:
    """Show an order's case and its messages."""
    report = read(db_path, partial(case_report, order_id=order_id))
    if report is None:
        raise click.ClickException(f"nothing logged about order {order_id}")
    click.echo(report)


@main.command("resolve")
@_db_option
@click.argument("order_id")
@click.argument("resolution")
@click.argument("amount", required=False)
@click.argument("currency", required=False)
def resolve_command(
    *,
    db_path: Path,
    order_id: str,
    resolution: str,
    amount: str | None,
    currency: str | None,
) -> None:
    """Close an order's case with a resolution (and an amount), recorded in the chain."""
    order_id, resolution = readable_text(order_id), readable_text(resolution)
    money = None
    if amount is not None:
        try:
            money = Amount(
                amount_value(amount), readable_text(currency).upper() if currency else None
            )
        except FactError as error:
            raise click.BadParameter(str(error), param_hint="AMOUNT") from error
    with EvidenceLog(db_path) as log:
        logged = log.write(
            partial(resolve_case, order_id=order_id, resolution=resolution, amount=money)
        )
    click.echo(f"order {order_id} resolved ({resolution}); logged as row {logged.id}")


@main.command()
@click.option("--webhook-url", help="Receive updates by webhook at this URL instead of polling.")
@click.option("--listen", default="0.0.0.0", show_default=True, help="Webhook listen address.")
@click.option("--port", default=8443, show_default=True, type=int, help="Webhook port.")
def run(webhook_url: str | None, listen: str, port: int) -> None:
    """Start the Telegram bot (long polling, or a webhook with --webhook-url)."""
    try:
        settings = load_settings()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    from bot.tg.app import run as run_bot

    try:
        run_bot(settings, webhook_url, listen, port)
    except StartupError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@_db_option
def learn(db_path: Path) -> None:
    """Teach the classifier the sellers' scenario corrections stored in the evidence log."""
    corrections = read(db_path, load_corrections) if db_path.exists() else []
    if not corrections:
        click.echo(f"no corrections stored in {db_path}: nothing to learn")
        return
    analyzer_with(corrections)
    click.echo(f"learnt {len(corrections)} corrections; the bot uses them from its next start")


@main.command()
@_db_option(dir_okay=True)
def doctor(db_path: Path) -> None:
    """Check settings, token, webhook, database, model cache and disk space, one line each."""
    from bot.doctor import failed, run_checks
    from bot.tg.probe import probe_bot_api

    logging.getLogger("telegram").setLevel(logging.CRITICAL)  # each failure is a check line
    checks = run_checks(os.environ, probe_bot_api, db_path=db_path)
    for check in checks:
        click.echo(check.line())
    if failed(checks):
        raise SystemExit(1)


def classify_lines(stream: IO[bytes], analyzer: Analyzer) -> Iterator[list[str]]:
    """The `classify --jsonl` contract: one JSON line out per line in, errors included.

    Lines are analysed in batches of whatever input is already available, so a large
    file goes fast while a caller writing one line at a time gets its answer at once.
    """
    number = 0
    for batch in _available_lines(stream):
        outcomes = [_read_line(number + offset, raw) for offset, raw in enumerate(batch, 1)]
        number += len(batch)
        texts = [outcome for outcome in outcomes if isinstance(outcome, _Request)]
        analyses = iter(analyzer.analyse_many([request.text for request in texts]))
        yield [
            json.dumps(
                {"id": outcome.ident, **next(analyses).to_json()}
                if isinstance(outcome, _Request)
                else outcome,
                ensure_ascii=False,
            )
            for outcome in outcomes
        ]


def _available_lines(stream: IO[bytes], chunk: int = 1 << 16) -> Iterator[list[bytes]]:
    pending = b""
    while data := stream.read1(chunk):  # type: ignore[attr-defined]
        *lines, pending = (pending + data).split(b"\n")
        if lines:
            yield [line.removesuffix(b"\r") for line in lines]
    if pending:
        yield [pending.removesuffix(b"\r")]


@dataclass(frozen=True, slots=True)
class _Request:
    ident: Any
    text: str


def _read_line(number: int, raw: bytes) -> _Request | dict[str, Any]:
    where = f"line {number}"
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return {"id": None, "error": f"{where}: not valid UTF-8 (byte {error.start})"}
    decoded = decoded.removeprefix("\ufeff")
    if not decoded.strip():
        return {"id": None, "error": f"{where}: empty line"}
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"{where}: not JSON ({error.msg} at column {error.colno})"}
    if not isinstance(record, dict):
        return {"id": None, "error": f'{where}: expected an object like {{"id": 1, "text": "..."}}'}
    ident = record.get("id")
    text = record.get("text")
    if not isinstance(text, str):
        return {"id": ident, "error": f'{where}: "text" must be a string'}
    text = readable_text(text)
    if is_empty(text):
        return {"id": ident, "error": f"{where}: the message is empty"}
    return _Request(ident, text)


if __name__ == "__main__":
    main(sys.argv[1:])
