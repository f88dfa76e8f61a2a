"""Lookups end to end on the database in use: runs queued after extraction, each backend against
a local fake of its service (or nothing listening), evidence with stance, the suggestion."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings

from claims.models import Claim, ClaimChange
from claims.services import article_ingest, claim_update
from sources.models import Evidence, LibraryItem, LookupRun, Source
from sources.services import (
    claim_suggestion_refresh,
    evidence_update,
    library_file_parse,
    library_load,
    lookup_article_start,
    lookup_claim_start,
    lookup_run_execute,
    lookup_url_attach,
)
from tests.factories import ClaimFactory
from tests.fakes.factcheck import FakeFactCheck, seed_claims
from tests.fakes.server import FakeServer, json_reply, redirect_reply, text_reply
from tests.fakes.wikimedia import seed_wikidata, seed_wikipedia
from workbench.exceptions import PermissionDeniedError

REPO = Path(__file__).resolve().parents[3]
DEMO_LIBRARY = REPO / "workbench" / "demo" / "library.jsonl"
ALL_BACKENDS = ["library", "wikipedia", "wikidata", "factcheck"]
RELATIONS = "first country"  # the seed's claim about diplomatic relations in 1960
ANNIVERSARY = "65th anniversary"
MAY_MEETING = "Xi Jinping"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The HTTP cache and the circuit breaker live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and then what it queued on commit (tasks run eagerly in tests)."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def services():
    """Wikipedia, Wikidata and Fact Check Tools, faked on one local server."""
    with FakeServer() as server:
        server.route("/w/api.php", seed_wikipedia())
        server.route("/wikidata/w/api.php", seed_wikidata())
        server.route("/v1alpha1/claims:search", FakeFactCheck(seed_claims(), api_key="test-key"))
        with override_settings(
            LOOKUP_BACKENDS=ALL_BACKENDS,
            WIKIPEDIA_API_URL=server.url("/w/api.php"),
            WIKIDATA_API_URL=server.url("/wikidata/w/api.php"),
            FACTCHECK_TOOLS_API_URL=server.url("/v1alpha1/claims:search"),
            FACTCHECK_TOOLS_API_KEY="test-key",
            LOOKUP_ALLOW_HOSTS=[server.host_port],
            LOOKUP_CONNECT_TIMEOUT=1.0,
            LOOKUP_READ_TIMEOUT=1.0,
            LOOKUP_DEADLINE=3.0,
            LOOKUP_ATTEMPTS=2,
        ):
            yield server


@pytest.fixture
def offline():
    """Every backend enabled, no network: the services' addresses answer nothing."""
    with FakeServer() as server:
        dead = server.url("/")
    # The server is stopped: connections to its port are refused, like a machine offline.
    with override_settings(
        LOOKUP_BACKENDS=ALL_BACKENDS,
        WIKIPEDIA_API_URL=dead + "w/api.php",
        WIKIDATA_API_URL=dead + "wikidata/w/api.php",
        FACTCHECK_TOOLS_API_KEY=None,
        LOOKUP_ALLOW_HOSTS=[dead.split("/")[2]],
        LOOKUP_CONNECT_TIMEOUT=0.5,
        LOOKUP_DEADLINE=2.0,
        LOOKUP_ATTEMPTS=2,
    ):
        yield


def _demo_library(team):
    library_load(team=team, records=library_file_parse(DEMO_LIBRARY.open("rb")))


def _claim(article, words: str) -> Claim:
    return next(c for c in article.claims.all() if words in c.text)


