import threading

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections, transaction

from saduak.audit.checkpoints import checkpoint_newest
from saduak.audit.keys import new_signing_key_pem, signing_key
from saduak.audit.models import AuditChainHead, AuditEvent
from saduak.audit.sequencer import seal_on_demand, seal_pending
from saduak.audit.services import audit_record
from saduak.audit.tasks import seal_audit_chain
from saduak.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's snapshots"
)


def test_an_event_is_written_unsealed_and_the_sequencer_chains_it():
    event = audit_record(actor="test", action="thing.made", after={"n": 1})
    event.refresh_from_db()
    assert (event.sequence, event.previous_hash, event.hash) == (None, "", None)
    run = seal_pending()
    event.refresh_from_db()
    assert run.sealed >= 1 and event.sequence == run.count
    assert event.hash == run.head_hash
    assert AuditChainHead.objects.get().sequence == run.count
    assert verify_chain().intact


def test_a_run_signs_a_checkpoint_of_what_it_sealed_and_only_then():
    audit_record(actor="test", action="thing.made")
    run = seal_pending()
    newest = checkpoint_newest()
    assert newest is not None and newest.name == run.checkpoint.name
    assert (newest.count, newest.head_hash) == (run.count, run.head_hash)
    assert newest.signature_valid()
    again = seal_pending()
    assert again.sealed == 0 and again.checkpoint is None
    assert checkpoint_newest().name == newest.name


def test_small_batches_chain_on_from_one_another():
    events = [audit_record(actor="test", action=f"thing.{n}") for n in range(7)]
    run = seal_pending(batch_size=2)
    assert run.sealed >= 7
    numbers = list(
        AuditEvent.objects.filter(pk__in=[e.pk for e in events])
        .order_by("id")
        .values_list("sequence", flat=True)
    )
    assert numbers == sorted(numbers) and numbers[-1] == run.count
    assert verify_chain().intact


def test_the_scheduled_task_and_the_command_seal(capsys):
    audit_record(actor="test", action="thing.one")
    assert seal_audit_chain.delay().get() >= 1
    audit_record(actor="test", action="thing.two")
    call_command("audit_seal")
    assert "sealed: 1 events" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()


def test_the_staff_audit_log_seals_on_demand(small_map, client_for, make_staff):
    from saduak.accounts.choices import Role

    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    client_for(admin).patch(
        "/api/v1/offices/reg-5001", {"phone": "1"}, content_type="application/json"
    )
    event = AuditEvent.objects.get(action="office.update")
    page = client_for(admin).get("/staff/audit/")
    event.refresh_from_db()
    assert event.sequence is not None
    assert f'href="/staff/audit/{event.sequence}/"' in page.content.decode()


def test_an_unsealed_event_has_a_page_by_id_until_sealed(
    small_map, client_for, make_staff, settings
):
    from saduak.accounts.choices import Role

    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    client = client_for(admin)
    client.patch(
        "/api/v1/offices/reg-5001", {"phone": "2"}, content_type="application/json"
    )
    event = AuditEvent.objects.get(action="office.update")
    assert client.get(f"/staff/audit/unsealed/{event.pk}/").status_code == 200
    settings.AUDIT_DEVELOPMENT_KEYS = False  # no key: the page cannot seal
    settings.AUDIT_SIGNING_KEY_FILE = ""
    page = client.get("/staff/audit/").content.decode()
    assert f'href="/staff/audit/unsealed/{event.pk}/"' in page
    settings.AUDIT_DEVELOPMENT_KEYS = True
    seal_pending()
    event.refresh_from_db()
    answer = client.get(f"/staff/audit/unsealed/{event.pk}/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/staff/audit/{event.sequence}/"


def test_without_a_key_production_refuses_to_seal_and_says_so(settings):
    settings.AUDIT_DEVELOPMENT_KEYS = False
    settings.AUDIT_SIGNING_KEY_FILE = ""
    audit_record(actor="test", action="thing.made")
    with pytest.raises(ImproperlyConfigured):
        seal_pending()
    assert seal_on_demand() is None
    assert AuditEvent.objects.filter(sequence__isnull=True).exists()
    assert "audit.E001" in [error.id for error in run_checks()]


def test_a_key_file_signs_and_a_public_key_alone_verifies(settings, tmp_path):
    from saduak.audit.keys import public_key_pem

    private = tmp_path / "audit.pem"
    private.write_bytes(new_signing_key_pem())
    public = tmp_path / "audit.pub.pem"
    settings.AUDIT_DEVELOPMENT_KEYS = False
    settings.AUDIT_SIGNING_KEY_FILE = str(private)
    public.write_bytes(public_key_pem(signing_key()))
    assert not [e for e in run_checks() if e.id == "audit.E001"]
    audit_record(actor="test", action="thing.made")
    seal_pending()
    settings.AUDIT_SIGNING_KEY_FILE = ""
    settings.AUDIT_VERIFY_KEY_FILE = str(public)
    assert verify_chain().intact
    private.write_text("not a key")
    settings.AUDIT_SIGNING_KEY_FILE = str(private) + ".missing"
    assert "audit.E001" in [error.id for error in run_checks()]


# --- Commit order (PostgreSQL): real transactions on two connections ---------------


class OpenTransaction(threading.Thread):
    """Writes an audit event on its own connection and keeps its transaction open
    until `release` is set; `written` is set once the event is in."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.written = threading.Event()
        self.release = threading.Event()
        self.event_id: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.event_id = audit_record(actor="test", action="slow.txn").pk
                self.written.set()
                assert self.release.wait(30)
        except BaseException as error:  # noqa: BLE001  (reported to the test)
            self.error = error
            self.written.set()
        finally:
            connections.close_all()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_commits_later_is_not_sealed_past():
    first = OpenTransaction()
    first.start()
    assert first.written.wait(30) and first.error is None
    # A lower id (taken first) is still open; a later event commits.
    later = audit_record(actor="test", action="fast.txn")
    assert later.pk > first.event_id
    before = seal_pending().count  # what committed before both
    later.refresh_from_db()
    assert later.sequence is None
    first.release.set()
    first.join(30)
    assert first.error is None
    run = seal_pending()
    assert (run.sealed, run.count) == (2, before + 2)
    numbers = dict(
        AuditEvent.objects.filter(pk__in=[first.event_id, later.pk]).values_list(
            "pk", "sequence"
        )
    )
    assert (numbers[first.event_id], numbers[later.pk]) == (before + 1, before + 2)
    assert verify_chain().intact


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_sequencer_skips_while_one_is_at_work():
    from saduak.audit.sequencer import ADVISORY_LOCK

    held, done = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
                held.set()
                done.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_lock, daemon=True)
    holder.start()
    assert held.wait(30)
    event = audit_record(actor="test", action="thing.made")
    try:
        assert seal_pending().busy
        event.refresh_from_db()
        assert event.sequence is None
    finally:
        done.set()
        holder.join(30)
    assert seal_pending().sealed >= 1
    event.refresh_from_db()
    assert event.sequence is not None
