"""The one HTTP client of all backends: timeouts, size cap, retries, rate limits, cache, SSRF guard.

Built on httpx with our own redirect handling and our own network backend, so that:

* only ``http``/``https`` URLs are fetched, and a host is refused if ANY address it resolves to is
  not public (loopback, private, link-local, multicast, reserved, unspecified, CGNAT, IPv6 forms
  wrapping such an IPv4 address, cloud metadata). The check runs on every redirect hop, and the
  TCP connection goes to the very address that was vetted: the name is resolved once, inside the
  connect, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
  TLS SNI, certificate checks and the Host header still use the hostname.
* every request has connect and read timeouts, and a whole ``get`` (retries, backoff, redirects,
  rate-limit waits and reading the body) ends within ``deadline`` seconds;
* bodies are streamed and cut at ``max_bytes``;
* timeouts, connection errors, 429 and 5xx are retried with exponential backoff and jitter (and a
  ``Retry-After`` that fits in the deadline is honoured); other 4xx are not retried.

All failures are :mod:`sources.backends.base` errors whose message is a one-line reason starting
with the backend's name, e.g. ``"wikipedia: HTTP 503 from en.wikipedia.org after 3 attempts"``.
"""

from __future__ import annotations

import codecs
import hashlib
import ipaddress
import json
import logging
import random
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlencode

import httpcore
import httpx
import stamina

from sources.backends.base import (
    BlockedURLError,
    PermanentError,
    ResponseTooLargeError,
    TransientError,
)
from sources.backends.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

#: Takes a host name and a port, returns the IP addresses (as strings) to connect to.
Resolver = Callable[[str, int], Sequence[str]]
Params = Mapping[str, Any]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Cloud instance-metadata endpoints, refused by name or address whatever else is allowed.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: Headers that must not follow a redirect to another host.
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-goog-api-key"})
CACHE_KEY_PREFIX = "sources.http:"


class Cache(Protocol):
    """The part of Django's cache API the client uses (``django.core.cache.cache`` fits)."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int) -> Any: ...


@dataclass(frozen=True)
class HttpResponse:
    """A whole response: ``url`` is the final URL after redirects; header names are lower-case."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def charset(self) -> str:
        """The charset declared in Content-Type, or "" when there is none (or it is unknown)."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset":
                charset = value.strip().strip("\"'")
                try:
                    return codecs.lookup(charset).name
                except LookupError:
                    return ""
        return ""

    @property
    def text(self) -> str:
        """The body decoded by its declared charset, else as UTF-8 (bad bytes replaced)."""
        return self.content.decode(self.charset or "utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; PermanentError with a one-line reason when it is not JSON."""
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise PermanentError(
                f"malformed JSON from {_host(self.url)}: {reason[:200]}"
            ) from error


# -- the SSRF guard ---------------------------------------------------------------------------


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (getaddrinfo), in the resolver's order, deduplicated."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone ("fe80::1%eth0")
        if address not in addresses:
            addresses.append(address)
    return addresses


def address_refusal(address: str | IPAddress) -> str | None:
    """Why ``address`` may not be fetched ("10.0.0.1 is a private address"), or None if public."""
    kind = address_kind(address)
    return f"{address} is {kind}" if kind else None


