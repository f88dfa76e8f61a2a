"""Lookups: queue one run per (claim, backend), execute a run, keep the machine suggestion current.

The flow (ARCHITECTURE §6): extraction done -> ``lookup_article_start`` creates a queued
LookupRun per open claim and enabled backend and, after commit, one task per run (link fetches
on the ``fetch`` queue, searches on ``lookup``). A task calls ``lookup_run_execute`` with the
run's ID. Running a run again is harmless: it claims the run with a conditional update, evidence
is unique per (claim, source, passage), and the suggestion is recomputed from all the evidence.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from claims.models import Article, Claim
from sources.assessment.ranking import CorpusStats
from sources.assessment.select import AssessedPassage, assess_candidates
from sources.assessment.suggestion import EvidenceView, suggest
from sources.backends.base import (
    Backend,
    BackendError,
    Candidate,
    ClaimQuery,
    NotConfiguredError,
    TransientError,
)
from sources.backends.factcheck import FactCheckBackend
from sources.backends.http import HttpClient, check_url
from sources.backends.library import LibraryBackend, LibraryDocument
from sources.backends.ratelimit import RateLimiter
from sources.backends.url import UrlBackend
from sources.backends.wikidata import WikidataBackend
from sources.backends.wikipedia import WikipediaBackend
from sources.models import Evidence, LibraryItem, LookupRun, Source
from sources.selectors import library_search
from sources.services.evidence import evidence_add, source_upsert, url_normalise
from sources.services.library import library_add, published_parse
from workbench.exceptions import ApplicationError
from workbench.services import require_edit, stale_rows_send

logger = logging.getLogger(__name__)

SEARCH_BACKENDS = ("library", "wikipedia", "wikidata", "factcheck")
URL_BACKEND = "url"
# Backends that talk to one fixed service: when it is unreachable, stop trying for a while.
SERVICE_BACKENDS = ("wikipedia", "wikidata", "factcheck")
ACTIVE = (LookupRun.Status.QUEUED, LookupRun.Status.RUNNING)


# --- building backends ---------------------------------------------------------------------------

_client_lock = threading.Lock()
_clients: dict[tuple[Any, ...], HttpClient] = {}


def _http_client() -> HttpClient:
    """One client per process and configuration (thread-safe; shared by a threads-pool worker)."""
    key = (
        settings.LOOKUP_USER_AGENT,
        settings.LOOKUP_CONNECT_TIMEOUT,
        settings.LOOKUP_READ_TIMEOUT,
        settings.LOOKUP_DEADLINE,
        settings.LOOKUP_ATTEMPTS,
        settings.LOOKUP_MAX_BYTES,
        tuple(sorted(settings.LOOKUP_RATE_LIMITS.items())),
        settings.REDIS_URL,
        tuple(settings.LOOKUP_ALLOW_HOSTS),
        settings.LOOKUP_CACHE_SECONDS,
    )
    with _client_lock:
        client = _clients.get(key)
        if client is None:
            limiter = RateLimiter(
                dict(settings.LOOKUP_RATE_LIMITS),
                storage_uri=settings.REDIS_URL or "memory://",
            )
            client = HttpClient(
                user_agent=settings.LOOKUP_USER_AGENT,
                connect_timeout=settings.LOOKUP_CONNECT_TIMEOUT,
                read_timeout=settings.LOOKUP_READ_TIMEOUT,
                deadline=settings.LOOKUP_DEADLINE,
                attempts=settings.LOOKUP_ATTEMPTS,
                max_bytes=settings.LOOKUP_MAX_BYTES,
                rate_limiter=limiter,
                # One cache object for every thread: django.core.cache.cache is per thread, and
                # the backends fetch from short-lived threads (a new Redis connection each).
                cache=caches.create_connection("default"),
                cache_ttl=settings.LOOKUP_CACHE_SECONDS,
                allow=settings.LOOKUP_ALLOW_HOSTS,
            )
            _clients[key] = client
        return client


def http_client() -> HttpClient:
    """The shared HTTP client (SSRF guard, timeouts, size cap, cache) for fetches made outside
    lookups, such as an article's page sent as a link."""
    return _http_client()


