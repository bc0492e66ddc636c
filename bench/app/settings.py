"""The settings of the benchmark's server: production's, plus the bench app
(its management commands) and a URLconf that adds the bench-only endpoints.
bench/server.py sets DJANGO_SETTINGS_MODULE to this module for gunicorn and
every `manage.py` it runs."""

from config.settings.production import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.app"]  # noqa: F405
ROOT_URLCONF = "bench.app.urls"

# A bench run is not production: it signs audit checkpoints with a key made for the
# run in its own SADUAK_VAR_DIR (a temporary folder), as the demo does.
AUDIT_DEVELOPMENT_KEYS = True
