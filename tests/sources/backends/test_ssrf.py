"""The SSRF guard: what the client refuses to fetch, and that it connects only where it checked.

Every refusal here happens before any connection is made; the only sockets opened go to the
fake servers on 127.0.0.1. The allowlist is empty unless a test says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from sources.backends.base import (
    BlockedURLError,
    PermanentError,
    ResponseTooLargeError,
    TransientError,
)
from sources.backends.http import HttpClient, address_refusal, check_url
from tests.fakes import tls
from tests.fakes.server import FakeServer, drip, endless, redirect_reply, text_reply

UA = "factcheck-workbench-tests/1.0 (+https://example.org/contact)"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as server:
        server.route("/ok", text_reply("fine"))
        yield server


def resolver_for(answers: dict[str, list[str]], calls: list[str] | None = None):
    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return answers[host]

    return resolve


class GuardRefusalTests:
    """The issue's list, each refused with a reason naming what was wrong (allowlist empty)."""

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("http://127.0.0.1", "refused: 127.0.0.1 is a loopback address"),
            ("http://[::1]", "refused: ::1 is a loopback address"),
            ("http://10.0.0.1", "refused: 10.0.0.1 is a private address"),
            ("http://169.254.169.254", "refused: 169.254.169.254 is a cloud metadata address"),
            ("http://169.254.169.254/latest/meta-data/", "cloud metadata address"),
            ("http://metadata.google.internal/", "metadata.google.internal is a cloud metadata"),
            ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
            ("file:///etc/passwd", "refused: scheme file: is not http or https"),
            ("gopher://127.0.0.1:70/", "refused: scheme gopher: is not http or https"),
            ("ftp://example.org/x", "refused: scheme ftp: is not http or https"),
            ("data:text/plain,hello", "refused: scheme data: is not http or https"),
        ],
    )
    def test_refused_before_connecting(self, url: str, reason: str) -> None:
        calls: list[str] = []
        with (
            HttpClient(user_agent=UA, resolver=resolver_for({}, calls)) as client,
            pytest.raises(BlockedURLError) as caught,
        ):
            client.get(url, backend="wikipedia")
        assert str(caught.value).startswith("wikipedia: ")
        assert reason in str(caught.value)
        assert calls == []  # nothing was even looked up

    def test_loopback_literal_with_a_live_server_gets_no_request(self, server: FakeServer) -> None:
        with HttpClient(user_agent=UA) as client, pytest.raises(BlockedURLError) as caught:
            client.get(server.url("/ok"), backend="url")
        assert "127.0.0.1 is a loopback address" in str(caught.value)
        assert server.requests == []

    def test_localhost_resolves_to_loopback(self, server: FakeServer) -> None:
        url = f"http://localhost:{server.port}/ok"
        with HttpClient(user_agent=UA) as client, pytest.raises(BlockedURLError) as caught:
            client.get(url, backend="url")
        assert "refused: localhost resolves to" in str(caught.value)
        assert "a loopback address" in str(caught.value)
        assert server.requests == []

    @pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1"])
    def test_numeric_spellings_of_loopback(self, host: str) -> None:
        # getaddrinfo reads these as 127.0.0.1 without asking DNS; the check runs on its answer.
        with (
            HttpClient(user_agent=UA) as client,
            pytest.raises(BlockedURLError) as caught,
        ):
            client.get(f"http://{host}/", backend="url")
        assert str(caught.value) == (
            f"url: refused: {host} resolves to 127.0.0.1, a loopback address"
        )

    def test_hostname_resolving_to_private_address(self) -> None:
        resolve = resolver_for({"intranet.example": ["10.1.2.3"]})
        with (
            HttpClient(user_agent=UA, resolver=resolve) as client,
            pytest.raises(BlockedURLError) as caught,
        ):
            client.get("http://intranet.example/wiki", backend="url")
        assert str(caught.value) == (
            "url: refused: intranet.example resolves to 10.1.2.3, a private address"
        )

    def test_any_bad_address_in_the_answer_refuses(self) -> None:
        resolve = resolver_for({"mixed.example": ["93.184.215.14", "10.0.0.1"]})
        with (
            HttpClient(user_agent=UA, resolver=resolve) as client,
            pytest.raises(BlockedURLError) as caught,
        ):
            client.get("https://mixed.example/", backend="url")
        assert "mixed.example resolves to 10.0.0.1, a private address" in str(caught.value)

    def test_redirect_to_private_address(self, server: FakeServer) -> None:
        server.route("/go", redirect_reply("http://10.0.0.1/admin"))
        with (
            HttpClient(user_agent=UA, allow={server.host_port}) as client,
            pytest.raises(BlockedURLError) as caught,
        ):
            client.get(server.url("/go"), backend="url")
        assert str(caught.value) == (
            "url: refused: 10.0.0.1 is a private address (redirected from 127.0.0.1)"
        )
        assert len(server.requests) == 1

    def test_redirect_to_loopback_port_not_allowed(self, server: FakeServer) -> None:
        with FakeServer() as other:
            other.route("/secret", text_reply("internal"))
            server.route("/go", redirect_reply(other.url("/secret")))
            with (
                HttpClient(user_agent=UA, allow={server.host_port}) as client,
                pytest.raises(BlockedURLError) as caught,
            ):
                client.get(server.url("/go"), backend="url")
            assert "127.0.0.1 is a loopback address" in str(caught.value)
            assert other.requests == []

    def test_redirect_to_file_scheme(self, server: FakeServer) -> None:
        server.route("/go", redirect_reply("file:///etc/passwd"))
        with (
            HttpClient(user_agent=UA, allow={server.host_port}) as client,
            pytest.raises(BlockedURLError, match="scheme file: is not http or https"),
        ):
            client.get(server.url("/go"), backend="url")


