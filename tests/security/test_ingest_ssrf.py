"""The SSRF suite of the lookups, run against the URL ingest path: an article from a link, through
the service, the web form (/articles/new/) and the API (POST /api/v1/articles/ with url).

Links to private or loopback addresses (in every spelling: names, IPv6, decimal, octal and hex
forms), non-http schemes and garbage are refused at once with a clear message, nothing is saved
and nothing is fetched; a public page that redirects into the private network fails the article
with the reason, and the private target gets no request.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Article
from claims.services import article_ingest_url
from tests.claims.services.test_article_fetch import PRIVATE_URLS
from tests.fakes.server import FakeServer, public_web, redirect_reply, text_reply

pytestmark = pytest.mark.django_db

# The lookups' list (tests/claims/services/test_article_fetch.py, the same as
# tests/sources/services/test_lookups.py) plus the other spellings of a private address.
OTHER_SPELLINGS = [
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0177.0.0.1/",  # octal
    "http://0x7f.0.0.1/",  # hex
    "http://0x7f000001/",
    "http://127.1/",  # short form
    "http://0/",
    "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::]/",
    "http://LOCALHOST/",
    "http://localhost./",
    "http://api.localhost/",
    "http://10.1.2.3:8080/internal",
    "http://192.168.0.1/",
    "http://172.16.5.4/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://169.254.169.254/latest/meta-data/iam/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://user:pw@127.0.0.1/",
    "https://127.0.0.1:443/",
    "ftp://example.org/article.txt",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//127.0.0.1/",
    "",
]
REFUSED = PRIVATE_URLS + OTHER_SPELLINGS


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def internal() -> Iterator[FakeServer]:
    """A server inside the private network: the SSRF guard must never let a request reach it."""
    with FakeServer() as server:
        server.route("/secret", text_reply("the internal admin page " * 20))
        yield server


@pytest.fixture
def web(internal) -> Iterator[FakeServer]:
    """The public web: a local server the guard lets through (the internal one is not listed)."""
    with public_web() as server:
        yield server


def refused_links(internal: FakeServer) -> list[str]:
    return [
        *REFUSED,
        internal.url("/secret"),
        internal.url("/secret").replace("127.0.0.1", "localhost"),
    ]


class ServiceTests:
    @pytest.mark.parametrize("url", REFUSED)
    def test_refused_at_once_and_nothing_saved(self, team, editor, url, internal):
        with pytest.raises(ValidationError) as caught:
            article_ingest_url(team=team, url=url, created_by=editor)
        assert caught.value.messages and all(m.strip() for m in caught.value.messages)
        assert not Article.objects.exists()

    def test_the_internal_server_itself_is_refused_and_gets_no_request(
        self, team, editor, internal
    ):
        for url in (
            internal.url("/secret"),
            internal.url("/secret").replace("127.0.0.1", "localhost"),
        ):
            with pytest.raises(ValidationError, match="loopback"):
                article_ingest_url(team=team, url=url, created_by=editor)
        assert internal.requests == []
        assert not Article.objects.exists()


class WebFormTests:
    @pytest.mark.parametrize("url", [u for u in REFUSED if u])
    def test_the_form_refuses_with_the_reason(self, team, editor, url, internal):
        client = Client()
        client.force_login(editor)
        response = client.post("/articles/new/", {"url": url, "text": ""})
        assert response.status_code == 400
        page = response.content.decode()
        assert 'role="alert"' in page or "errorlist" in page
        assert not Article.objects.exists()
        assert internal.requests == []

    def test_the_internal_server_by_link_is_refused(self, team, editor, internal):
        client = Client()
        client.force_login(editor)
        response = client.post("/articles/new/", {"url": internal.url("/secret")})
        assert response.status_code == 400
        assert "loopback" in response.content.decode()
        assert internal.requests == [] and not Article.objects.exists()


class ApiTests:
    @pytest.mark.parametrize("url", REFUSED)
    def test_the_api_refuses_with_a_clear_400(self, team, editor, url, internal):
        client = APIClient()
        client.force_login(editor)
        response = client.post("/api/v1/articles/", {"url": url}, format="json")
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["detail"]
        assert body["code"] in {"url_refused", "invalid", "blank"}
        assert not Article.objects.exists()
        assert internal.requests == []


class RedirectTests:
    @pytest.mark.parametrize(
        "target",
        [
            "http://10.0.0.1/internal",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://2130706433/",
            "file:///etc/passwd",
            "INTERNAL",  # the internal fake server, by loopback address
        ],
    )
    def test_a_redirect_into_the_private_network_fails_the_article(
        self, team, editor, web, internal, target, django_capture_on_commit_callbacks
    ):
        location = internal.url("/secret") if target == "INTERNAL" else target
        web.route("/moved", redirect_reply(location))
        with django_capture_on_commit_callbacks(execute=True):
            article = article_ingest_url(
                team=team, url=web.url("/moved"), created_by=editor
            ).article
        article.refresh_from_db()
        assert article.extraction_status == Article.ExtractionStatus.FAILED
        assert "refused" in article.extraction_error or "not http" in article.extraction_error
        assert article.body == ""
        assert [r.path for r in web.requests] == ["/moved"]
        assert internal.requests == []

    def test_the_same_redirect_through_the_api(
        self, team, editor, web, internal, django_capture_on_commit_callbacks
    ):
        web.route("/moved", redirect_reply(internal.url("/secret")))
        client = APIClient()
        client.force_login(editor)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/articles/", {"url": web.url("/moved")}, format="json")
        assert response.status_code == 202
        data = client.get(f"/api/v1/articles/{response.json()['id']}/").json()
        assert data["extraction_status"] == "failed"
        assert "loopback" in data["extraction_error"]
        assert internal.requests == []
