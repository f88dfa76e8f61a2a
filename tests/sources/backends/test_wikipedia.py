"""The Wikipedia backend against a fake MediaWiki action API on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from claims.extraction import extract_claims
from sources.backends.base import ClaimQuery, PermanentError, TransientError
from sources.backends.http import HttpClient
from sources.backends.wikipedia import WikipediaBackend, search_queries
from tests.fakes.server import FakeRequest, FakeServer, Reply, json_reply, text_reply
from tests.fakes.wikimedia import FakeWikipedia, WikiPage, mediawiki_error, seed_wikipedia

API = "/w/api.php"
SEED_CLAIM = (
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China, in 1960."
)


def seed_query() -> ClaimQuery:
    """The seed claim as the extractor sees it (entities and values)."""
    return ClaimQuery(
        text=SEED_CLAIM,
        entities=(
            {"text": "Cuba", "label": "PLACE", "start": 0, "end": 4},
            {"text": "Western Hemisphere", "label": "PLACE", "start": 34, "end": 52},
            {"text": "China", "label": "PLACE", "start": 87, "end": 92},
        ),
        values=(
            {"kind": "ordinal", "text": "first", "value": 1, "start": 13, "end": 18},
            {"kind": "year", "text": "1960", "value": 1960, "start": 97, "end": 101},
        ),
    )


@pytest.fixture
def wiki(server: FakeServer) -> FakeWikipedia:
    wiki = seed_wikipedia()
    server.route(API, wiki)
    return wiki


def backend(client: HttpClient, server: FakeServer, **options: Any) -> WikipediaBackend:
    return WikipediaBackend(client, api_url=server.url(API), **options)


def failing_first(times: int, reply: Reply, then: FakeWikipedia) -> Callable[[FakeRequest], Reply]:
    """A handler answering ``reply`` to the first ``times`` requests, then like ``then``."""
    seen: list[int] = []

    def handler(request: FakeRequest) -> Reply:
        seen.append(1)
        return reply if len(seen) <= times else then(request)

    return handler


class SearchQueriesTests:
    def test_entities_key_words_and_years_first_then_entities(self) -> None:
        first, fallback = search_queries(seed_query())
        assert first.split()[:4] == ["Cuba", "Western", "Hemisphere", "China"]
        assert "1960" in first.split()
        assert {"diplomatic", "ties"} <= set(first.split())
        # Not the raw sentence: no stop words, no ordinal, no generic "country".
        assert not {"was", "the", "first", "country", "in"} & set(first.split())
        assert fallback == "Cuba Western Hemisphere China"

    def test_people_and_months_give_names_and_year(self) -> None:
        query = ClaimQuery(
            text="Xi Jinping met Miguel Diaz-Canel in Beijing in May 2025.",
            entities=(
                {"text": "Xi Jinping", "label": "PERSON", "start": 0, "end": 10},
                {"text": "Miguel Diaz-Canel", "label": "PERSON", "start": 15, "end": 32},
                {"text": "Beijing", "label": "PLACE", "start": 36, "end": 43},
            ),
            values=(
                {"kind": "month", "text": "May 2025", "value": {"month": 5, "year": 2025},
                 "start": 47, "end": 55},
            ),
        )  # fmt: skip
        first = search_queries(query)[0]
        assert first.startswith("Xi Jinping Miguel Diaz-Canel Beijing")
        assert first.endswith("2025")

    def test_claim_without_entities_uses_its_key_words(self) -> None:
        queries = search_queries(ClaimQuery(text="Vaccines cause autism in children."))
        assert queries[0].split() == ["Vaccines", "children", "autism"]  # three longest
        assert queries[1] == "Vaccines children"

    def test_search_syntax_is_dropped(self) -> None:
        query = ClaimQuery(
            text='The "intitle:Cuba" ministry praised -reforms.',
            entities=({"text": '"intitle:Cuba"', "label": "ORG", "start": 4, "end": 18},),
        )
        assert search_queries(query)[0] == "intitle Cuba ministry praised reforms"

    def test_possessives_of_entities_are_not_key_words(self) -> None:
        query = ClaimQuery(
            text="Cuba's reforms.",
            entities=({"text": "Cuba", "label": "PLACE", "start": 0, "end": 4},),
        )
        assert search_queries(query)[0] == "Cuba reforms"

    def test_empty_claim_gives_no_query(self) -> None:
        assert search_queries(ClaimQuery(text="  ")) == []


class WikipediaBackendTests:
    def test_seed_claim_finds_the_1960_relations_as_whole_documents(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        candidates = backend(client, server).search(seed_query())

        top = candidates[0]
        assert top.title == "China\u2013Cuba relations"
        assert top.url == "https://en.wikipedia.org/wiki/China\u2013Cuba_relations"
        assert "established diplomatic relations on 28 September 1960" in top.text
        assert "21st century" in top.text  # the whole article, not the lead
        assert top.passage == ""
        assert top.publisher == "Wikipedia"
        assert top.kind == "encyclopedia"
        assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
        assert wiki.warnings == []
        searches = [r for r in server.requests if r.param("list") == "search"]
        extracts = [r for r in server.requests if r.param("prop")]
        assert len(searches) == 1
        assert searches[0].param("srsearch") == search_queries(seed_query())[0]
        # One page per extracts request, as TextExtracts returns whole text for one page only.
        assert [len(r.param("titles").split("|")) for r in extracts] == [1] * len(candidates)
        for request in server.requests:
            assert request.param("format") == "json"
            assert request.param("formatversion") == "2"
            assert "FactCheckWorkbench-tests" in request.headers["user-agent"]

    def test_seed_claim_via_the_real_extractor(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        (claim,) = extract_claims(SEED_CLAIM)
        query = ClaimQuery(
            text=claim.text,
            entities=tuple(e.to_dict() for e in claim.entities),
            values=tuple(v.to_dict() for v in claim.values),
        )
        candidates = backend(client, server).search(query)
        assert any("28 September 1960" in c.text for c in candidates)

    def test_falls_back_to_entities_when_the_first_query_finds_nothing(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        query = ClaimQuery(
            text="Cuba and China signed the zorblax accord.",
            entities=(
                {"text": "Cuba", "label": "PLACE", "start": 0, "end": 4},
                {"text": "China", "label": "PLACE", "start": 9, "end": 14},
            ),
        )
        candidates = backend(client, server).search(query)
        assert wiki.searches == ["Cuba China zorblax signed accord", "Cuba China"]
        assert candidates and candidates[0].title in {"China\u2013Cuba relations", "Cuba"}

    def test_no_results_returns_nothing_and_fetches_no_page(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        query = ClaimQuery(
            text="Atlantis sank in 9600 BC.",
            entities=({"text": "Atlantis", "label": "PLACE", "start": 0, "end": 8},),
        )
        assert backend(client, server).search(query) == []
        assert len(wiki.searches) == 2
        assert not [r for r in server.requests if r.param("prop")]

    def test_limits_pages_fetched(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        query = ClaimQuery(
            text="Cuba.", entities=({"text": "Cuba", "label": "PLACE", "start": 0, "end": 4},)
        )
        candidates = backend(client, server, extract_pages=1).search(query)
        assert len(candidates) == 1
        assert server.requests[0].param("srlimit") == "5"
        assert len([r for r in server.requests if r.param("prop")]) == 1

    def test_a_page_deleted_since_indexing_is_skipped(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        wiki.deleted.add("China\u2013Cuba relations")
        candidates = backend(client, server).search(seed_query())
        assert "China\u2013Cuba relations" not in [c.title for c in candidates]

    def test_language_edition_is_configurable(self, client: HttpClient, server: FakeServer) -> None:
        wiki = FakeWikipedia([WikiPage("Cuba", "Cuba est un pays des Caraïbes depuis 1902.")],
                             lang="fr")  # fmt: skip
        server.route("/fr/w/api.php", wiki)
        wikipedia = WikipediaBackend(client, language="fr", api_url=server.url("/{lang}/w/api.php"))
        query = ClaimQuery(
            text="Cuba.", entities=({"text": "Cuba", "label": "PLACE", "start": 0, "end": 4},)
        )
        (candidate,) = wikipedia.search(query)
        assert candidate.url == "https://fr.wikipedia.org/wiki/Cuba"
        assert candidate.extra["language"] == "fr"
        assert all(r.path == "/fr/w/api.php" for r in server.requests)

    def test_bad_language_code_is_refused(self, client: HttpClient) -> None:
        with pytest.raises(ValueError, match="language"):
            WikipediaBackend(client, language="en.evil.example/")


class WikipediaFailureTests:
    def test_api_error_object_is_permanent_with_its_code(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        server.route(API, mediawiki_error("badvalue", 'Unrecognized value for "srwhat".'))
        with pytest.raises(PermanentError, match=r"^wikipedia: API error badvalue: Unrecog"):
            backend(client, server).search(seed_query())
        assert len(server.requests) == 1

    def test_maxlag_error_is_transient(self, client: HttpClient, server: FakeServer) -> None:
        server.route(API, mediawiki_error("maxlag", "Waiting for 10.64.0.1: 6 seconds lagged."))
        with pytest.raises(TransientError, match="maxlag"):
            backend(client, server).search(seed_query())

    def test_fake_rejects_a_wrong_call(self, client: HttpClient, server: FakeServer) -> None:
        server.route(API, seed_wikipedia())
        payload = client.get_json(
            server.url(API), params={"action": "query", "format": "xml"}, backend="wikipedia"
        )
        assert payload["error"]["code"] == "badvalue"

    def test_429_with_retry_after_is_waited_for(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        server.route(API, failing_first(1, (429, {"Retry-After": "1"}, b"slow down"), wiki))
        candidates = backend(client, server).search(seed_query())
        assert candidates
        first, second = server.requests[:2]
        assert first.param("srsearch") == second.param("srsearch")
        assert second.received_at - first.received_at >= 0.9  # Retry-After honoured

    def test_5xx_is_retried_then_transient(self, client: HttpClient, server: FakeServer) -> None:
        server.route(API, (503, {"Content-Type": "text/html"}, b"<h1>Service Unavailable</h1>"))
        with pytest.raises(TransientError, match=r"^wikipedia: HTTP 503 .*after 3 attempts"):
            backend(client, server).search(seed_query())
        assert len(server.requests) == 3

    def test_5xx_then_success(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        server.route(API, failing_first(2, (502, {}, b"bad gateway"), wiki))
        assert backend(client, server).search(seed_query())

    def test_malformed_json_is_permanent(self, client: HttpClient, server: FakeServer) -> None:
        server.route(API, text_reply('{"query": {"search": [', content_type="application/json"))
        with pytest.raises(PermanentError, match=r"^wikipedia: malformed JSON from 127\.0\.0\.1"):
            backend(client, server).search(seed_query())
        assert len(server.requests) == 1

    def test_timeout_is_transient_and_bounded(self, client: HttpClient, server: FakeServer) -> None:
        def slow(request: FakeRequest) -> Reply:
            time.sleep(1.5)
            return json_reply({"batchcomplete": True, "query": {"search": []}})

        server.route(API, slow)
        started = time.monotonic()
        with pytest.raises(TransientError, match=r"^wikipedia: no response from 127\.0\.0\.1"):
            backend(client, server).search(seed_query())
        assert time.monotonic() - started < 10  # well before any socket default
        assert len(server.requests) == 3

    @pytest.mark.parametrize(
        "payload",
        [
            [],
            {"query": {"search": "Cuba"}},
            {"query": {"search": [{"ns": 0, "pageid": 1}]}},
            {"query": []},
        ],
    )
    def test_unexpected_search_payload_is_permanent(
        self, client: HttpClient, server: FakeServer, payload: object
    ) -> None:
        server.route(API, json_reply(payload))
        with pytest.raises(PermanentError, match=r"^wikipedia: unexpected payload"):
            backend(client, server).search(seed_query())

    def test_page_without_extract_is_permanent(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        def handler(request: FakeRequest) -> Reply:
            if request.param("prop"):
                return json_reply({"query": {"pages": [{"pageid": 1, "ns": 0, "title": "X"}]}})
            return wiki(request)

        server.route(API, handler)
        with pytest.raises(PermanentError, match="page without extract"):
            backend(client, server).search(seed_query())

    def test_warnings_do_not_fail_the_lookup(
        self, client: HttpClient, server: FakeServer, wiki: FakeWikipedia
    ) -> None:
        def handler(request: FakeRequest) -> Reply:
            _status, _headers, body = wiki(request)
            assert isinstance(body, bytes)
            data = json.loads(body)
            data["warnings"] = {"main": {"warnings": "Unrecognized parameter: foo."}}
            return json_reply(data)

        server.route(API, handler)
        assert backend(client, server).search(seed_query())


# --- concurrency: the extracts of the top pages go out together --------------------------------

DELAY = 0.3
ZEMBLA = ClaimQuery(
    text="Zembla.", entities=({"text": "Zembla", "label": "PLACE", "start": 0, "end": 6},)
)


def zembla_wiki() -> FakeWikipedia:
    """Four pages that all match "Zembla", ranked by how often they say it (4, 3, 2, 1)."""
    return FakeWikipedia(
        [
            WikiPage(f"Zembla {n}", " ".join(["Zembla"] * (5 - n)) + f" is fact number {n}.")
            for n in range(1, 5)
        ]
    )


def extract_requests(server: FakeServer) -> list[FakeRequest]:
    return [r for r in server.requests if r.param("prop")]


class WikipediaConcurrencyTests:
    def test_the_extract_requests_overlap_after_the_search(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        server.route(API, zembla_wiki())
        server.delay = DELAY
        candidates = backend(client, server).search(ZEMBLA)

        assert [c.title for c in candidates] == ["Zembla 1", "Zembla 2", "Zembla 3"]
        (search,) = [r for r in server.requests if r.param("list") == "search"]
        extracts = extract_requests(server)
        assert sorted(r.param("titles") for r in extracts) == ["Zembla 1", "Zembla 2", "Zembla 3"]
        arrivals = [r.received_at for r in extracts]
        # All three arrived while the first was still being answered (one each 0.3 s if serial)...
        assert max(arrivals) - min(arrivals) < DELAY / 2
        # ...and only once the search they depend on had been answered.
        assert min(arrivals) - search.received_at >= DELAY * 0.9

    def test_parallel_one_fetches_one_page_after_another_with_the_same_result(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        server.route(API, zembla_wiki())
        together = backend(client, server).search(ZEMBLA)
        server.delay = DELAY
        server.clear()

        one_by_one = backend(client, server, parallel=1).search(ZEMBLA)

        assert one_by_one == together
        extracts = extract_requests(server)
        assert [r.param("titles") for r in extracts] == ["Zembla 1", "Zembla 2", "Zembla 3"]
        for before, after in pairwise(extracts):
            assert after.received_at - before.received_at >= DELAY * 0.9

    def test_results_keep_the_search_order_when_later_pages_answer_first(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        wiki = zembla_wiki()
        answered: list[str] = []
        slowness = {"Zembla 1": 0.4, "Zembla 2": 0.2, "Zembla 3": 0.0}

        def handler(request: FakeRequest) -> Reply:
            title = request.param("titles")
            if title:
                time.sleep(slowness[title])
                answered.append(title)
            return wiki(request)

        server.route(API, handler)
        candidates = backend(client, server).search(ZEMBLA)

        assert answered == ["Zembla 3", "Zembla 2", "Zembla 1"]
        assert [c.title for c in candidates] == ["Zembla 1", "Zembla 2", "Zembla 3"]
        assert [c.extra["rank"] for c in candidates] == [1, 2, 3]
        assert [c.score for c in candidates] == [1.0, 0.5, 1.0 / 3]

    def test_an_error_of_one_extract_surfaces_as_its_backend_error(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        wiki = zembla_wiki()

        def handler(request: FakeRequest) -> Reply:
            if request.param("titles") == "Zembla 2":
                return 503, {"Content-Type": "text/html"}, b"<h1>Service Unavailable</h1>"
            return wiki(request)

        server.route(API, handler)
        with pytest.raises(TransientError, match=r"^wikipedia: HTTP 503 .*after 3 attempts"):
            backend(client, server).search(ZEMBLA)
        assert [r.param("titles") for r in extract_requests(server)].count("Zembla 2") == 3

    def test_the_first_page_in_rank_order_decides_which_error_is_raised(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        """Page 2 fails slowly and permanently, page 3 at once and transiently: the lookup
        fails as the one-by-one loop would have, with page 2's error."""
        wiki = zembla_wiki()

        def handler(request: FakeRequest) -> Reply:
            title = request.param("titles")
            if title == "Zembla 2":
                time.sleep(DELAY)
                return mediawiki_error("badvalue", "Page 2 went wrong.")
            if title == "Zembla 3":
                return mediawiki_error("maxlag", "Waiting for a replica: 6 seconds lagged.")
            return wiki(request)

        server.route(API, handler)
        with pytest.raises(PermanentError, match=r"^wikipedia: API error badvalue: Page 2"):
            backend(client, server).search(ZEMBLA)
        # Page 3's error came back first: all three extracts were in flight together.
        assert len(extract_requests(server)) == 3
