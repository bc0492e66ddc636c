"""The source import pages (views/sources.py)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.social.models import SourceImport, StagedPerson
from saduak.social.tests.test_services_sources import bad_pid, row, welfare_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.PROVINCIAL_STAFF, "pao-50")


def upload(client, content, province="50"):
    return client.post(
        reverse("social-sources:upload"),
        {
            "kind": "welfare_card",
            "year": "2569",
            "province": province,
            "file": SimpleUploadedFile("w.csv", content, content_type="text/csv"),
        },
    )


def test_a_province_officer_uploads_a_file_and_sees_its_detail(officer, client_for):
    client = client_for(officer)
    assert client.get(reverse("social-sources:upload")).status_code == 200
    response = upload(client, welfare_csv([row(1), row(2)]))
    imported = SourceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "social-sources:detail", args=[imported.public_id]
    )
    page = client.get(response["Location"])
    assert imported.file_sha256 in page.content.decode()
    listing = client.get(reverse("social-sources:list")).content.decode()
    assert "w.csv" in listing
    assert AuditEvent.objects.filter(action="social.source.import").exists()


def test_a_bad_file_shows_each_bad_line_in_english_and_thai(officer, client_for):
    client = client_for(officer)
    content = welfare_csv([row(1), f"{bad_pid(2)},H2,x,500101,Y,1,"])
    response = upload(client, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "เลขตรวจสอบ" in page
    assert re.search(r'<td data-label="[^"]+">3</td>', page)
    assert not SourceImport.objects.exists()
    english = client.post(
        "/en" + reverse("social-sources:upload"),
        {
            "kind": "welfare_card",
            "year": "2569",
            "province": "50",
            "file": SimpleUploadedFile("w.csv", content),
        },
    )
    assert english.status_code == 400
    assert "check digit" in english.content.decode()


def test_a_rollback_asks_first_then_restores(officer, client_for):
    client = client_for(officer)
    upload(client, welfare_csv([row(1)]))
    imported = SourceImport.objects.get()
    url = reverse("social-sources:rollback", args=[imported.public_id])
    assert client.get(url).status_code == 200
    assert StagedPerson.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not StagedPerson.objects.exists()
    assert client.post(url).status_code == 409


def test_a_district_officer_may_not_see_the_sources(make_staff, client_for, officer):
    client_for(officer)
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    assert client_for(district).get(reverse("social-sources:list")).status_code == 403
