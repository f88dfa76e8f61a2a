"""HTML to a plain-text document with trafilatura, offline."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import NoReturn

import pytest

from sources.backends.html import Document, html_to_document

REPO = Path(__file__).resolve().parents[3]

PAGE = """<!DOCTYPE html>
<html><head>
<title>Cuba and China: 65 years &amp; counting - Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="date" content="2025-09-29">
<link rel="canonical" href="https://news.example.org/cuba-china">
</head><body>
<header><a href="/">Example News</a> <a href="/login">Log in</a></header>
<nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article>
<h1>Cuba and China: 65 years &amp; counting</h1>
<p>Cuba and the People's Republic of China established diplomatic relations on 28 September
1960. Cuba was the first country in the Western Hemisphere to do so.</p>
<p>In May 2025 Xi Jinping met Miguel Díaz-Canel in Beijing; both leaders praised "an
unbreakable friendship".</p>
<table><tr><th>Year</th><th>Event</th></tr><tr><td>1960</td><td>Relations established</td></tr>
</table>
<div class="comments"><p>Comment by troll99: first!!!</p></div>
</article></main>
<footer><p>© 2025 Example News · Privacy · Cookies</p></footer>
<script>window.tracker = function () { fetch("https://tracker.example.com/"); };</script>
</body></html>
"""


class HtmlToDocumentTests:
    def test_main_text_title_site_and_date(self) -> None:
        document = html_to_document(PAGE, "https://news.example.org/cuba-china")
        assert isinstance(document, Document)
        assert "established diplomatic relations on 28 September 1960." in document.text
        assert "Xi Jinping met Miguel Díaz-Canel in Beijing" in document.text
        assert '"an unbreakable friendship"' in document.text
        for noise in ("Log in", "Sport", "Privacy", "tracker", "window."):
            assert noise not in document.text
        assert document.title == "Cuba and China: 65 years & counting"
        assert document.publisher == "Example News"
        assert document.published == "2025-09-29"

    def test_comments_are_left_out(self) -> None:
        document = html_to_document(PAGE, "https://news.example.org/cuba-china")
        assert "troll99" not in document.text

    def test_text_has_no_runs_of_blank_lines(self) -> None:
        text = html_to_document(PAGE, "https://news.example.org/cuba-china").text
        assert "\n\n\n" not in text
        assert text == text.strip()

    def test_short_page_still_gives_its_text(self) -> None:
        html = "<html><body><p>Relations since 28 September 1960.</p></body></html>"
        document = html_to_document(html, "https://example.org/short")
        assert document.text == "Relations since 28 September 1960."
        assert document.published == ""

    def test_page_without_text(self) -> None:
        html = "<html><head><title>App &amp; shell</title></head><body><div id=app></div></body>"
        document = html_to_document(html, "https://example.org/app")
        assert document.text == ""
        assert document.title == "App & shell"

    def test_garbage_is_not_an_error(self) -> None:
        assert html_to_document("\x00\x01 not html at all <<<", "").text in (
            "",
            "not html at all <<<",
        )

    def test_no_network_is_used(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(*args: object, **kwargs: object) -> NoReturn:
            raise AssertionError("trafilatura tried to use the network")

        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket, "getaddrinfo", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)
        document = html_to_document(PAGE, "https://news.example.org/cuba-china")
        assert "28 September" in document.text

    def test_import_does_not_touch_the_network(self) -> None:
        script = textwrap.dedent(
            """
            import socket

            def refuse(*args, **kwargs):
                raise SystemExit("network used: %r" % (args,))

            socket.socket.connect = refuse
            socket.getaddrinfo = refuse
            socket.create_connection = refuse
            from sources.backends.html import html_to_document
            print(html_to_document("<p>Relations since 1960, said the statement.</p>", "").text)
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "Relations since 1960, said the statement."
