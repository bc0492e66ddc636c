"""The migration that gives attachments, committee meetings and payments their
public id fills every existing row with a distinct one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("eservices", "0001_initial")]
AFTER = [("eservices", "0002_public_ids")]


@pytest.mark.django_db(transaction=True)
def test_existing_meetings_get_distinct_public_ids(small_map, make_user) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    office = old.get_model("areas", "Office").objects.get(code="do-5001")
    secretary = make_user()
    for number in range(3):
        old.get_model("eservices", "CommitteeMeeting").objects.create(
            office_id=office.pk,
            title=f"ประชุมครั้งที่ {number}",
            meets_on=timezone.localdate(),
            created_by_id=secretary.pk,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    ids = list(
        new.get_model("eservices", "CommitteeMeeting").objects.values_list(
            "public_id", flat=True
        )
    )
    # Back to the latest schema: the tests after this one need every table.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert len(ids) == 3
    assert None not in ids
    assert len(set(ids)) == 3
