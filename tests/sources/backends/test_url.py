"""The URL backend: a reviewer's link fetched from a fake site on 127.0.0.1, reduced to text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from sources.backends.base import (
    BlockedURLError,
    Candidate,
    ClaimQuery,
    PermanentError,
    TransientError,
)
from sources.backends.http import HttpClient, Resolver
from sources.backends.url import UrlBackend
from tests.fakes.server import FakeServer, redirect_reply, text_reply

ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Cuba and China commemorate 65 years of diplomatic ties | Example News</title>
  <meta property="og:site_name" content="Example News">
  <meta property="og:title" content="Cuba and China commemorate 65 years of diplomatic ties">
  <meta property="article:published_time" content="2025-09-29T10:00:00+00:00">
  <link rel="stylesheet" href="/static/site.css">
  <script src="/static/tracker.js"></script>
</head>
<body>
  <nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
  <article>
    <h1>Cuba and China commemorate 65 years of diplomatic ties</h1>
    <p>Cuba and the People's Republic of China established diplomatic relations on
    28 September 1960 by signing a joint statement, after Fidel Castro announced the decision
    in the First Declaration of Havana.</p>
    <p>With that step Cuba became the first country in the Western Hemisphere to recognise the
    People's Republic of China. President Miguel Díaz-Canel marked the anniversary in 2025.</p>
    <img src="/images/flags.jpg" alt="Flags">
  </article>
  <aside>Most read: Ten recipes for summer</aside>
  <footer>Copyright 2025 Example News. All rights reserved. Cookie settings.</footer>
</body>
</html>
"""


def make_client(server: FakeServer, resolver: Resolver | None = None) -> HttpClient:
    return HttpClient(
        user_agent="FactCheckWorkbench-tests/0.1 (+https://example.org/contact)",
        connect_timeout=1.0,
        read_timeout=0.5,
        deadline=5.0,
        max_bytes=200_000,
        backoff_initial=0.01,
        backoff_max=0.05,
        allow={server.host_port},
        resolver=resolver,
    )


@pytest.fixture
def client(server: FakeServer) -> Iterator[HttpClient]:
    with make_client(server) as client:
        yield client


def lookup(client: HttpClient, url: str) -> list[Candidate]:
    return UrlBackend(client).search(ClaimQuery(text="Cuba and China, 1960.", url=url))


