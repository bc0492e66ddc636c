"""The documents' disk full or unwritable: an upload is refused with a clear
message (the page at the field, the API problem+json 503 storage-unavailable
with Retry-After), no row names a file that is not there, and no partial file
is left behind."""

import errno
import os
from pathlib import Path

import pytest
from django.core.files.storage import filesystem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from saduak.audit.models import AuditEvent
from saduak.eservices.models import Attachment
from saduak.eservices.tests.document_fixtures import *  # noqa: F403
from saduak.eservices.tests.document_fixtures import PDF

pytestmark = pytest.mark.django_db

MESSAGE = "Documents cannot be saved at the moment, so your file was not kept."
BIG_PDF = PDF + os.urandom(300_000)  # written in several chunks


def files_under(root: Path) -> list[Path]:
    """The files stored under root (the file standing in a folder's way aside)."""
    if not root.exists():
        return []
    return [p for p in root.rglob("*") if p.is_file() and p.name != "not-a-folder"]


def upload(client, application, content=BIG_PDF):
    with translation.override("en"):
        return client.post(
            f"/api/v1/eservices/applications/{application.reference}/attachments",
            {"field_key": "bank_book", "file": SimpleUploadedFile("bank.pdf", content)},
            HTTP_ACCEPT_LANGUAGE="en",
        )


def assert_refused_and_nothing_kept(response, root: Path) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["Retry-After"] == "300"
    problem = response.json()
    assert problem["code"] == "storage-unavailable"
    assert problem["title"].startswith(MESSAGE)
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="eservices.attachment.add").exists()
    assert files_under(root) == []


@pytest.fixture
def storage_under_a_regular_file(settings, tmp_path) -> Path:
    """A storage whose folder cannot exist: its parent is a file (ENOTDIR,
    whoever the process runs as)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "private")},
        },
    }
    return blocker


def test_a_storage_that_cannot_exist_refuses_the_upload(
    application, citizen, client_for, storage_under_a_regular_file
):
    response = upload(client_for(citizen), application)
    assert_refused_and_nothing_kept(response, storage_under_a_regular_file.parent)


class FailingAfterFirstChunk:
    """A file on a disk that fills up after the first chunk."""

    def __init__(self, real, code: int) -> None:
        self.real = real
        self.code = code
        self.writes = 0

    def write(self, data):
        self.writes += 1
        if self.writes > 1:
            raise OSError(self.code, os.strerror(self.code))
        return self.real.write(data)

    def close(self):
        self.real.close()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EIO])
def test_a_disk_that_fills_up_mid_file_leaves_no_partial_file(
    application, citizen, client_for, private_root, monkeypatch, code
):
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        filesystem.os,
        "fdopen",
        lambda *args, **kwargs: FailingAfterFirstChunk(
            real_fdopen(*args, **kwargs), code
        ),
    )
    response = upload(client_for(citizen), application)
    assert_refused_and_nothing_kept(response, private_root)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_a_read_only_or_forbidden_disk_refuses_the_upload(
    application, citizen, client_for, private_root, monkeypatch, code
):
    def refused(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(filesystem.os, "open", refused)
    response = upload(client_for(citizen), application)
    assert_refused_and_nothing_kept(response, private_root)


def test_the_storage_back_takes_uploads_again(
    application, citizen, client_for, private_root, monkeypatch
):
    def refused(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(filesystem.os, "open", refused)
    api = client_for(citizen)
    assert upload(api, application).status_code == 503
    monkeypatch.undo()
    assert upload(api, application).status_code == 201
    assert len(files_under(private_root)) == 1


@pytest.mark.usefixtures("builtin_services")
def test_the_page_says_so_at_the_field_and_keeps_the_draft(
    make_user, client_for, storage_under_a_regular_file
):
    from saduak.eservices.models import Application
    from saduak.eservices.tests.conftest import LOW_INCOME

    browser = client_for(make_user())
    browser.post(reverse("eservices:start", args=[LOW_INCOME]), {"office": "do-5001"})
    application = Application.objects.latest("id")
    with translation.override("en"):
        url = reverse("eservices:section", args=[application.reference, "documents"])
    photo = SimpleUploadedFile("home.pdf", BIG_PDF, "application/pdf")
    response = browser.post(url, {"bank_book": photo, "upload": "bank_book"})
    assert MESSAGE in response.content.decode()
    assert response.status_code < 500
    assert not Attachment.objects.exists()
    assert Application.objects.filter(pk=application.pk).exists()
