"""Seller commands for the inbox: /peak, /hours, /closed and /queue, and the JobQueue jobs
that announce scheduled peak windows as they open and close."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.inbox.hours import HoursError, WorkingHours, parse_closure, parse_hours
from bot.inbox.peak import PeakWindow, parse_moment, parse_window
from bot.inbox.service import Inbox
from bot.inbox.zone import ShopZone
from bot.store import inbox as store
from bot.tg.commands import Handler, reply, sellers_only, shop_zone
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


def _inbox(context: ContextTypes.DEFAULT_TYPE) -> Inbox:
    return context.bot_data["inbox"]


def _one_at_a_time(handler: Handler) -> Handler:
    async def locked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        async with _inbox(context).settings_lock:
            await handler(update, context)

    locked.__name__ = handler.__name__
    return locked


@sellers_only
@_one_at_a_time
async def peak_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    inbox = _inbox(context)
    zone = await shop_zone(context)
    path = inbox.db_path
    try:
        if not args:
            await reply(update, escape(await asyncio.to_thread(peak_status, inbox, zone)))
            return
        if args[0] == "on":
            until = None
            if len(args) > 1:
                if args[1] != "until" or len(args) < 3:
                    raise HoursError(PEAK_USAGE)
                until = parse_moment(args[2:], zone.name)
                if until <= datetime.now(UTC):
                    raise HoursError("that time has already passed")
            inbox.peak = await asyncio.to_thread(store.switch_peak, path, on=True, until=until)
            when = f" until {zone.show(until)}" if until else ""
            await reply(update, f"Peak mode is on{escape(when)}: buyers get the busy auto-reply.")
        elif args == ["off"]:
            now = datetime.now(UTC)
            for window in inbox.peak.windows:
                if window.covers(now):
                    unschedule_window(context.application, window)
            inbox.peak = await asyncio.to_thread(store.switch_peak, path, on=False, at=now)
            await reply(update, "Peak mode is off.")
        elif args == ["clear"]:
            cancelled = await asyncio.to_thread(store.cancel_windows, path, datetime.now(UTC))
            for window in cancelled:
                unschedule_window(context.application, window)
            inbox.peak = await asyncio.to_thread(store.load_peak, path)
            await reply(update, f"{len(cancelled)} scheduled peak windows cancelled.")
        elif not args[0][:1].isdigit():
            raise HoursError(PEAK_USAGE)
        else:
            starts_at, ends_at = parse_window(" ".join(args), zone.name)
            if ends_at <= datetime.now(UTC):
                raise HoursError("that window has already ended")
            window = await asyncio.to_thread(
                store.add_window, path, starts_at, ends_at, str(update.effective_user.id)
            )
            inbox.peak = replace(inbox.peak, windows=(*inbox.peak.windows, window))
            schedule_window(context.application, window)
            await reply(
                update,
                escape(f"Peak window scheduled: {zone.show(starts_at)} to {zone.show(ends_at)}."),
            )
    except HoursError as error:
        await reply(update, escape(str(error)))


def peak_status(inbox: Inbox, zone: ShopZone) -> str:
    now = datetime.now(UTC)
    peak = inbox.peak
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
    counts = store.counts_since(inbox.db_path, zone.start_of_day(now))
    lines.append(
        f"Today ({zone.name}): {counts.buyer_messages} buyer messages, {counts.auto_replies} "
        f"auto-replies, {counts.seller_replies} seller replies; "
        f"{store.waiting_count(inbox.db_path)} conversations waiting (/queue)"
    )
    return "\n".join(lines)


@sellers_only
@_one_at_a_time
async def hours_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    inbox = _inbox(context)
    if not args:
        shown = inbox.hours.describe() if inbox.hours else "No working hours are set."
        await reply(update, escape(shown) + "\n\n" + escape(HOURS_USAGE))
        return
    zone = await shop_zone(context)
    try:
        if args == ["off"]:
            closures = inbox.hours.closures if inbox.hours else ()
            hours = WorkingHours.closures_only(zone.name, closures) if closures else None
        else:
            hours = parse_hours(" ".join(args), inbox.hours, zone.name)
    except HoursError as error:
        await reply(update, escape(f"{error}\n{HOURS_USAGE}"))
        return
    await asyncio.to_thread(store.save_hours, inbox.db_path, hours)
    inbox.hours = hours
    shown = hours.describe() if hours else "No working hours: no off-hours auto-reply."
    await reply(update, escape(shown))


@sellers_only
@_one_at_a_time
async def closed_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
            weekly = inbox.hours is not None and inbox.hours.weekly
            hours = replace(inbox.hours, closures=()) if weekly else None
        else:
            closure = parse_closure(args)
            base = inbox.hours or WorkingHours.closures_only((await shop_zone(context)).name, ())
            hours = replace(base, closures=(*base.closures, closure))
    except HoursError as error:
        await reply(update, escape(str(error)))
        return
    await asyncio.to_thread(store.save_hours, inbox.db_path, hours)
    inbox.hours = hours
    await reply(update, escape(hours.describe() if hours else "No closures."))


@sellers_only
async def queue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    inbox = _inbox(context)
    entries = await asyncio.to_thread(store.waiting, inbox.db_path, QUEUE_SHOWN)
    if not entries:
        await reply(update, "No buyer is waiting for an answer.")
        return
    total = await asyncio.to_thread(store.waiting_count, inbox.db_path)
    zone = await shop_zone(context)
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


def schedule_window(application: Application, window: PeakWindow) -> None:
    """Announce the window to the sellers when it opens and when it closes."""
    if application.job_queue is None:
        return
    now = datetime.now(UTC)
    for moment, opening in ((window.starts_at, True), (window.ends_at, False)):
        if moment > now:
            application.job_queue.run_once(
                _announce, when=moment, data=(window, opening), name=f"peak-{window.id}-{opening}"
            )


def unschedule_window(application: Application, window: PeakWindow) -> None:
    if application.job_queue is None:
        return
    for opening in (True, False):
        for job in application.job_queue.get_jobs_by_name(f"peak-{window.id}-{opening}"):
            job.schedule_removal()


def schedule_windows(application: Application) -> None:
    inbox: Inbox = application.bot_data["inbox"]
    for window in inbox.peak.upcoming(datetime.now(UTC)):
        schedule_window(application, window)


async def _announce(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    assert job is not None
    window, opening = job.data
    inbox = _inbox(context)
    async with inbox.settings_lock:
        inbox.peak = await asyncio.to_thread(store.load_peak, inbox.db_path)
    zone = await shop_zone(context)
    text = (
        f"Scheduled peak mode is on until {zone.show(window.ends_at)}: "
        "buyers get the busy auto-reply."
        if opening
        else "Scheduled peak window has ended."
        + ("" if inbox.peak.active(datetime.now(UTC)) else " Peak mode is off.")
    )
    for seller_id in sorted(context.bot_data["settings"].seller_ids):
        try:
            await context.bot.send_message(seller_id, escape(text))
        except TelegramError:
            continue