def _library_search(team_id: int) -> Any:
    def search(terms: Sequence[str], limit: int | None) -> list[LibraryDocument]:
        return [
            LibraryDocument(
                url=source.url,
                title=source.title,
                publisher=source.publisher,
                kind=source.kind,
                published=source.published_at.date().isoformat() if source.published_at else "",
                text=source.archived_text,
                rank=float(source.rank),  # type: ignore[attr-defined]
            )
            for source in library_search(team_id=team_id, terms=terms, limit=limit)
        ]

    return search


_stats_lock = threading.Lock()
_stats: dict[int, tuple[tuple[int, Any], CorpusStats]] = {}


def library_stats(*, team_id: int) -> CorpusStats | None:
    """Document frequencies over a team's whole library, for ranking the library search's
    candidates (the candidates alone make common words look rare). Kept per process and
    rebuilt when the library grows; None for an empty library."""
    marker = LibraryItem.objects.filter(team_id=team_id).aggregate(
        n=Count("id"), last=Max("created_at")
    )
    if not marker["n"]:
        return None
    key = (marker["n"], marker["last"])
    with _stats_lock:
        cached = _stats.get(team_id)
    if cached is not None and cached[0] == key:
        return cached[1]
    rows = (
        Source.objects.filter(library_items__team_id=team_id)
        .values_list("title", "archived_text")
        .order_by()
    )
    stats = CorpusStats.from_texts(f"{title}\n{text}" for title, text in rows.iterator(500))
    with _stats_lock:
        _stats[team_id] = (key, stats)
    return stats


def backend_build(name: str, *, team_id: int) -> Backend:
    """The backend called `name`, configured from settings. NotConfiguredError if switched off."""
    if name == "library":
        return LibraryBackend(search=_library_search(team_id))
    if name == "wikipedia":
        return WikipediaBackend(
            _http_client(), api_url=settings.WIKIPEDIA_API_URL, language=settings.LOOKUP_LANGUAGE
        )
    if name == "wikidata":
        return WikidataBackend(
            _http_client(), api_url=settings.WIKIDATA_API_URL, language=settings.LOOKUP_LANGUAGE
        )
    if name == "factcheck":
        return FactCheckBackend(
            _http_client(),
            api_url=settings.FACTCHECK_TOOLS_API_URL,
            api_key=settings.FACTCHECK_TOOLS_API_KEY or "",
            language=settings.LOOKUP_LANGUAGE,
        )
    if name == URL_BACKEND:
        return UrlBackend(_http_client())
    raise NotConfiguredError(f"{name}: no such lookup backend")


def backend_skip_reason(name: str) -> str:
    """Why a configured backend cannot run here at all ("" when it can)."""
    if name == "factcheck" and not settings.FACTCHECK_TOOLS_API_KEY:
        return "factcheck: skipped, FACTCHECK_TOOLS_API_KEY is not set"
    return ""


# --- starting runs -------------------------------------------------------------------------------


def _enqueue(runs: Iterable[LookupRun]) -> None:
    """After commit, one task per queued run (bound per iteration)."""
    from sources.tasks import lookup_run_execute as lookup_run_execute_task

    for run in runs:
        if run.status != LookupRun.Status.QUEUED:
            continue
        queue = "fetch" if run.backend == URL_BACKEND else "lookup"
        run_id = run.pk

        def send(run_id: int = run_id, queue: str = queue) -> None:
            # Broker down: logged, the run stays queued and the sweep sends it later.
            _task_send(lookup_run_execute_task, run_id, queue=queue)

        transaction.on_commit(send)


