from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from saduak.audit.models import AuditEvent
from saduak.eservices.documents.services import attachment_open, attachment_store
from saduak.eservices.models import Attachment
from saduak.eservices.tests.document_fixtures import *  # noqa: F403
from saduak.eservices.tests.document_fixtures import KEY_ONE, KEY_TWO, PDF


def rotate(*args):
    out = StringIO()
    call_command("eservices_rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_attachments(application, citizen):
    return [
        attachment_store(
            application=application,
            field_key="bank_book",
            upload=SimpleUploadedFile("b.pdf", PDF),
            allowed_types=["pdf"],
            max_bytes=1024 * 1024,
            actor=citizen,
        )
        for _ in range(2)
    ]


@pytest.mark.django_db
def test_the_command_rewraps_under_the_new_current_key_and_says_how_many(
    two_attachments, citizen, settings
):
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO},one:{KEY_ONE}"
    assert rotate() == (
        "Re-wrapped 2 attachment key(s) with master key 'two'; "
        "0 left under other keys.\n"
    )
    assert set(Attachment.objects.values_list("master_key_id", flat=True)) == {"two"}
    audit = AuditEvent.objects.get(action="eservices.attachment.rewrap")
    assert audit.actor_label == "eservices_rotate_keys"
    assert audit.after["from_key_ids"] == {"one": 2}
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO}"
    for attachment in Attachment.objects.all():
        chunks = attachment_open(attachment=attachment, actor=citizen, purpose="t")
        assert b"".join(chunks) == PDF
    assert rotate().startswith("Re-wrapped 0 ")


@pytest.mark.django_db
def test_the_command_rewraps_back_to_a_named_key(two_attachments, settings):
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO},one:{KEY_ONE}"
    rotate()
    assert rotate("--to", "one").startswith("Re-wrapped 2 ")
    assert set(Attachment.objects.values_list("master_key_id", flat=True)) == {"one"}


@pytest.mark.django_db
def test_an_unknown_or_missing_key_is_a_command_error(two_attachments, settings):
    with pytest.raises(CommandError, match="'nine'"):
        rotate("--to", "nine")
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO}"
    with pytest.raises(CommandError, match="'one'"):
        rotate()
    assert not AuditEvent.objects.filter(action="eservices.attachment.rewrap")
