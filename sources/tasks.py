"""Celery tasks for lookups: thin wrappers taking a LookupRun ID and calling the service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.conf import settings
from django.db import InterfaceError, OperationalError

from sources import services
from sources.models import LookupRun
from sources.services.lookups import lookup_run_sweep as lookup_run_sweep_service

logger = get_task_logger(__name__)

# One lookup is a few HTTP requests, each bounded by LOOKUP_DEADLINE: far below these.
SOFT_TIME_LIMIT = 90
TIME_LIMIT = 120
RETRY_BACKOFF_MAX = 600
SWEEP_SOFT_TIME_LIMIT = 50
SWEEP_TIME_LIMIT = 60
# The lookup worker runs threads, where Celery cannot enforce time limits: LOOKUP_DEADLINE bounds
# each request, and a run still "running" this long after it started has no worker.
STUCK_AFTER = TIME_LIMIT + 30


class LookupRunTask(DjangoTask):  # type: ignore[misc]
    """Records on the run why it failed for good (retries exhausted, time limit)."""

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            reason = (
                f"took longer than {SOFT_TIME_LIMIT} s"
                if isinstance(exc, SoftTimeLimitExceeded)
                else f"{type(exc).__name__}: {exc}"
            )
            LookupRun.objects.filter(
                pk=int(run_id), status__in=[LookupRun.Status.QUEUED, LookupRun.Status.RUNNING]
            ).update(status=LookupRun.Status.FAILED, error=reason[:2000])


@shared_task(  # type: ignore[untyped-decorator]
    name="sources.lookup_run_execute",
    base=LookupRunTask,
    # The service claims the run with a conditional update and evidence is unique, so a task
    # redelivered after its worker died runs again without duplicating anything (counted in
    # LookupRun.attempts; more than TASK_MAX_REDELIVERIES lost and it gives up).
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    # Database trouble only; backend errors are recorded on the run by the service.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    max_retries=5,
)
def lookup_run_execute(run_id: int) -> None:
    outcome = services.lookup_run_execute(run_id=run_id)
    logger.info("lookup.run_done", extra={"run_id": run_id, **outcome.as_log()})


@shared_task(  # type: ignore[untyped-decorator]
    name="sources.lookup_run_sweep",
    base=DjangoTask,
    # Harmless twice (rows locked with SKIP LOCKED; the runs it sends are claimed conditionally).
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT,
    time_limit=SWEEP_TIME_LIMIT,
)
def lookup_run_sweep() -> None:
    """Run by Celery beat every SWEEP_INTERVAL seconds (CELERY_BEAT_SCHEDULE)."""
    # The service logs what it sent (lookup.sweep); a pass with nothing to do stays quiet.
    lookup_run_sweep_service(
        stale_after={
            LookupRun.Status.QUEUED: settings.SWEEP_PENDING_AFTER,
            LookupRun.Status.RUNNING: STUCK_AFTER,
        },
        batch=settings.SWEEP_BATCH,
    )
