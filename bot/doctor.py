"""`replybot doctor`: can the bot start and keep working here? One line per check.

Each check says ok, warn, fail or skip, what it found and, when something is wrong, how
to fix it. Nothing here writes: the evidence log is opened read-only and the model cache
is only looked at. The Bot API is asked through a `Probe` (bot/tg/probe.py), so this
module knows nothing of Telegram's types. The token never appears in a check: every
detail and fix is masked before it leaves `run_checks`.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse
from urllib.request import getproxies, proxy_bypass

from sqlite_utils import Database

from bot.config import DEFAULT_API_URL, BotSettings, ConfigError, load_settings
from bot.core import correction_examples
from bot.nlp.cache import CACHE_ENV, cache_dir, model_key, model_path
from bot.nlp.model import Model
from bot.store.corrections import load_corrections
from bot.store.log import DB_ENV, StoreError, connection, default_db_path, read
from bot.store.schema import migrations
from bot.store.verify import verify
from bot.writable import nearest_existing, unwritable, unwritable_log

Status = Literal["ok", "warn", "fail", "skip"]

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
API_URL_ENV = "TELEGRAM_API_URL"
SELLERS_ENV = "SELLER_IDS"
TIMEZONE_ENV = "REPLYBOT_TIMEZONE"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status:<4}  {self.name:<18} {self.detail}"
        return f"{text} — {self.fix}" if self.fix else text


@dataclass(frozen=True, slots=True)
class BotAccount:
    id: int
    username: str


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    pending_updates: int
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class ApiProblem:
    kind: Literal["unreachable", "rejected", "not_bot_api", "error"]
    reason: str


@dataclass(frozen=True, slots=True)
class ApiReport:
    """What the Bot API said: the bot's account (getMe), then its webhook (getWebhookInfo,
    asked only when getMe answered)."""

    account: BotAccount | ApiProblem
    webhook: Webhook | ApiProblem | None = None


Probe = Callable[[BotSettings], ApiReport]


@dataclass(frozen=True, slots=True)
class DiskLimits:
    warn_below_bytes: int = 1 << 30
    warn_below_fraction: float = 0.05
    fail_below_bytes: int = 64 << 20


def run_checks(
    environ: Mapping[str, str],
    probe: Probe,
    *,
    db_path: Path | None = None,
    limits: DiskLimits = DiskLimits(),
) -> list[Check]:
    """Every check, in the order a reader fixes things: settings, Telegram, data, disk."""
    db = db_path or default_db_path(environ)
    checks = [
        *setting_checks(environ),
        *_guarded("Telegram", lambda: telegram_checks(environ, probe)),
        *_guarded("database", lambda: database_checks(db)),
        *_guarded("model cache", lambda: [model_cache_check(db)]),
        *_guarded("disk space", lambda: disk_checks(_places(db), limits)),
    ]
    return [_masked(check, environ.get(TOKEN_ENV, "").strip()) for check in checks]


def _places(db: Path) -> dict[str, Path]:
    return {"evidence log": db.parent, "model cache": cache_dir()}


def failed(checks: list[Check]) -> bool:
    return any(check.status == "fail" for check in checks)


def _guarded(name: str, checks: Callable[[], list[Check]]) -> list[Check]:
    """A check that breaks in an unforeseen way reports it on its line: the doctor must
    show the rest, never a traceback."""
    try:
        return checks()
    except Exception as error:
        return [Check(name, "fail", f"could not be checked: {type(error).__name__}: {error}")]


# --- settings ----------------------------------------------------------------------------

_WELL_FORMED_TOKEN = "0:" + "x" * 35
"""Stands in for the token while another setting is checked, so each is judged alone."""

_SETTING_FIXES = {
    TOKEN_ENV: "put it in the environment or in a .env file in this folder "
    "(@BotFather: /mybots → your bot → API Token)",
    API_URL_ENV: f"set it to a Bot API server root such as {DEFAULT_API_URL}, or remove it",
    SELLERS_ENV: "list the sellers' numeric Telegram user ids, e.g. SELLER_IDS=123456789,987654321",
    TIMEZONE_ENV: "use an IANA name such as Asia/Shanghai, Asia/Seoul, Asia/Ho_Chi_Minh or UTC",
}


def setting_checks(environ: Mapping[str, str]) -> list[Check]:
    """One line per setting, each validated by `load_settings` on its own, so that one bad
    value does not hide the others."""
    checks = []
    for name, fix in _SETTING_FIXES.items():
        value = environ.get(name, "").strip()
        problem = _setting_problem(name, value)
        if problem is not None:
            checks.append(Check(name, "fail", problem, fix))
        else:
            checks.append(_setting_ok(name, value))
    return checks


def _setting_problem(name: str, value: str) -> str | None:
    alone = {TOKEN_ENV: _WELL_FORMED_TOKEN, name: value}
    try:
        load_settings(alone)
    except ConfigError as error:
        return str(error)
    return None


def _setting_ok(name: str, value: str) -> Check:
    if name == TOKEN_ENV:
        return Check(name, "ok", f"set ({mask(value)})")
    if name == SELLERS_ENV:
        sellers = sorted(load_settings({TOKEN_ENV: _WELL_FORMED_TOKEN, name: value}).seller_ids)
        if not sellers:
            return Check(
                name,
                "warn",
                "empty: nobody can use the seller features (cards, /draft, /export...)",
                "set SELLER_IDS to your Telegram user id, comma-separated for several sellers",
            )
        return Check(name, "ok", f"{len(sellers)} seller(s): {', '.join(map(str, sellers))}")
    default = {API_URL_ENV: DEFAULT_API_URL, TIMEZONE_ENV: "UTC"}[name]
    return Check(name, "ok", value.rstrip("/") if value else f"{default} (the default)")


def mask(token: str) -> str:
    """The bot id and at most the last three characters of the secret."""
    bot_id, _, secret = token.partition(":")
    return f"{bot_id}:…{secret[-3:]}" if len(secret) > 12 else "…"


def _masked(check: Check, token: str) -> Check:
    secrets = [token, token.partition(":")[2]] if token else []
    secrets = [secret for secret in secrets if len(secret) >= 8]
    if not secrets:
        return check

    def hide(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, mask(token))
        return text

    return replace(check, detail=hide(check.detail), fix=hide(check.fix))


# --- Telegram ----------------------------------------------------------------------------


def telegram_checks(environ: Mapping[str, str], probe: Probe) -> list[Check]:
    """getMe and getWebhookInfo, whenever the token and the server's address are usable."""
    needed = {name: environ.get(name, "").strip() for name in (TOKEN_ENV, API_URL_ENV)}
    if unusable := [name for name, value in needed.items() if _setting_problem(name, value)]:
        why = f"not checked: {' and '.join(unusable)} must be fixed first"
        return [Check("Telegram token", "skip", why), Check("webhook", "skip", why)]
    settings = load_settings(needed)
    report = probe(settings)
    account = report.account
    if isinstance(account, ApiProblem):
        return [
            _api_problem("Telegram token", account, settings.api_url),
            Check("webhook", "skip", "not checked: the token check failed"),
        ]
    checks = [
        Check(
            "Telegram token", "ok", f"@{account.username} (id {account.id}) at {settings.api_url}"
        )
    ]
    webhook = report.webhook
    if isinstance(webhook, ApiProblem):
        checks.append(_api_problem("webhook", webhook, settings.api_url))
    elif webhook is not None:
        checks.append(_webhook_check(webhook))
    return checks


