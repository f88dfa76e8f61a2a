"""The settings module read in fresh interpreters with chosen environments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
)


def settings_in(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"}
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "workbench.settings", "WORKBENCH_VAR_DIR": str(tmp_path)}
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


class SettingsTests:
    def test_production_refuses_to_start_without_a_secret_key(self, tmp_path):
        result = settings_in({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"}, tmp_path)
        assert result.returncode != 0
        assert "SECRET_KEY is required when DEBUG is off" in result.stderr

    def test_production_refuses_to_start_without_allowed_hosts(self, tmp_path):
        result = settings_in({"DEBUG": "0", "SECRET_KEY": "x" * 50}, tmp_path)
        assert result.returncode != 0
        assert "ALLOWED_HOSTS is required" in result.stderr

    def test_secret_key_can_come_from_a_file(self, tmp_path):
        key_file = tmp_path / "key"
        key_file.write_text("from-a-file-" + "k" * 40)
        result = settings_in(
            {"DEBUG": "0", "SECRET_KEY_FILE": str(key_file), "ALLOWED_HOSTS": "example.org"},
            tmp_path,
        )
        assert result.returncode == 0, result.stderr

    def test_embedded_default_is_sqlite_with_eager_celery(self, tmp_path):
        result = settings_in({"DEBUG": "1"}, tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]
        assert (tmp_path / "secret_key").exists()  # the dev key survives restarts

    def test_postgres_and_redis_from_the_environment(self, tmp_path):
        result = settings_in(
            {
                "DEBUG": "1",
                "DATABASE_URL": "postgres://u@db.example:5432/wb",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            },
            tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["django.db.backends.postgresql", "False", "True"]

    @pytest.mark.parametrize("value", ["maybe", "2"])
    def test_bad_booleans_fail_loudly(self, tmp_path, value):
        result = settings_in({"DEBUG": value}, tmp_path)
        assert result.returncode != 0
        assert f"DEBUG={value!r} is not a boolean" in result.stderr
