"""`manage.py social_recount` and the nightly task rebuild the targeting
counts and say how many rows they repaired."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from saduak.social.models import TargetingCounts
from saduak.social.tasks import recount_targeting
from saduak.social.tests import targeting_setup as setup

pytestmark = pytest.mark.django_db


def test_the_command_backfills_the_counts_and_then_finds_nothing(small_map):
    setup.household()
    setup.household("500201")
    out = io.StringIO()
    call_command("social_recount", stdout=out)
    # Two households, each an overall row and its source's row.
    assert "4 count row(s) were repaired" in out.getvalue()
    assert TargetingCounts.objects.get(subdistrict_id="500101", dimension="").found == 1
    out = io.StringIO()
    call_command("social_recount", "--year", str(setup.YEAR), stdout=out)
    assert "0 count row(s)" in out.getvalue()


def test_the_nightly_task_repairs_drift_and_is_scheduled(small_map, caplog):
    setup.household()
    setup.rebuild()
    TargetingCounts.objects.filter(dimension="").update(found=4)
    assert recount_targeting() == 1
    assert "repaired" in caplog.text
    assert recount_targeting() == 0
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "saduak.social.tasks.recount_targeting" in tasks
