"""Settings for the test suite: fast hashing, in-memory mail, the same database engine
that DATABASE_URL names (SQLite by default, PostgreSQL in CI's second run)."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_CONFIGURED = False
CELERY_BROKER_URL = "memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PRIVATE_FILES_ROOT = VAR_DIR / "test-private"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_FILES_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: threads in the race tests then wait for
    # SQLite's write lock (timeout) as the real server's processes do.
    # One file per run, so two runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }
LOGGING = {"version": 1, "disable_existing_loggers": False}
AUDIT_APPEND_ONLY_GUARD = False
# Most tests sign staff in with force_login and test something else; the tests of
# the staff second factor (identity, accounts, browser) turn it on themselves, and
# a test checks that production requires it.
STAFF_SECOND_FACTOR_REQUIRED = False
# A "replica" alias in every run, as a test mirror of the test database (Django
# points it at the same database; it creates nothing for it), so that the
# routing code and every decorated page meet a configured replica alias. Reads
# still go to the primary unless a test turns REPLICA_READS on: a mirror is a
# second connection, which inside a TestCase's transaction cannot see the rows
# the test made, so only the router's tests (saduak/core/tests/test_db_router*,
# committing their rows) read from it.
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
REPLICA_READS = False
