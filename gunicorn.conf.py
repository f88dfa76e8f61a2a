"""gunicorn settings for the workbench: `gunicorn workbench.wsgi` (Procfile, deploy/systemd).

Every value can be changed from the environment (GUNICORN_* below, or gunicorn's own
GUNICORN_CMD_ARGS). Logs, the access log included, are JSON lines through the same formatter as
Django's (workbench.logging.JsonFormatter; LOG_FORMAT=plain for text).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: views are short and the slow work is in Celery. 2 x CPUs + 1 by default.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is killed (the worker is restarted).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a deploy), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then (bounded memory growth); jitter so they do not restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# Each worker loads the app itself: no shared state across fork (database connections, Redis).
preload_app = False
# Proxies whose X-Forwarded-* headers are trusted (the TLS-terminating load balancer).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No runtime control socket (gunicorn 24+): one per user home would be shared by every instance.
control_socket_disable = True
# Refuse absurd request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

# --- logs: one JSON object per line on stderr, the access log included ----------------------------
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The message of an access line; its fields (method, path, status, duration_ms, request_id...)
# are added by the JSON formatter from gunicorn's atoms.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'
_format = os.environ.get("LOG_FORMAT") or (
    "plain" if os.environ.get("DEBUG", "").lower() in {"1", "true", "yes", "on"} else "json"
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "workbench.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _format,
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
