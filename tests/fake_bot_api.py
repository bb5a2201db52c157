"""A small fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real python-telegram-bot stack talks to it over HTTP (TELEGRAM_API_URL). It queues
updates for getUpdates (honouring `offset` and `timeout`), records every call the bot
makes, and can answer a method with 429 + retry_after or a 5xx to test retries.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class FakeBotApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._lock = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- driving the bot -------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._lock.notify_all()
            return update_id

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

    def fail_next(self, method: str, status: int, parameters: dict[str, Any] | None = None) -> None:
        self._failures.setdefault(method, []).append((status, parameters or {}))

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
        if method == "getUpdates":
            return self._get_updates(
                int(params.get("offset") or 0), float(params.get("timeout") or 0)
            )
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
            if method == "sendDocument":
                message["document"] = {
                    "file_id": "f1",
                    "file_unique_id": "u1",
                    "file_name": "export",
                }
            return message
        return True

    def _control(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """For a driver in another process: queue seller texts, count the bot's calls."""
        if action == "texts":
            for text in params["texts"]:
                self.text(int(params["user_id"]), text)
            return {"ok": True}
        return {"count": sum(call.method == params.get("method") for call in self.calls)}

    def _get_updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                ready = [u for u in self._updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0:
                    return ready
                self._lock.wait(min(remaining, 0.05))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                _, _, method = self.path.rpartition("/")
                params, files = self._read()
                if self.path.startswith("/_control/"):
                    self._send(200, api._control(method, params))
                    return
                failures = api._failures.get(method)
                if failures:
                    status, parameters = failures.pop(0)
                    body = {"ok": False, "error_code": status, "description": "planned failure"}
                    if parameters:
                        body["parameters"] = parameters
                    api.calls.append(Call(method, params, files, result=body))
                    self._send(status, body)
                    return
                result = api._answer(method, params)
                if method != "getUpdates":
                    api.calls.append(Call(method, params, files, result=result))
                self._send(200, {"ok": True, "result": result})

            do_GET = do_POST

            def _read(self) -> tuple[dict[str, Any], dict[str, bytes]]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
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

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the bot stopped polling and hung up

        return Handler


def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


if __name__ == "__main__":
    server = FakeBotApi().start()
    print(server.url, flush=True)
    server._thread.join()
