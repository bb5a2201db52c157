"""/setup: the shop profile asked in a few questions with buttons.

The questions, their choices and how an answer is read live in
`bot.replies.profile_setup` (shared with `replybot shop setup`); these handlers ask them,
store each answer at once through the shop profile, and go on to the next. A seller's
first /start asks them while the shop has no name or platform.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.replies.facts import FactError, ShopSettings
from bot.replies.profile import describe, setting_line
from bot.replies.profile_setup import (
    GUIDED,
    QUESTIONS,
    Question,
    answer,
    needs_setup,
    next_question,
)
from bot.tg.buttons import SetupAnswer, StopSetup, parse_press, press_data
from bot.tg.context import NOT_A_SELLER, ReplyContext, sellers_only
from bot.tg.text import escape

INTRO = (
    "Let's set up your shop, so that replies to buyers carry your shop's name and follow "
    "your policy. Each answer is saved at once; send /setup to go through it again."
)
STOPPED = "Setup stopped; what you answered is saved. Send /setup to continue."
DONE = (
    "Your shop is set up:\n\n{profile}\n\nChange one setting with /settings NAME VALUE, or "
    "send /setup to go through it again."
)


def _keyboard(question: Question, settings: ShopSettings) -> InlineKeyboardMarkup:
    choices = [
        InlineKeyboardButton(
            option.label, callback_data=press_data(SetupAnswer(question.key, option.value))
        )
        for option in question.options(settings)
    ]
    stop = InlineKeyboardButton("Stop setup", callback_data=press_data(StopSetup()))
    rows = [choices[start : start + 3] for start in range(0, len(choices), 3)]
    return InlineKeyboardMarkup([*rows, [stop]])


def _question_text(question: Question) -> str:
    number = GUIDED.index(question.key) + 1
    return (
        f"<b>{number}/{len(GUIDED)}</b> {escape(question.text)}\n"
        f"Type it ({escape(question.example)}) or choose below."
    )


def _saved(settings: ShopSettings, key: str) -> str:
    return f"Saved. {escape(setting_line(settings, key))}"


async def _ask(
    update: Update, context: ReplyContext, question: Question | None, before: str
) -> None:
    """Ask `question` (its answer typed or pressed), or say the setup is done."""
    seller = update.effective_user.id
    settings = context.services.shop.settings
    chat = update.effective_chat.id
    if question is None:
        context.bot_data.setup_questions.pop(seller, None)
        profile = escape(describe(settings, await context.shop_zone()))
        await context.bot.send_message(chat, "\n\n".join(
            filter(None, [before, DONE.format(profile=profile)])
        ))  # fmt: skip
        return
    context.bot_data.setup_questions[seller] = question.key
    await context.bot.send_message(
        chat,
        "\n\n".join(filter(None, [before, _question_text(question)])),
        reply_markup=_keyboard(question, settings),
    )


async def _advance(update: Update, context: ReplyContext, key: str, text: str) -> None:
    """Store the answer to question `key` and ask the next one; an answer that cannot be
    read is explained and the question asked again."""
    profile = context.services.shop
    try:
        chosen = answer(key, text, profile.settings)
        if chosen is not None:
            await profile.set(*chosen)
    except FactError as error:
        await _ask(update, context, QUESTIONS[key], escape(f"{error}."))
        return
    saved = _saved(profile.settings, key) if chosen is not None else ""
    await _ask(update, context, next_question(GUIDED, key, profile.settings), saved)


async def offer(update: Update, context: ReplyContext) -> None:
    """A seller's /start: the setup's first question while the shop has no name or platform."""
    if needs_setup(context.services.shop.settings):
        await _ask(update, context, next_question(GUIDED, None, context.services.shop.settings),
                   INTRO)  # fmt: skip


@sellers_only
async def setup_command(update: Update, context: ReplyContext) -> None:
    await _ask(update, context, next_question(GUIDED, None, context.services.shop.settings),
               INTRO)  # fmt: skip


def awaits_answer(update: Update, context: ReplyContext) -> bool:
    """Whether the sender's next text answers the setup question they were asked."""
    user = update.effective_user
    return user is not None and user.id in context.bot_data.setup_questions


@sellers_only
async def typed_answer(update: Update, context: ReplyContext) -> None:
    key = context.bot_data.setup_questions[update.effective_user.id]
    await _advance(update, context, key, update.effective_message.text or "")


async def pressed(update: Update, context: ReplyContext) -> None:
    """A /setup button: its answer is stored (or the setup stopped) and its buttons go."""
    query = update.callback_query
    if not context.is_seller:
        await query.answer(NOT_A_SELLER, show_alert=True)
        return
    await query.answer()
    if query.message is not None:
        await query.edit_message_reply_markup(reply_markup=None)
    press = parse_press(query.data)
    if isinstance(press, StopSetup):
        context.bot_data.setup_questions.pop(update.effective_user.id, None)
        await context.bot.send_message(update.effective_chat.id, STOPPED)
    elif isinstance(press, SetupAnswer):
        await _advance(update, context, press.key, press.value)
