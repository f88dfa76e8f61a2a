"""The Fact Check Tools backend against a fake ``claims:search`` on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.backends.base import ClaimQuery, NotConfiguredError, PermanentError, TransientError
from sources.backends.factcheck import FactCheckBackend, parse_claims
from sources.backends.http import HttpClient
from tests.fakes.factcheck import PATH, FakeFactCheck, review, seed_claims
from tests.fakes.server import FakeRequest, FakeServer, Reply, json_reply, text_reply

KEY = "test-key-8f2c1d"
SEED_CLAIM = (
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China, in 1960."
)


def seed_query() -> ClaimQuery:
    return ClaimQuery(
        text=SEED_CLAIM,
        entities=(
            {"text": "Cuba", "label": "PLACE", "start": 0, "end": 4},
            {"text": "Western Hemisphere", "label": "PLACE", "start": 34, "end": 52},
            {"text": "China", "label": "PLACE", "start": 87, "end": 92},
        ),
        values=({"kind": "year", "text": "1960", "value": 1960, "start": 97, "end": 101},),
    )


@pytest.fixture
def fake(server: FakeServer) -> FakeFactCheck:
    fake = FakeFactCheck(seed_claims(), api_key=KEY)
    server.route(PATH, fake)
    return fake


def backend(client: HttpClient, server: FakeServer, key: str = KEY) -> FactCheckBackend:
    return FactCheckBackend(client, api_key=key, api_url=server.url(PATH), page_size=5)


class FactCheckBackendTests:
    def test_seed_claim_finds_earlier_fact_checks_of_1960(
        self, client: HttpClient, server: FakeServer, fake: FakeFactCheck
    ) -> None:
        first, second = backend(client, server).search(seed_query())

        assert first.url == "https://factcheck.example.org/2025/09/cuba-china-1960"
        assert first.title.startswith("Yes, Cuba recognised")
        assert first.publisher == "Example Fact Check"
        assert first.kind == "fact_check"
        assert first.published == "2025-09-30"
        assert first.rating == "True"
        assert first.text == ""
        assert first.passage == (
            'Claim (by Cuban Foreign Ministry, 2025-09-28): "Cuba was the first country in the '
            "Western Hemisphere to establish diplomatic relations with the People's Republic of "
            'China, in 1960." \u2014 rated "True" by Example Fact Check.'
        )
        assert first.extra["claimant"] == "Cuban Foreign Ministry"
        assert first.extra["review_date"] == "2025-09-30"
        assert first.extra["claim_text"].endswith("in 1960.")
        assert second.rating == "Mostly true"
        assert second.published == "2025-10-02"
        assert first.score > second.score

    def test_the_request_is_as_documented_and_the_key_is_not_in_the_url(
        self, client: HttpClient, server: FakeServer, fake: FakeFactCheck
    ) -> None:
        backend(client, server).search(seed_query())
        (request,) = server.requests
        assert request.method == "GET"
        assert request.param("query") == SEED_CLAIM
        assert request.param("languageCode") == "en"
        assert request.param("pageSize") == "5"
        assert request.headers["x-goog-api-key"] == KEY
        assert KEY not in request.raw_path
        assert fake.keys_in_url == []

    def test_no_result_tries_the_key_terms_then_gives_nothing(
        self, client: HttpClient, server: FakeServer, fake: FakeFactCheck
    ) -> None:
        query = ClaimQuery(
            text="Atlantis sank beneath the waves in a single day.",
            entities=({"text": "Atlantis", "label": "PLACE", "start": 0, "end": 8},),
        )
        assert backend(client, server).search(query) == []
        assert fake.queries == [query.text, "Atlantis beneath single waves"]
        assert [r.body for r in server.requests] == [b"", b""]

    def test_fallback_query_can_find_a_review(
        self, client: HttpClient, server: FakeServer, fake: FakeFactCheck
    ) -> None:
        query = ClaimQuery(
            text="In 2025, there was absolutely no official meeting whatsoever between Xi Jinping "
            "and Miguel Diaz-Canel.",
            entities=(
                {"text": "Xi Jinping", "label": "PERSON", "start": 69, "end": 79},
                {"text": "Miguel Diaz-Canel", "label": "PERSON", "start": 84, "end": 101},
            ),
            values=({"kind": "year", "text": "2025", "value": 2025, "start": 3, "end": 7},),
        )
        (candidate,) = backend(client, server).search(query)
        assert len(fake.queries) == 2
        assert candidate.rating == "False"
        assert candidate.passage.startswith('Claim (by social media posts, 2025-06-01): "Xi')

    def test_without_a_key_the_backend_is_not_configured(self, client: HttpClient) -> None:
        for key in ("", "   "):
            with pytest.raises(NotConfiguredError) as raised:
                FactCheckBackend(client, api_key=key)
            assert str(raised.value) == "factcheck: FACTCHECK_TOOLS_API_KEY is not set"

    def test_a_wrong_key_is_permanent_and_never_shown(
        self, client: HttpClient, server: FakeServer, fake: FakeFactCheck
    ) -> None:
        wrong = "wrong-key-5b7e"
        factcheck = backend(client, server, key=wrong)
        with pytest.raises(PermanentError) as raised:
            factcheck.search(seed_query())
        assert str(raised.value).startswith("factcheck: HTTP 400")
        assert wrong not in str(raised.value)
        assert wrong not in repr(factcheck)
        assert len(server.requests) == 1


class ParseClaimsTests:
    def test_empty_reply_means_no_results(self) -> None:
        assert parse_claims({}) == []

    def test_review_without_url_is_skipped_and_missing_fields_are_tolerated(self) -> None:
        payload = {
            "claims": [
                {
                    "text": "The moon is  made of cheese.",
                    "claimReview": [
                        {"publisher": {"site": "example.org"}, "textualRating": "Pants on Fire"},
                        review("https://example.org/moon", publisher="", site="example.org",
                               rating="", title=""),
                    ],
                }
            ]
        }  # fmt: skip
        (candidate,) = parse_claims(payload)
        assert candidate.url == "https://example.org/moon"
        assert candidate.publisher == "example.org"
        assert candidate.title == "The moon is made of cheese."
        assert candidate.passage == (
            'Claim: "The moon is made of cheese." \u2014 reviewed by example.org.'
        )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["claims", "text", "claimant", "claimDate", "claimReview", "url",
                         "publisher", "name", "site", "title", "reviewDate", "textualRating"]),
        inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


class ParseClaimsPropertyTests:
    @settings(max_examples=300, deadline=None)
    @given(JSON)
    def test_any_json_gives_candidates_or_a_permanent_error(self, payload: object) -> None:
        try:
            candidates = parse_claims(payload)
        except PermanentError as error:
            assert str(error).startswith("factcheck: unexpected payload")
        else:
            assert all(c.url.startswith(("http://", "https://")) for c in candidates)
            assert [c.score for c in candidates] == sorted(
                (c.score for c in candidates), reverse=True
            )


class FactCheckFailureTests:
    def test_429_with_retry_after_then_success(
        self, client: HttpClient, server: FakeServer, fake: FakeFactCheck
    ) -> None:
        def handler(request: FakeRequest) -> Reply:
            if len(server.requests) == 1:
                return (
                    429,
                    {"Retry-After": "1", "Content-Type": "application/json"},
                    (
                        b'{"error": {"code": 429, "message": "Quota exceeded", '
                        b'"status": "RESOURCE_EXHAUSTED"}}'
                    ),
                )
            return fake(request)

        server.route(PATH, handler)
        assert len(backend(client, server).search(seed_query())) == 2
        first, second = server.requests
        assert second.received_at - first.received_at >= 0.9

    def test_429_whose_retry_after_exceeds_the_deadline_gives_up_at_once(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        server.route(PATH, (429, {"Retry-After": "3600"}, b""))
        with pytest.raises(TransientError, match="Retry-After 3600"):
            backend(client, server).search(seed_query())
        assert len(server.requests) == 1

    def test_5xx_is_transient_after_retries(self, client: HttpClient, server: FakeServer) -> None:
        server.route(PATH, (503, {}, b""))
        with pytest.raises(TransientError, match=r"^factcheck: HTTP 503 .*after 3 attempts"):
            backend(client, server).search(seed_query())
        assert len(server.requests) == 3

    def test_malformed_json_is_permanent(self, client: HttpClient, server: FakeServer) -> None:
        server.route(PATH, text_reply('{"claims": [}', content_type="application/json"))
        with pytest.raises(PermanentError, match=r"^factcheck: malformed JSON"):
            backend(client, server).search(seed_query())

    def test_timeout_is_transient(self, client: HttpClient, server: FakeServer) -> None:
        def slow(request: FakeRequest) -> Reply:
            time.sleep(1.5)
            return json_reply({})

        server.route(PATH, slow)
        with pytest.raises(TransientError, match=r"^factcheck: no response"):
            backend(client, server).search(seed_query())
        assert len(server.requests) == 3

    @pytest.mark.parametrize(
        "payload",
        [
            [],
            {"claims": {"text": "x"}},
            {"claims": ["x"]},
            {"claims": [{"text": "x", "claimReview": {"url": "https://example.org"}}]},
            {"claims": [{"text": "x", "claimReview": ["https://example.org"]}]},
        ],
    )
    def test_unexpected_payload_is_permanent(
        self, client: HttpClient, server: FakeServer, payload: object
    ) -> None:
        server.route(PATH, json_reply(payload))
        with pytest.raises(PermanentError, match=r"^factcheck: unexpected payload"):
            backend(client, server).search(seed_query())