def _runs_create(
    claims: Sequence[Claim],
    backends: Sequence[str],
    force: bool,
    requested_by: User | None = None,
) -> list[LookupRun]:
    """Queued runs for every (claim, backend) pair not already covered (all of them if `force`).

    A pair is covered by a run that is queued, running or succeeded; a failed or skipped one is
    tried again. Backends that cannot run here get a run that says so (skipped) and no task.
    """
    covered: set[tuple[int, str]] = set()
    if not force:
        covered = set(
            LookupRun.objects.filter(
                claim__in=claims,
                backend__in=backends,
                status__in=[*ACTIVE, LookupRun.Status.SUCCEEDED],
            ).values_list("claim_id", "backend")
        )
    now = timezone.now()
    runs: list[LookupRun] = []
    for claim in claims:
        for backend in backends:
            if (claim.pk, backend) in covered:
                continue
            skip = backend_skip_reason(backend)
            runs.append(
                LookupRun(
                    claim=claim,
                    backend=backend,
                    status=LookupRun.Status.SKIPPED if skip else LookupRun.Status.QUEUED,
                    error=skip,
                    finished_at=now if skip else None,
                    requested_by=requested_by,
                )
            )
    return LookupRun.objects.bulk_create(runs)


def _enabled_backends() -> list[str]:
    unknown = set(settings.LOOKUP_BACKENDS) - set(SEARCH_BACKENDS)
    if unknown:
        raise ApplicationError(f"Unknown lookup backend(s) in LOOKUP_BACKENDS: {sorted(unknown)}")
    return [name for name in SEARCH_BACKENDS if name in settings.LOOKUP_BACKENDS]


@transaction.atomic
def lookup_article_start(
    *, article_id: int, force: bool = False, by: User | None = None
) -> list[LookupRun]:
    """Queue lookups for an article's open claims (not dismissed); tasks start after commit.

    Without `force`, claims that already have a run per backend are left alone, so extracting
    the same article again queues work only for its new claims. `by` (None: the system) must be
    an editor or owner of the article's team.
    """
    article = Article.objects.select_related("team").get(pk=article_id)
    require_edit(user=by, team=article.team)
    claims = list(
        Claim.objects.filter(article_id=article_id)
        .exclude(status=Claim.Status.DISMISSED)
        .only("id", "team_id")
    )
    runs = _runs_create(claims, _enabled_backends(), force)
    _enqueue(runs)
    return runs


@transaction.atomic
def lookup_claim_start(
    *, claim: Claim, by: User | None = None, force: bool = True
) -> list[LookupRun]:
    """Run every enabled backend for one claim again (a reviewer asked for it)."""
    require_edit(user=by, team=claim.team)
    runs = _runs_create([claim], _enabled_backends(), force, requested_by=by)
    _enqueue(runs)
    return runs


@transaction.atomic
def lookup_url_attach(*, claim: Claim, url: str, by: User | None = None) -> LookupRun:
    """A reviewer attaches a link to a claim: it is fetched, archived in the team's library and
    searched for passages like the library. The link is checked now (scheme, host, and that it
    does not point into a private network); the fetch checks again after DNS and redirects."""
    require_edit(user=by, team=claim.team)
    normalised = url_normalise(url)
    try:
        check_url(normalised, allow=settings.LOOKUP_ALLOW_HOSTS)
    except BackendError as exc:
        raise ValidationError(str(exc), code="url_refused") from exc
    run = LookupRun(claim=claim, backend=URL_BACKEND, url=normalised, requested_by=by)
    run.full_clean()
    run.save()
    _enqueue([run])
    return run


# --- executing a run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    status: str
    evidence: int = 0
    created: int = 0
    error: str = ""

    def as_log(self) -> dict[str, Any]:
        return {"run_status": self.status, "evidence": self.evidence, "evidence_new": self.created}


def _circuit_key(backend: str) -> str:
    return f"lookup:circuit:{backend}"


