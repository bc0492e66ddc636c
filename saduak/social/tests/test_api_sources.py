"""The source import API (api_sources.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.social.models import SourceImport
from saduak.social.tests.test_services_sources import bad_pid, row, welfare_csv

pytestmark = pytest.mark.django_db
BASE = "/api/v1/social/sources"


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.PROVINCIAL_STAFF, "pao-50")


def test_the_api_uploads_lists_shows_and_rolls_back(officer, client_for):
    client = client_for(officer)
    response = client.post(
        BASE,
        {
            "kind": "welfare_card",
            "year": 2569,
            "province": "50",
            "file": SimpleUploadedFile("w.csv", welfare_csv([row(1)])),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rows_imported"] == 1 and body["province"] == "50"
    assert [item["id"] for item in client.get(BASE).json()] == [body["id"]]
    assert client.get(f"{BASE}/{body['id']}").json()["status"] == "applied"
    rolled = client.post(f"{BASE}/{body['id']}/rollback")
    assert rolled.status_code == 200 and rolled.json()["status"] == "rolled_back"
    assert client.post(f"{BASE}/{body['id']}/rollback").status_code == 409
    assert AuditEvent.objects.filter(action="social.source.rollback").count() == 1


def test_a_bad_file_is_a_problem_with_its_bad_rows(officer, client_for):
    response = client_for(officer).post(
        BASE,
        {
            "kind": "welfare_card",
            "year": 2569,
            "province": "50",
            "file": SimpleUploadedFile(
                "w.csv", welfare_csv([f"{bad_pid(1)},H,x,500101,1,1,"])
            ),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "source-file-refused"
    assert body["bad_rows_total"] == 1
    assert body["bad_rows"][0]["line"] == 2
    assert body["bad_rows"][0]["code"] == "pid-check-digit"
    assert not SourceImport.objects.exists()


def test_a_wrong_layout_names_the_missing_columns(officer, client_for):
    response = client_for(officer).post(
        BASE,
        {
            "kind": "welfare_card",
            "year": 2569,
            "province": "50",
            "file": SimpleUploadedFile("w.csv", b"personal_id,house_code\n1,2\n"),
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "wrong-layout"
    assert response.json()["missing_columns"]


def test_a_province_officer_cannot_import_for_the_whole_country(officer, client_for):
    response = client_for(officer).post(
        BASE,
        {
            "kind": "welfare_card",
            "year": 2569,
            "file": SimpleUploadedFile("w.csv", welfare_csv([row(1)])),
        },
    )
    assert response.status_code == 403


def test_a_province_sees_its_own_and_national_imports_but_not_another_province(
    officer, make_staff, client_for
):
    from saduak.areas.models import Province
    from saduak.social.services.sources import source_import

    hq = make_staff(Role.HQ_ADMIN, "hq")
    national = source_import(
        kind="welfare_card",
        year=2569,
        province=None,
        file_name="n.csv",
        content=welfare_csv([row(1)]),
        actor=hq,
    )
    bangkok = source_import(
        kind="welfare_card",
        year=2569,
        province=Province.objects.get(code="10"),
        file_name="b.csv",
        content=welfare_csv([row(2, sub="100101")]),
        actor=hq,
    )
    client = client_for(officer)
    assert [item["id"] for item in client.get(BASE).json()] == [str(national.public_id)]
    assert client.get(f"{BASE}/{bangkok.public_id}").status_code == 404
    assert client.post(f"{BASE}/{national.public_id}/rollback").status_code == 403
    assert len(client_for(hq).get(BASE).json()) == 2


def test_the_list_filters_by_source_and_year_and_refuses_a_year_out_of_range(
    officer, client_for
):
    client = client_for(officer)
    client.post(
        BASE,
        {
            "kind": "welfare_card",
            "year": 2569,
            "province": "50",
            "file": SimpleUploadedFile("w.csv", welfare_csv([row(1)])),
        },
    )
    assert len(client.get(BASE, {"kind": "welfare_card", "year": 2569}).json()) == 1
    assert client.get(BASE, {"kind": "family"}).json() == []
    assert client.get(BASE, {"year": 10**10}).status_code == 400
    big_year = client.post(
        BASE,
        {
            "kind": "welfare_card",
            "year": 10**10,
            "province": "50",
            "file": SimpleUploadedFile("w.csv", welfare_csv([row(2)])),
        },
    )
    assert big_year.status_code == 400