def address_kind(address: str | IPAddress) -> str | None:
    """What makes ``address`` non-public ("a private address"), or None if it is public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        for wrapped, how in _wrapped_ipv4(ip):
            kind = address_kind(wrapped)
            if kind:
                return f"{how} {wrapped}, {kind}"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "a shared (CGNAT) address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "not a public address"
    return None


def _wrapped_ipv4(ip: ipaddress.IPv6Address) -> Iterator[tuple[ipaddress.IPv4Address, str]]:
    """IPv4 addresses carried inside an IPv6 one: mapped, 6to4, Teredo, NAT64."""
    if ip.ipv4_mapped is not None:
        yield ip.ipv4_mapped, "an IPv4-mapped"
    if ip.sixtofour is not None:
        yield ip.sixtofour, "a 6to4 address for"
    if ip.teredo is not None:
        server, client = ip.teredo
        yield client, "a Teredo address for"
        yield server, "a Teredo address via"
    if ip in NAT64:
        yield ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "a NAT64 address for"


def _host(url: str | httpx.URL) -> str:
    try:
        return (url if isinstance(url, httpx.URL) else httpx.URL(url)).host or str(url)
    except httpx.InvalidURL:
        return str(url)


def _host_port(host: str, port: int) -> str:
    """The allow-list spelling of a host and port: "example.org:443", "[::1]:8080"."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _parse_target(url: str | httpx.URL) -> tuple[httpx.URL, str, int]:
    """Scheme and host checks that need no DNS; returns the URL, its host and port."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise BlockedURLError(
            f"refused: {str(url)[:100]!r} is not a valid URL ({error})"
        ) from error
    scheme = parsed.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"refused: scheme {scheme + ':' if scheme else '(none)'} is not http or https"
        )
    host = parsed.host.lower().rstrip(".")
    if not host:
        raise BlockedURLError(f"refused: {str(url)[:100]!r} has no host")
    if host in METADATA_HOSTS:
        raise BlockedURLError(f"refused: {host} is a cloud metadata host")
    port = parsed.port or (443 if scheme == "https" else 80)
    return parsed, host, port


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _vet(host: str, port: int, addresses: Sequence[str], allow: frozenset[str]) -> None:
    """Refuse unless every address is public or allowed as "ip:port"."""
    if not addresses:
        raise BlockedURLError(f"refused: {host} resolves to no address")
    for address in addresses:
        if _host_port(address, port) in allow:
            continue
        kind = address_kind(address)
        if kind:
            shown = (
                f"{address} is {kind}"
                if address == host
                else f"{host} resolves to {address}, {kind}"
            )
            raise BlockedURLError(f"refused: {shown}")


def check_url(url: str, allow: Iterable[str] = (), *, resolver: Resolver | None = None) -> None:
    """Raise BlockedURLError unless ``url`` is http(s) to a host whose every address is public.

    ``allow`` holds exact "host:port" strings exempt from the address check (a test's fake server
    on 127.0.0.1, an on-prem service); an entry may also name a resolved "ip:port". Resolves the
    host with getaddrinfo (or ``resolver``). The client runs the same check at connect time.
    """
    allowed = frozenset(allow)
    _parsed, host, port = _parse_target(url)
    if _host_port(host, port) in allowed:
        return
    if _literal_ip(host) is not None:
        addresses: Sequence[str] = [host]
    else:
        try:
            addresses = (resolver or system_resolver)(host, port)
        except OSError as error:
            raise BlockedURLError(f"refused: {host} does not resolve ({error})") from error
    _vet(host, port, addresses, allowed)


class _GuardedNetworkBackend(httpcore.NetworkBackend):
    """Resolves the host once, vets every address, and connects to a vetted address only."""

    def __init__(self, allow: frozenset[str], resolver: Resolver) -> None:
        self._allow = allow
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        host = host.lower().rstrip(".")
        if host in METADATA_HOSTS:
            raise BlockedURLError(f"refused: {host} is a cloud metadata host")
        if _literal_ip(host) is not None:
            addresses: Sequence[str] = [host]
        else:
            try:
                addresses = list(self._resolver(host, port))
            except OSError as error:
                raise httpcore.ConnectError(f"could not resolve {host}: {error}") from error
        if _host_port(host, port) not in self._allow:
            _vet(host, port, addresses, self._allow)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None
        raise last_error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedURLError("refused: unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with our network backend in its connection pool (no proxies)."""

    def __init__(
        self, *, allow: frozenset[str], resolver: Resolver, ssl_context: ssl.SSLContext | None
    ) -> None:
        context = ssl_context or httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=context, trust_env=False)
        # httpx offers no argument for the network backend, so the pool it built is swapped for
        # one that has ours; handle_request() only uses self._pool. (httpx pinned at 0.28.1.)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedNetworkBackend(allow, resolver),
        )


