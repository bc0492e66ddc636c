"""The Celery application. Without CELERY_BROKER_URL every task runs eagerly in the
calling process (settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("saduak")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
