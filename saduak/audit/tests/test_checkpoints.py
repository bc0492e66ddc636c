"""audit_verify against the newest signed checkpoint: a rewound database and a
forged checkpoint are caught; the sequencer will not sign over a rewind."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from saduak.audit.checkpoints import CONTEXT, _canonical, checkpoint_newest
from saduak.audit.models import AuditEvent
from saduak.audit.sequencer import ChainDisagreesWithCheckpoint, seal_pending
from saduak.audit.services import audit_record
from saduak.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def sealed_chain():
    """Events sealed in two runs (two checkpoints); the chain's length."""
    for number in range(3):
        audit_record(actor="test", action=f"early.{number}")
    seal_pending()
    for number in range(3):
        audit_record(actor="test", action=f"late.{number}")
    return seal_pending().count


def rewind_to(count):
    """What someone with the database could do: cut the newest events and put the
    head row back where it was then."""
    head = AuditEvent.objects.get(sequence=count)
    raw("DELETE FROM audit_auditevent WHERE sequence > %s", [count])
    raw(
        "UPDATE audit_auditchainhead SET sequence = %s, hash = %s WHERE id = 1",
        [count, head.hash],
    )


def test_the_newest_checkpoint_holds_and_is_reported(sealed_chain, capsys):
    report = verify_chain()
    assert report.intact and report.checkpoint.count == sealed_chain
    call_command("audit_verify")
    assert f"{sealed_chain} events, head" in capsys.readouterr().out


def test_a_rewound_database_is_caught(sealed_chain):
    rewind_to(sealed_chain - 2)
    report = verify_chain()
    assert report.first_break.sequence == sealed_chain - 1
    assert "rewound" in report.first_break.reason
    with pytest.raises(CommandError, match="rewound"):
        call_command("audit_verify", "--no-seal")


def test_the_sequencer_does_not_sign_over_a_rewind(sealed_chain):
    rewind_to(sealed_chain - 2)
    for number in range(4):  # more than were cut: the chain grows past the count
        audit_record(actor="test", action=f"after.{number}")
    with pytest.raises(ChainDisagreesWithCheckpoint):
        seal_pending()
    assert checkpoint_newest().count == sealed_chain
    with pytest.raises(CommandError, match="rewound"):
        call_command("audit_verify")


def test_a_rewritten_chain_of_the_same_length_is_caught(sealed_chain):
    # Rehash every event after an edit, as someone without the key could.
    from saduak.audit.chain import HASHED_FIELDS, event_hash

    raw(
        "UPDATE audit_auditevent SET action = 'late.rewritten' WHERE sequence = %s",
        [sealed_chain - 1],
    )
    previous = AuditEvent.objects.get(sequence=sealed_chain - 2).hash
    for sequence in (sealed_chain - 1, sealed_chain):
        row = AuditEvent.objects.filter(sequence=sequence).values(*HASHED_FIELDS)[0]
        row["previous_hash"] = previous
        previous = event_hash(row)
        raw(
            "UPDATE audit_auditevent SET previous_hash = %s, hash = %s "
            "WHERE sequence = %s",
            [row["previous_hash"], previous, sequence],
        )
    raw("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [previous])
    report = verify_chain()
    assert report.first_break.sequence == sealed_chain
    assert "differs from the checkpoint" in report.first_break.reason


def _forge(count, head_hash, key):
    sealed_at = "2099-01-01T00:00:00.000000Z"
    signature = key.sign(CONTEXT + _canonical(count, head_hash, sealed_at))
    content = {
        "count": count,
        "head_hash": head_hash,
        "sealed_at": sealed_at,
        "signature": base64.b64encode(signature).decode(),
    }
    newest = checkpoint_newest()
    folder = newest.name.rsplit("/", 1)[0]
    default_storage.save(
        f"{folder}/{count:015d}-29990101T000000000000Z.json",
        ContentFile(json.dumps(content).encode()),
    )


def test_a_checkpoint_signed_with_another_key_is_caught(sealed_chain):
    # Someone rewinds and writes a checkpoint to match, without the real key.
    rewind_to(sealed_chain - 2)
    head = AuditEvent.objects.get(sequence=sealed_chain - 2).hash
    _forge(sealed_chain + 100, head, Ed25519PrivateKey.generate())
    report = verify_chain()
    assert "not signed by the audit key" in report.first_break.reason


def test_a_damaged_checkpoint_is_caught(sealed_chain):
    newest = checkpoint_newest()
    folder = newest.name.rsplit("/", 1)[0]
    default_storage.save(
        f"{folder}/{sealed_chain + 1:015d}-29990101T000000000000Z.json",
        ContentFile(b"{not json"),
    )
    assert "unreadable checkpoint" in verify_chain().first_break.reason


def test_an_edited_deleted_or_reordered_event_is_caught_before_the_checkpoint(
    sealed_chain,
):
    raw("DELETE FROM audit_auditevent WHERE sequence = %s", [2])
    report = verify_chain()
    assert report.first_break.sequence == 2 and "missing" in report.first_break.reason


def test_a_sequencer_run_does_not_list_the_storage_again(sealed_chain, monkeypatch):
    """The newest checkpoint this process wrote is remembered: a run every few
    seconds does not list a folder that grows all day."""

    def no_listing(path):
        raise AssertionError(f"listed {path}")

    monkeypatch.setattr(default_storage, "listdir", no_listing)
    audit_record(actor="test", action="later")
    assert seal_pending().count == sealed_chain + 1


def test_the_sequencer_still_refuses_a_rewind_below_the_remembered_checkpoint(
    sealed_chain,
):
    rewind_to(3)
    audit_record(actor="test", action="after.rewind")
    with pytest.raises(ChainDisagreesWithCheckpoint):
        seal_pending()