@pytest.mark.django_db
class SeedOfflineTests:
    """The embedded default with no network: the demo library answers, the rest say why not."""

    def test_the_bar_claims_get_supporting_library_evidence(
        self, committed, team, seed_text, offline
    ):
        _demo_library(team)
        article = committed(article_ingest, team=team, body=seed_text).article
        for words in (RELATIONS, ANNIVERSARY, MAY_MEETING):
            claim = _claim(article, words)
            library = claim.evidence.filter(origin="library")
            assert library.filter(stance=Evidence.Stance.SUPPORTS).exists(), (
                words,
                list(library.values_list("stance", "stance_reason")),
            )
        relations = _claim(article, RELATIONS)
        assert relations.suggestion == Claim.Suggestion.SUPPORTED
        assert "1960" in relations.suggestion_reason
        support = relations.evidence.filter(stance="supports").first()
        assert "1960" in support.stance_reason
        # The passage is cut from the archived text, at the offsets stored.
        text = support.source.archived_text
        assert text[support.passage_start : support.passage_end] == support.passage

    def test_every_backend_has_a_run_saying_what_happened(
        self, committed, team, seed_text, offline
    ):
        _demo_library(team)
        article = committed(article_ingest, team=team, body=seed_text).article
        claims = article.claims.exclude(status=Claim.Status.DISMISSED)
        runs = LookupRun.objects.filter(claim__article=article)
        assert runs.count() == claims.count() * 4
        by_backend = {
            name: set(runs.filter(backend=name).values_list("status", flat=True))
            for name in ALL_BACKENDS
        }
        assert by_backend == {
            "library": {"succeeded"},
            "wikipedia": {"failed"},
            "wikidata": {"failed"},
            "factcheck": {"skipped"},
        }
        assert runs.filter(backend="factcheck").first().error == (
            "factcheck: skipped, FACTCHECK_TOOLS_API_KEY is not set"
        )
        errors = list(runs.filter(backend="wikipedia").values_list("error", flat=True))
        # The first run tried and said why; the rest did not wait out their own timeouts.
        assert sum(e.startswith("wikipedia: could not reach 127.0.0.1") for e in errors) == 1
        assert sum(e.startswith("not tried: the service failed moments ago") for e in errors) == (
            len(errors) - 1
        )
        assert all(run.finished_at for run in runs)


