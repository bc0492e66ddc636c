"""The append-only triggers, installed inside the test's transaction (the test
settings leave them out so the runner can empty tables)."""

import pytest
from django.db import DatabaseError, connection, transaction

from saduak.audit.guard import install_guard
from saduak.audit.models import AuditEvent
from saduak.audit.sequencer import seal_pending
from saduak.audit.services import audit_record
from saduak.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def refused(sql, params):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.fixture
def guarded():
    install_guard(connection)
    sealed = audit_record(actor="test", action="thing.sealed")
    seal_pending()
    unsealed = audit_record(actor="test", action="thing.unsealed")
    sealed.refresh_from_db()
    return sealed, unsealed


def test_the_sequencer_may_seal_under_the_guard(guarded):
    sealed, unsealed = guarded
    assert sealed.sequence is not None
    run = seal_pending()
    unsealed.refresh_from_db()
    assert unsealed.sequence == run.count
    assert verify_chain().intact


def test_a_sealed_event_cannot_be_edited_or_resealed(guarded):
    sealed, _unsealed = guarded
    refused("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [sealed.pk])
    refused(
        "UPDATE audit_auditevent SET hash = %s, sequence = sequence WHERE id = %s",
        ["f" * 64, sealed.pk],
    )
    refused(
        "UPDATE audit_auditevent SET sequence = NULL, hash = NULL WHERE id = %s",
        [sealed.pk],
    )
    assert AuditEvent.objects.get(pk=sealed.pk).action == "thing.sealed"


def test_an_unsealed_event_content_cannot_change_not_even_while_sealing(guarded):
    _sealed, unsealed = guarded
    refused("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [unsealed.pk])
    refused(
        "UPDATE audit_auditevent SET sequence = 999, previous_hash = %s, "
        "hash = %s, actor_label = 'someone' WHERE id = %s",
        ["0" * 64, "e" * 64, unsealed.pk],
    )
    refused(
        "UPDATE audit_auditevent SET previous_hash = %s WHERE id = %s",
        ["0" * 64, unsealed.pk],
    )
    assert AuditEvent.objects.get(pk=unsealed.pk).sequence is None


@pytest.mark.parametrize("which", [0, 1])
def test_no_event_can_be_deleted(guarded, which):
    event = guarded[which]
    refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_table_cannot_be_truncated_on_postgresql(guarded):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    refused("TRUNCATE audit_auditevent", [])
