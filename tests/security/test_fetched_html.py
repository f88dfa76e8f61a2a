"""Fetched HTML is never rendered as HTML: an article fetched from a page full of markup and
script ends with plain text in its body (no tags), shown escaped on the article page and returned
as text by the API."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Article
from claims.services import article_ingest_url
from tests.fakes.server import public_web

pytestmark = pytest.mark.django_db

PAGE = b"""<!doctype html><html><head><title>Minister visits Havana</title>
<script>window.__xss = 1; document.write('<b>owned</b>')</script>
<meta property="article:published_time" content="2025-09-28"></head>
<body><nav>Home | World</nav><article><h1>Minister visits Havana</h1>
<p>The minister arrived in Havana on Monday for talks that began in 1960, officials said.</p>
<p>Officials said <img src=x onerror="window.__xss=2">the talks covered trade and the 12 ports
<iframe src="javascript:window.__xss=3"></iframe>of the island.</p>
<p>A reader wrote &lt;script&gt;alert(4)&lt;/script&gt; in the comments, which the paper quoted.</p>
<p onclick="window.__xss=5">Trade between the two countries rose by 40 percent in 2024.</p>
<svg><script>window.__xss=6</script></svg><style>p{}</style>
</article><footer>Copyright Example Herald</footer></body></html>"""
TAG = re.compile(r"<\s*/?\s*(script|img|iframe|svg|style|p|b)\b", re.IGNORECASE)
ACTIVE = ("<script", "onerror=", "<iframe", "javascript:", "onclick=", "window.__xss")


@pytest.fixture
def article(team, editor, django_capture_on_commit_callbacks) -> Iterator[Article]:
    cache.clear()
    with public_web() as server:
        server.route("/story", lambda request: (200, {"Content-Type": "text/html"}, PAGE))
        with django_capture_on_commit_callbacks(execute=True):
            result = article_ingest_url(team=team, url=server.url("/story"), created_by=editor)
        article = result.article
        article.refresh_from_db()
        yield article
    cache.clear()


def test_the_body_is_text_without_tags(article):
    assert article.extraction_status == Article.ExtractionStatus.DONE, article.extraction_error
    assert "The minister arrived in Havana" in article.body
    assert "Trade between the two countries rose by 40 percent" in article.body
    assert TAG.search(article.body.replace("<script>alert(4)</script>", "")) is None
    for active in ("onerror", "javascript:", "onclick", "window.__xss", "<iframe", "<img"):
        assert active not in article.body
    # Text that merely talks about a tag stays, as text.
    assert "<script>alert(4)</script>" in article.body
    assert article.claims.exists()
    for claim in article.claims.all():
        assert article.body[claim.start : claim.end] == claim.sentence


def test_the_article_page_shows_it_escaped(article, editor):
    client = Client()
    client.force_login(editor)
    page = client.get(f"/articles/{article.code}/").content.decode()
    main = page.split("<main", 1)[1]
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in main
    for active in ACTIVE:
        assert active not in main, active


def test_the_api_returns_text(article, editor):
    client = APIClient()
    client.force_login(editor)
    data = client.get(f"/api/v1/articles/{article.code}/").json()
    assert data["body"] == article.body
    assert "onerror" not in data["body"] and "<iframe" not in data["body"]
    claims = client.get(f"/api/v1/claims/?article={article.code}")
    assert claims.status_code == 200 and claims.json()["results"]
    for active in ACTIVE[1:]:
        assert active not in claims.content.decode()
