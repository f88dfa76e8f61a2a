"""The Celery configuration the fault tests rely on, asserted for every task of the app.

Every task is idempotent, so each is acknowledged late and delivered again when its worker is
lost (a redelivery counter in the database bounds the loop); each has soft < hard time limits;
the Redis visibility timeout outlasts the longest task and the longest retry countdown (or a
slow task would be delivered a second time while it still runs).
"""

from __future__ import annotations

import pytest
from django.conf import settings

from workbench.celery import app

# Why running each task again is harmless (checked by the tests named here).
IDEMPOTENT = {
    # Claims matched by fingerprint under the article's lock: tests/faults/test_worker_faults.py
    # (killed mid-extraction, same claim count as a clean run).
    "claims.article_extract",
    # Acts only while the article is "fetching"; the text is saved under select_for_update.
    "claims.article_fetch",
    # Runs claimed with a conditional update; evidence unique per (claim, source, passage).
    "sources.lookup_run_execute",
    # Rows locked SKIP LOCKED; sends only idempotent tasks.
    "claims.article_sweep",
    "sources.lookup_run_sweep",
}


def _tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def _option(task, name: str):
    value = getattr(task, name, None)
    return value if value is not None else app.conf[f"task_{name}"]


def test_every_task_is_known_to_be_idempotent():
    assert set(_tasks()) == IDEMPOTENT


@pytest.mark.parametrize("name", sorted(IDEMPOTENT))
def test_each_task_is_acknowledged_late_with_time_limits(name):
    task = _tasks()[name]
    assert _option(task, "acks_late") is True
    assert _option(task, "reject_on_worker_lost") is True
    soft, hard = _option(task, "soft_time_limit"), _option(task, "time_limit")
    assert soft and hard and 0 < soft < hard
    if getattr(task, "autoretry_for", ()):
        assert task.max_retries is not None  # never retried for ever


def test_the_visibility_timeout_outlasts_every_task_and_countdown():
    tasks = _tasks().values()
    longest = max(_option(task, "time_limit") for task in tasks)
    countdown = max(
        (getattr(task, "retry_backoff_max", 0) or 0)
        for task in tasks
        if getattr(task, "autoretry_for", ())
    )
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > longest
    assert visibility > countdown
    # The sweep must not resend a task that is only waiting out its time limit.
    assert settings.SWEEP_INTERVAL > 0 and settings.SWEEP_BATCH > 0


def test_workers_take_one_task_at_a_time_and_drop_running_ones_with_the_broker():
    assert app.conf.worker_prefetch_multiplier == 1
    # A worker that lost the broker cancels its acks_late tasks (they are delivered again).
    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is True


def test_sending_a_task_does_not_wait_for_a_broker_that_is_down():
    policy = app.conf.task_publish_retry_policy
    assert app.conf.task_publish_retry and policy["max_retries"] <= 3
    options = app.conf.broker_transport_options
    assert options["max_retries"] <= 3  # kombu's default: connect for ever
    assert app.conf.broker_connection_timeout <= 5


def test_the_sweep_is_scheduled_for_both_apps():
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert set(schedule) == {"claims.article_sweep", "sources.lookup_run_sweep"}
    assert set(schedule.values()) == {settings.SWEEP_INTERVAL}
    assert settings.TASK_MAX_REDELIVERIES == 3
