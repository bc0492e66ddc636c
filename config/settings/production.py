"""Production: everything secret or site-specific comes from the environment, and
`manage.py check --deploy` passes."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
# Attachments are encrypted under these keys; a key derived from SECRET_KEY (the
# development default) would make the documents as safe as the session secret.
if not ESERVICES_MASTER_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "ESERVICES_MASTER_KEYS must be set in production (see docs/operations.md)."
    )

# Audit checkpoints are signed with a key from AUDIT_SIGNING_KEY_FILE, never one made
# on the spot (the system check audit.E001 and the sequencer refuse to go without).
AUDIT_DEVELOPMENT_KEYS = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# WhiteNoise serves the collected static files (run `manage.py collectstatic`) with
# far-future cache headers; a reverse proxy may serve STATIC_ROOT instead.
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Every staff member and the admin pass a second factor (docs/operations.md).
STAFF_SECOND_FACTOR_REQUIRED = env_bool("STAFF_SECOND_FACTOR_REQUIRED", True)
# The LIFF page trusts only LINE's own verification of the ID token in production:
# the console verifier (development) would take any made-up LINE user.
LINE_LOGIN_BACKEND = env_str("LINE_LOGIN_BACKEND", "line")
