"""What the ops tests share: the production environment of README "Deployment", free ports,
and the database URL another process can open."""

from __future__ import annotations

import os
import secrets

from tests.processes import free_port

# Variables of the developer's shell that must not leak into a "production" subprocess.
_SCRUB = {
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "LOG_FORMAT",
    "BEHIND_TLS_PROXY",
    "DJANGO_SETTINGS_MODULE",
}


def production_env(**overrides: str) -> dict[str, str]:
    """The environment README "Deployment" gives a production web or worker process."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB and not k.startswith("SECURE_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "workbench.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "workbench.example.org,127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": "https://workbench.example.org",
            "DATABASE_URL": "postgres://workbench@db.example.org:5432/workbench",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
            "BEHIND_TLS_PROXY": "1",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_PRELOAD": "1",
        }
    )
    env.update(overrides)
    return env


def closed_port_url(scheme: str) -> str:
    """A URL on 127.0.0.1 at a port nothing listens on (connections are refused at once)."""
    return f"{scheme}://127.0.0.1:{free_port()}"
