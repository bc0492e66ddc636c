"""Health checks for load balancers and operators: the database, the cache and, when
one is configured, the Celery broker."""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("saduak.health")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(
            max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT
        )


def run_checks() -> dict[str, dict[str, object]]:
    checks: dict[str, Callable[[], None]] = {"database": _database, "cache": _cache}
    if settings.CELERY_BROKER_CONFIGURED:
        checks["broker"] = _broker
    results: dict[str, dict[str, object]] = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
        # A health check reports every failure, whatever it is. The detail (hosts,
        # user names) goes to the log, not into the public answer.
        except Exception as error:
            logger.error("health check %s failed", name, exc_info=error)
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    if not settings.CELERY_BROKER_CONFIGURED:
        results["broker"] = {"ok": True, "mode": "eager (no broker configured)"}
    return results
