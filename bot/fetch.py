"""The one safe fetcher, for feeds, article pages and /summary URLs.

Why it looks the way it does:
- Redirects are followed by hand so that every hop goes through the same checks.
- The host is resolved once, every address is checked against the private-address guard, and the
  request is sent to the checked address (Host header and TLS SNI keep the name), so a DNS answer
  that changes between check and connect (DNS rebinding) cannot reach a private address.
- Bodies are read raw and decompressed here, with a limit on both sizes, so a gzip bomb stops at the
  limit instead of exhausting memory.
- httpx is the client API, on aiohttp's connection pool (httpx-aiohttp): httpcore's pool cost
  ~1.9 ms of CPU per request against 0.4 ms (benchmarks/feeds.py, docs/benchmarks.md), and a poll
  round is mostly requests.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from bot.errors import BlockedError, FetchError
from bot.settings import Settings

_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_WAIT = 7 * 86400.0  # a server cannot park a feed for longer than a week (Retry-After)
_MAX_MAX_AGE = 86400.0  # nor stretch its poll interval past a day (Cache-Control max-age)
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)", re.IGNORECASE)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch returned: the final URL, status, validators and (unless 304) the body."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    max_age: float | None = None  # Cache-Control max-age: a lower bound on the next poll

    @property
    def media_type(self) -> str:
        """The content type without parameters, lowercased ("text/html")."""
        return self.content_type.split(";")[0].strip().lower()

    @property
    def is_article_page(self) -> bool:
        """HTML, plain text or unlabelled: a page worth digesting (not an image, PDF or feed)."""
        kind = self.media_type
        return "html" in kind or kind in ("", "text/plain")

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET."""
        return self.status == 304


