"""The Wikidata backend against a fake Wikibase API on 127.0.0.1."""

from __future__ import annotations

import time
from collections import Counter
from itertools import pairwise
from typing import Any

import pytest

from sources.backends.base import ClaimQuery, PermanentError, TransientError
from sources.backends.http import HttpClient
from sources.backends.wikidata import WikidataBackend, format_time
from tests.fakes.server import FakeRequest, FakeServer, Reply, json_reply, text_reply
from tests.fakes.wikimedia import (
    FakeWikidata,
    WikidataItem,
    item_value,
    mediawiki_error,
    seed_wikidata,
    statement,
    time_value,
)

API = "/w/api.php"
RELATIONS_1960 = (
    "Cuba: diplomatic relation with People's Republic of China, start time 28 September 1960"
)


def place(text: str, start: int) -> dict[str, object]:
    return {"text": text, "label": "PLACE", "start": start, "end": start + len(text)}


def seed_query() -> ClaimQuery:
    return ClaimQuery(
        text="Cuba was the first country in the Western Hemisphere to establish diplomatic ties "
        "with China, in 1960.",
        entities=(place("Cuba", 0), place("Western Hemisphere", 34), place("China", 87)),
        values=(
            {"kind": "ordinal", "text": "first", "value": 1, "start": 13, "end": 18},
            {"kind": "year", "text": "1960", "value": 1960, "start": 97, "end": 101},
        ),
    )


@pytest.fixture
def wikidata(server: FakeServer) -> FakeWikidata:
    fake = seed_wikidata()
    server.route(API, fake)
    return fake


def backend(client: HttpClient, server: FakeServer, **options: Any) -> WikidataBackend:
    return WikidataBackend(client, api_url=server.url(API), **options)


def _attempts_per_search(server: FakeServer) -> dict[str, int]:
    """How many times each name was searched for (retries included)."""
    return dict(Counter(r.param("search") for r in server.requests))


class FormatTimeTests:
    @pytest.mark.parametrize(
        ("time_text", "precision", "text", "iso"),
        [
            ("+1960-09-28T00:00:00Z", 11, "28 September 1960", "1960-09-28"),
            ("+1960-09-00T00:00:00Z", 10, "September 1960", "1960-09"),
            ("+1960-00-00T00:00:00Z", 9, "1960", "1960"),
            ("+1964-00-00T00:00:00Z", 8, "1960s", "1964"),
            ("+1901-00-00T00:00:00Z", 7, "20th century", "1901"),
            ("+2000-00-00T00:00:00Z", 7, "20th century", "2000"),
            ("+1500-00-00T00:00:00Z", 6, "2nd millennium", "1500"),
            ("-0044-03-15T00:00:00Z", 11, "15 March 44 BC", "-0044-03-15"),
        ],
    )
    def test_renders_by_precision(
        self, time_text: str, precision: int, text: str, iso: str
    ) -> None:
        rendered = format_time({"time": time_text, "precision": precision})
        assert rendered is not None
        assert (rendered.text, rendered.iso) == (text, iso)

    def test_year_is_signed(self) -> None:
        rendered = format_time({"time": "-0044-03-15T00:00:00Z", "precision": 9})
        assert rendered is not None and rendered.year == -44

    @pytest.mark.parametrize("value", [None, "1960", {"time": "1960-09-28"}, {"precision": 11}])
    def test_not_a_time_value(self, value: object) -> None:
        assert format_time(value) is None


