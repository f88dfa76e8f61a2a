"""Celery tasks for claims: thin wrappers taking IDs and calling services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.db import InterfaceError, OperationalError

from claims import services
from claims.models import Article
from sources.backends.base import TransientError
from sources.services import lookup_article_start

logger = get_task_logger(__name__)

# Fetching a page is one GET bounded by LOOKUP_DEADLINE (25 s, retries and redirects included)
# plus HTML to text: far below these.
FETCH_SOFT_TIME_LIMIT = 90
FETCH_TIME_LIMIT = 120


class ArticleExtractTask(DjangoTask):  # type: ignore[misc]
    """Records on the article why extraction failed for good (after retries)."""

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
    acks_late=True,  # services.article_extract is idempotent, so a redelivery is harmless
    # Transient database trouble only; extractor errors are recorded by the service, not retried.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
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
    # services.article_fetch acts only while the article is fetching: a redelivery is harmless.
    acks_late=True,
    soft_time_limit=FETCH_SOFT_TIME_LIMIT,
    time_limit=FETCH_TIME_LIMIT,
    # A site that could not be reached (after the HTTP client's own retries) may answer later;
    # database trouble too. Refused, unreadable or duplicate pages are recorded, not retried.
    autoretry_for=(TransientError, OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=3,
)
def article_fetch(article_id: int) -> None:
    """Sent to the "fetch" queue (the lookup worker's threads, with attached links) by
    claims.services, not by CELERY_TASK_ROUTES' "claims.*" -> extract."""
    outcome = services.article_fetch(article_id=article_id)
    logger.info("article.fetch_done", extra={"article_id": article_id, **outcome.as_log()})
