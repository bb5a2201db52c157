"""The Bot API over aiohttp, as python-telegram-bot's `BaseRequest`.

python-telegram-bot's own httpx backend spends about 1.6 ms of CPU on each call; aiohttp
spends about 0.5 ms. Each card is one call, so during a peak this is the difference
between about 170 and over 300 messages a second on one core (bench/bot_speed.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput


class AiohttpRequest(BaseRequest):
    """Sends Bot API calls as JSON, or as multipart form data when they upload a file.

    `trust_env` lets `HTTPS_PROXY`/`NO_PROXY` route calls through a proxy, as sellers who
    cannot reach Telegram directly need; tests against 127.0.0.1 turn it off. aiohttp has
    no write timeout of its own, so uploads are bounded by `media_write_timeout` as a whole.
    """

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_trust_env",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        trust_env: bool = True,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._trust_env = trust_env
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                trust_env=self._trust_env,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(  # noqa: PLR0917 (the signature is BaseRequest's)
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        uploads = request_data is not None and request_data.contains_files
        timeout = aiohttp.ClientTimeout(
            total=_given(write_timeout, self._media_write_timeout) if uploads else None,
            connect=_sum(
                _given(pool_timeout, self._pool_timeout),
                _given(connect_timeout, self._connect_timeout),
            ),
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=_given(read_timeout, self._read_timeout),
        )
        body: aiohttp.FormData | bytes | None = None
        headers = {}
        if uploads:
            body = _form(request_data)
        elif request_data is not None:
            body = json.dumps(request_data.parameters).encode()
            headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if value is BaseRequest.DEFAULT_NONE else value  # type: ignore[return-value]


def _sum(*timeouts: float | None) -> float | None:
    return None if None in timeouts else sum(t for t in timeouts if t is not None)


def _form(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