class WikidataBackendTests:
    def test_seed_claim_finds_the_1960_relations(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        candidates = backend(client, server).search(seed_query())

        passages = [c.passage for c in candidates]
        assert passages[0] == RELATIONS_1960 or passages[1] == RELATIONS_1960
        cuba = next(c for c in candidates if c.passage == RELATIONS_1960)
        assert cuba.url == "https://www.wikidata.org/wiki/Q241#P530"
        assert cuba.publisher == "Wikidata"
        assert cuba.kind == "dataset"
        assert cuba.text == ""
        assert cuba.extra["value_id"] == "Q148"
        assert cuba.extra["dates"] == {"P580": "1960-09-28"}
        assert (
            "People's Republic of China: diplomatic relation with Cuba, start time "
            "28 September 1960"
        ) in passages
        # Statements that touch neither China nor 1960 are left out.
        assert not [p for p in passages if "United States" in p or "population" in p]
        assert not [p for p in passages if "inception" in p or "head of state" in p]
        assert wikidata.warnings == []

    def test_requests_searches_then_entities_then_labels(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        backend(client, server).search(seed_query())
        actions = [r.param("action") for r in server.requests]
        # Cuba and China came with their labels and P530/P580 are known: no label request.
        assert actions == ["wbsearchentities"] * 3 + ["wbgetentities"]
        # The searches go out together, so they may arrive in any order.
        assert sorted(wikidata.searched) == ["China", "Cuba", "Western Hemisphere"]
        search = server.requests[0]
        assert (search.param("type"), search.param("language"), search.param("format")) == (
            "item",
            "en",
            "json",
        )
        entities = server.requests[3]
        assert entities.param("ids") == "Q241|Q11|Q148"
        assert set(entities.param("props").split("|")) == {"labels", "descriptions", "claims"}

    def test_offices_with_dates(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        query = ClaimQuery(
            text="Miguel Diaz-Canel has been President of Cuba since 2019.",
            entities=(
                {"text": "Miguel Diaz-Canel", "label": "PERSON", "start": 0, "end": 17},
                {"text": "President", "label": "OFFICE", "start": 27, "end": 36},
                place("Cuba", 40),
            ),
            values=({"kind": "year", "text": "2019", "value": 2019, "start": 51, "end": 55},),
        )
        passages = [c.passage for c in backend(client, server).search(query)]
        assert (
            "Miguel Díaz-Canel: position held President of Cuba, start time 10 October 2019"
            in passages
        )
        assert "Cuba: head of state Miguel Díaz-Canel, start time 10 October 2019" in passages
        assert not [p for p in passages if "date of birth" in p]
        # The office's label was asked for, with labels only.
        labels = server.requests[-1]
        assert labels.param("props") == "labels"
        assert "Q1138624" in labels.param("ids").split("|")

    def test_date_of_birth(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        query = ClaimQuery(
            text="Xi Jinping was born on 15 June 1953.",
            entities=({"text": "Xi Jinping", "label": "PERSON", "start": 0, "end": 10},),
            values=(
                {"kind": "date", "text": "15 June 1953", "value": "1953-06-15", "start": 23,
                 "end": 35},
            ),
        )  # fmt: skip
        (candidate,) = backend(client, server).search(query)
        assert candidate.passage == "Xi Jinping: date of birth 15 June 1953"
        assert candidate.url == "https://www.wikidata.org/wiki/Q15031#P569"

    def test_labels_are_fetched_in_batches_of_50(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        partners = [WikidataItem(f"Q{1000 + n}", f"Country {n}") for n in range(60)]
        hub = WikidataItem(
            "Q999",
            "Hubland",
            statements=[
                statement("Q999", "P530", item_value(p.id),
                          qualifiers={"P580": time_value("+1960-01-01T00:00:00Z")})
                for p in partners
            ],
        )  # fmt: skip
        fake = FakeWikidata([hub, *partners])
        server.route(API, fake)
        query = ClaimQuery(
            text="Hubland had relations with many countries in 1960.",
            entities=(place("Hubland", 0),),
            values=({"kind": "year", "text": "1960", "value": 1960, "start": 46, "end": 50},),
        )
        candidates = backend(client, server, max_statements=60).search(query)
        assert len(candidates) == 60
        # The subject first; then the two label batches, which go out together.
        assert [len(ids) for ids in fake.fetched[:1]] == [1]
        assert sorted(len(ids) for ids in fake.fetched[1:]) == [10, 50]
        assert candidates[59].passage.startswith("Hubland: diplomatic relation with Country ")

    def test_claim_without_entities_makes_no_request(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        assert backend(client, server).search(ClaimQuery(text="It rained a lot in 1960.")) == []
        assert server.requests == []

    def test_unknown_entities_give_nothing(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        query = ClaimQuery(text="Atlantis sank.", entities=(place("Atlantis", 0),))
        assert backend(client, server).search(query) == []
        assert [r.param("action") for r in server.requests] == ["wbsearchentities"]

    def test_missing_and_deprecated_are_skipped(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        item = WikidataItem(
            "Q5",
            "Testland",
            statements=[
                statement("Q5", "P571", time_value("+1960-01-01T00:00:00Z"), rank="deprecated"),
                statement("Q5", "P571", time_value("+1961-05-01T00:00:00Z", 10)),
            ],
        )
        fake = FakeWikidata([item])

        def handler(request: FakeRequest) -> Reply:
            if request.param("action") == "wbsearchentities":
                return json_reply({"search": [{"id": "Q404"}, {"id": "Q5"}], "success": 1})
            return fake(request)

        server.route(API, handler)
        query = ClaimQuery(
            text="Testland and Nowhere were founded in 1960 or 1961.",
            entities=(place("Testland", 0), place("Nowhere", 13)),
            values=(
                {"kind": "year", "text": "1960", "value": 1960, "start": 37, "end": 41},
                {"kind": "year", "text": "1961", "value": 1961, "start": 45, "end": 49},
            ),
        )
        # Both names' top hit is Q404, which wbgetentities reports missing; nothing from Q5
        # then, as it is no subject. With the names resolving to Q5:
        assert backend(client, server).search(query) == []

        server.route(API, fake)
        passages = [c.passage for c in backend(client, server).search(query)]
        assert passages == ["Testland: inception May 1961"]


class WikidataFailureTests:
    def test_api_error_is_permanent(self, client: HttpClient, server: FakeServer) -> None:
        server.route(API, mediawiki_error("no-such-entity", 'Could not find "Q0".'))
        with pytest.raises(PermanentError, match=r"^wikidata: API error no-such-entity"):
            backend(client, server).search(seed_query())

    def test_fake_refuses_more_than_50_ids(self, client: HttpClient, server: FakeServer) -> None:
        server.route(API, seed_wikidata())
        ids = "|".join(f"Q{n}" for n in range(1, 52))
        payload = client.get_json(
            server.url(API),
            params={"action": "wbgetentities", "ids": ids, "format": "json"},
            backend="wikidata",
        )
        assert payload["error"]["code"] == "toomanyvalues"

    def test_429_with_retry_after_then_success(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        calls: list[FakeRequest] = []

        def handler(request: FakeRequest) -> Reply:
            calls.append(request)
            if len(calls) == 1:
                return 429, {"Retry-After": "1"}, b""
            return wikidata(request)

        server.route(API, handler)
        passages = [c.passage for c in backend(client, server).search(seed_query())]
        assert RELATIONS_1960 in passages
        # The other searches ran meanwhile; the refused one was asked again after Retry-After.
        refused, *later = calls
        retry = next(r for r in later if r.raw_path == refused.raw_path)
        assert retry.received_at - refused.received_at >= 0.9

    def test_5xx_is_transient_after_retries(self, client: HttpClient, server: FakeServer) -> None:
        server.route(API, (500, {}, b"Internal Server Error"))
        with pytest.raises(TransientError, match=r"^wikidata: HTTP 500 .*after 3 attempts"):
            backend(client, server).search(seed_query())
        # Three attempts for each of the three searches, which run side by side.
        assert _attempts_per_search(server) == {"Cuba": 3, "Western Hemisphere": 3, "China": 3}

    def test_malformed_json_is_permanent(self, client: HttpClient, server: FakeServer) -> None:
        server.route(
            API, text_reply("<!DOCTYPE html><p>maintenance", content_type="application/json")
        )
        with pytest.raises(PermanentError, match=r"^wikidata: malformed JSON"):
            backend(client, server).search(seed_query())

    def test_timeout_is_transient(self, client: HttpClient, server: FakeServer) -> None:
        def slow(request: FakeRequest) -> Reply:
            time.sleep(1.5)
            return json_reply({"search": []})

        server.route(API, slow)
        with pytest.raises(TransientError, match=r"no response from 127\.0\.0\.1"):
            backend(client, server).search(seed_query())
        assert _attempts_per_search(server) == {"Cuba": 3, "Western Hemisphere": 3, "China": 3}

    @pytest.mark.parametrize(
        ("search", "entities"),
        [
            ({"search": {"id": "Q241"}}, None),
            ({"search": [{"label": "Cuba"}]}, None),
            ({"search": [{"id": "Q241"}]}, {"entities": ["Q241"]}),
            ({"search": [{"id": "Q241"}]}, {"entities": {"Q241": {"id": "Q241", "claims": []}}}),
            (
                {"search": [{"id": "Q241"}]},
                {"entities": {"Q241": {"id": "Q241", "claims": {"P571": [{"rank": "normal"}]}}}},
            ),
            (
                {"search": [{"id": "Q241"}]},
                {"entities": {"Q241": {"id": "Q241", "claims": {"P571": {"mainsnak": {}}}}}},
            ),
            (
                {"search": [{"id": "Q241"}]},
                {"entities": {"Q241": {"id": "Q241", "claims": {"bogus": [{"mainsnak": {}}]}}}},
            ),
            (
                {"search": [{"id": "Q241"}]},
                {"entities": {"Q241": {"claims": {"P530": [{"mainsnak": {}, "qualifiers": []}]}}}},
            ),
        ],
    )
    def test_unexpected_payload_is_permanent(
        self, client: HttpClient, server: FakeServer, search: object, entities: object
    ) -> None:
        def handler(request: FakeRequest) -> Reply:
            if request.param("action") == "wbsearchentities":
                return json_reply(search)
            return json_reply(entities)

        server.route(API, handler)
        with pytest.raises(PermanentError, match=r"^wikidata: unexpected payload"):
            backend(client, server).search(seed_query())

    def test_odd_but_valid_shapes_are_tolerated(
        self, client: HttpClient, server: FakeServer
    ) -> None:
        """Lexeme values, qualifiers without snaks, unknown datatypes: skipped, no crash."""
        odd = statement(
            "Q241",
            "P530",
            item_value("Q148"),
            qualifiers={"P580": time_value("+1960-09-28T00:00:00Z")},
        )
        odd["mainsnak"]["datavalue"]["value"]["id"] = "L7-F1"  # a lexeme form, not an item
        odd["qualifiers"]["P582"] = []
        odd["qualifiers"]["P9999"] = [
            {
                "snaktype": "value",
                "property": "P9999",
                "datavalue": {"type": "mystery", "value": [1, 2]},
            }
        ]
        odd["qualifiers-order"] = ["P582", "P580", "P9999"]
        cuba = WikidataItem("Q241", "Cuba", statements=[odd])
        server.route(API, FakeWikidata([cuba]))
        query = ClaimQuery(
            text="Cuba, 1960.",
            entities=(place("Cuba", 0),),
            values=({"kind": "year", "text": "1960", "value": 1960, "start": 6, "end": 10},),
        )
        (candidate,) = backend(client, server).search(query)
        assert (
            candidate.passage
            == "Cuba: diplomatic relation with L7-F1, start time 28 September 1960"
        )
        assert candidate.extra["value_id"] == ""


# --- concurrency: the entity searches go out together ------------------------------------------

DELAY = 0.3


class WikidataConcurrencyTests:
    def test_the_searches_overlap_and_each_step_waits_for_the_one_before(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        server.delay = DELAY
        query = ClaimQuery(
            text="Miguel Diaz-Canel has been President of Cuba since 2019.",
            entities=(
                {"text": "Miguel Diaz-Canel", "label": "PERSON", "start": 0, "end": 17},
                {"text": "President", "label": "OFFICE", "start": 27, "end": 36},
                place("Cuba", 40),
            ),
            values=({"kind": "year", "text": "2019", "value": 2019, "start": 51, "end": 55},),
        )
        candidates = backend(client, server).search(query)

        assert candidates
        requests = server.requests
        steps = [
            ("wbsearchentities", ""),
            ("wbgetentities", "labels|descriptions|claims"),
            ("wbgetentities", "labels"),
        ]
        assert [(r.param("action"), r.param("props")) for r in requests] == [
            steps[0],
            steps[0],
            steps[0],
            steps[1],
            steps[2],
        ]
        searches, entities, labels = requests[:3], requests[3], requests[4]
        arrivals = [r.received_at for r in searches]
        # The three searches arrived together (one each 0.3 s if serial)...
        assert max(arrivals) - min(arrivals) < DELAY / 2
        # ...the entities once they were answered, the labels once the entities were.
        assert entities.received_at - max(arrivals) >= DELAY * 0.9
        assert labels.received_at - entities.received_at >= DELAY * 0.9

    def test_parallel_one_searches_one_name_after_another_with_the_same_result(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        together = backend(client, server).search(seed_query())
        server.clear()
        wikidata.searched.clear()
        server.delay = DELAY

        one_by_one = backend(client, server, parallel=1).search(seed_query())

        assert one_by_one == together
        assert wikidata.searched == ["Cuba", "Western Hemisphere", "China"]
        searches = server.requests[:3]
        for before, after in pairwise(searches):
            assert after.received_at - before.received_at >= DELAY * 0.9

    def test_hits_belong_to_their_name_whichever_search_answers_first(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        slowness = {"Cuba": 0.4, "Western Hemisphere": 0.2, "China": 0.0}
        answered: list[str] = []

        def handler(request: FakeRequest) -> Reply:
            if request.param("action") == "wbsearchentities":
                time.sleep(slowness[request.param("search")])
                answered.append(request.param("search"))
            return wikidata(request)

        server.route(API, handler)
        passages = [c.passage for c in backend(client, server).search(seed_query())]

        assert answered == ["China", "Western Hemisphere", "Cuba"]
        assert RELATIONS_1960 in passages
        entities = next(r for r in server.requests if r.param("action") == "wbgetentities")
        assert entities.param("ids") == "Q241|Q11|Q148"  # subjects in the claim's order

    def test_an_error_of_one_search_surfaces_as_its_backend_error(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        def handler(request: FakeRequest) -> Reply:
            if request.param("search") == "China":
                return 503, {}, b"Service Unavailable"
            return wikidata(request)

        server.route(API, handler)
        with pytest.raises(TransientError, match=r"^wikidata: HTTP 503 .*after 3 attempts"):
            backend(client, server).search(seed_query())
        assert _attempts_per_search(server)["China"] == 3
        assert not [r for r in server.requests if r.param("action") == "wbgetentities"]

    def test_the_first_name_in_claim_order_decides_which_error_is_raised(
        self, client: HttpClient, server: FakeServer, wikidata: FakeWikidata
    ) -> None:
        """ "Western Hemisphere" fails slowly and permanently, "China" at once and transiently:
        the lookup fails as the one-by-one loop would have, with the earlier name's error."""

        def handler(request: FakeRequest) -> Reply:
            name = request.param("search")
            if name == "Western Hemisphere":
                time.sleep(DELAY)
                return json_reply({"search": {"id": "Q11"}})
            if name == "China":
                return mediawiki_error("maxlag", "Waiting for a replica: 6 seconds lagged.")
            return wikidata(request)

        server.route(API, handler)
        with pytest.raises(PermanentError, match=r"^wikidata: unexpected payload: search is not"):
            backend(client, server).search(seed_query())
        # One request per name (maxlag and a bad payload are not retried), all three sent.
        assert _attempts_per_search(server) == {"Cuba": 1, "Western Hemisphere": 1, "China": 1}
