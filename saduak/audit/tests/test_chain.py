import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from saduak.audit.guard import install_guard
from saduak.audit.models import AuditEvent
from saduak.audit.sequencer import seal_pending
from saduak.audit.services import audit_record
from saduak.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(db):
    """Five events on top of what migrate wrote (the built-in e-services), sealed
    by the sequencer; their sequence numbers, first to last."""
    events = [
        audit_record(
            actor="test", action=f"thing.{number}", after={"n": number, "ชื่อ": "ทดสอบ"}
        )
        for number in range(1, 6)
    ]
    seal_pending()
    return list(
        AuditEvent.objects.filter(pk__in=[e.pk for e in events])
        .order_by("id")
        .values_list("sequence", flat=True)
    )


def raw_update(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_are_numbered_and_each_links_to_the_one_before(five_events):
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert [e.sequence for e in events[-5:]] == five_events
    assert five_events[-1] == len(events)
    assert all(
        later.previous_hash == earlier.hash
        for earlier, later in zip(events, events[1:], strict=False)
    )


def test_an_untouched_chain_verifies(five_events):
    report = verify_chain()
    assert report.intact and report.checked == AuditEvent.objects.count()


def test_an_edited_event_is_caught_at_that_event(five_events):
    raw_update(
        "UPDATE audit_auditevent SET action = %s WHERE sequence = %s",
        ["thing.forged", five_events[2]],
    )
    report = verify_chain()
    assert report.first_break.sequence == five_events[2]
    assert "edited" in report.first_break.reason


def test_an_edited_before_and_after_snapshot_is_caught(five_events):
    raw_update(
        "UPDATE audit_auditevent SET after = %s WHERE sequence = %s",
        ['{"n": 99}', five_events[1]],
    )
    assert verify_chain().first_break.sequence == five_events[1]


def test_a_deleted_event_is_caught_where_the_gap_is(five_events):
    raw_update("DELETE FROM audit_auditevent WHERE sequence = %s", [five_events[1]])
    report = verify_chain()
    assert report.first_break.sequence == five_events[1]
    assert "missing" in report.first_break.reason


def test_deleting_the_newest_event_is_caught_too(five_events):
    raw_update("DELETE FROM audit_auditevent WHERE sequence = %s", [five_events[4]])
    assert verify_chain().first_break.sequence == five_events[4]


def test_reordered_events_are_caught(five_events):
    # Swap the sequence numbers of the second and third (through a free number).
    second, third = five_events[1], five_events[2]
    swap = "UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s"
    raw_update(swap, [1000, second])
    raw_update(swap, [second, third])
    raw_update(swap, [third, 1000])
    report = verify_chain()
    assert report.first_break.sequence == second


def test_the_verify_command_names_the_first_broken_link(five_events, capsys):
    call_command("audit_verify")
    assert f"intact: {AuditEvent.objects.count()} events" in capsys.readouterr().out
    raw_update(
        "UPDATE audit_auditevent SET actor_label = %s WHERE sequence = %s",
        ["someone else", five_events[3]],
    )
    with pytest.raises(CommandError, match=f"event {five_events[3]}"):
        call_command("audit_verify")


def test_the_model_refuses_to_change_or_delete_an_event(five_events):
    event = AuditEvent.objects.get(sequence=five_events[0])
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'x' WHERE sequence = %s",
        "DELETE FROM audit_auditevent WHERE sequence = %s",
    ],
)
def test_the_database_refuses_updates_and_deletes_once_guarded(five_events, statement):
    install_guard(connection)
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_update(statement, [five_events[0]])
    assert AuditEvent.objects.get(sequence=five_events[0]).action == "thing.1"


def test_an_event_records_the_request_it_came_from(small_map, client_for, make_staff):
    from saduak.accounts.choices import Role

    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    client_for(admin).patch(
        "/api/v1/offices/reg-5001",
        {"phone": "1"},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-12345678",
    )
    assert AuditEvent.objects.get(action="office.update").request_id == "req-12345678"