class GuardRebindingTests:
    """The name is resolved once per connection and the socket goes to the vetted address.

    Tests may open sockets only on loopback, so the allowlisted fake server (127.0.0.1:PORT, allowed
    as an "ip:port") plays the public answer and a loopback address that is not allowed plays the
    private one the attacker's DNS switches to.
    """

    def test_connection_goes_to_the_address_that_was_vetted(self, server: FakeServer) -> None:
        calls: list[str] = []
        answers = [["127.0.0.1"], ["127.0.0.2"]]

        def rebinding(host: str, port: int) -> list[str]:
            calls.append(host)
            return answers[min(len(calls), len(answers)) - 1]

        url = f"http://rebind.example:{server.port}/ok"
        with HttpClient(user_agent=UA, allow={server.host_port}, resolver=rebinding) as client:
            response = client.get(url, backend="url", use_cache=False)
        assert response.text == "fine"
        assert calls == ["rebind.example"]  # checked and connected on one answer
        assert server.requests[0].headers["host"] == f"rebind.example:{server.port}"

    def test_private_first_answer_is_refused_and_not_asked_again(self) -> None:
        calls: list[str] = []
        answers = [["10.0.0.1"], ["93.184.215.14"]]

        def rebinding(host: str, port: int) -> list[str]:
            calls.append(host)
            return answers[min(len(calls), len(answers)) - 1]

        with (
            HttpClient(user_agent=UA, resolver=rebinding, attempts=3) as client,
            pytest.raises(
                BlockedURLError, match=re.escape("resolves to 10.0.0.1, a private address")
            ),
        ):
            client.get("http://rebind.example/", backend="url")
        assert calls == ["rebind.example"]  # a refusal is final, not retried


class GuardTlsTests:
    """Connecting to the vetted IP keeps TLS on the hostname: SNI, certificate check, Host."""

    @pytest.fixture
    def tls_server(self) -> Iterator[FakeServer]:
        with FakeServer(tls=tls.server_context()) as server:
            server.route("/ok", text_reply("secure"))
            yield server

    def test_sni_and_certificate_use_the_hostname(self, tls_server: FakeServer) -> None:
        resolve = resolver_for({tls.HOSTNAME: ["127.0.0.1"]})
        with HttpClient(
            user_agent=UA,
            allow={tls_server.host_port},  # the resolved "ip:port", not the name
            resolver=resolve,
            ssl_context=tls.client_context(),
        ) as client:
            response = client.get(f"https://{tls.HOSTNAME}:{tls_server.port}/ok", backend="url")
        assert response.text == "secure"
        assert tls_server.sni_names == [tls.HOSTNAME]
        assert tls_server.requests[0].headers["host"] == f"{tls.HOSTNAME}:{tls_server.port}"

    def test_certificate_for_another_name_is_permanent(self, tls_server: FakeServer) -> None:
        resolve = resolver_for({"other.example": ["127.0.0.1"]})
        with (
            HttpClient(
                user_agent=UA,
                allow={tls_server.host_port},
                resolver=resolve,
                ssl_context=tls.client_context(),
            ) as client,
            pytest.raises(PermanentError) as caught,
        ):
            client.get(f"https://other.example:{tls_server.port}/ok", backend="url")
        assert str(caught.value).startswith("url: TLS certificate of other.example not accepted (")
        assert tls_server.sni_names == ["other.example"]  # one handshake: no retries
        assert tls_server.requests == []


