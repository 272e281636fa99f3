"""A simulated browser for the load benches: its own cookies and kept-alive connections.

Built on aiohttp because the load generator shares this machine's two cores with the server
it measures: a request costs aiohttp's client about a tenth of the CPU httpx's async client
takes (measured here: 0.07 ms against 0.75 ms a request), and every cycle the generator
spends is one the server under test does not get.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp
from yarl import URL

# Idle connections go before gunicorn's 5 s keep-alive closes them, so a request is never
# sent down a connection the server is closing (a browser would retry).
KEEP_ALIVE_SECONDS = 2.5


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]  # any case, as HTTP headers are
    text: str


class Browser:
    """One person's browser: requests to one server, its cookies, and the address a load
    balancer would say it came from (X-Forwarded-For). Redirects are not followed."""

    def __init__(
        self,
        base_url: str,
        *,
        address: str,
        connections: int,
        timeout: float,
        cookies: Mapping[str, str] | None = None,
    ) -> None:
        self.base = URL(base_url)
        self.session = aiohttp.ClientSession(
            base_url=base_url,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1 too
            connector=aiohttp.TCPConnector(limit=connections, keepalive_timeout=KEEP_ALIVE_SECONDS),
            headers={"X-Forwarded-For": address},
            timeout=aiohttp.ClientTimeout(total=timeout),
            trust_env=False,  # never a proxy: only 127.0.0.1
        )
        if cookies:
            self.session.cookie_jar.update_cookies(dict(cookies), self.base)

    def cookie(self, name: str) -> str:
        found = self.session.cookie_jar.filter_cookies(self.base).get(name)
        return found.value if found else ""

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Reply:
        async with self.session.get(path, params=params, allow_redirects=False) as response:
            return Reply(response.status, response.headers, await response.text())

    async def post(
        self, path: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> Reply:
        async with self.session.post(
            path, data=dict(data), headers=headers, allow_redirects=False
        ) as response:
            return Reply(response.status, response.headers, await response.text())

    async def close(self) -> None:
        await self.session.close()


def address_of(number: int) -> str:
    """A distinct private address for simulated person `number`."""
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
