"""What a button press asks for: callback data parsed and checked against the core's registries.

Telegram hands back whatever callback data a button carried, up to 64 bytes: a button of a
card sent before a restart, of a card whose scenario has changed since, or data nobody's
button ever carried. Handlers act only on what `parse_press` returns; anything else is
answered as out of date. The short answers to presses that cannot act are here too, in
each seller language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from bot.replies.profile_setup import GUIDED
from bot.replies.registry import TEMPLATES
from bot.scenarios import REPLY_LANGUAGES, SCENARIOS
from bot.tg.text import callback_data


@dataclass(frozen=True, slots=True)
class ChooseScenario:
    scenario: str


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class ChooseResolution:
    scenario: str
    """The scenario the button offered the resolution for: a card switched to another
    scenario since then has other resolutions."""
    resolution: str


@dataclass(frozen=True, slots=True)
class LogAsSent:
    pass


@dataclass(frozen=True, slots=True)
class SendReply:
    pass


@dataclass(frozen=True, slots=True)
class OpenQueued:
    """A /queue entry: the log row of the buyer's message."""

    row_id: int


@dataclass(frozen=True, slots=True)
class SetupAnswer:
    """A choice offered by a /setup question: the question's key and the value to store
    (checked by the setup's core like a typed answer, since any data can come back)."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class StopSetup:
    pass


CardPress = ChooseScenario | ChooseLanguage | ChooseResolution | LogAsSent | SendReply
SetupPress = SetupAnswer | StopSetup
Press = CardPress | OpenQueued | SetupPress

ROW_ID: Final = re.compile(r"[1-9][0-9]{0,17}")
"""ASCII digits only, and few enough for an SQLite integer."""


def press_data(press: Press) -> str:
    match press:
        case ChooseScenario(scenario):
            return callback_data("s", scenario)
        case ChooseLanguage(language):
            return callback_data("l", language)
        case ChooseResolution(scenario, resolution):
            return callback_data("r", scenario, resolution)
        case LogAsSent():
            return callback_data("log")
        case SendReply():
            return callback_data("send")
        case OpenQueued(row_id):
            return callback_data("q", str(row_id))
        case SetupAnswer(key, value):
            return callback_data("p", key, value)
        case StopSetup():
            return callback_data("pstop")


def parse_press(data: str | None) -> Press | None:
    """The press `data` stands for, or None when no button of this bot carries it."""
    kind, _, value = (data or "").partition(":")
    match kind:
        case "s" if value in SCENARIOS:
            return ChooseScenario(value)
        case "l" if value in REPLY_LANGUAGES:
            return ChooseLanguage(value)
        case "r":
            scenario, _, resolution = value.partition(":")
            if scenario in SCENARIOS and resolution in _resolutions(scenario):
                return ChooseResolution(scenario, resolution)
        case "log" if data == "log":
            return LogAsSent()
        case "send" if data == "send":
            return SendReply()
        case "q" if ROW_ID.fullmatch(value):
            return OpenQueued(int(value))
        case "p":
            key, sep, answer = value.partition(":")
            if key in GUIDED and sep:
                return SetupAnswer(key, answer)
        case "pstop" if data == "pstop":
            return StopSetup()
    return None


def pressed(*kinds: type[Press]) -> Callable[[object], bool]:
    """A `CallbackQueryHandler` pattern: the callback data is a press of one of `kinds`."""
    return lambda data: isinstance(data, str) and isinstance(parse_press(data), kinds)


def _resolutions(scenario: str) -> set[str]:
    return {resolution.name for resolution in TEMPLATES[scenario].resolutions}


Notice = Literal["expired", "outdated", "logged", "sent"]

NOTICES: Final[dict[str, dict[Notice, str]]] = {
    "en": {
        "expired": "This card has expired: paste the buyer's message again.",
        "outdated": "This button is out of date: use the card's current buttons.",
        "logged": "Already logged as sent. Paste the buyer's message again for a new reply.",
        "sent": "This reply was already sent. Paste the buyer's message again for a new reply.",
    },
    "zh": {
        "expired": "这张卡片已过期，请重新粘贴买家的消息。",
        "outdated": "这个按钮已失效，请使用卡片上现在的按钮。",
        "logged": "已记录为已发送。如需新的回复，请重新粘贴买家的消息。",
        "sent": "这条回复已经发给买家。如需新的回复，请重新粘贴买家的消息。",
    },
    "zh-Hant": {
        "expired": "這張卡片已過期，請重新貼上買家的訊息。",
        "outdated": "這個按鈕已失效，請使用卡片上現在的按鈕。",
        "logged": "已記錄為已傳送。需要新的回覆的話，請重新貼上買家的訊息。",
        "sent": "這則回覆已經傳給買家。需要新的回覆的話，請重新貼上買家的訊息。",
    },
    "ko": {
        "expired": "만료된 카드입니다. 구매자 메시지를 다시 붙여 넣어 주세요.",
        "outdated": "더 이상 쓸 수 없는 버튼입니다. 카드의 현재 버튼을 사용해 주세요.",
        "logged": "이미 보낸 답변으로 기록했습니다. "
        "새 답변이 필요하면 구매자 메시지를 다시 붙여 넣어 주세요.",
        "sent": "이미 구매자에게 보낸 답변입니다. "
        "새 답변이 필요하면 구매자 메시지를 다시 붙여 넣어 주세요.",
    },
    "vi": {
        "expired": "Thẻ này đã hết hạn: hãy dán lại tin nhắn của khách.",
        "outdated": "Nút này không còn dùng được: hãy dùng các nút hiện có trên thẻ.",
        "logged": "Đã ghi nhận là đã gửi. Muốn có câu trả lời mới, hãy dán lại tin nhắn của khách.",
        "sent": "Câu trả lời này đã gửi cho khách. "
        "Muốn có câu trả lời mới, hãy dán lại tin nhắn của khách.",
    },
}


def notice(name: Notice, language: str) -> str:
    """The answer to a press that cannot act, in the seller's language (English otherwise)."""
    return NOTICES.get(language, NOTICES["en"])[name]
