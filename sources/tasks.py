"""Celery tasks for lookups: thin wrappers taking a LookupRun ID and calling the service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.db import InterfaceError, OperationalError

from sources import services
from sources.models import LookupRun

logger = get_task_logger(__name__)

# One lookup is a few HTTP requests, each bounded by LOOKUP_DEADLINE: far below these.
SOFT_TIME_LIMIT = 90
TIME_LIMIT = 120


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
    # redelivered after its worker died runs again without duplicating anything.
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    # Database trouble only; backend errors are recorded on the run by the service.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def lookup_run_execute(run_id: int) -> None:
    outcome = services.lookup_run_execute(run_id=run_id)
    logger.info("lookup.run_done", extra={"run_id": run_id, **outcome.as_log()})
