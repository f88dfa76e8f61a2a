"""A fake HTTP server on 127.0.0.1 for tests of code that talks to external services.

It runs the stdlib ``ThreadingHTTPServer`` on a free port in a daemon thread. Tests register a
handler per path; a handler gets a :class:`FakeRequest` and returns ``(status, headers, body)``::

    with FakeServer() as server:
        server.route("/w/api.php", lambda request: json_reply({"query": {"search": []}}))
        client.get(server.url("/w/api.php"), ...)
        assert server.requests[0].query["action"] == ["query"]

As a pytest fixture::

    @pytest.fixture
    def server() -> Iterator[FakeServer]:
        with FakeServer() as server:
            yield server

``body`` is ``bytes`` (sent with a Content-Length) or an iterable of ``bytes`` chunks, sent with
``Transfer-Encoding: chunked`` unless the handler set a Content-Length itself. A generator body can
sleep between chunks or never end (see :func:`endless`); it is stopped when the client hangs up
or the server stops. A handler may return :data:`DROP` to close the connection without a reply.
Unrouted paths answer 404; a handler that raises answers 500 and the error is kept in
``server.errors``. Every request is logged, thread-safely, in ``server.requests``.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

Headers = Mapping[str, str] | Sequence[tuple[str, str]]
Body = bytes | Iterable[bytes]
Reply = tuple[int, Headers, Body]
Handler = Callable[["FakeRequest"], "Reply | None"]

#: Returned by a handler: close the connection without sending anything.
DROP = None


@dataclass(frozen=True)
class FakeRequest:
    """One request as the server saw it. Header names are lower-case."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_path: str = ""
    received_at: float = field(default_factory=time.monotonic)

    def param(self, name: str, default: str = "") -> str:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body)


def json_reply(data: Any, status: int = 200, headers: Headers | None = None) -> Reply:
    """A JSON response with ``Content-Type: application/json; charset=utf-8``."""
    merged = [("Content-Type", "application/json; charset=utf-8"), *_pairs(headers or {})]
    return status, merged, json.dumps(data).encode("utf-8")


def text_reply(
    text: str,
    status: int = 200,
    content_type: str = "text/plain; charset=utf-8",
    headers: Headers | None = None,
) -> Reply:
    merged = [("Content-Type", content_type), *_pairs(headers or {})]
    return status, merged, text.encode("utf-8")


def redirect_reply(location: str, status: int = 302) -> Reply:
    return status, {"Location": location}, b""


def replies(*sequence: Reply | None) -> Handler:
    """A handler answering with each reply in turn, then repeating the last one."""
    lock = threading.Lock()
    remaining = list(sequence)

    def handler(request: FakeRequest) -> Reply | None:
        with lock:
            return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return handler


class FakeServer:
    """A ThreadingHTTPServer on ``host`` (default 127.0.0.1) and a free port, in a daemon thread.

    ``delay`` seconds are slept before every reply (settable at any time). With ``tls`` (a
    server-side SSLContext, see :mod:`tests.fakes.tls`) it speaks HTTPS and records the SNI names
    clients sent in ``sni_names``.
    """

    def __init__(
        self, host: str = "127.0.0.1", *, delay: float = 0.0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.delay = delay
        self.tls = tls
        self.sni_names: list[str | None] = []
        self.stopping = threading.Event()
        self.errors: list[str] = []
        self._routes: dict[str, Handler] = {}
        self._requests: list[FakeRequest] = []
        self._lock = threading.Lock()
        server_class = _IPv6Server if ":" in host else _Server
        self._httpd = server_class((host, 0), _RequestHandler)
        self._httpd.fake = self
        self._thread: threading.Thread | None = None
        port = self._httpd.server_address[1]
        self.host = host
        self.port: int = port
        bracketed = f"[{host}]" if ":" in host else host
        self.host_port = f"{bracketed}:{port}"
        self.base_url = f"{'https' if tls else 'http'}://{self.host_port}"
        if tls is not None:
            tls.sni_callback = self._note_sni

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"FakeServer:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- routing and the log -----------------------------------------------------------------

    def route(self, path: str, handler: Handler | Reply) -> None:
        """Answer requests for ``path`` (any method, any query) with ``handler``.

        ``handler`` is a callable taking a FakeRequest, or a fixed reply tuple.
        """
        if isinstance(handler, tuple):
            fixed = handler

            def handler(request: FakeRequest) -> Reply | None:
                return fixed

        with self._lock:
            self._routes[path] = handler

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def requests(self) -> list[FakeRequest]:
        """A snapshot of the requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[FakeRequest]:
        return [request for request in self.requests if request.path == path]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def _note_sni(self, sock: ssl.SSLObject, name: str | None, context: ssl.SSLContext) -> None:
        with self._lock:
            self.sni_names.append(name)

    def _record(self, request: FakeRequest) -> Handler | None:
        with self._lock:
            self._requests.append(request)
            return self._routes.get(request.path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's listen backlog is 5: a burst of concurrent clients (the fan-out bench) would
    # overflow it and wait out TCP's SYN retransmission (1 s, then 3 s).
    request_queue_size = 256
    fake: FakeServer

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread, not in the accept loop.
        if self.fake.tls is not None:
            try:
                request = self.fake.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client gave up on our certificate
        super().finish_request(request, client_address)


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without this, Nagle plus delayed ACK add ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        request = FakeRequest(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            raw_path=self.path,
        )
        handler = fake._record(request)
        if fake.delay:
            time.sleep(fake.delay)
        try:
            reply = handler(request) if handler else text_reply("not found", status=404)
        except Exception:
            fake.errors.append(traceback.format_exc())
            reply = text_reply("handler raised", status=500)
        if reply is DROP:
            self.close_connection = True
            return
        try:
            self._send(*reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, status: int, headers: Headers, body: Body) -> None:
        pairs = _pairs(headers)
        names = {name.lower() for name, _ in pairs}
        self.send_response(status)
        for name, value in pairs:
            self.send_header(name, value)
        if isinstance(body, bytes | bytearray):
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        chunked = "content-length" not in names
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        stopping = self.server.fake.stopping
        for chunk in body:
            if stopping.is_set():
                self.close_connection = True
                return
            if not chunk:
                continue
            if chunked:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                self.wfile.write(chunk)
            self.wfile.flush()
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.close_connection = True


def endless(chunk: bytes = b"x" * 1024, interval: float = 0.0) -> Iterator[bytes]:
    """A body that never ends: ``chunk`` every ``interval`` seconds, until the client leaves."""
    while True:
        yield chunk
        if interval:
            time.sleep(interval)


def drip(chunks: Iterable[bytes], interval: float) -> Iterator[bytes]:
    """Yield ``chunks`` with ``interval`` seconds of silence before each one (a slow server)."""
    for chunk in chunks:
        time.sleep(interval)
        yield chunk


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)


@contextmanager
def public_web() -> Iterator[FakeServer]:
    """A fake web site the SSRF guard lets through (its host:port alone is allowed), with short
    timeouts and one attempt per request, so a test about fetching a page stays quick."""
    from django.test import override_settings

    with (
        FakeServer() as server,
        override_settings(
            LOOKUP_ALLOW_HOSTS=[server.host_port],
            LOOKUP_CONNECT_TIMEOUT=1.0,
            LOOKUP_READ_TIMEOUT=1.0,
            LOOKUP_DEADLINE=3.0,
            LOOKUP_ATTEMPTS=1,
        ),
    ):
        yield server
