"""Settings for the test suite: the real settings with fast hashing, local mail and eager Celery.

The database is whatever DATABASE_URL says (CI: PostgreSQL); unset, the SQLite default.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from workbench.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit and service tests run tasks in-process; the worker test switches this off for itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Serve static files from the apps (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Lookups: only the team library unless a test points a backend at a fake server (tests never
# reach the real Wikipedia, Wikidata or Google).
LOOKUP_BACKENDS = ["library"]
FACTCHECK_TOOLS_API_KEY = None
# A per-process cache: tests clear it freely, and it must never be the broker's Redis database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
API_THROTTLE_ENQUEUE = "100000/minute"  # tests that check throttling set their own
