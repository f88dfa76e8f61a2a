"""Celery tasks for claims: thin wrappers taking IDs and calling services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from claims import services
from claims.models import Article
from sources.backends.base import TransientError
from sources.services import lookup_article_start

logger = get_task_logger(__name__)

# Fetching a page is one GET bounded by LOOKUP_DEADLINE (25 s, retries and redirects included)
# plus HTML to text: far below these.
FETCH_SOFT_TIME_LIMIT = 90
FETCH_TIME_LIMIT = 120
FETCH_RETRY_BACKOFF_MAX = 600
# Extraction of the longest article (ARTICLE_MAX_CHARS) takes seconds; the limits are the
# project-wide ones (CELERY_TASK_*TIME_LIMIT).
EXTRACT_SOFT_TIME_LIMIT = settings.CELERY_TASK_SOFT_TIME_LIMIT
EXTRACT_TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT
EXTRACT_RETRY_BACKOFF_MAX = 600
SWEEP_SOFT_TIME_LIMIT = 50
SWEEP_TIME_LIMIT = 60
# Past its hard time limit (plus a margin for the broker), a task still "running" has no worker.
STUCK_MARGIN = 30


def _uncount_delivery(article_id: Any) -> None:
    """A delivery that ended in a retry was not lost; the database may be why it retries."""
    if article_id is None:
        return
    try:
        services.article_delivery_uncount(article_id=int(article_id))
    except DatabaseError:
        logger.warning("article.delivery_uncount_failed", extra={"article_id": article_id})


class ArticleExtractTask(DjangoTask):  # type: ignore[misc]
    """Records on the article why extraction failed for good (after retries)."""

    def on_retry(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        _uncount_delivery(kwargs.get("article_id", args[0] if args else None))

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        article_id = kwargs.get("article_id", args[0] if args else None)
        if article_id is not None:
            services.article_mark_failed(
                article_id=int(article_id), reason=f"{type(exc).__name__}: {exc}"
            )


@shared_task(  # type: ignore[untyped-decorator]
    name="claims.article_extract",
    base=ArticleExtractTask,
    # services.article_extract is idempotent (claims matched by fingerprint under the article's
    # lock), so a redelivery is harmless: acknowledged when done, delivered again if the worker
    # dies (counted in Article.deliveries; more than TASK_MAX_REDELIVERIES and it gives up).
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=EXTRACT_SOFT_TIME_LIMIT,
    time_limit=EXTRACT_TIME_LIMIT,
    # Transient database trouble only; extractor errors are recorded by the service, not retried.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=EXTRACT_RETRY_BACKOFF_MAX,
    max_retries=5,
)
def article_extract(article_id: int) -> None:
    try:
        outcome = services.article_extract(article_id=article_id)
    except Article.DoesNotExist:
        logger.info("article.extract_skipped", extra={"article_id": article_id, "why": "deleted"})
        return
    logger.info("article.extract_done", extra={"article_id": article_id, **outcome.as_log()})
    if not outcome.failed:
        # One lookup task per (claim, backend), sent once the runs are committed; claims that
        # already had their lookups (extraction ran again) are left alone.
        runs = lookup_article_start(article_id=article_id)
        logger.info("article.lookups_queued", extra={"article_id": article_id, "runs": len(runs)})


class ArticleFetchTask(DjangoTask):  # type: ignore[misc]
    """Records on the article why fetching its page failed for good (retries spent, time limit)."""

    def on_retry(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        _uncount_delivery(kwargs.get("article_id", args[0] if args else None))

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        article_id = kwargs.get("article_id", args[0] if args else None)
        if article_id is not None:
            reason = (
                f"fetching the page took longer than {FETCH_SOFT_TIME_LIMIT} s"
                if isinstance(exc, SoftTimeLimitExceeded)
                else str(exc) or type(exc).__name__
            )
            services.article_fetch_mark_failed(article_id=int(article_id), reason=reason)


@shared_task(  # type: ignore[untyped-decorator]
    name="claims.article_fetch",
    base=ArticleFetchTask,
    # services.article_fetch acts only while the article is fetching: a redelivery is harmless
    # (counted in Article.deliveries, like extraction's).
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=FETCH_SOFT_TIME_LIMIT,
    time_limit=FETCH_TIME_LIMIT,
    # A site that could not be reached (after the HTTP client's own retries) may answer later;
    # database trouble too. Refused, unreadable or duplicate pages are recorded, not retried.
    autoretry_for=(TransientError, OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=FETCH_RETRY_BACKOFF_MAX,
    max_retries=3,
)
def article_fetch(article_id: int) -> None:
    """Sent to the "fetch" queue (the lookup worker's threads, with attached links) by
    claims.services, not by CELERY_TASK_ROUTES' "claims.*" -> extract."""
    outcome = services.article_fetch(article_id=article_id)
    logger.info("article.fetch_done", extra={"article_id": article_id, **outcome.as_log()})


@shared_task(  # type: ignore[untyped-decorator]
    name="claims.article_sweep",
    base=DjangoTask,
    # Sends tasks again for articles stuck too long; running it twice at once is harmless (rows
    # locked with SKIP LOCKED, the tasks it sends are idempotent), and so is a redelivery.
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT,
    time_limit=SWEEP_TIME_LIMIT,
)
def article_sweep() -> None:
    """Run by Celery beat every SWEEP_INTERVAL seconds (CELERY_BEAT_SCHEDULE)."""
    # The service logs what it sent (article.sweep); a pass with nothing to do stays quiet.
    services.article_sweep(
        stale_after={
            # Its message was lost (the broker was down at ingest) or sits in a long queue.
            Article.ExtractionStatus.PENDING: settings.SWEEP_PENDING_AFTER,
            # A fetch may wait out its retries' backoff before the last try.
            Article.ExtractionStatus.FETCHING: FETCH_TIME_LIMIT
            + FETCH_RETRY_BACKOFF_MAX
            + STUCK_MARGIN,
            Article.ExtractionStatus.RUNNING: EXTRACT_TIME_LIMIT + STUCK_MARGIN,
        },
        batch=settings.SWEEP_BATCH,
    )
