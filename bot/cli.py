"""The `replybot` command line: a thin caller of the core in `bot.assistant`."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import click
from babel.numbers import format_currency, format_decimal
from dotenv import load_dotenv

from bot import __version__
from bot.analysis import Amount, Analysis
from bot.assistant import analyse, default_analyzer, default_renderer, draft
from bot.nlp.analyzer import Analyzer, EmptyMessageError, is_empty
from bot.replies.facts import FactError, Facts, ShopSettings, apply_assignments
from bot.replies.registry import TEMPLATES, UnknownResolutionError, UnknownTemplateError
from bot.replies.render import UnknownLanguageError
from bot.replies.review import review_page
from bot.scenarios import LANGUAGES

LANGUAGE_NAMES = {"en": "English", "zh": "Chinese", "ko": "Korean", "vi": "Vietnamese"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replybot")
def main() -> None:
    """replybot: understand buyer messages and draft replies in the buyer's language."""
    load_dotenv()
    logging.basicConfig(level=logging.WARNING, format="replybot: %(message)s")
    logging.getLogger("bot").setLevel(logging.INFO)


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
                out.write("".join(line + "\n" for line in lines).encode("utf-8"))
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
        analysis = analyse(text)
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
@click.option("--lang", "language", type=click.Choice(LANGUAGES), help="The buyer's language.")
@click.option(
    "--seller-lang", "seller_language", type=click.Choice(LANGUAGES), help="Your language."
)
@click.option("--resolution", help="One of the template's resolutions (default: its first).")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="A fact (order_id, amount, ship_date, ...) or shop setting.")  # fmt: skip
@click.option("--text", "buyer_text", help="A buyer message: analyse it, then draft the reply.")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as JSON.")
def draft_command(
    *,
    template_id: str | None,
    language: str | None,
    seller_language: str | None,
    resolution: str | None,
    assignments: tuple[str, ...],
    buyer_text: str | None,
    as_json: bool,
) -> None:
    """Draft a reply from the reviewed templates, with the same reply in your language."""
    facts = Facts()
    if buyer_text is not None:
        try:
            analysis = analyse(buyer_text)
        except EmptyMessageError as error:
            raise click.UsageError(str(error)) from error
        facts = Facts.from_analysis(analysis)
        template_id = template_id or analysis.scenario
        language = language or analysis.language
    if template_id is None:
        raise click.UsageError("give --scenario ID, or --text with a buyer message")
    try:
        facts, settings = apply_assignments(facts, ShopSettings(), list(assignments))
        reply = draft(
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


@main.command("review-page")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), default="review.html",
    show_default=True, help="Where to write the page.",
)  # fmt: skip
def review_page_command(output: str) -> None:
    """Write one HTML page with every template, resolution and language side by side."""
    page = review_page(default_renderer(), ShopSettings(shop_name="Lotus Home"))
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(page)
    click.echo(f"wrote {output}")


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
    if is_empty(text):
        return {"id": ident, "error": f"{where}: the message is empty"}
    return _Request(ident, text)


def _money(amount: Amount) -> str:
    if amount.currency is None:
        return f"{format_decimal(amount.value, locale='en')} (currency not written)"
    return f"{format_currency(amount.value, amount.currency, locale='en')} ({amount.currency})"


def summary(analysis: Analysis) -> str:
    """A seller-readable view of an analysis."""
    entities = analysis.entities
    alternatives = ", ".join(
        f"{alt.scenario} {alt.probability:.2f}" for alt in analysis.alternatives[:3]
    )
    rows = [
        ("language", f"{analysis.language} ({LANGUAGE_NAMES[analysis.language]})"),
        ("scenario", f"{analysis.scenario} (confidence {analysis.confidence:.2f})"),
        ("runners-up", alternatives),
        (
            "dispute risk",
            f"{'YES' if analysis.dispute_risk else 'no'} ({analysis.dispute_score:.2f})",
        ),
        ("order ids", ", ".join(entities.order_ids) or "-"),
        ("tracking", ", ".join(entities.tracking_numbers) or "-"),
        ("amounts", ", ".join(_money(amount) for amount in entities.amounts) or "-"),
    ]
    return "\n".join(f"{label:<13}{value}" for label, value in rows)


if __name__ == "__main__":
    main(sys.argv[1:])
