"""Settings shared by every environment. Values come from the environment; the defaults
are the embedded single-machine setup (SQLite, local memory cache, eager Celery)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SADUAK_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "saduak.core",
    "saduak.areas",
    "saduak.accounts",
    "saduak.audit",
    "saduak.areas_staff",
    "saduak.audit_staff",
    "saduak.notifications",
    "saduak.identity",
    "saduak.appointments",
    "saduak.feedback",
    "saduak.eservices",
    "saduak.complaints",
    "saduak.performance",
    "saduak.social",
    "saduak.demo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oauth2_provider",
]

MIDDLEWARE = [
    "saduak.core.middleware.RequestIdMiddleware",
    "saduak.core.middleware.DatabaseUnavailableMiddleware",
    "saduak.core.middleware.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "saduak.core.middleware.ContentSecurityPolicyMiddleware",
    # The waiting room: after the security headers (the waiting page gets them too),
    # before sessions, authentication and any database work.
    "saduak.appointments.middleware.AdmissionMiddleware",
    "saduak.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "saduak.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "saduak.core.db_router.ReplicaPinMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "saduak.identity.step_up.StaffSecondFactorMiddleware",
    "saduak.core.middleware.DomainErrorMiddleware",
    "saduak.core.idempotency.IdempotencyMiddleware",
    "saduak.identity.middleware.SignInSessionMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "saduak.core.template_backend.EncodableDjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saduak.core.context_processors.site",
                "saduak.accounts.context_processors.staff_member",
                "saduak.core.db_router.data_freshness",
            ],
            "builtins": [
                "saduak.core.templatetags.thai",
                "saduak.core.templatetags.forms",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
SQLITE_PATH = VAR_DIR / "saduak.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # the start of a transaction so two writers queue instead of failing mid-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# PostgreSQL binds parameters on the server and prepares a statement after its fifth
# run on a connection: the booking bench went from 168 to 214 req/s (docs/bench.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
# Behind PgBouncer in transaction mode (PgBouncer before 1.21 keeps no prepared
# statements, and no pooler in that mode keeps a server-side cursor between
# transactions): no prepared statements, no server-side cursors.
DATABASE_POOLER_TRANSACTION_MODE = env_bool("DATABASE_POOLER_TRANSACTION_MODE", False)
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and DATABASE_POOLER_TRANSACTION_MODE
):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": False, "prepare_threshold": None}
    )
# A streaming replica for the heavy read-only pages (saduak/core/db_router.py):
# empty means every read goes to the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get(
        "DISABLE_SERVER_SIDE_CURSORS", False
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that does not answer is given up quickly: its pages read
        # from the primary instead (saduak/core/replica.py).
        DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 3)
# Writes, migrations and most reads go to the primary; the pages decorated with
# replica_reads read from the replica while it is up and close enough.
DATABASE_ROUTERS = ["saduak.core.db_router.PrimaryReplicaRouter"]
# Off: every read goes to the primary although a replica is configured (while
# it is rebuilt, say).
REPLICA_READS = env_bool("REPLICA_READS", True)
# Reads go to the primary when the replica is further behind than this, or down.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
# After a person changes something, their reads stay on the primary this long.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
REDIS_TIMEOUT_SECONDS = env_int("REDIS_TIMEOUT_MS", 1000) / 1000
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "saduak.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "saduak",
            # A Redis that does not answer costs a request at most this long
            # before the cache degrades (saduak/core/cache.py).
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_CONFIGURED = bool(env_str("CELERY_BROKER_URL"))
# With no broker, tasks run in the calling process so the embedded setup needs nothing
# else running ("memory://" only keeps Celery from looking for a default broker).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_CONFIGURED
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Bangkok"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_TIMEOUT = 3

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "saduak.identity.passwords.NotYourPersonalDataValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Static and private files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sarabun", NODE_MODULES / "@fontsource" / "sarabun"),
    # @line/liff ships no browser build; package.json's postinstall bundles one.
    ("vendor/liff", NODE_MODULES / ".saduak" / "liff"),
    # Chart.js with chartjs-chart-geo, and the provinces of npm @svg-maps/thailand as
    # GeoJSON: both made by package.json's postinstall (assets/charts/build.mjs).
    ("vendor/charts", NODE_MODULES / ".saduak" / "charts"),
]
# Private files (attachments, exports) live outside any served directory; nothing in
# them is publicly addressable.
PRIVATE_FILES_ROOT = Path(env_str("PRIVATE_FILES_ROOT", str(VAR_DIR / "private")))
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "s3":
    PRIVATE_STORAGE: dict = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("STORAGE_BUCKET"),
            "endpoint_url": env_str("STORAGE_ENDPOINT_URL") or None,
            "region_name": env_str("STORAGE_REGION") or None,
            "access_key": env_str("STORAGE_ACCESS_KEY") or None,
            "secret_key": env_str("STORAGE_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_FILES_ROOT), "base_url": None},
    }
STORAGES = {
    "default": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The card agent on officers' computers reads ID cards for enrolment
# (saduak/identity/card_agent.py); empty hides the "read the card" button.
CARD_AGENT_URL = env_str("CARD_AGENT_URL").rstrip("/")
_CONNECT_SOURCES = " ".join(filter(None, ["'self'", CARD_AGENT_URL]))
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    f"font-src 'self'; connect-src {_CONNECT_SOURCES}; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)

# --- Notifications --------------------------------------------------------------------
# "console" writes messages to the log; "http" posts to an SMS gateway.
SMS_BACKEND = env_str("SMS_BACKEND", "console")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")
SMS_SENDER_NAME = env_str("SMS_SENDER_NAME", "SADUAK")
SMS_DELIVERY_REPORT_SECRET = env_str("SMS_DELIVERY_REPORT_SECRET")
LINE_BACKEND = env_str("LINE_BACKEND", "console")
LINE_CHANNEL_ACCESS_TOKEN = env_str("LINE_CHANNEL_ACCESS_TOKEN")
LINE_API_HOST = env_str("LINE_API_HOST", "https://api.line.me")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Saduak <no-reply@saduak.local>")
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
# A queued notification nobody claimed for this long is handed to the broker by the
# requeue job (the outbox, docs/operations.md); longer than a normal queue wait.
NOTIFICATION_REQUEUE_GRACE_SECONDS = env_int("NOTIFICATION_REQUEUE_GRACE_SECONDS", 60)
# A worker's lease on a notification it is sending: longer than any channel's
# timeout (SMS/LINE 10 s, EMAIL_TIMEOUT), so a live send is never taken over; when a
# worker dies mid-send, the message goes out again (same idempotency key) after it.
NOTIFICATION_CLAIM_SECONDS = env_int("NOTIFICATION_CLAIM_SECONDS", 300)

# --- API ------------------------------------------------------------------------------
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200

# --- Logging --------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "saduak.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Audit ----------------------------------------------------------------------------
AUDIT_APPEND_ONLY_GUARD = True
# The sequencer signs a checkpoint after each run that seals events, with this
# Ed25519 private key (a PEM file outside the database: saduak/audit/keys.py).
# Without it a development key is made under VAR_DIR; production refuses that.
AUDIT_SIGNING_KEY_FILE = env_str("AUDIT_SIGNING_KEY_FILE")
# Verifying needs only the public key (PEM); by default it is the signing key's.
AUDIT_VERIFY_KEY_FILE = env_str("AUDIT_VERIFY_KEY_FILE")
AUDIT_DEVELOPMENT_KEYS = True
AUDIT_DEVELOPMENT_KEY_PATH = VAR_DIR / "audit-signing-key.pem"
# Where checkpoints go in the private file storage (STORAGES["default"]).
AUDIT_CHECKPOINT_DIR = "audit/checkpoints"
# Events sealed per transaction; a run seals batch after batch until none is ready.
AUDIT_SEAL_BATCH = env_int("AUDIT_SEAL_BATCH", 5000)

# --- The department running this installation ------------------------------------------
DEPARTMENT_NAME_TH = env_str("DEPARTMENT_NAME_TH", "กรมการปกครอง")
DEPARTMENT_NAME_EN = env_str(
    "DEPARTMENT_NAME_EN", "Department of Provincial Administration"
)
# The emblem printed at the top of a directive's official letter (an SVG, PNG or
# JPEG file); by default the plain emblem shipped in static/img/. The system check
# performance.E001 refuses a file that is missing or not an image.
PERFORMANCE_LETTER_EMBLEM = env_str(
    "PERFORMANCE_LETTER_EMBLEM", str(BASE_DIR / "static" / "img" / "letter-emblem.svg")
)
# Opening hours a new office starts with (Monday to Friday).
DEFAULT_OPENING_HOURS = ("08:30", "16:30")

# --- Digital ID -------------------------------------------------------------------------
# "demo" (sample people), "table" (local copy loaded with import_registry) or "http".
CIVIL_REGISTRY_BACKEND = env_str("CIVIL_REGISTRY_BACKEND", "demo")
CIVIL_REGISTRY_URL = env_str("CIVIL_REGISTRY_URL")
CIVIL_REGISTRY_TOKEN = env_str("CIVIL_REGISTRY_TOKEN")
# The registry is asked while someone waits: give up quickly, and after this many
# failures in a row stop asking for a while (saduak/identity/registry.py).
CIVIL_REGISTRY_TIMEOUT_SECONDS = env_int("CIVIL_REGISTRY_TIMEOUT_SECONDS", 3)
CIVIL_REGISTRY_BREAKER_FAILURES = env_int("CIVIL_REGISTRY_BREAKER_FAILURES", 5)
CIVIL_REGISTRY_BREAKER_SECONDS = env_int("CIVIL_REGISTRY_BREAKER_SECONDS", 60)
ENROLMENT_CODE_MINUTES = 10
# Identity checks one partner may make per second (its daily quota is on the partner).
IDENTITY_CHECKS_PER_SECOND = env_int("IDENTITY_CHECKS_PER_SECOND", 50)
# Second factor by authenticator app (TOTP, RFC 6238) with one-time recovery codes.
OTP_TOTP_ISSUER = "Saduak"
# Passkeys: the relying-party ID is the site's host name unless set here.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")
RECOVERY_CODE_COUNT = 10
SECOND_FACTOR_PENDING_SECONDS = 300
# Staff (every active staff role, and whoever can reach the Django admin) pass a
# second factor before any staff page, session API call or the admin; one with
# none is sent to enrol one first. On by default, so the demo signs staff in as
# production does (seed_demo prints each demo account's authenticator key);
# the test settings turn it off for the tests of other areas.
STAFF_SECOND_FACTOR_REQUIRED = env_bool("STAFF_SECOND_FACTOR_REQUIRED", True)
# Sensitive actions (an enrolment code, partners and their keys, a second-factor
# reset, a payout account) ask for the second factor again when the session's
# last one is older than this.
STEP_UP_SECONDS = env_int("STEP_UP_SECONDS", 15 * 60)
TERMS_VERSION = "2569.1"

# Sign-in lockout (django-axes; saduak/accounts/lockout.py): five wrong passwords for
# one personal ID pause every password check of that ID for 15 minutes, whatever the
# address or browser. Not by address: the citizens at a district office, or on one
# mobile network, share an address; and not by address and browser, which a new
# browser name escapes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "saduak.accounts.lockout.lockout_username"
# axes.W006 warns that without the address a lock can be escaped by a new browser
# name or cookie: that is true of locks that count by address and browser, not of
# this one, which counts the personal ID alone.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Each failure is recorded with the same client address as the booking limits
# (TRUSTED_PROXIES), the person's and not the reverse proxy's.
AXES_CLIENT_IP_CALLABLE = "saduak.core.client.client_ip"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "saduak.accounts.lockout.GuessBudgetBackend",
]

# --- OpenID Connect provider (django-oauth-toolkit) -------------------------------------
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"

# The public address of the site, for links in SMS, LINE and e-mail messages.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Booking surges (saduak/core/admission.py) ----------------------------------------
# Booking requests admitted per second over all app servers (0: no waiting room),
# and per person and per client address per minute.
BOOKING_ADMISSIONS_PER_SECOND = env_int("BOOKING_ADMISSIONS_PER_SECOND", 200)
BOOKING_REQUESTS_PER_PERSON_PER_MINUTE = env_int(
    "BOOKING_REQUESTS_PER_PERSON_PER_MINUTE", 30
)
BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE = env_int(
    "BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE", 600
)
# The waiting room (saduak/core/waiting_room.py, docs/appointments.md "Surges"): the
# rate above is the people admitted a second at most (the ceiling); the room lowers it
# when admitted requests' p95 goes over the target and raises it slowly while people
# wait, never under the floor. A burst of rate x BURST_MS / 1000 people (at least one)
# is admitted at once after a quiet moment.
WAITING_ROOM_BURST_MS = env_int("WAITING_ROOM_BURST_MS", 250)
WAITING_ROOM_MIN_RATE = env_int("WAITING_ROOM_MIN_RATE", 5)
WAITING_ROOM_TARGET_P95_MS = env_int("WAITING_ROOM_TARGET_P95_MS", 500)
WAITING_ROOM_CONTROL_SECONDS = env_int("WAITING_ROOM_CONTROL_SECONDS", 5)
# Durations kept (the newest), and how many a decision needs.
WAITING_ROOM_SAMPLES = env_int("WAITING_ROOM_SAMPLES", 500)
WAITING_ROOM_MIN_SAMPLES = env_int("WAITING_ROOM_MIN_SAMPLES", 20)
# How long an admitted person books without queueing again, and a place is kept.
WAITING_ROOM_ADMISSION_SECONDS = env_int("WAITING_ROOM_ADMISSION_SECONDS", 600)
WAITING_ROOM_TICKET_HOURS = env_int("WAITING_ROOM_TICKET_HOURS", 12)
# The waiting page's refresh (Retry-After) spread at random by up to this percent
# either way (at least a second), so that people who arrived together do not come
# back together.
WAITING_ROOM_REFRESH_SPREAD = env_int("WAITING_ROOM_REFRESH_SPREAD", 20)
# Redis down: each process admits at most this many people a second on its own.
WAITING_ROOM_FALLBACK_PER_SECOND = env_int("WAITING_ROOM_FALLBACK_PER_SECOND", 20)
# --- Amphoe Sang Suk happiness vote (saduak/feedback) -------------------------------
# The salt of every voter and source hash. Changing it starts "one vote a day"
# afresh for everyone; keep it when SECRET_KEY rotates.
FEEDBACK_KEY_SALT = env_str("FEEDBACK_KEY_SALT") or f"feedback:{SECRET_KEY}"
# Anonymous votes (the QR page without sign-in, an app's device id) for one office
# from one network (address) in one day that count; the rest are held for a
# moderator. Two: a couple at the counter together, on the office's Wi-Fi or one
# carrier's shared address. Verified votes (a served ticket, LINE, the digital ID)
# are never limited by address.
FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY = env_int(
    "FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY", 2
)
# An office's anonymous votes in a day count up to this many times its usual day
# (its busiest day of anonymous votes in the last four weeks), and never fewer than
# the floor; the rest are held as beyond its usual volume.
FEEDBACK_ANONYMOUS_OFFICE_DAY_FACTOR = env_int(
    "FEEDBACK_ANONYMOUS_OFFICE_DAY_FACTOR", 2
)
FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR = env_int("FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR", 20)
# Anonymous votes stored (counted or held) from one network in a day, across all
# offices, before further ones are refused with 429: what a script can add to the
# table, not what counts.
FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY = env_int(
    "FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY", 5000
)
# In the ranking an anonymous vote weighs this many percent of a verified one, and
# the anonymous votes together never more than the district's verified votes or,
# with fewer, FEEDBACK_RANKING_MIN_VOTES.
FEEDBACK_ANONYMOUS_WEIGHT_PERCENT = env_int("FEEDBACK_ANONYMOUS_WEIGHT_PERCENT", 50)
# The ranking's Bayesian average: a district counts as this many votes at the
# national mean on top of its own (docs/feedback.md explains the choice).
FEEDBACK_RANKING_MIN_VOTES = env_int("FEEDBACK_RANKING_MIN_VOTES", 30)
# Public pages and open data are at most this many seconds behind the votes.
FEEDBACK_PUBLIC_CACHE_SECONDS = env_int("FEEDBACK_PUBLIC_CACHE_SECONDS", 60)
# LINE official account (Messaging API) and LINE Login (for the LIFF page).
LINE_CHANNEL_SECRET = env_str("LINE_CHANNEL_SECRET")
LINE_LOGIN_BACKEND = env_str("LINE_LOGIN_BACKEND", "console")
LINE_LOGIN_CHANNEL_ID = env_str("LINE_LOGIN_CHANNEL_ID")
LINE_LIFF_ID = env_str("LINE_LIFF_ID")
# Where LIFF ID tokens are verified (tests point it at a local server).
LINE_LOGIN_API_HOST = env_str("LINE_LOGIN_API_HOST", "https://api.line.me")
LINE_OFFICIAL_ACCOUNT = env_str("LINE_OFFICIAL_ACCOUNT", "@amphoesangsook")
# Reverse proxies in front of the app servers: the client is the address this many
# hops from the end of X-Forwarded-For. 0 trusts no header (REMOTE_ADDR).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Answers to POSTs with an Idempotency-Key are kept this long (saduak/core/idempotency.py).
IDEMPOTENCY_HOURS = 24
# Paths whose errors have a format of their own: what middleware that refuses a
# request before the view answers there (saduak/core/responders.py).
ERROR_RESPONDERS = {"/open311/": "saduak.complaints.open311.views.refusal"}

# --- Periodic work (celery beat) -----------------------------------------------------------
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-notifications": {
        "task": "saduak.notifications.tasks.requeue_stale_notifications",
        "schedule": 60.0,
    },
    # Logout tokens whose hand-over to the broker was lost (OIDC back-channel
    # logout, the same outbox rule as notifications).
    "requeue-stale-backchannel-logouts": {
        "task": "saduak.identity.oidc.tasks.requeue_stale_backchannel_logouts",
        "schedule": 60.0,
    },
    "refresh-partner-usage": {
        "task": "saduak.identity.tasks.refresh_partner_usage",
        "schedule": 300.0,
    },
    # Expired pushed authorization requests and one-time JWT records (issue 20).
    "oidc-expired-purge": {
        "task": "saduak.identity.tasks.oidc_expired_purge",
        "schedule": crontab(minute=25),
    },
    "release-slots": {
        "task": "saduak.appointments.tasks.release_slots",
        "schedule": crontab(hour=1, minute=0),
    },
    "send-booking-reminders": {
        "task": "saduak.appointments.tasks.send_booking_reminders",
        "schedule": crontab(minute=5),
    },
    "close-the-day": {
        "task": "saduak.appointments.tasks.close_the_day",
        "schedule": crontab(hour=0, minute=30),
    },
    "expire-idempotency-records": {
        "task": "saduak.core.tasks.expire_idempotency_records",
        "schedule": crontab(hour=0, minute=40),
    },
    "watch-happiness": {
        "task": "saduak.feedback.tasks.watch_happiness",
        "schedule": crontab(hour=1, minute=15),
    },
    "recount-eservice-reports": {
        "task": "saduak.eservices.tasks.recount_reports",
        "schedule": crontab(hour=2, minute=20),
    },
    # Overdue complaints escalate; resolved ones close after 7 days (docs/complaints.md).
    "complaints-escalate": {
        "task": "saduak.complaints.tasks.escalate_complaints",
        "schedule": 900.0,
    },
    "complaints-report-recount": {
        "task": "saduak.complaints.tasks.recount_reports",
        "schedule": crontab(hour=2, minute=40),
    },
    # Computed KPIs of open rounds follow the data they are computed from
    # (docs/performance.md).
    "performance-compute-open-rounds": {
        "task": "saduak.performance.tasks.performance_compute_open_rounds",
        "schedule": crontab(hour=3, minute=10),
    },
    # Reminders of report deadlines, before and after, once a day
    # (docs/performance-collection.md; idempotent through ReminderSent).
    "performance-send-reminders": {
        "task": "saduak.performance.tasks.performance_send_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Social Match's targeting counts, rebuilt from the households (docs/social.md).
    "social-targeting-recount": {
        "task": "saduak.social.tasks.recount_targeting",
        "schedule": crontab(hour=3, minute=10),
    },
    # Follow-up reminders to case workers, before, on and after the due day
    # (docs/social.md; idempotent through FollowUp.reminders_sent).
    "social-send-case-reminders": {
        "task": "saduak.social.case_tasks.social_send_case_reminders",
        "schedule": crontab(hour=8, minute=40),
    },
    "appointments-mobile-recount": {
        "task": "saduak.appointments.tasks.recount_mobile_served",
        "schedule": crontab(hour=2, minute=50),
    },
    "refresh-office-statistics": {
        "task": "saduak.appointments.tasks.refresh_office_statistics",
        "schedule": 300.0,
    },
    # Staged source rows past their retention period are deleted (docs/social.md).
    "social-purge-expired-sources": {
        "task": "saduak.social.tasks.social_purge_expired_sources",
        "schedule": crontab(hour=3, minute=40),
    },
    # Chains the audit events committed since the last run (docs/operations.md §11).
    "seal-audit-chain": {
        "task": "saduak.audit.tasks.seal_audit_chain",
        "schedule": 5.0,
        "options": {"expires": 5.0},
    },
}

# --- OIDC provider settings (OAUTH2_PROVIDER) ---
# Partners sign citizens in with the digital ID through OpenID Connect
# (django-oauth-toolkit; docs/agency-integration.md). Authorization code flow with
# PKCE for browsers, client credentials for the identity check API only.
from saduak.identity.oidc.keys import (  # noqa: E402
    EC_DEVELOPMENT_KEY_NAME,
    current_key_setting,
    ec_current_key_setting,
    ec_previous_keys_setting,
    previous_keys_setting,
)

INSTALLED_APPS = [*INSTALLED_APPS, "saduak.identity.oidc"]
OIDC_ENABLED = env_bool("OIDC_ENABLED", True)
# The issuer partners verify ("https://id.example.go.th/o"); when empty it is this
# server's address + "/o", taken from each request.
OIDC_ISSUER = env_str("OIDC_ISSUER")
# `sub` is a per-partner HMAC of the person's id under a key derived from this
# secret. Changing it changes every partner's `sub`: keep it when SECRET_KEY rotates.
OIDC_PAIRWISE_SECRET = env_str("OIDC_PAIRWISE_SECRET") or SECRET_KEY
# Plain-http redirect URIs, and then only to this machine (localhost, 127.0.0.1,
# ::1), for development and tests; production accepts https only.
OIDC_ALLOW_HTTP_LOCALHOST = env_bool(
    "OIDC_ALLOW_HTTP_LOCALHOST",
    not env_str("DJANGO_SETTINGS_MODULE").endswith(".production"),
)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": OIDC_ENABLED,
    "OIDC_ISS_ENDPOINT": OIDC_ISSUER,
    "OIDC_RSA_PRIVATE_KEY": current_key_setting(
        env_str("OIDC_RSA_PRIVATE_KEY"),
        development_key_path=VAR_DIR / "oidc-development-key.pem",
    ),
    # Retired signing keys stay in the JWKS until tokens they signed have expired.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": previous_keys_setting(
        env_str("OIDC_RSA_PREVIOUS_KEYS")
    ),
    "OAUTH2_VALIDATOR_CLASS": "saduak.identity.oidc.validators.PartnerValidator",
    # No password grant for any client (server.py).
    "OIDC_SERVER_CLASS": "saduak.identity.oidc.server.PartnerServer",
    "SCOPES": {
        "openid": "Sign in with the digital ID (a code for this partner only)",
        "profile": "Name in Thai",
        "birthdate": "Date of birth",
        "address": "Address",
        "personal_id": "13-digit personal ID",
        "identity_check": "Identity check API (client credentials)",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"]
    if OIDC_ALLOW_HTTP_LOCALHOST
    else ["https"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": [
        "authorization_code",
        "client_credentials",
        "refresh_token",
    ],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    ],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # With an id_token_hint of the signed-in person the sign-out happens at once;
    # otherwise the person is asked.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_JWKS_MAX_AGE_SECONDS": 3600,
    # Short lives: a code is exchanged within seconds; a partner that needs the
    # data again later asks the person to sign in again.
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env_int("OIDC_CODE_SECONDS", 60),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OIDC_ACCESS_TOKEN_SECONDS", 300),
    "ID_TOKEN_EXPIRE_SECONDS": env_int("OIDC_ID_TOKEN_SECONDS", 300),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("OIDC_REFRESH_TOKEN_SECONDS", 3600),
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Saduak remembers consent itself (PartnerConsent), per partner and scopes.
    "REQUEST_APPROVAL_PROMPT": "force",
    # RFC 9700 (OAuth 2.0 Security BCP), all enforced.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# The elliptic-curve key (P-256) that signs ID tokens for clients registered for
# ES256, as the RSA key above: generated into VAR_DIR when empty (development).
# Retired ones stay in the JWKS (and are accepted in logout hints) until removed.
OIDC_EC_PRIVATE_KEY = ec_current_key_setting(
    env_str("OIDC_EC_PRIVATE_KEY"),
    development_key_path=VAR_DIR / EC_DEVELOPMENT_KEY_NAME,
)
OIDC_EC_PREVIOUS_KEYS = ec_previous_keys_setting(env_str("OIDC_EC_PREVIOUS_KEYS"))
# Pushed authorization requests (RFC 9126): how long a request_uri lives, and
# whether every client must push (otherwise only those registered to).
OIDC_PAR_SECONDS = env_int("OIDC_PAR_SECONDS", 90)
OIDC_REQUIRE_PAR = env_bool("OIDC_REQUIRE_PAR", False)
# Client assertions (private_key_jwt), request objects and DPoP proofs: the
# longest lifetime accepted, and the clock difference tolerated.
OIDC_JWT_MAX_LIFETIME_SECONDS = env_int("OIDC_JWT_MAX_LIFETIME_SECONDS", 300)
OIDC_JWT_CLOCK_SKEW_SECONDS = env_int("OIDC_JWT_CLOCK_SKEW_SECONDS", 30)
# A partner's jwks_uri is fetched with this timeout and kept this long (fetched
# again at once, at most once a minute, when a JWT names an unknown key).
OIDC_CLIENT_JWKS_TIMEOUT_SECONDS = env_int("OIDC_CLIENT_JWKS_TIMEOUT_SECONDS", 3)
OIDC_CLIENT_JWKS_CACHE_SECONDS = env_int("OIDC_CLIENT_JWKS_CACHE_SECONDS", 3600)
# Back-channel logout: timeout of one delivery, and how many attempts.
OIDC_BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS = env_int(
    "OIDC_BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS", 5
)
OIDC_BACKCHANNEL_LOGOUT_ATTEMPTS = env_int("OIDC_BACKCHANNEL_LOGOUT_ATTEMPTS", 5)

# --- E-services -----------------------------------------------------------------------
# Master keys that wrap each attachment's own data key: "id:base64key,id2:base64key"
# (32-byte AES keys). The first is the current one, used for new files; the others
# still unwrap older files until `manage.py eservices_rotate_keys` re-wraps them.
# Development derives one from SECRET_KEY; production refuses to start without it.
ESERVICES_MASTER_KEYS = env_str("ESERVICES_MASTER_KEYS")
# The antivirus daemon (clamd) that scans uploads: "tcp://host:3310" or
# "unix:///run/clamav/clamd.ctl"; empty stores files unscanned (marked so).
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS")
# The largest upload any form field may allow, in megabytes.
ESERVICES_MAX_UPLOAD_MB = env_int("ESERVICES_MAX_UPLOAD_MB", 20)
# The department's account that pays approved applicants, as the bank's bulk
# transfer file names it.
ESERVICES_PAYER_BANK_CODE = env_str("ESERVICES_PAYER_BANK_CODE", "006")
ESERVICES_PAYER_ACCOUNT = env_str("ESERVICES_PAYER_ACCOUNT", "0000000000")
ESERVICES_PAYER_COMPANY_ID = env_str("ESERVICES_PAYER_COMPANY_ID", "SADUAKDEMO")
ESERVICES_PAYER_NAME = env_str("ESERVICES_PAYER_NAME", "DEPARTMENT DEMO ACCOUNT")

# --- Complaints (saduak/complaints) ------------------------------------------------------
# The LIFF app of the complaint form (docs/complaints-line.md), in the same LINE
# Login channel as LINE_LIFF_ID; empty: the form does not load the LIFF SDK and
# the chat's "ร้องเรียน" links to the form on the site.
COMPLAINTS_LIFF_ID = env_str("LINE_COMPLAINTS_LIFF_ID")
# --- Complaints: Open311 GeoReport v2 (docs/open311.md) ---------------------------------
# The jurisdiction_id this endpoint serves (a request naming another gets 404).
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "saduak.go.th")
# discovery.json's contact and changeset (bump it when services or definitions change
# in a way clients that cache them must notice).
OPEN311_CONTACT_EMAIL = env_str("OPEN311_CONTACT_EMAIL", "open311@saduak.go.th")
OPEN311_CHANGESET = env_str("OPEN311_CHANGESET", "2026-12-06T00:00:00+07:00")
# Requests one partner key may file per second.
OPEN311_POSTS_PER_SECOND = env_int("OPEN311_POSTS_PER_SECOND", 20)
# How long the public complaint figures and their open data are cached for
# visitors without a session (docs/complaints-reports.md).
COMPLAINTS_PUBLIC_CACHE_SECONDS = env_int("COMPLAINTS_PUBLIC_CACHE_SECONDS", 180)
# --- Social Match: sources (docs/social.md) ------------------------------------------------
# How long an import's staged rows are kept (days), for every source, and per source
# (SOCIAL_SOURCE_RETENTION_DAYS_WELFARE_CARD, ..._SOCIAL_MAP, ..._BASIC_NEEDS, ..._FAMILY,
# ..._CASE_SYSTEM); then the daily purge deletes them and keeps the counts.
SOCIAL_SOURCE_RETENTION_DAYS = env_int("SOCIAL_SOURCE_RETENTION_DAYS", 3 * 365)
SOCIAL_SOURCE_RETENTION_DAYS_BY_KIND = {
    kind: env_int(
        f"SOCIAL_SOURCE_RETENTION_DAYS_{kind.upper()}", SOCIAL_SOURCE_RETENTION_DAYS
    )
    for kind in ("welfare_card", "social_map", "basic_needs", "family", "case_system")
}
