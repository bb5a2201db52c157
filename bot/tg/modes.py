"""Seller commands for the inbox: /peak, /hours, /closed and /queue, and the JobQueue jobs
that announce scheduled peak windows as they open and close."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.config import BotSettings
from bot.inbox.hours import HoursError, parse_closure
from bot.inbox.peak import PeakWindow, parse_moment, parse_window
from bot.inbox.service import Inbox, PeakReport
from bot.inbox.zone import ShopZone
from bot.tg.commands import reply
from bot.tg.context import ReplyApplication, ReplyContext, sellers_only
from bot.tg.text import callback_data, escape, split_message

PEAK_USAGE = (
    "Usage: /peak on [until 2026-11-12 02:00] · /peak off · "
    "/peak 2026-11-10 20:00 - 2026-11-12 02:00 (a scheduled window, in the shop's time zone) "
    "· /peak clear (cancel the windows that have not started)"
)
QUEUE_SHOWN = 20
"""Conversations listed by /queue: 20 previews fit one message with their buttons."""
HOURS_USAGE = (
    "Usage: /hours mon-fri 09:00-12:00,13:30-18:00 Asia/Shanghai · /hours sat closed · "
    "/hours off (no working hours: no off-hours auto-reply)"
)


def _inbox(context: ReplyContext) -> Inbox:
    return context.services.inbox


def _configured_zone(context: ReplyContext) -> str | None:
    settings: BotSettings = context.services.settings
    return settings.timezone


@sellers_only
async def peak_command(update: Update, context: ReplyContext) -> None:
    args = context.args or []
    inbox = _inbox(context)
    zone = await context.shop_zone()
    try:
        if not args:
            await reply(update, escape(peak_status(await inbox.peak_report(zone), zone)))
            return
        if args[0] == "on":
            until = None
            if len(args) > 1:
                if args[1] != "until" or len(args) < 3:
                    raise HoursError(PEAK_USAGE)
                until = parse_moment(args[2:], zone.name)
            await inbox.peak_on(until)
            when = f" until {zone.show(until)}" if until else ""
            await reply(update, f"Peak mode is on{escape(when)}: buyers get the busy auto-reply.")
        elif args == ["off"]:
            for window in await inbox.peak_off():
                unschedule_window(context.application, window)
            await reply(update, "Peak mode is off.")
        elif args == ["clear"]:
            cancelled = await inbox.cancel_peak_windows()
            for window in cancelled:
                unschedule_window(context.application, window)
            await reply(update, f"{len(cancelled)} scheduled peak windows cancelled.")
        elif not args[0][:1].isdigit():
            raise HoursError(PEAK_USAGE)
        else:
            starts_at, ends_at = parse_window(" ".join(args), zone.name)
            window = await inbox.add_peak_window(
                starts_at, ends_at, created_by=str(update.effective_user.id)
            )
            schedule_window(context.application, window)
            await reply(
                update,
                escape(f"Peak window scheduled: {zone.show(starts_at)} to {zone.show(ends_at)}."),
            )
    except HoursError as error:
        await reply(update, escape(str(error)))


def peak_status(report: PeakReport, zone: ShopZone) -> str:
    now = datetime.now(UTC)
    peak = report.peak
    if peak.manual_active(now):
        state = "on" + (f" until {zone.show(peak.until)}" if peak.until else " (by hand)")
    elif peak.active(now):
        state = "on (scheduled window)"
    else:
        state = "off"
    lines = [f"Peak mode: {state}"]
    lines += [
        f"window {zone.show(w.starts_at)} to {zone.show(w.ends_at)}" for w in peak.upcoming(now)
    ]
    today = report.today
    lines.append(
        f"Today ({zone.name}): {today.buyer_messages} buyer messages, {today.auto_replies} "
        f"auto-replies, {today.seller_replies} seller replies; "
        f"{report.waiting} conversations waiting (/queue)"
    )
    return "\n".join(lines)


@sellers_only
async def hours_command(update: Update, context: ReplyContext) -> None:
    args = context.args or []
    inbox = _inbox(context)
    if not args:
        shown = inbox.hours.describe() if inbox.hours else "No working hours are set."
        await reply(update, escape(shown) + "\n\n" + escape(HOURS_USAGE))
        return
    try:
        if args == ["off"]:
            hours = await inbox.hours_off(_configured_zone(context))
        else:
            hours = await inbox.set_hours(" ".join(args), _configured_zone(context))
    except HoursError as error:
        await reply(update, escape(f"{error}\n{HOURS_USAGE}"))
        return
    shown = hours.describe() if hours else "No working hours: no off-hours auto-reply."
    await reply(update, escape(shown))


@sellers_only
async def closed_command(update: Update, context: ReplyContext) -> None:
    """Dated closures (holidays); the shop counts as open on other days unless hours say not."""
    args = context.args or []
    inbox = _inbox(context)
    if not args:
        closures = inbox.hours.closures if inbox.hours else ()
        listed = "\n".join(f"{first} to {last}" for first, last in closures) or "none"
        await reply(update, escape(f"Closures: {listed}\nUsage: /closed 2026-12-24 2026-12-26"))
        return
    try:
        if args == ["off"]:
            hours = await inbox.clear_closures()
        else:
            hours = await inbox.add_closure(parse_closure(args), _configured_zone(context))
    except HoursError as error:
        await reply(update, escape(str(error)))
        return
    await reply(update, escape(hours.describe() if hours else "No closures."))


@sellers_only
async def queue_command(update: Update, context: ReplyContext) -> None:
    waiting = await _inbox(context).queue(QUEUE_SHOWN)
    entries, total = waiting.entries, waiting.total
    if not entries:
        await reply(update, "No buyer is waiting for an answer.")
        return
    zone = await context.shop_zone()
    shown = f" (the first {len(entries)})" if total > len(entries) else ""
    lines = [f"{total} conversations waiting{shown}, dispute risk first:"]
    buttons = []
    for number, entry in enumerate(entries, 1):
        flag = "⚠️ " if entry.dispute_risk else ""
        preview = entry.text if len(entry.text) <= 100 else entry.text[:99] + "…"
        lines.append(
            f"{number}. {flag}{entry.buyer_name or 'Buyer'} · {entry.scenario or '-'} · "
            f"{entry.unanswered} unanswered since {zone.show_logged(entry.ts)}: {preview}"
        )
        buttons.append(
            InlineKeyboardButton(
                str(number), callback_data=callback_data("q", str(entry.message_id))
            )
        )
    rows = [buttons[i : i + 8] for i in range(0, len(buttons), 8)]
    text = escape("\n".join(lines))
    await update.effective_message.reply_text(
        split_message(text)[0], reply_markup=InlineKeyboardMarkup(rows)
    )


def schedule_window(application: ReplyApplication, window: PeakWindow) -> None:
    """Announce the window to the sellers when it opens and when it closes."""
    if application.job_queue is None:
        return
    now = datetime.now(UTC)
    for moment, opening in ((window.starts_at, True), (window.ends_at, False)):
        if moment > now:
            application.job_queue.run_once(
                _announce, when=moment, data=(window, opening), name=f"peak-{window.id}-{opening}"
            )


def unschedule_window(application: ReplyApplication, window: PeakWindow) -> None:
    if application.job_queue is None:
        return
    for opening in (True, False):
        for job in application.job_queue.get_jobs_by_name(f"peak-{window.id}-{opening}"):
            job.schedule_removal()


def schedule_windows(application: ReplyApplication) -> None:
    inbox: Inbox = application.bot_data.services.inbox
    for window in inbox.peak.upcoming(datetime.now(UTC)):
        schedule_window(application, window)


async def _announce(context: ReplyContext) -> None:
    job = context.job
    assert job is not None
    window, opening = job.data
    peak = await _inbox(context).reload_peak()
    zone = await context.shop_zone()
    text = (
        f"Scheduled peak mode is on until {zone.show(window.ends_at)}: "
        "buyers get the busy auto-reply."
        if opening
        else "Scheduled peak window has ended."
        + ("" if peak.active(datetime.now(UTC)) else " Peak mode is off.")
    )
    for seller_id in sorted(context.services.settings.seller_ids):
        try:
            await context.bot.send_message(seller_id, escape(text))
        except TelegramError:
            continue
