from django.conf import settings
from django.utils.module_loading import import_string


def test_every_scheduled_task_exists():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert callable(import_string(entry["task"])), entry["task"]
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "saduak.core.tasks.expire_idempotency_records" in tasks
