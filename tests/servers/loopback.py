"""Shared plumbing for the loopback fakes: an aiohttp server on 127.0.0.1:0, recorded requests, fault queues."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it reached a fake server, and the status the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int
    at: float  # time.monotonic() when the request arrived, for pacing assertions


@dataclass
class _Fault:
    method: str | None
    path: str | None
    remaining: int
    respond: Callable[[], web.Response]


@dataclass
class FaultQueue:
    """Injected failures: each answers the next `count` matching requests instead of the fake."""

    _faults: list[_Fault] = field(default_factory=list)

    def add(
        self, method: str | None, path: str | None, count: int, respond: Callable[[], web.Response]
    ) -> None:
        """Answer the next `count` requests matching method and path (None: any) with `respond()`."""
        if count < 1:
            raise ValueError("count must be at least 1")
        self._faults.append(_Fault(method and method.upper(), path, count, respond))

    def take(self, method: str, path: str) -> web.Response | None:
        """The injected response for this request, if a fault matches (consuming one use)."""
        for fault in self._faults:
            if fault.method not in (None, method) or fault.path not in (None, path):
                continue
            fault.remaining -= 1
            if fault.remaining == 0:
                self._faults.remove(fault)
            return fault.respond()
        return None

    def clear(self) -> None:
        """Drop every pending fault."""
        self._faults.clear()


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response; Content-Type exactly `application/json` (discord.py compares it verbatim)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


# The parsed JSON body of a request, stored by a fake's middleware for its handlers.
JSON_BODY: web.RequestKey[Any] = web.RequestKey("json_body", object)


async def read_body(request: web.Request) -> Any:
    """The JSON body, or for multipart uploads (files) the `payload_json` part; None if empty."""
    if not request.can_read_body:
        return None
    if request.content_type == "multipart/form-data":
        form = await request.post()
        payload = form.get("payload_json")
        return json.loads(payload) if isinstance(payload, str) else None
    return await request.json()


class LoopbackServer:
    """An aiohttp application served on 127.0.0.1 at a free port, as an async context manager."""

    def __init__(self, app: web.Application, host: str = "127.0.0.1") -> None:
        self._app = app
        self._host = host
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def origin(self) -> str:
        """`http://host:port` of the running server."""
        if self._runner is None:
            raise RuntimeError("server not started")
        return f"http://{self._host}:{self.port}"

    async def start(self) -> None:
        """Bind to a free port and start serving."""
        # A short shutdown timeout: tests must never hang on close.
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving and release the port."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll `condition` every 10 ms until it holds; TimeoutError after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {seconds} s")
        await asyncio.sleep(0.01)