class UrlBackendTests:
    def test_html_page_becomes_its_main_text(self, client: HttpClient, server: FakeServer) -> None:
        server.route("/news/cuba-china", text_reply(ARTICLE, content_type="text/html"))
        (candidate,) = lookup(client, server.url("/news/cuba-china"))

        assert "established diplomatic relations on\n" not in candidate.text  # reflowed
        assert "established diplomatic relations on 28 September 1960" in candidate.text
        assert "President Miguel Díaz-Canel marked the anniversary in 2025." in candidate.text
        for boilerplate in ("Sport", "Cookie settings", "Ten recipes"):
            assert boilerplate not in candidate.text
        assert candidate.title == "Cuba and China commemorate 65 years of diplomatic ties"
        assert candidate.publisher == "Example News"
        assert candidate.published == "2025-09-29"
        assert candidate.passage == ""
        assert candidate.http_status == 200
        assert candidate.url == server.url("/news/cuba-china")
        # trafilatura fetched nothing itself: no stylesheet, script or image requests.
        assert [r.path for r in server.requests] == ["/news/cuba-china"]

    def test_final_url_after_a_redirect(self, client: HttpClient, server: FakeServer) -> None:
        server.route("/short", redirect_reply("/news/cuba-china", status=301))
        server.route("/news/cuba-china", text_reply(ARTICLE, content_type="text/html"))
        (candidate,) = lookup(client, server.url("/short"))
        assert candidate.url == server.url("/news/cuba-china")
        assert candidate.extra["requested_url"] == server.url("/short")

    def test_declared_charset_is_honoured(self, client: HttpClient, server: FakeServer) -> None:
        body = ARTICLE.replace('<meta charset="utf-8">', "").encode("latin-1", "replace")
        server.route("/latin", (200, {"Content-Type": "text/html; charset=iso-8859-1"}, body))
        (candidate,) = lookup(client, server.url("/latin"))
        assert "Díaz-Canel" in candidate.text

    def test_plain_text_is_taken_as_is(self, client: HttpClient, server: FakeServer) -> None:
        text = "Joint statement\r\n\r\nCuba and China established relations on 28 September 1960."
        server.route("/statement.txt", text_reply(text))
        (candidate,) = lookup(client, server.url("/statement.txt"))
        assert candidate.text == text.replace("\r\n", "\n")
        assert candidate.title == "Joint statement"

    @pytest.mark.parametrize(
        "content_type", ["application/pdf", "application/octet-stream", "text/html"]
    )
    def test_pdf_is_refused(
        self, client: HttpClient, server: FakeServer, content_type: str
    ) -> None:
        body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
        server.route("/report.pdf", (200, {"Content-Type": content_type}, body))
        with pytest.raises(PermanentError) as raised:
            lookup(client, server.url("/report.pdf"))
        assert str(raised.value) == "url: cannot read application/pdf"

    def test_other_binary_types_are_refused(self, client: HttpClient, server: FakeServer) -> None:
        server.route("/data.zip", (200, {"Content-Type": "application/zip"}, b"PK\x03\x04xxxx"))
        with pytest.raises(PermanentError, match=r"^url: cannot read application/zip$"):
            lookup(client, server.url("/data.zip"))

    def test_page_without_text_is_refused(self, client: HttpClient, server: FakeServer) -> None:
        empty = "<html><head><title>Loading</title></head><body><div id=app></div></body></html>"
        server.route("/spa", text_reply(empty, content_type="text/html"))
        with pytest.raises(PermanentError) as raised:
            lookup(client, server.url("/spa"))
        assert str(raised.value) == f"url: no readable text at {server.url('/spa')}"

    def test_no_url_given(self, client: HttpClient) -> None:
        with pytest.raises(PermanentError, match="no URL"):
            UrlBackend(client).search(ClaimQuery(text="x"))

    def test_not_found_is_permanent(self, client: HttpClient, server: FakeServer) -> None:
        with pytest.raises(PermanentError, match=r"^url: HTTP 404"):
            lookup(client, server.url("/gone"))
        assert len(server.requests) == 1

    def test_server_error_is_transient(self, client: HttpClient, server: FakeServer) -> None:
        server.route("/flaky", (502, {}, b""))
        with pytest.raises(TransientError, match=r"^url: HTTP 502"):
            lookup(client, server.url("/flaky"))

    def test_oversized_page_is_cut(self, client: HttpClient, server: FakeServer) -> None:
        server.route("/huge", text_reply("<p>" + "x" * 300_000, content_type="text/html"))
        with pytest.raises(PermanentError, match="exceeds 200,000 bytes"):
            lookup(client, server.url("/huge"))


class UrlSsrfTests:
    def test_redirect_to_a_private_address_is_refused(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        server.route("/go", redirect_reply("http://10.0.0.1/admin"))
        with pytest.raises(BlockedURLError, match=r"10\.0\.0\.1 is a private address"):
            lookup(client, server.url("/go"))

    def test_redirect_to_another_local_port_is_refused(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        with FakeServer() as other:
            other.route("/secret", text_reply("internal"))
            server.route("/go", redirect_reply(other.url("/secret")))
            with pytest.raises(BlockedURLError, match="loopback"):
                lookup(client, server.url("/go"))
            assert other.requests == []

    def test_redirect_to_a_name_resolving_to_a_private_address_is_refused(
        self, server: FakeServer
    ) -> None:
        def resolver(host: str, port: int) -> Sequence[str]:
            return ["10.1.2.3"] if host == "intranet.example" else ["127.0.0.1"]

        server.route("/go", redirect_reply("http://intranet.example/wiki"))
        refused = r"intranet\.example resolves to 10\.1\.2\.3"
        with make_client(server, resolver) as client, pytest.raises(BlockedURLError, match=refused):
            lookup(client, server.url("/go"))

    @pytest.mark.parametrize(
        "url", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "http://169.254.169.254/latest"]
    )
    def test_refused_urls(self, client: HttpClient, url: str) -> None:
        with pytest.raises(BlockedURLError, match=r"^url: refused"):
            lookup(client, url)
