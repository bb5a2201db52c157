"""The `replybot` command line: a thin caller of the core in `bot.assistant`."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

import click
from babel.numbers import format_currency, format_decimal
from dotenv import load_dotenv

from bot import __version__
from bot.analysis import Amount, Analysis
from bot.nlp.analyzer import EmptyMessageError

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
    from bot.assistant import analyse

    if jsonl:
        if text is not None:
            raise click.UsageError("give either TEXT or --jsonl, not both")
        out = sys.stdout.buffer
        for line in classify_lines(sys.stdin.buffer, analyse):
            out.write(line.encode("utf-8") + b"\n")
            out.flush()
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


def classify_lines(stream: IO[bytes], analyse: Any) -> Iterator[str]:
    """The `classify --jsonl` contract: one JSON line out per line in, errors included."""
    for number, raw in enumerate(_lines(stream), 1):
        yield json.dumps(_classify_line(number, raw, analyse), ensure_ascii=False)


def _lines(stream: IO[bytes]) -> Iterable[bytes]:
    for raw in stream:
        yield raw.rstrip(b"\r\n")


def _classify_line(number: int, raw: bytes, analyse: Any) -> dict[str, Any]:
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
    try:
        return {"id": ident, **analyse(text).to_json()}
    except EmptyMessageError as error:
        return {"id": ident, "error": f"{where}: {error}"}


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
