"""A small fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real python-telegram-bot stack talks to it over HTTP (TELEGRAM_API_URL). It queues
updates for getUpdates (honouring `offset` and `timeout`), records every call the bot
makes, and can answer a method with 429 + retry_after or a 5xx to test retries, or never
answer it at all to test timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 7000001
TOKEN = "7000001:AAfakefakefakefakefakefakefakefake"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None
    at: float = field(default_factory=time.monotonic)
    """When the server received the call (its own monotonic clock)."""


class FakeBotApi:
    """The server runs on its own asyncio loop in a thread; tests drive it from theirs."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._failures: dict[str, list[tuple[int, dict[str, Any], str]]] = {}
        self._unanswered: set[str] = set()
        self.connections: dict[str, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        """What getWebhookInfo answers: no webhook unless a test sets one."""
        self.pushed_at: dict[int, float] = {}
        self._shown: dict[tuple[int, int], tuple[Any, Any]] = {}
        """Text and buttons of each message the bot sent, to refuse edits that change nothing."""
        """When the first message of each chat was queued, for the load benchmark."""
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._arrived = asyncio.Event()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBotApi:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=256), self._loop
        ).result()
        return self

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for writer in self._writers:
                writer.close()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def serve_forever(self) -> None:
        self._thread.join()

    # --- driving the bot -------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
        self._loop.call_soon_threadsafe(self._wake_pollers)
        return update_id

    def _wake_pollers(self) -> None:
        self._arrived.set()
        self._arrived = asyncio.Event()

    def text(
        self, user_id: int, text: str, *, language_code: str = "en", first_name: str = "Ann"
    ) -> int:
        return self.push({"message": self.message(user_id, text, language_code, first_name)})

    def message(
        self, user_id: int, text: str, language_code: str = "en", first_name: str = "Ann"
    ) -> dict[str, Any]:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return message

    def press(self, user_id: int, message: dict[str, Any], data: str) -> int:
        user = {"id": user_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
        query = {
            "id": str(next(self._message_ids)),
            "from": user,
            "chat_instance": "1",
            "message": message,
            "data": data,
        }
        return self.push({"callback_query": query})

    def fail_next(
        self,
        method: str,
        status: int,
        parameters: dict[str, Any] | None = None,
        description: str = "planned failure",
    ) -> None:
        self._failures.setdefault(method, []).append((status, parameters or {}, description))

    def never_answer(self, method: str) -> None:
        """Calls of `method` get no answer (until the server stops), as from a hung server."""
        self._unanswered.add(method)

    # --- Telegram Business -------------------------------------------------------------

    def connect_business(
        self,
        connection_id: str,
        owner_id: int,
        *,
        can_reply: bool = True,
        enabled: bool = True,
        announce: bool = True,
    ) -> int | None:
        """The owner connects the bot to their business account: a business_connection update,
        or (announce=False) a connection made before the bot was listening."""
        owner = {"id": owner_id, "is_bot": False, "first_name": "Owner", "language_code": "en"}
        self.connections[connection_id] = {
            "id": connection_id,
            "user": owner,
            "user_chat_id": owner_id,
            "date": int(time.time()),
            "rights": {"can_reply": can_reply},
            "is_enabled": enabled,
        }
        if not announce:
            return None
        return self.push({"business_connection": self.connections[connection_id]})

    def business_message(
        self,
        connection_id: str,
        chat_id: int,
        text: str,
        *,
        sender_id: int | None = None,
        by_bot: bool = False,
        photo: bool = False,
        language_code: str = "en",
        first_name: str = "Buyer",
    ) -> dict[str, Any]:
        """A message in a business chat: from the buyer (`chat_id`) unless `sender_id` says."""
        message = self.message(chat_id, text, language_code, first_name)
        message["business_connection_id"] = connection_id
        message.pop("entities", None)
        if sender_id is not None:
            message["from"] = {**message["from"], "id": sender_id, "first_name": "Owner"}
        if by_bot:
            message["sender_business_bot"] = {"id": BOT_ID, "is_bot": True, "first_name": "bot"}
        if photo:
            del message["text"]
            message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 9, "height": 9}]
            if text:
                message["caption"] = text
        self.push({"business_message": message})
        return message

    def edit_business_message(self, message: dict[str, Any], text: str) -> int:
        edited = {**message, "text": text, "edit_date": int(time.time()) + 1}
        return self.push({"edited_business_message": edited})

    def delete_business_messages(self, connection_id: str, chat_id: int, ids: list[int]) -> int:
        chat = {"id": chat_id, "type": "private", "first_name": "Buyer"}
        deleted = {"business_connection_id": connection_id, "chat": chat, "message_ids": ids}
        return self.push({"deleted_business_messages": deleted})

    def wait_for(self, method: str, count: int = 1, timeout: float = 20) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [call for call in self.calls if call.method == method]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"the bot made {len([c for c in self.calls if c.method == method])} "
                             f"{method} calls, expected {count}")  # fmt: skip

    # --- the API -----------------------------------------------------------------------

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "replybot",
                "username": "replybot_test_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getWebhookInfo":
            return self.webhook
        if method == "getBusinessConnection":
            return self.connections[params["business_connection_id"]]
        if method in {"sendMessage", "editMessageText", "sendDocument"}:
            chat_id = int(params.get("chat_id") or 0)
            message = {
                "message_id": int(params["message_id"])
                if "message_id" in params
                else next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "replybot"},
            }
            if "text" in params:
                message["text"] = params["text"]
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            if "business_connection_id" in params:
                message["business_connection_id"] = params["business_connection_id"]
            key = (chat_id, message["message_id"])
            self._shown[key] = (params.get("text"), params.get("reply_markup"))
            if method == "sendDocument":
                message["document"] = {
                    "file_id": "f1",
                    "file_unique_id": "u1",
                    "file_name": "export",
                }
            return message
        return True

    def _unchanged(self, params: dict[str, Any]) -> bool:
        key = (int(params.get("chat_id") or 0), int(params.get("message_id") or 0))
        return self._shown.get(key) == (params.get("text"), params.get("reply_markup"))

    def _control(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """For a driver in another process: queue seller texts or buyer messages in business
        chats, count the bot's calls, and read when each chat's messages came and went."""
        if action == "texts":
            for text in params["texts"]:
                self.text(int(params["user_id"]), text)
            return {"ok": True}
        if action == "connect":
            self.connect_business(params["connection_id"], int(params["owner_id"]))
            return {"ok": True}
        if action == "business":
            now = time.monotonic()
            for chat_id, text in params["messages"]:
                self.pushed_at.setdefault(int(chat_id), now)
                self.business_message(params["connection_id"], int(chat_id), text)
            return {"ok": True}
        if action == "sent":
            sent: dict[int, list[float]] = {}
            for call in self.calls:
                if call.method == "sendMessage" and call.result and "message_id" in call.result:
                    sent.setdefault(int(call.params["chat_id"]), []).append(call.at)
            return {"sent": sent, "pushed": self.pushed_at}
        return {"count": sum(call.method == params.get("method") for call in self.calls)}

    async def _get_updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            arrived = self._arrived
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0:
                return ready
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), remaining)

    # --- HTTP/1.1 on asyncio streams -----------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one keep-alive connection: requests are answered in order, as HTTP/1.1 asks."""
        self._writers.add(writer)
        try:
            while request := await _read_request(reader):
                path, headers, raw = request
                status, body = await self._dispatch(path, headers, raw)
                data = json.dumps(body).encode()
                writer.write(
                    f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
                    .encode() + data
                )  # fmt: skip
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the bot stopped polling and hung up
        except asyncio.CancelledError:
            pass  # the server is stopping; end quietly instead of as a cancelled task
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _dispatch(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any]]:
        _, _, method = path.partition("?")[0].rpartition("/")
        params, files = _parse_body(headers.get("content-type", ""), raw)
        if path.startswith("/_control/"):
            return 200, self._control(method, params)
        if method in self._unanswered:
            self.calls.append(Call(method, params, files))
            await asyncio.Event().wait()
        failures = self._failures.get(method)
        if failures:
            status, parameters, description = failures.pop(0)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": status,
                "description": description,
            }
            if parameters:
                body["parameters"] = parameters
            self.calls.append(Call(method, params, files, result=body))
            return status, body
        if method == "editMessageText" and self._unchanged(params):
            body = {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current content and reply "
                "markup of the message",
            }
            self.calls.append(Call(method, params, files, result=body))
            return 400, body
        if method == "getUpdates":
            result = await self._get_updates(
                int(params.get("offset") or 0), float(params.get("timeout") or 0)
            )
        else:
            result = self._answer(method, params)
            self.calls.append(Call(method, params, files, result=result))
        return 200, {"ok": True, "result": result}


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line.strip():
        return None
    _, path, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        await reader.readline()
        return path, headers, b"".join(chunks)
    return path, headers, await reader.readexactly(int(headers.get("content-length") or 0))


def _parse_body(kind: str, raw: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if kind.startswith("application/json"):
        params = json.loads(raw or b"{}")
    elif kind.startswith("multipart/form-data"):
        whole = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + raw
        )
        for part in whole.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[name] = payload
            else:
                params[name] = _decode(payload)
    else:
        params = {key: _decode(value) for key, value in parse_qsl(raw.decode())}
    return params, files


def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


class ServerProcess:
    """The fake server in a process of its own, as Telegram would be, for the benchmarks."""

    def __init__(self) -> None:
        root = Path(__file__).resolve().parents[1]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.fake_bot_api"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()

    def control(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}/_control/{action}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait()


if __name__ == "__main__":
    server = FakeBotApi().start()
    print(server.url, flush=True)
    server.serve_forever()