def _api_problem(name: str, problem: ApiProblem, api_url: str) -> Check:
    if problem.kind == "rejected":
        return Check(
            name,
            "fail",
            f"the Bot API at {api_url} rejected the token ({problem.reason})",
            "the token was revoked or is wrong: get a new one from @BotFather "
            "(/mybots → API Token) and set TELEGRAM_BOT_TOKEN",
        )
    if problem.kind == "unreachable":
        proxy = proxy_for(api_url)
        fix = (
            f"check the proxy {proxy} (from HTTPS_PROXY/HTTP_PROXY) and the network"
            if proxy
            else f"check the network and {API_URL_ENV}; where Telegram is blocked, "
            "set HTTPS_PROXY=http://host:port"
        )
        via = f" through the proxy {proxy}" if proxy else ""
        return Check(name, "fail", f"cannot reach {api_url}{via}: {problem.reason}", fix)
    if problem.kind == "not_bot_api":
        return Check(
            name,
            "fail",
            f"{api_url} does not answer like a Bot API server ({problem.reason})",
            f"set {API_URL_ENV} to the server root, e.g. {DEFAULT_API_URL}",
        )
    return Check(
        name,
        "fail",
        f"the Bot API at {api_url} answered with an error: {problem.reason}",
        "try again in a minute; if it persists, the server has trouble",
    )