class SizeCapTests:
    def test_content_length_over_the_cap(self, server: FakeServer) -> None:
        server.route("/big", (200, {"Content-Type": "text/plain"}, b"x" * 2_000))
        with (
            HttpClient(user_agent=UA, allow={server.host_port}, max_bytes=1_000) as client,
            pytest.raises(ResponseTooLargeError) as caught,
        ):
            client.get(server.url("/big"), backend="url")
        assert str(caught.value) == "url: response from 127.0.0.1 exceeds 1,000 bytes"

    def test_chunked_without_length_over_the_cap(self, server: FakeServer) -> None:
        server.route("/big", lambda request: (200, {}, iter([b"y" * 600, b"y" * 600])))
        with (
            HttpClient(user_agent=UA, allow={server.host_port}, max_bytes=1_000) as client,
            pytest.raises(ResponseTooLargeError, match="exceeds 1,000 bytes"),
        ):
            client.get(server.url("/big"), backend="url")

    def test_default_cap_is_five_million_bytes(self, server: FakeServer) -> None:
        server.route("/endless", lambda request: (200, {}, endless(b"z" * 65_536)))
        with (
            HttpClient(user_agent=UA, allow={server.host_port}) as client,
            pytest.raises(ResponseTooLargeError) as caught,
        ):
            client.get(server.url("/endless"), backend="url")
        assert str(caught.value) == "url: response from 127.0.0.1 exceeds 5,000,000 bytes"

    def test_endless_slow_drip_is_cut_by_the_deadline(self, server: FakeServer) -> None:
        server.route("/drip", lambda request: (200, {}, endless(b".", interval=0.05)))
        with (
            HttpClient(
                user_agent=UA, allow={server.host_port}, deadline=0.5, read_timeout=10.0
            ) as client,
            pytest.raises(TransientError) as caught,
        ):
            client.get(server.url("/drip"), backend="url")
        assert "response from 127.0.0.1 not complete within the 0.5 s deadline" in str(caught.value)
        assert len(server.requests) == 1

    def test_a_body_under_the_cap_arrives_whole(self, server: FakeServer) -> None:
        server.route("/slow", lambda request: (200, {}, drip([b"a" * 10, b"b" * 10], 0.01)))
        with HttpClient(user_agent=UA, allow={server.host_port}, max_bytes=20) as client:
            response = client.get(server.url("/slow"), backend="url")
        assert response.content == b"a" * 10 + b"b" * 10


class CheckUrlTests:
    @pytest.mark.parametrize(
        ("address", "kind"),
        [
            ("0.0.0.0", "an unspecified address"),
            ("::", "an unspecified address"),
            ("127.8.9.10", "a loopback address"),
            ("169.254.1.1", "a link-local address"),
            ("fe80::1", "a link-local address"),
            ("224.0.0.1", "a multicast address"),
            ("ff02::1", "a multicast address"),
            ("100.64.1.1", "a shared (CGNAT) address"),
            ("192.168.1.1", "a private address"),
            ("172.16.0.1", "a private address"),
            ("fc00::1", "a private address"),
            ("240.0.0.1", "a private address"),
            ("::ffff:10.0.0.1", "an IPv4-mapped 10.0.0.1, a private address"),
            ("::ffff:127.0.0.1", "an IPv4-mapped 127.0.0.1, a loopback address"),
            ("2002:a00:1::", "a 6to4 address for 10.0.0.1, a private address"),
            ("2002:a9fe:a9fe::", "a 6to4 address for 169.254.169.254, a cloud metadata address"),
            ("64:ff9b::a00:1", "a NAT64 address for 10.0.0.1, a private address"),
            ("192.0.2.10", "a private address"),
        ],
    )
    def test_non_public_addresses(self, address: str, kind: str) -> None:
        assert address_refusal(address) == f"{address} is {kind}"

    @pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5", "8.8.8.8"])
    def test_public_addresses_pass(self, address: str) -> None:
        assert address_refusal(address) is None
        check_url(f"https://{address}/" if ":" not in address else f"https://[{address}]/")

    def test_teredo_wrapping_a_private_client(self) -> None:
        # Teredo server 65.54.227.120, client 10.0.0.1 (stored inverted: ~0x0a000001).
        refusal = address_refusal("2001:0:4136:e378:8000:63bf:f5ff:fffe")
        assert refusal is not None
        assert "a Teredo address for 10.0.0.1, a private address" in refusal

    def test_resolver_answer_is_checked(self) -> None:
        check_url("https://news.example/a", resolver=resolver_for({"news.example": ["8.8.4.4"]}))
        with pytest.raises(BlockedURLError, match=re.escape("news.example resolves to 127.0.0.1")):
            check_url(
                "https://news.example/a", resolver=resolver_for({"news.example": ["127.0.0.1"]})
            )

    def test_allow_is_exact_host_and_port(self) -> None:
        check_url("http://127.0.0.1:8080/x", allow={"127.0.0.1:8080"})
        with pytest.raises(BlockedURLError, match=re.escape("127.0.0.1 is a loopback address")):
            check_url("http://127.0.0.1:8081/x", allow={"127.0.0.1:8080"})
        with pytest.raises(BlockedURLError, match=re.escape("127.0.0.1 is a loopback address")):
            check_url("http://127.0.0.1/x", allow={"127.0.0.1"})

    def test_allow_does_not_open_other_schemes(self) -> None:
        with pytest.raises(BlockedURLError, match="scheme gopher:"):
            check_url("gopher://127.0.0.1:70/", allow={"127.0.0.1:70"})