def _finish(run_id: int, status: str, *, error: str = "", results: int = 0) -> RunOutcome:
    LookupRun.objects.filter(pk=run_id).update(
        status=status,
        error=error[:2000],
        results_count=results,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return RunOutcome(status=status, evidence=results, error=error)


def claim_query(claim: Claim, *, url: str = "") -> ClaimQuery:
    return ClaimQuery(
        text=claim.text,
        entities=tuple(e for e in claim.entities if isinstance(e, dict)),
        values=tuple(v for v in claim.values if isinstance(v, dict)),
        language=settings.LOOKUP_LANGUAGE,
        url=url,
    )


def lookup_run_execute(*, run_id: int) -> RunOutcome:
    """Run one lookup: search the backend, keep the passages that bear on the claim as
    evidence (with stance and reason), then refresh the claim's machine suggestion.

    Idempotent: a run already finished is left alone; a run found "running" was delivered
    again after its worker died, and runs again; once workers were lost with it more than
    settings.TASK_MAX_REDELIVERIES times, it fails for good with that reason. A backend
    error fails this run only, with the backend's one-line reason; a service that could not be
    reached fails the runs after it at once for LOOKUP_CIRCUIT_SECONDS, saying so.
    """
    claimed = LookupRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
        status=LookupRun.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not claimed:
        status = LookupRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        return RunOutcome(status=status or "missing")
    run = LookupRun.objects.select_related("claim__team").get(pk=run_id)
    lost = run.attempts - 1
    if lost > settings.TASK_MAX_REDELIVERIES:
        return _finish(
            run_id,
            LookupRun.Status.FAILED,
            error=f"{run.backend}: worker lost {lost} times before the lookup finished "
            f"(delivered again more than {settings.TASK_MAX_REDELIVERIES} times); gave up",
        )
    backend_name = run.backend
    if backend_name in SERVICE_BACKENDS:
        reason = cache.get(_circuit_key(backend_name))
        if reason:
            return _finish(
                run_id,
                LookupRun.Status.FAILED,
                error=f"not tried: the service failed moments ago ({reason})",
            )
    query = claim_query(run.claim, url=run.url)
    try:
        backend = backend_build(backend_name, team_id=run.claim.team_id)
        candidates = backend.search(query)
    except NotConfiguredError as exc:
        return _finish(run_id, LookupRun.Status.SKIPPED, error=str(exc))
    except TransientError as exc:
        if backend_name in SERVICE_BACKENDS:
            cache.set(_circuit_key(backend_name), str(exc)[:300], settings.LOOKUP_CIRCUIT_SECONDS)
        return _finish(run_id, LookupRun.Status.FAILED, error=str(exc))
    except BackendError as exc:
        return _finish(run_id, LookupRun.Status.FAILED, error=str(exc))
    # The article's year lets "the 65th anniversary" be checked against a founding date.
    published = (
        Article.objects.filter(pk=run.claim.article_id)
        .values_list("published_at", flat=True)
        .first()
    )
    assessed = assess_candidates(
        query,
        candidates,
        origin=backend_name,
        reference_year=published.year if published else None,
        stats=library_stats(team_id=run.claim.team_id) if backend_name == "library" else None,
    )
    # Sources first, each in its own short transaction and in URL order: they are an archive
    # shared by every claim and team, and runs holding their locks while locking others (in
    # whatever order their passages came) deadlock under a fan-out.
    first_of_url: dict[str, Candidate] = {}
    for item in assessed:
        first_of_url.setdefault(item.candidate.url, item.candidate)
    sources = {url: _source_for(first_of_url[url]) for url in sorted(first_of_url)}
    if backend_name == URL_BACKEND:
        for source in sources.values():
            library_add(team=run.claim.team, source=source, by=None, origin="reviewer")
    with transaction.atomic():
        # The claim is locked before its evidence is written: runs of one claim take turns,
        # and the suggestion they leave is computed from all of it.
        Claim.objects.select_for_update().filter(pk=run.claim_id).order_by().only("id").first()
        created = 0
        for item in assessed:
            _, was_created = _evidence_store(run, item, sources[item.candidate.url])
            created += was_created
        outcome = _finish(run_id, LookupRun.Status.SUCCEEDED, results=len(assessed))
        claim_suggestion_refresh(claim_id=run.claim_id)
    return RunOutcome(status=outcome.status, evidence=len(assessed), created=created)


def _source_for(candidate: Candidate) -> Source:
    fields: dict[str, Any] = {
        "title": candidate.title[:500],
        "publisher": candidate.publisher[:200],
        "kind": candidate.kind if candidate.kind in Source.Kind.values else Source.Kind.OTHER,
    }
    # A backend's odd date is not worth losing the evidence over.
    with contextlib.suppress(ValidationError):
        fields["published_at"] = published_parse(candidate.published)
    if candidate.text:
        fields["archived_text"] = candidate.text
        fields["fetched_at"] = timezone.now()
        fields["http_status"] = candidate.http_status
    return source_upsert(url=candidate.url, **fields)


def _evidence_store(run: LookupRun, item: AssessedPassage, source: Source) -> tuple[Evidence, bool]:
    candidate = item.candidate
    start, end = item.start, item.end
    if start is not None and source.archived_text != candidate.text:
        # The archive keeps what the page said first; offsets into today's text would lie.
        start = end = None
    details = dict(candidate.extra)
    if candidate.rating:
        details["rating"] = candidate.rating
    # How firmly the rules reached the stance; the suggestion weighs it.
    details["stance_strength"] = round(item.strength, 3)
    return evidence_add(
        claim=run.claim,
        source=source,
        passage=item.passage,
        origin=run.backend,
        stance=item.stance,
        stance_reason=item.reason,
        relevance=round(item.relevance, 4),
        passage_start=start,
        passage_end=end,
        details=details,
        created_by=None,
    )


@transaction.atomic
def claim_suggestion_refresh(*, claim_id: int) -> None:
    """Recompute the machine suggestion from all of a claim's evidence.

    It writes only the suggestion fields: the editor's verdict, the version and the history are
    never touched. The claim row is locked so two runs finishing together agree.
    """
    Claim.objects.select_for_update().filter(pk=claim_id).order_by().only("id").first()
    rows = Evidence.objects.filter(claim_id=claim_id).select_related("source")
    views = []
    for row in rows.defer("source__archived_text"):
        details = row.details if isinstance(row.details, dict) else {}
        # A reviewer's own evidence (no machine reason) counts at full strength.
        strength = details.get("stance_strength", 1.0) if row.stance_reason else 1.0
        views.append(
            EvidenceView(
                stance=row.stance,
                relevance=row.relevance,
                reason=row.stance_reason or f"a reviewer marked it {row.stance}",
                kind=row.source.kind,
                rating=str(details.get("rating", "")),
                title=row.source.title or row.source.url,
                strength=float(strength) if isinstance(strength, int | float) else 1.0,
            )
        )
    finished = LookupRun.objects.filter(claim_id=claim_id).exclude(status__in=ACTIVE).exists()
    if not views and not finished:
        return
    suggestion = suggest(views)
    Claim.objects.filter(pk=claim_id).update(
        suggestion=suggestion.value,
        suggestion_confidence=round(suggestion.confidence, 3),
        suggestion_reason=suggestion.reason[:1000],
    )


def _task_send(task: Any, run_id: int, *, queue: str) -> bool:
    from claims.services import task_send  # claims.services imports this module

    return task_send(task, run_id, queue=queue)


def lookup_run_sweep(
    *, stale_after: Mapping[str, float], batch: int, now: datetime | None = None
) -> dict[str, int]:
    """Send again the task of runs stuck "queued" or "running" longer than `stale_after[status]`
    seconds (a message lost while the broker was down, a worker that died and was not replaced
    by a redelivery), at most `batch` per status, oldest first; returns how many per status.

    Harmless twice: a run is claimed with a conditional update, so a second task for it does
    nothing, and a run sent again is marked (updated_at) so the next passes leave it alone for
    `stale_after` again. A "running" run sent again counts as a lost delivery (attempts).
    """
    from sources.tasks import lookup_run_execute as lookup_run_execute_task

    def send(status: str, row: tuple[Any, ...]) -> bool:
        run_id, backend = row
        queue = "fetch" if backend == URL_BACKEND else "lookup"
        return _task_send(lookup_run_execute_task, run_id, queue=queue)

    # The broker down stops the pass (unsent runs wait for the next one).
    sent, _unsent = stale_rows_send(
        model=LookupRun,
        status_field="status",
        stale_after=stale_after,
        batch=batch,
        now=now or timezone.now(),
        fields=("id", "backend"),
        send=send,
    )
    if any(sent.values()):
        logger.info("lookup.sweep", extra={f"sent_{k}": v for k, v in sent.items()})
    return sent