def _webhook_check(webhook: Webhook) -> Check:
    if not webhook.url:
        return Check("webhook", "ok", "none set: `replybot run` receives updates by long polling")
    detail = f"set to {webhook.url} ({webhook.pending_updates} updates waiting"
    detail += f"; last delivery error: {webhook.last_error})" if webhook.last_error else ")"
    return Check(
        "webhook",
        "warn",
        detail,
        "`replybot run` without --webhook-url removes it and polls instead; if another "
        "copy of the bot serves this webhook, run only one of them",
    )


def proxy_for(url: str) -> str | None:
    """The proxy (host:port, never its credentials) that HTTPS_PROXY and the like route
    `url` through, as aiohttp with `trust_env` does."""
    parsed = urlparse(url)
    proxy = getproxies().get(parsed.scheme)
    if not proxy or (parsed.hostname and proxy_bypass(parsed.hostname)):
        return None
    where = urlparse(proxy if "://" in proxy else f"http://{proxy}")
    port = f":{where.port}" if where.port else ""
    return f"{where.hostname}{port}"


# --- evidence log ------------------------------------------------------------------------

_DB_FIX = f"set {DB_ENV} (or --db) to the evidence log's path"


def database_checks(path: Path) -> list[Check]:
    """The evidence log opens, its schema is one this version knows, it can be written
    and its hash chain holds."""
    if not path.exists():
        problem = unwritable(path.parent, create=False)
        if problem:
            return [
                Check("database", "fail", f"no evidence log at {path}, and {problem}", _DB_FIX),
                Check("evidence chain", "skip", "not checked: no evidence log"),
            ]
        return [
            Check(
                "database",
                "warn",
                f"no evidence log at {path} yet: the bot creates it at its first start",
                f"if you have one, {_DB_FIX}",
            ),
            Check("evidence chain", "skip", "not checked: no evidence log yet"),
        ]
    if path.is_dir():
        return [
            Check("database", "fail", f"{path} is a folder, not an evidence log file", _DB_FIX),
            Check("evidence chain", "skip", "not checked: no evidence log"),
        ]
    try:
        with connection(path) as db:
            schema = _schema_problem(db)
            pending = [migration.name for migration in migrations.pending(db)]
    except StoreError as error:
        return [
            Check("database", "fail", str(error), f"{_DB_FIX}, or restore it from a backup"),
            Check("evidence chain", "skip", "not checked: the database does not open"),
        ]
    if schema is not None:
        return [schema, Check("evidence chain", "skip", "not checked: unknown schema")]
    problem = unwritable_log(path)
    if problem:
        database = Check(
            "database",
            "fail",
            f"{path} opens, but {problem}",
            "let the user who runs the bot write there (the folder too: SQLite keeps its "
            f"journal beside the file), or {_DB_FIX}",
        )
    else:
        version = (
            f"the next start updates its schema (pending: {', '.join(pending)})"
            if pending
            else "schema up to date"
        )
        database = Check("database", "ok", f"{path}: {version}, writable")
    return [database, chain_check(path)]


