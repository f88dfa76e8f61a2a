"""Celery tasks for claims: thin wrappers taking IDs and calling services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.utils.log import get_task_logger
from django.db import InterfaceError, OperationalError

from claims import services
from claims.models import Article
from sources.services import lookup_article_start

logger = get_task_logger(__name__)


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
