"""The workbench project package: settings, URLs, the Celery app, teams and the team web UI."""

from workbench.celery import app as celery_app

__all__ = ("celery_app",)