def _schema_problem(db: Database) -> Check | None:
    if "messages" not in db.table_names():
        return Check(
            "database", "fail", "the file is not a replybot evidence log (no messages table)",
            _DB_FIX,
        )  # fmt: skip
    known = {migration.name for migration in migrations.pending(Database(memory=True))}
    applied = {migration.name for migration in migrations.applied(db)}
    if unknown := sorted(applied - known):
        return Check(
            "database",
            "fail",
            f"written by a newer replybot (unknown migrations: {', '.join(unknown)})",
            "upgrade replybot before using this file",
        )
    return None


def chain_check(path: Path) -> Check:
    verdict = read(path, verify)
    if verdict.ok:
        return Check("evidence chain", "ok", verdict.describe())
    return Check(
        "evidence chain",
        "fail",
        verdict.describe(),
        "the file was changed outside replybot: keep this copy untouched, as it shows the "
        "change, and restore the evidence log from a backup",
    )


# --- model cache -------------------------------------------------------------------------

_UNREADABLE_MODEL = (OSError, ValueError, KeyError, zipfile.BadZipFile)


def model_cache_check(db_path: Path) -> Check:
    """Whether the model the bot would load (the packaged data plus the sellers'
    corrections stored in the evidence log) is trained already, and can be cached."""
    try:
        corrections = read(db_path, load_corrections) if db_path.is_file() else []
    except StoreError:
        corrections = []
    directory = cache_dir()
    path = model_path(model_key(correction_examples(corrections)))
    problem = unwritable(directory, create=True)
    cache_fix = f"set {CACHE_ENV} to a folder the bot's user can write"
    if not path.exists():
        if problem:
            return Check(
                "model cache",
                "fail",
                f"no model for the current data, and {problem}: every start would train it again",
                cache_fix,
            )
        train = "replybot learn" if corrections else 'replybot classify "hello"'
        return Check(
            "model cache",
            "warn",
            f"no model for the current data in {directory}: the first analysis trains it "
            "(about a minute)",
            f"run `{train}` to train it now",
        )
    try:
        Model.load(path)
    except _UNREADABLE_MODEL as error:
        return Check(
            "model cache",
            "warn",
            f"the cached model {path.name} is unreadable ({error}): the next start trains it again",
            "delete the file, then run `replybot classify hello` to train it now",
        )
    learnt = f", with {len(corrections)} sellers' corrections" if corrections else ""
    if problem:
        return Check(
            "model cache",
            "warn",
            f"a model for the current data is cached{learnt}, but {problem}: "
            "a new model (after new corrections or an upgrade) cannot be kept",
            cache_fix,
        )
    return Check("model cache", "ok", f"trained for the current data{learnt}, in {directory}")


# --- disk --------------------------------------------------------------------------------


def disk_checks(places: Mapping[str, Path], limits: DiskLimits = DiskLimits()) -> list[Check]:
    """Free space on each file system that holds one of the folders in `places` (or would,
    once created), one line per file system."""
    by_device: dict[int, tuple[Path, list[str]]] = {}
    for what, place in places.items():
        existing = nearest_existing(place)
        device = existing.stat().st_dev
        by_device.setdefault(device, (existing, []))[1].append(what)
    return [_disk_check(where, " and ".join(whats), limits) for where, whats in by_device.values()]


def _disk_check(where: Path, what: str, limits: DiskLimits) -> Check:
    usage = shutil.disk_usage(where)
    share = usage.free / usage.total if usage.total else 0.0
    detail = f"{_size(usage.free)} free of {_size(usage.total)} ({share:.0%}) for the {what}"
    fix = f"free some space on the disk that holds {where}"
    if usage.free < limits.fail_below_bytes:
        return Check("disk space", "fail", f"{detail}: writes will soon fail", fix)
    if usage.free < limits.warn_below_bytes or share < limits.warn_below_fraction:
        return Check("disk space", "warn", f"{detail}: running low", fix)
    return Check("disk space", "ok", detail)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    size = float(count)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        size /= 1024
        if size < 1024 or unit == "TiB":
            break
    return f"{size:.1f} {unit}"