# -- the client ------------------------------------------------------------------------------


class _Retryable(TransientError):
    """One attempt failed in a way worth another try; ``retry_after`` from the server if given."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class _Attempts:
    """Decides, after each failed attempt, whether and how long to wait before the next one."""

    def __init__(self, client: HttpClient, backend: str, give_up_at: float) -> None:
        self.client = client
        self.backend = backend
        self.give_up_at = give_up_at
        self.count = 0
        self.refused: str = ""

    def backoff(self, error: Exception) -> bool | float:
        """stamina's backoff hook: False = stop, a float = wait that long and try again."""
        if not isinstance(error, _Retryable) or self.count >= self.client.attempts:
            return False
        remaining = self.give_up_at - time.monotonic()
        if error.retry_after is not None:
            if error.retry_after >= remaining:
                self.refused = (
                    f"{self.backend}: {error}; Retry-After {error.retry_after:g} s does not fit "
                    f"in the {self.client.deadline:g} s deadline"
                )
                return False
            return error.retry_after
        wait: float = min(
            self.client.backoff_max,
            self.client.backoff_initial * 2 ** (self.count - 1)
            + random.uniform(0, self.client.backoff_initial),
        )
        if wait >= remaining:
            return False
        return wait


class HttpClient:
    """Thread-safe HTTP GETs for the backends. Use one per process (or per worker) and ``close()``.

    ``allow`` lists exact "host:port" strings exempt from the SSRF guard. It is meant for tests'
    fake servers on 127.0.0.1 and for a known on-prem service, never for user-supplied hosts.
    ``resolver`` replaces getaddrinfo (tests use it to make a name resolve to a private address).
    ``ssl_context`` replaces the default (certifi's CAs), e.g. to trust an on-prem or test CA.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        deadline: float = 20.0,
        max_bytes: int = 5_000_000,
        max_redirects: int = 5,
        attempts: int = 3,
        backoff_initial: float = 0.5,
        backoff_max: float = 4.0,
        rate_limiter: RateLimiter | None = None,
        cache: Cache | None = None,
        cache_ttl: int = 3600,
        allow: Iterable[str] = (),
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if not user_agent.strip():
            raise ValueError("an honest User-Agent is required")
        self.user_agent = user_agent
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.attempts = max(1, attempts)
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.rate_limiter = rate_limiter
        self.cache = cache
        self.cache_ttl = cache_ttl
        self.allow = frozenset(allow)
        self.resolver: Resolver = resolver or system_resolver
        self._client = httpx.Client(
            transport=_GuardedTransport(
                allow=self.allow, resolver=self.resolver, ssl_context=ssl_context
            ),
            headers={"User-Agent": user_agent},
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        )

    # -- public API --------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Params | None = None,
        backend: str,
        headers: Mapping[str, str] | None = None,
        use_cache: bool = True,
    ) -> HttpResponse:
        """GET ``url`` (with ``params`` added to its query) and return the complete response.

        Follows up to ``max_redirects`` redirects, vetting each hop. 2xx responses are returned;
        everything else raises: PermanentError for 4xx (not 429) and other statuses,
        TransientError for timeouts, connection errors, 429 and 5xx once retries are spent,
        BlockedURLError for refused URLs, ResponseTooLargeError over ``max_bytes``.
        """
        give_up_at = time.monotonic() + self.deadline
        try:
            request_url = self._build_url(url, params)
        except BlockedURLError as error:
            raise BlockedURLError(f"{backend}: {error}") from error
        key = self.cache_key(request_url) if use_cache and self.cache is not None else ""
        if key:
            cached = self._cache_get(key)
            if cached is not None:
                return cached
        response = self._follow(request_url, backend, dict(headers or {}), give_up_at)
        if key and response.status == 200:
            self._cache_set(key, response)
        return response

    def get_json(
        self,
        url: str,
        *,
        params: Params | None = None,
        backend: str,
        headers: Mapping[str, str] | None = None,
        use_cache: bool = True,
    ) -> Any:
        """GET and parse JSON; malformed JSON is a PermanentError naming the host."""
        response = self.get(
            url, params=params, backend=backend, headers=headers, use_cache=use_cache
        )
        try:
            return response.json()
        except PermanentError as error:
            raise PermanentError(f"{backend}: {error}") from error

    @staticmethod
    def cache_key(url: str | httpx.URL) -> str:
        """The cache key of a request URL: sha256 of it with its query parameters sorted."""
        parsed = httpx.URL(url) if isinstance(url, str) else url
        query = urlencode(sorted(parsed.params.multi_items()))
        canonical = str(parsed.copy_with(query=query.encode("ascii") or None, fragment=None))
        return CACHE_KEY_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    def _build_url(self, url: str, params: Params | None) -> httpx.URL:
        parsed, _host_name, _port = _parse_target(url)
        if params:
            parsed = parsed.copy_merge_params(params)
        return parsed

    def _check_hop(self, url: httpx.URL) -> None:
        """What can be refused before connecting: scheme, metadata names, literal addresses."""
        _parsed, host, port = _parse_target(url)
        if _host_port(host, port) not in self.allow and _literal_ip(host) is not None:
            _vet(host, port, [host], self.allow)

    def _follow(
        self, url: httpx.URL, backend: str, headers: dict[str, str], give_up_at: float
    ) -> HttpResponse:
        original_host = url.host
        previous = ""
        for _hop in range(self.max_redirects + 1):
            if url.host != original_host:
                headers = {k: v for k, v in headers.items() if k.lower() not in CREDENTIAL_HEADERS}
            try:
                self._check_hop(url)
                # The guarded network backend vets resolved addresses when it connects.
                response = self._send_with_retries(url, backend, headers, give_up_at)
            except BlockedURLError as error:
                via = f" (redirected from {previous})" if previous else ""
                reason = f"{backend}: {error}{via}"
                logger.info("sources.http.refused", extra={"backend": backend, "reason": reason})
                raise BlockedURLError(reason) from error
            previous = url.host
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                return self._judge(response, backend)
            try:
                url = url.join(location)
            except httpx.InvalidURL as error:
                raise PermanentError(
                    f"{backend}: bad redirect from {url.host} to {location[:100]!r}"
                ) from error
        raise PermanentError(
            f"{backend}: more than {self.max_redirects} redirects, last to {url.host}"
        )

    def _judge(self, response: HttpResponse, backend: str) -> HttpResponse:
        if 200 <= response.status < 300:
            return response
        raise PermanentError(f"{backend}: HTTP {response.status} from {_host(response.url)}")

    def _send_with_retries(
        self, url: httpx.URL, backend: str, headers: dict[str, str], give_up_at: float
    ) -> HttpResponse:
        attempts = _Attempts(self, backend, give_up_at)
        try:
            for attempt in stamina.retry_context(
                on=attempts.backoff, attempts=self.attempts, timeout=None
            ):
                with attempt:
                    attempts.count += 1
                    return self._send_once(url, backend, headers, give_up_at)
        except _Retryable as error:
            if attempts.refused:
                raise TransientError(attempts.refused) from error
            tries = f"{attempts.count} attempt{'s' if attempts.count != 1 else ''}"
            raise TransientError(f"{backend}: {error} after {tries}") from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(
        self, url: httpx.URL, backend: str, headers: dict[str, str], give_up_at: float
    ) -> HttpResponse:
        """One request: rate limit, send, stream the body under the cap and the deadline."""
        host = url.host
        remaining = give_up_at - time.monotonic()
        if remaining <= 0:
            raise TransientError(
                f"{backend}: {host} did not answer within the {self.deadline:g} s deadline"
            )
        if self.rate_limiter is not None:
            self.rate_limiter.acquire(backend, remaining)
            remaining = give_up_at - time.monotonic()
        timeout = httpx.Timeout(
            min(self.read_timeout, remaining),
            connect=min(self.connect_timeout, remaining),
            pool=remaining,
        )
        request = self._client.build_request(
            "GET", url, headers={**headers, "User-Agent": self.user_agent}, timeout=timeout
        )
        try:
            response = self._client.send(request, stream=True)
        except httpx.ConnectTimeout as error:
            raise _Retryable(f"could not connect to {host} within {timeout.connect:g} s") from error
        except httpx.TimeoutException as error:
            raise _Retryable(f"no response from {host} within {timeout.read:g} s") from error
        except httpx.ConnectError as error:
            if _caused_by(error, ssl.SSLCertVerificationError):
                raise PermanentError(
                    f"{backend}: TLS certificate of {host} not accepted ({_describe(error)})"
                ) from error
            raise _Retryable(f"could not reach {host} ({_describe(error)})") from error
        except httpx.TransportError as error:
            raise _Retryable(f"could not reach {host} ({_describe(error)})") from error
        try:
            status = response.status_code
            if status == 429 or status >= 500:
                retry_after = None
                if status in (429, 503):
                    retry_after = _retry_after(response.headers.get("retry-after"))
                raise _Retryable(f"HTTP {status} from {host}", retry_after)
            content = self._read_body(response, backend, host, give_up_at, timeout)
        finally:
            response.close()
        return HttpResponse(
            url=str(url),
            status=status,
            headers={name.lower(): value for name, value in response.headers.items()},
            content=content,
        )

    def _read_body(
        self,
        response: httpx.Response,
        backend: str,
        host: str,
        give_up_at: float,
        timeout: httpx.Timeout,
    ) -> bytes:
        too_large = f"{backend}: response from {host} exceeds {self.max_bytes:,} bytes"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ResponseTooLargeError(too_large)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise ResponseTooLargeError(too_large)
                chunks.append(chunk)
                if time.monotonic() > give_up_at:
                    raise TransientError(
                        f"{backend}: response from {host} not complete within the "
                        f"{self.deadline:g} s deadline ({size:,} bytes read)"
                    )
        except httpx.TimeoutException as error:
            raise _Retryable(
                f"response from {host} stalled for {timeout.read:g} s ({size:,} bytes read)"
            ) from error
        except httpx.DecodingError as error:
            raise PermanentError(f"{backend}: undecodable body from {host} ({error})") from error
        except httpx.TransportError as error:
            raise _Retryable(f"response from {host} broke off ({_describe(error)})") from error
        return b"".join(chunks)

    def _cache_get(self, key: str) -> HttpResponse | None:
        try:
            value = self.cache.get(key) if self.cache is not None else None
        except Exception:  # a broken cache must not break lookups
            logger.warning("sources.http.cache_get_failed", exc_info=True)
            return None
        if not isinstance(value, dict):
            return None
        try:
            return HttpResponse(
                url=str(value["url"]),
                status=int(value["status"]),
                headers=dict(value["headers"]),
                content=bytes(value["content"]),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def _cache_set(self, key: str, response: HttpResponse) -> None:
        value = {
            "url": response.url,
            "status": response.status,
            "headers": response.headers,
            "content": response.content,
        }
        try:
            if self.cache is not None:
                self.cache.set(key, value, self.cache_ttl)
        except Exception:
            logger.warning("sources.http.cache_set_failed", exc_info=True)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = error
    for _ in range(10):  # the chain is short: httpx -> httpcore -> ssl
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _describe(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
