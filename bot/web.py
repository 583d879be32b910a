"""The HTTP side of the running bot: GET /healthz, plus routes other parts add (Slack's /slack/events).

One aiohttp app on NEWSBOT_HTTP_PORT (default 3000). The commands package adds its Slack routes by
passing them as `extra_routes` (aiohttp `RouteDef`s, e.g. `web.post("/slack/events", handler)`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

Health = Callable[[], Awaitable[dict[str, Any]]]


def build_web_app(
    health: Health, extra_routes: Iterable[web.AbstractRouteDef] = ()
) -> web.Application:
    """The web app: /healthz answers `health()` as JSON (503 unless its status is "ok")."""

    async def healthz(request: web.Request) -> web.Response:
        report = await health()
        status = 200 if report.get("status") == "ok" else 503
        return web.json_response(report, status=status)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_routes(list(extra_routes))
    return app


async def start_web(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port (port 0: any free port); returns the runner to clean up."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port the server actually listens on (useful with port 0)."""
    for address in runner.addresses:
        if isinstance(address, tuple):
            return int(address[1])
    raise RuntimeError("the web server is not listening")
