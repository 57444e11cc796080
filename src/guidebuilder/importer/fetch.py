"""Asking the firm's website for pages, politely and only the site that was named.

Every request passes the same gate: its host must be the one given (or one `--allow-host`
names), also for each redirect, which is followed here hop by hop rather than by the client.
Requests are spaced to `rate` a second across all workers; 429 and 5xx answers are retried with
a growing pause, or the one `Retry-After` asks for; a response is read with a cap on its size
and a deadline for the whole of it, so a page that never ends or never stops ends the request.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from .. import __version__
from ..errors import GuideError

USER_AGENT = f"guidebuilder/{__version__} (article import)"
RETRIED_STATUSES = {429, 500, 502, 503, 504}
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class FetchPolicy:
    rate: float = 1.0  # requests a second, across all workers
    concurrency: int = 2  # requests in flight at once
    timeout: float = 30.0  # seconds for one response, from asking to its last byte
    max_bytes: int = 10 * 1024 * 1024  # a larger response is refused
    retries: int = 3  # further attempts after a 429 or 5xx
    backoff: float = 2.0  # seconds before the first retry, doubled each time
    longest_wait: float = 120.0  # a Retry-After asking for longer gives up instead
    max_redirects: int = 5


@dataclass(frozen=True)
class Response:
    url: str  # as asked
    final_url: str  # after redirects
    status: int  # 200, or 304 for a conditional request whose page did not change
    content_type: str  # without parameters, lower case
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> "Origin":
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise GuideError(f"{url}: not a web address (http:// or https://)")
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise GuideError(f"{url}: the port is not a number") from None
        return cls(parts.scheme, parts.hostname.lower(), port)

    @property
    def shown(self) -> str:
        default = _DEFAULT_PORTS[self.scheme] == self.port
        return self.host if default else f"{self.host}:{self.port}"


class SiteGate:
    """Which addresses may be asked: the start address's host (and port), its http/https
    twin on the default ports, and the hosts `--allow-host` names ('host' or 'host:port')."""

    def __init__(self, start_url: str, allowed_hosts: tuple[str, ...] = ()) -> None:
        self.start = Origin.of(start_url)
        self.allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be asked, or None if it may."""
        try:
            origin = Origin.of(url)
        except GuideError:
            return "not a web address (http:// or https://)"
        if origin.host == self.start.host:
            if origin.port == self.start.port:
                return None
            both_default = (_DEFAULT_PORTS[origin.scheme] == origin.port
                            and _DEFAULT_PORTS[self.start.scheme] == self.start.port)
            if both_default:
                return None
        if origin.shown in self.allowed or f"{origin.host}:{origin.port}" in self.allowed:
            return None
        return (f"on another host ({origin.shown}); not asked (give --allow-host {origin.shown} "
                "to allow it)")


class RateLimit:
    """Requests spaced `1/rate` seconds apart, whichever worker makes them."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.lock = threading.Lock()
        self.next_slot = 0.0

    def slow_to(self, seconds_apart: float) -> None:
        with self.lock:
            self.interval = max(self.interval, seconds_apart)

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class Fetcher:
    def __init__(self, gate: SiteGate, policy: FetchPolicy) -> None:
        self.gate = gate
        self.policy = policy
        self.rate = RateLimit(policy.rate)
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT}, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(policy.timeout),
            limits=httpx.Limits(max_connections=policy.concurrency))

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
            max_bytes: int | None = None) -> Response:
        """The response for `url`, following redirects on allowed hosts only; a conditional
        request when `etag` or `last_modified` is given; at most `max_bytes` (the policy's by
        default). Raises GuideError saying what went wrong."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        visited = [url]
        current = url
        while True:
            if why := self.gate.refusal(current):
                raise GuideError(f"{current}: {why}" if current != url else why)
            status, response_headers, body = self._ask(current, headers, max_bytes or self.policy.max_bytes)
            if status in (301, 302, 303, 307, 308) and "location" in response_headers:
                target = urljoin(current, response_headers["location"].strip())
                if target in visited:
                    raise GuideError("redirect loop: " + " -> ".join([*visited, target]))
                if len(visited) > self.policy.max_redirects:
                    raise GuideError(f"more than {self.policy.max_redirects} redirects "
                                     f"(last to {target})")
                if why := self.gate.refusal(target):
                    raise GuideError(f"redirected to {target}, which is {why}")
                visited.append(target)
                current = target
                continue
            if status == 304 and (etag or last_modified):
                return Response(url, current, 304, "", b"", etag, last_modified)
            if status != 200:
                raise GuideError(f"the site answered {status} {_reason(status)}")
            content_type = response_headers.get("content-type", "").split(";")[0].strip().lower()
            return Response(url, current, status, content_type, body,
                            response_headers.get("etag"), response_headers.get("last-modified"))

    def _ask(self, url: str, headers: dict[str, str], limit: int) -> tuple[int, httpx.Headers, bytes]:
        """One address, retried on 429 and 5xx: its status, headers and body."""
        for attempt in range(self.policy.retries + 1):
            self.rate.wait()
            status, response_headers, body = self._once(url, headers, limit)
            if status not in RETRIED_STATUSES:
                return status, response_headers, body
            if attempt == self.policy.retries:
                raise GuideError(f"the site answered {status} {_reason(status)} "
                                 f"{self.policy.retries + 1} times; given up")
            pause = _retry_after(response_headers.get("retry-after"))
            if pause is None:
                pause = self.policy.backoff * 2 ** attempt
            elif pause > self.policy.longest_wait:
                raise GuideError(f"the site answered {status} and asks to wait {pause:.0f} s, "
                                 f"longer than {self.policy.longest_wait:.0f} s; given up")
            time.sleep(pause)
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str], limit: int) -> tuple[int, httpx.Headers, bytes]:
        deadline = time.monotonic() + self.policy.timeout
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    return response.status_code, response.headers, b""
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise GuideError(f"it is {_size(int(declared))}, more than the "
                                     f"{_size(limit)} allowed; not read")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise GuideError(f"it is more than {_size(limit)}; not read to the end")
                    if time.monotonic() > deadline:
                        raise GuideError(f"it did not finish within {self.policy.timeout:g} s; "
                                         "given up")
                    chunks.append(chunk)
                return 200, response.headers, b"".join(chunks)
        except httpx.TimeoutException:
            raise GuideError(f"no answer within {self.policy.timeout:g} s; given up") from None
        except httpx.ConnectError as exc:
            raise GuideError(f"cannot reach {Origin.of(url).shown}: {_cause(exc)}") from None
        except httpx.HTTPError as exc:
            raise GuideError(f"the connection failed: {_cause(exc)}") from None
        except httpx.InvalidURL as exc:
            raise GuideError(f"not an address that can be asked: {exc}") from None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count} bytes"


def _cause(exc: Exception) -> str:
    text = str(exc) or exc.__class__.__name__
    return text.split("] ", 1)[-1]
