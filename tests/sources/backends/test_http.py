"""HttpClient against a fake server: retries, errors, redirects, cache, User-Agent, decoding."""

from __future__ import annotations

import re
import socket
import threading
from typing import Any

import pytest

from sources.backends.base import PermanentError, TransientError
from sources.backends.http import HttpClient, HttpResponse
from sources.backends.ratelimit import RateLimiter
from tests.fakes.server import (
    DROP,
    FakeRequest,
    FakeServer,
    Reply,
    json_reply,
    redirect_reply,
    replies,
    text_reply,
)

UA = "factcheck-workbench-tests/1.0 (+https://example.org/contact)"


class DictCache:
    """The smallest Cache: a dict, counting sets (Django's cache API has the same two methods)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.sets = 0

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def set(self, key: str, value: Any, timeout: int) -> None:
        self.sets += 1
        self.data[key] = value


def make_client(server: FakeServer, **options: Any) -> HttpClient:
    options = {"backoff_initial": 0.01, "backoff_max": 0.05, **options}
    return HttpClient(user_agent=UA, allow={server.host_port}, **options)


class HttpClientBasicsTests:
    def test_user_agent_is_sent(self, server: FakeServer) -> None:
        server.route("/ua", lambda request: json_reply({"ok": True}))
        with make_client(server) as client:
            client.get_json(server.url("/ua"), backend="wikipedia")
            client.get(server.url("/ua"), backend="wikipedia", headers={"User-Agent": "liar"})
        assert [r.headers["user-agent"] for r in server.requests] == [UA, UA]

    def test_user_agent_is_required(self) -> None:
        with pytest.raises(ValueError, match="User-Agent"):
            HttpClient(user_agent=" ")

    def test_params_are_added_to_the_query(self, server: FakeServer) -> None:
        server.route("/w/api.php", lambda request: json_reply(request.query))
        with make_client(server) as client:
            data = client.get_json(
                server.url("/w/api.php?format=json"),
                params={"action": "query", "srsearch": "Cuba China 1960"},
                backend="wikipedia",
            )
        assert data == {
            "format": ["json"],
            "action": ["query"],
            "srsearch": ["Cuba China 1960"],
        }

    def test_response_fields(self, server: FakeServer) -> None:
        server.route("/t", text_reply("café", content_type="text/plain; charset=ISO-8859-1"))
        server.route("/u", (200, {"Content-Type": "text/html"}, "naïve".encode() + b"\xff"))
        with make_client(server) as client:
            latin = client.get(server.url("/t"), backend="url")
            utf8 = client.get(server.url("/u"), backend="url")
        assert latin.status == 200
        assert latin.url == server.url("/t")
        assert latin.headers["content-type"] == "text/plain; charset=ISO-8859-1"
        assert latin.text == "cafÃ©"  # the bytes were UTF-8, the declared charset wins
        assert utf8.text == "naïve\ufffd"

    def test_malformed_json_is_permanent(self, server: FakeServer) -> None:
        server.route("/bad", text_reply("<html>oops</html>", content_type="application/json"))
        with make_client(server) as client, pytest.raises(PermanentError) as caught:
            client.get_json(server.url("/bad"), backend="wikidata")
        message = str(caught.value)
        assert message.startswith("wikidata: malformed JSON from 127.0.0.1: Expecting value")
        assert "\n" not in message
        assert len(server.requests) == 1

    def test_safe_across_threads(self, server: FakeServer) -> None:
        server.route("/n", lambda request: json_reply({"n": request.param("n")}))
        results: list[str] = []
        errors: list[BaseException] = []
        with make_client(server) as client:

            def work(worker: int) -> None:
                try:
                    for i in range(5):
                        data = client.get_json(
                            server.url("/n"), params={"n": f"{worker}-{i}"}, backend="w"
                        )
                        results.append(data["n"])
                except BaseException as error:
                    errors.append(error)

            threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        assert errors == []
        assert sorted(results) == sorted(f"{w}-{i}" for w in range(8) for i in range(5))
        assert len(server.requests) == 40


class HttpClientRetryTests:
    def test_503_twice_then_200(self, server: FakeServer) -> None:
        server.route("/flaky", replies((503, {}, b"busy"), (503, {}, b"busy"), json_reply([1])))
        with make_client(server) as client:
            assert client.get_json(server.url("/flaky"), backend="wikipedia") == [1]
        assert len(server.requests) == 3

    def test_5xx_every_time_is_transient_after_the_attempts(self, server: FakeServer) -> None:
        server.route("/down", (503, {}, b""))
        with make_client(server) as client, pytest.raises(TransientError) as caught:
            client.get(server.url("/down"), backend="wikipedia")
        assert str(caught.value) == "wikipedia: HTTP 503 from 127.0.0.1 after 3 attempts"
        assert len(server.requests) == 3

    def test_429_with_retry_after_waits_and_succeeds(self, server: FakeServer) -> None:
        server.route("/limited", replies((429, {"Retry-After": "1"}, b""), json_reply("ok")))
        with make_client(server) as client:
            assert client.get_json(server.url("/limited"), backend="factcheck") == "ok"
        first, second = server.requests
        assert len(server.requests) == 2
        # The backoff alone would be ~0.01 s: the gap shows Retry-After was honoured.
        assert second.received_at - first.received_at >= 0.9

    def test_retry_after_past_the_deadline_gives_up_at_once(self, server: FakeServer) -> None:
        server.route("/limited", (429, {"Retry-After": "120"}, b""))
        with make_client(server, deadline=5.0) as client, pytest.raises(TransientError) as caught:
            client.get(server.url("/limited"), backend="factcheck")
        assert str(caught.value) == (
            "factcheck: HTTP 429 from 127.0.0.1; Retry-After 120 s does not fit in the 5 s deadline"
        )
        assert len(server.requests) == 1

    def test_retry_after_as_http_date(self, server: FakeServer) -> None:
        server.route("/limited", (503, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}, b""))
        with make_client(server) as client, pytest.raises(TransientError, match="Retry-After"):
            client.get(server.url("/limited"), backend="wikipedia")
        assert len(server.requests) == 1

    def test_404_is_permanent_after_one_request(self, server: FakeServer) -> None:
        server.route("/gone", text_reply("no such page", status=404))
        with make_client(server) as client, pytest.raises(PermanentError) as caught:
            client.get(server.url("/gone"), backend="wikipedia")
        assert not isinstance(caught.value, TransientError)
        assert str(caught.value) == "wikipedia: HTTP 404 from 127.0.0.1"
        assert len(server.requests) == 1

    def test_read_timeout_is_transient_with_reason(self, server: FakeServer) -> None:
        server.route("/slow", json_reply({}))
        server.delay = 0.5
        with (
            make_client(server, read_timeout=0.1, attempts=2) as client,
            pytest.raises(TransientError) as caught,
        ):
            client.get(server.url("/slow"), backend="wikipedia")
        assert str(caught.value) == (
            "wikipedia: no response from 127.0.0.1 within 0.1 s after 2 attempts"
        )
        assert len(server.requests) == 2

    def test_connection_refused_is_transient(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # Nothing listens on the port now.
        client = HttpClient(user_agent=UA, allow={f"127.0.0.1:{port}"}, backoff_initial=0.01)
        with client, pytest.raises(TransientError) as caught:
            client.get(f"http://127.0.0.1:{port}/", backend="wikidata")
        assert str(caught.value).startswith("wikidata: could not reach 127.0.0.1 (")
        assert str(caught.value).endswith("after 3 attempts")

    def test_dropped_connection_is_retried(self, server: FakeServer) -> None:
        server.route("/drop", replies(DROP, json_reply("back")))
        with make_client(server) as client:
            assert client.get_json(server.url("/drop"), backend="wikidata") == "back"
        assert len(server.requests) == 2

    def test_deadline_bounds_the_retries(self, server: FakeServer) -> None:
        server.route("/down", (500, {}, b""))
        with (
            make_client(
                server, attempts=50, backoff_initial=0.2, backoff_max=0.2, deadline=1.0
            ) as client,
            pytest.raises(TransientError, match=re.escape("HTTP 500 from 127.0.0.1 after")),
        ):
            client.get(server.url("/down"), backend="wikipedia")
        # About 1 s / 0.2 s of backoff: far fewer than the 50 attempts allowed.
        assert 2 <= len(server.requests) <= 8


class HttpClientRedirectTests:
    def test_relative_redirect_is_followed(self, server: FakeServer) -> None:
        server.route("/old", redirect_reply("/new", status=301))
        server.route("/new", text_reply("moved here"))
        with make_client(server) as client:
            response = client.get(server.url("/old"), backend="url")
        assert response.text == "moved here"
        assert response.url == server.url("/new")
        assert [r.path for r in server.requests] == ["/old", "/new"]

    def test_redirect_loop_is_permanent(self, server: FakeServer) -> None:
        server.route("/a", redirect_reply("/b"))
        server.route("/b", redirect_reply("/a"))
        with (
            make_client(server, max_redirects=5) as client,
            pytest.raises(PermanentError) as caught,
        ):
            client.get(server.url("/a"), backend="url")
        assert str(caught.value) == "url: more than 5 redirects, last to 127.0.0.1"
        assert len(server.requests) == 6

    def test_credentials_do_not_follow_to_another_host(self, server: FakeServer) -> None:
        with FakeServer() as other:
            other.route("/landing", text_reply("hi"))
            other_url = f"http://localhost:{other.port}/landing"
            server.route("/go", redirect_reply(other_url))
            allow = {server.host_port, f"localhost:{other.port}"}
            with HttpClient(user_agent=UA, allow=allow) as client:
                client.get(
                    server.url("/go"),
                    backend="url",
                    headers={"Authorization": "Bearer s3cret", "Accept-Language": "es"},
                )
            assert server.requests[0].headers["authorization"] == "Bearer s3cret"
            landed = other.requests[0]
            assert "authorization" not in landed.headers
            assert landed.headers["accept-language"] == "es"


class HttpClientCacheTests:
    def test_cache_hit_makes_no_request(self, server: FakeServer) -> None:
        server.route("/page", lambda request: json_reply({"q": request.param("q")}))
        cache = DictCache()
        with make_client(server, cache=cache) as client:
            first = client.get(server.url("/page"), params={"q": "x", "a": "1"}, backend="w")
            second = client.get(server.url("/page"), params={"a": "1", "q": "x"}, backend="w")
        assert len(server.requests) == 1
        assert second == first
        assert isinstance(second, HttpResponse)

    def test_cache_hit_takes_no_rate_limit_slot(self, server: FakeServer) -> None:
        server.route("/page", json_reply({}))
        limiter = RateLimiter({"w": "1/minute"})
        with make_client(server, cache=DictCache(), rate_limiter=limiter) as client:
            for _ in range(3):
                client.get(server.url("/page"), backend="w")
        assert len(server.requests) == 1

    def test_other_params_and_failures_are_not_served_from_cache(self, server: FakeServer) -> None:
        server.route("/page", lambda request: json_reply({"q": request.param("q")}))
        server.route("/missing", text_reply("no", status=404))
        cache = DictCache()
        with make_client(server, cache=cache) as client:
            assert client.get_json(server.url("/page"), params={"q": "1"}, backend="w") == {
                "q": "1"
            }
            assert client.get_json(server.url("/page"), params={"q": "2"}, backend="w") == {
                "q": "2"
            }
            for _ in range(2):
                with pytest.raises(PermanentError):
                    client.get(server.url("/missing"), backend="w")
            client.get(server.url("/page"), params={"q": "1"}, backend="w", use_cache=False)
        assert len(server.requests) == 5
        assert cache.sets == 2

    def test_cache_key_ignores_param_order_and_user_agent(self) -> None:
        a = HttpClient.cache_key("https://example.org/w?b=2&a=1")
        b = HttpClient.cache_key("https://example.org/w?a=1&b=2")
        c = HttpClient.cache_key("https://example.org/w?a=1&b=3")
        assert a == b != c
        assert a.startswith("sources.http:")
        assert UA not in a


class HttpClientRateLimitTests:
    def test_no_slot_within_the_deadline_is_transient(self, server: FakeServer) -> None:
        server.route("/page", json_reply({}))
        limiter = RateLimiter({"wikipedia": "1/minute"})
        with make_client(server, rate_limiter=limiter, deadline=0.5) as client:
            client.get(server.url("/page"), backend="wikipedia")
            with pytest.raises(TransientError, match="wikipedia: rate limit 1 per 1 minute"):
                client.get(server.url("/page"), backend="wikipedia")
            client.get(server.url("/page"), backend="wikidata")  # another budget
        assert len(server.requests) == 2


class FakeServerTests:
    def test_requests_are_logged_with_their_query(self, server: FakeServer) -> None:
        seen: list[FakeRequest] = []

        def echo(request: FakeRequest) -> Reply:
            seen.append(request)
            return json_reply(request.query)

        server.route("/echo", echo)
        with make_client(server) as client:
            data = client.get_json(server.url("/echo"), params={"x": ["1", "2"]}, backend="t")
        assert data == {"x": ["1", "2"]}
        assert seen == server.requests
        assert seen[0].method == "GET"
        assert server.requests_to("/elsewhere") == []