@pytest.mark.django_db
class LookupServicesTests:
    def test_the_seed_gets_evidence_from_every_backend(self, committed, team, seed_text, services):
        _demo_library(team)
        article = committed(article_ingest, team=team, body=seed_text).article
        relations = _claim(article, RELATIONS)
        statuses = dict(relations.lookup_runs.values_list("backend", "status"))
        assert statuses == dict.fromkeys(ALL_BACKENDS, "succeeded")
        origins = set(relations.evidence.filter(stance="supports").values_list("origin", flat=True))
        assert origins == set(ALL_BACKENDS)
        wikidata = relations.evidence.filter(origin="wikidata", passage__contains="diplomatic")
        assert any("28 September 1960" in row.passage for row in wikidata)
        assert {row.source.kind for row in wikidata} == {Source.Kind.DATASET}
        factcheck = relations.evidence.filter(origin="factcheck").first()
        assert factcheck.details["rating"] in ("True", "Mostly true")
        assert factcheck.source.kind == Source.Kind.FACT_CHECK
        wiki = relations.evidence.filter(origin="wikipedia").first()
        assert wiki.source.archived_text and wiki.source.text_hash
        assert relations.suggestion == Claim.Suggestion.SUPPORTED
        assert services.errors == []

    def test_starting_twice_queues_nothing_new_and_force_runs_again(
        self, committed, team, seed_text, services
    ):
        article = committed(article_ingest, team=team, body=seed_text).article
        before = LookupRun.objects.count()
        assert committed(lookup_article_start, article_id=article.pk) == []
        assert LookupRun.objects.count() == before
        evidence = Evidence.objects.count()
        again = committed(lookup_article_start, article_id=article.pk, force=True)
        assert len(again) == before
        assert Evidence.objects.count() == evidence  # the same passages, not new rows

    def test_a_run_delivered_again_after_a_crash_duplicates_nothing(
        self, committed, team, services
    ):
        claim = ClaimFactory(
            article__team=team,
            text="Cuba was the first country in the Western Hemisphere to establish diplomatic "
            "ties with China, in 1960.",
            entities=[{"text": "Cuba", "label": "PLACE"}, {"text": "China", "label": "PLACE"}],
            values=[{"kind": "year", "text": "1960", "value": 1960}],
        )
        (run,) = [r for r in committed(lookup_claim_start, claim=claim) if r.backend == "wikidata"]
        run.refresh_from_db()
        assert run.status == "succeeded" and run.attempts == 1
        rows = list(Evidence.objects.filter(claim=claim).values_list("id", flat=True))
        assert rows
        # The worker died after writing but before acknowledging: the broker delivers again.
        LookupRun.objects.filter(pk=run.pk).update(status="running")
        outcome = lookup_run_execute(run_id=run.pk)
        run.refresh_from_db()
        assert (outcome.status, outcome.created, run.attempts) == ("succeeded", 0, 2)
        assert list(Evidence.objects.filter(claim=claim).values_list("id", flat=True)) == rows

    def test_a_finished_run_is_not_run_again(self, committed, team, services):
        claim = ClaimFactory(article__team=team, text="Cuba and China established ties in 1960.")
        runs = committed(lookup_claim_start, claim=claim)
        services.clear()
        for run in runs:
            lookup_run_execute(run_id=run.pk)
        assert services.requests == []

    def test_a_run_delivered_too_often_gives_up(self, team, services):
        claim = ClaimFactory(article__team=team)
        run = LookupRun.objects.create(claim=claim, backend="library", attempts=4)
        outcome = lookup_run_execute(run_id=run.pk)
        assert outcome.status == "failed"
        assert "worker lost 4 times" in LookupRun.objects.get(pk=run.pk).error

    @pytest.mark.parametrize(
        ("reply", "reason"),
        [
            (json_reply({"error": "boom"}, status=500), "HTTP 500"),
            ((200, {"Content-Type": "application/json"}, b"{not json"), "malformed JSON"),
            (json_reply({"batchcomplete": True, "query": {"search": "?"}}), "unexpected"),
        ],
    )
    def test_a_failing_service_fails_only_its_own_run(
        self, committed, team, services, reply, reason
    ):
        services.route("/w/api.php", reply)
        claim = ClaimFactory(
            article__team=team,
            text="Cuba established diplomatic ties with China in 1960.",
            entities=[{"text": "Cuba", "label": "PLACE"}, {"text": "China", "label": "PLACE"}],
            values=[{"kind": "year", "text": "1960", "value": 1960}],
        )
        committed(lookup_claim_start, claim=claim)
        statuses = dict(claim.lookup_runs.values_list("backend", "status"))
        assert statuses.pop("wikipedia") == "failed"
        assert set(statuses.values()) == {"succeeded"}
        assert reason in claim.lookup_runs.get(backend="wikipedia").error

    def test_a_service_that_hangs_fails_within_its_deadline(self, committed, team, services):
        def hang(request):
            time.sleep(5)
            return json_reply({})

        services.route("/w/api.php", hang)
        claim = ClaimFactory(article__team=team, text="Cuba and China established ties in 1960.")
        committed(lookup_claim_start, claim=claim)
        run = claim.lookup_runs.get(backend="wikipedia")
        assert run.status == "failed"
        # Bounded by the client's timeouts, not by the service: had the client waited the 5 s
        # out, the (empty) answer would have made the run succeed. No clock is read here.
        assert "no response from 127.0.0.1 within 1 s after 2 attempts" in run.error
        assert claim.lookup_runs.get(backend="wikidata").status == "succeeded"

    def test_the_suggestion_never_touches_the_editor_verdict(
        self, committed, team, editor, services
    ):
        claim = ClaimFactory(
            article__team=team,
            text="Cuba was the first country in the Western Hemisphere to establish diplomatic "
            "ties with China, in 1960.",
        )
        claim = claim_update(
            claim=claim,
            by=editor,
            version=1,
            data={"verdict": "false", "rationale": "Our own reading."},
        )
        history = ClaimChange.objects.filter(claim=claim).count()
        _demo_library(team)
        committed(lookup_claim_start, claim=claim, by=editor)
        claim.refresh_from_db()
        assert claim.suggestion == Claim.Suggestion.SUPPORTED
        assert (claim.verdict, claim.rationale, claim.version) == ("false", "Our own reading.", 2)
        assert ClaimChange.objects.filter(claim=claim).count() == history

    def test_a_reviewer_stance_survives_a_new_lookup(self, committed, team, editor, services):
        _demo_library(team)
        claim = ClaimFactory(
            article__team=team, text="Cuba and China established diplomatic relations in 1960."
        )
        committed(lookup_claim_start, claim=claim)
        row = claim.evidence.filter(stance="supports").first()
        evidence_update(evidence=row, by=editor, data={"stance": "refutes"})
        committed(lookup_claim_start, claim=claim)
        row.refresh_from_db()
        assert row.stance == "refutes"

    def test_a_viewer_cannot_start_lookups(self, committed, team, viewer):
        claim = ClaimFactory(article__team=team)
        with pytest.raises(PermissionDeniedError):
            committed(lookup_claim_start, claim=claim, by=viewer)
        with pytest.raises(PermissionDeniedError):
            committed(lookup_url_attach, claim=claim, url="https://example.org/", by=viewer)
        assert not LookupRun.objects.exists()

    def test_suggestion_refresh_query_count_is_pinned(
        self, committed, team, services, django_assert_num_queries
    ):
        _demo_library(team)
        claim = ClaimFactory(
            article__team=team, text="Cuba and China established diplomatic relations in 1960."
        )
        committed(lookup_claim_start, claim=claim)
        assert claim.evidence.count() > 1
        # Lock the claim, read its evidence with sources, check for finished runs, update; the
        # transaction is a savepoint inside the test's (its two statements are counted).
        with django_assert_num_queries(6):
            claim_suggestion_refresh(claim_id=claim.pk)


