"""The aiohttp transport for the Bot API: what it sends, and how it reports failures."""

import asyncio
import os
import socket

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.tg.request import AiohttpRequest
from tests.fake_bot_api import TOKEN, FakeBotApi


@pytest.fixture
def api():
    server = FakeBotApi().start()
    yield server
    server.stop()


def bot_for(url: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", request=request, get_updates_request=request)


def test_calls_go_as_json_and_their_answers_are_parsed(api):
    async def main():
        async with bot_for(api.url, AiohttpRequest(trust_env=False)) as bot:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="s:a")]])
            return await bot.send_message(1, "<b>hi</b> & 再见", reply_markup=keyboard)

    sent = asyncio.run(main())
    call = api.wait_for("sendMessage")[0]
    assert call.params["text"] == "<b>hi</b> & 再见"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "a", "callback_data": "s:a"}]]
    }
    assert sent.text == "<b>hi</b> & 再见"
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "s:a"


def test_documents_are_uploaded_as_multipart(api):
    async def main():
        async with bot_for(api.url, AiohttpRequest(trust_env=False)) as bot:
            await bot.send_document(1, "订单,金额\n1,2\n".encode(), filename="log.csv", caption="x")

    asyncio.run(main())
    call = api.wait_for("sendDocument")[0]
    assert call.params["chat_id"] == "1"
    assert call.params["caption"] == "x"
    assert call.files["document"] == "订单,金额\n1,2\n".encode()


def test_telegram_errors_keep_their_meaning(api):
    api.fail_next("sendMessage", 429, {"retry_after": 3})
    api.fail_next("sendMessage", 400)

    async def main():
        async with bot_for(api.url, AiohttpRequest(trust_env=False)) as bot:
            with pytest.raises(RetryAfter) as retry:
                await bot.send_message(1, "a")
            with pytest.raises(BadRequest, match="planned failure"):
                await bot.send_message(1, "b")
            return retry.value

    assert asyncio.run(main()).retry_after.total_seconds() == 3


def test_a_server_that_does_not_answer_times_out():
    async def main():
        async def silent(reader, writer):
            try:
                await reader.read(65536)
                await asyncio.sleep(5)
            finally:
                writer.close()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        request = AiohttpRequest(read_timeout=0.2, trust_env=False)
        try:
            async with bot_for(f"http://127.0.0.1:{port}", request) as bot:
                await bot.send_message(1, "hello")
        finally:
            server.close()

    with pytest.raises(TimedOut):
        asyncio.run(main())


def test_an_unreachable_server_is_a_network_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main():
        async with bot_for(f"http://127.0.0.1:{port}", AiohttpRequest(trust_env=False)) as bot:
            await bot.send_message(1, "hello")

    with pytest.raises(NetworkError, match="aiohttp"):
        asyncio.run(main())


def test_a_request_that_was_never_initialised_says_so():
    async def main():
        request = AiohttpRequest(trust_env=False)
        await request.post("http://127.0.0.1:9/bot/getMe")

    with pytest.raises(NetworkError, match="not initialized"):
        asyncio.run(main())


def test_after_shutdown_nothing_is_sent_and_shutdown_can_be_repeated():
    async def main():
        request = AiohttpRequest(trust_env=False)
        await request.initialize()
        await request.shutdown()
        await request.shutdown()
        await request.post("http://127.0.0.1:9/bot/getMe")

    with pytest.raises(NetworkError, match="not initialized"):
        asyncio.run(main())