class Fetcher:
    """Fetches http(s) URLs safely; share one per process (it holds the connection pool)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._allowed = settings.allowed_hosts
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.total_timeout,
        )
        # The session is made on first use, inside the running loop that it belongs to.
        transport = AiohttpTransport(client=lambda: _session(settings))
        # trust_env=False: a proxy from the environment would bypass the address checks.
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            # A jar that accepts no cookie: one site's cookies must not follow the bot elsewhere.
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        )
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> FetchResult:
        """GET `url` with every safety limit; raises FetchError with a reason a person can act on."""
        try:
            async with asyncio.timeout(self._settings.total_timeout):
                return await self._fetch(url, etag, last_modified, accept)
        except TimeoutError:
            raise FetchError(
                f"timed out after {self._settings.total_timeout:g} s", url=url
            ) from None

    async def _fetch(
        self, url: str, etag: str | None, last_modified: str | None, accept: str
    ) -> FetchResult:
        headers = {
            "User-Agent": self._settings.user_agent,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self._settings.max_redirects + 1):
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            async with self._slot(host):
                address = await self._check(url)
                async with self._send(url, address, headers) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        # Validators belong to the first URL only.
                        headers.pop("If-None-Match", None)
                        headers.pop("If-Modified-Since", None)
                        continue
                    return await self._result(url, response)
        raise FetchError(f"too many redirects (> {self._settings.max_redirects})", url=url)

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        # Per-host limit first: 2,000 feeds on one host must not take every global slot.
        sem = self._hosts.setdefault(host, asyncio.Semaphore(self._settings.per_host_concurrency))
        async with sem, self._global:
            yield

    async def _check(self, url: str) -> IPAddress:
        """Scheme and address checks; returns the address to connect to."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise BlockedError(f"blocked: unsupported scheme {parts.scheme!r}", url=url)
        host = (parts.hostname or "").lower()
        if not host:
            raise BlockedError("blocked: URL has no host", url=url)
        addresses = await _resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        if not addresses:
            raise FetchError(f"cannot resolve host {host}", url=url)
        if host in self._allowed:
            return addresses[0]
        for address in addresses:
            if str(address) not in self._allowed and not is_public_address(address):
                raise BlockedError("blocked: resolves to a private address", url=url)
        return addresses[0]

    @asynccontextmanager
    async def _send(
        self, url: str, address: IPAddress, headers: dict[str, str]
    ) -> AsyncIterator[httpx.Response]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        ip = f"[{address}]" if address.version == 6 else str(address)
        netloc = f"{ip}:{parts.port}" if parts.port else ip
        target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        host_header = f"{host}:{parts.port}" if parts.port else host
        request = self._client.build_request(
            "GET",
            target,
            headers={**headers, "Host": host_header},
            extensions={"sni_hostname": host},
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise _failure(exc, url) from exc
        try:
            yield response
        finally:
            await response.aclose()

    async def _result(self, url: str, response: httpx.Response) -> FetchResult:
        status = response.status_code
        etag = response.headers.get("etag")
        modified = response.headers.get("last-modified")
        max_age = _max_age(response.headers.get("cache-control", ""))
        if status == 304:
            # Empty by definition; reading it to the end lets the connection be reused (closing
            # an unread response makes httpcore drop the connection).
            await response.aread()
            return FetchResult(url, 304, etag=etag, last_modified=modified, max_age=max_age)
        if status in (429, 503):
            raise FetchError(f"HTTP {status}", url=url, retry_after=_retry_after(response.headers))
        if status >= 400 or status < 200:
            raise FetchError(f"HTTP {status}", url=url)
        body = await self._read(url, response)
        return FetchResult(
            url,
            status,
            body=body,
            # The whole header: its charset parameter matters to the feed parser.
            content_type=response.headers.get("content-type", ""),
            etag=etag,
            last_modified=modified,
            max_age=max_age,
        )

    async def _read(self, url: str, response: httpx.Response) -> bytes:
        limit = self._settings.max_body_bytes
        too_large = f"too large: > {limit / 2**20:g} MB"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(too_large, url=url)
        decoder = _decoder(response.headers.get("content-encoding", ""), url)
        raw = 0
        out = bytearray()
        try:
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                if raw > limit:
                    raise FetchError(too_large, url=url)
                if decoder is None:
                    out += chunk
                else:
                    # max_length keeps a bomb's expansion bounded chunk by chunk.
                    out += decoder.decompress(chunk, limit + 1 - len(out))
                    if decoder.unconsumed_tail or len(out) > limit:
                        raise FetchError(f"{too_large} decompressed", url=url)
                if len(out) > limit:
                    raise FetchError(too_large, url=url)
        except httpx.HTTPError as exc:
            raise _failure(exc, url, reading=True) from exc
            if decoder is not None:
                out += decoder.flush()
        except zlib.error as exc:
            raise FetchError("corrupt compressed body", url=url) from exc
        if len(out) > limit:
            raise FetchError(too_large, url=url)
        return bytes(out)


def _session(settings: Settings) -> aiohttp.ClientSession:
    """The connection pool under the httpx client: one per Fetcher, made inside the loop."""
    connector = aiohttp.TCPConnector(
        limit=settings.concurrency,
        limit_per_host=0,  # the Fetcher's own per-host semaphores limit each host
        # httpx's certificate store (certifi), so that TLS trusts what it did before.
        ssl=httpx.create_ssl_context(trust_env=False),
        # Short: a round's requests to one host come within seconds; 20,000 feeds on as many
        # hosts must not keep hundreds of idle sockets open.
        keepalive_timeout=5.0,
    )
    # No cookie jar here either (see the httpx client's).
    return aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False
    )


def _failure(exc: httpx.HTTPError, url: str, *, reading: bool = False) -> FetchError:
    """A FetchError naming what went wrong, from httpx's error or the aiohttp error under it."""
    # httpx-aiohttp maps every aiohttp connection error to ConnectTimeout, so the cause decides.
    cause = exc.__cause__ or exc
    if isinstance(cause, (TimeoutError, aiohttp.ServerTimeoutError)) or (
        cause is exc and isinstance(exc, httpx.TimeoutException)
    ):
        if reading:
            return FetchError("timed out reading the body", url=url)
        return FetchError(f"timed out ({type(cause).__name__})", url=url)
    return FetchError(f"connection failed: {_short(cause)}", url=url)


def _decoder(encoding: str, url: str) -> zlib._Decompress | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"unsupported content-encoding {encoding!r}", url=url)


async def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise FetchError(f"cannot resolve host {host}") from None
    seen: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in seen:
            seen.append(address)
    return seen


def is_public_address(address: IPAddress) -> bool:
    """False for loopback, private, link-local, multicast, unspecified and reserved addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or not address.is_global
    )


def _max_age(cache_control: str) -> float | None:
    match = _MAX_AGE.search(cache_control)
    return min(float(match.group(1)), _MAX_MAX_AGE) if match else None


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), _MAX_WAIT)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), _MAX_WAIT)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