PAGE = b"""<!doctype html><html><head><title>Cuba and China: 65 years</title>
<meta property="og:site_name" content="Example Herald">
<meta property="article:published_time" content="2025-09-28"></head>
<body><nav>Home | World | Sport</nav><article><h1>Cuba and China: 65 years</h1>
<p>Cuba and the People's Republic of China established diplomatic relations on
28 September 1960, the first such ties in the Western Hemisphere.</p>
<p>Officials from both countries marked the anniversary in Havana this week with speeches
and a photo exhibition about six and a half decades of cooperation.</p></article>
<footer>Copyright Example Herald</footer></body></html>"""


@pytest.mark.django_db
class UrlAttachTests:
    def test_a_link_is_fetched_archived_added_to_the_library_and_searched(
        self, committed, team, editor, services
    ):
        services.route("/story", (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE))
        claim = ClaimFactory(
            article__team=team,
            text="Cuba was the first country in the Western Hemisphere to establish diplomatic "
            "ties with China, in 1960.",
        )
        run = committed(lookup_url_attach, claim=claim, url=services.url("/story"), by=editor)
        run.refresh_from_db()
        assert (run.backend, run.status, run.requested_by) == ("url", "succeeded", editor)
        source = Source.objects.get(url=services.url("/story"))
        assert "28 September 1960" in source.archived_text
        assert "Sport" not in source.archived_text  # the page's navigation is not the text
        assert source.http_status == 200 and source.text_hash
        item = LibraryItem.objects.get(team=team, source=source)
        assert item.origin == "reviewer"
        evidence = claim.evidence.get(origin="url")
        assert evidence.stance == "supports"
        assert source.archived_text[evidence.passage_start : evidence.passage_end] == (
            evidence.passage
        )

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1/",
            "http://[::1]/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://localhost:8000/admin/",
            "file:///etc/passwd",
            "gopher://example.org/",
            "not a url",
        ],
    )
    def test_a_link_into_a_private_network_is_refused_at_once(self, committed, team, editor, url):
        claim = ClaimFactory(article__team=team)
        with pytest.raises(ValidationError):
            committed(lookup_url_attach, claim=claim, url=url, by=editor)
        assert not LookupRun.objects.exists()

    def test_a_redirect_into_a_private_network_fails_the_run_with_the_reason(
        self, committed, team, editor, services
    ):
        services.route("/moved", redirect_reply("http://10.0.0.1/internal"))
        claim = ClaimFactory(article__team=team)
        run = committed(lookup_url_attach, claim=claim, url=services.url("/moved"), by=editor)
        run.refresh_from_db()
        assert run.status == "failed"
        assert "10.0.0.1 is a private address" in run.error
        assert not claim.evidence.exists()

    def test_a_pdf_fails_with_a_clear_reason(self, committed, team, editor, services):
        services.route("/doc.pdf", (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 ..."))
        claim = ClaimFactory(article__team=team)
        run = committed(lookup_url_attach, claim=claim, url=services.url("/doc.pdf"), by=editor)
        run.refresh_from_db()
        assert (run.status, run.error) == ("failed", "url: cannot read application/pdf")

    def test_a_page_too_large_is_cut_and_refused(self, committed, team, editor, services):
        services.route("/huge", text_reply("x" * 2_000_000, content_type="text/html"))
        claim = ClaimFactory(article__team=team)
        with override_settings(LOOKUP_MAX_BYTES=1_000_000):
            run = committed(lookup_url_attach, claim=claim, url=services.url("/huge"), by=editor)
        run.refresh_from_db()
        assert run.status == "failed" and "exceeds 1,000,000 bytes" in run.error


@pytest.mark.django_db
class LibraryStatsTests:
    def test_frequencies_cover_the_whole_library_and_follow_it(self, team, other_team):
        from sources.services.lookups import library_stats

        assert library_stats(team_id=team.pk) is None
        _demo_library(team)
        stats = library_stats(team_id=team.pk)
        assert stats is not None and stats.documents == 7
        assert library_stats(team_id=team.pk) is stats  # kept while the library is unchanged
        library_load(
            team=team,
            records=library_file_parse(
                [b'{"url": "https://example.org/new", "title": "New", "text": "Rice to Cuba."}']
            ),
        )
        assert library_stats(team_id=team.pk).documents == 8
        assert library_stats(team_id=other_team.pk) is None  # another desk's library is its own
