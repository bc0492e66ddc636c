import json

import pytest
from oauth2_provider.models import AccessToken, Application

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.identity.models import DataAccess, Partner, SignInSession

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def bank(db):
    return Partner.objects.create(
        name_th="ธนาคารตัวอย่าง", name_en="Example Bank", kind="bank", purpose_th="เปิดบัญชี"
    )


def test_an_officer_lookup_appears_on_the_citizens_page_with_name_and_office(
    small_map, make_staff, client_for, citizen
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    page = client_for(officer).post(
        "/en/staff/citizens/",
        {
            "personal_id": citizen.personal_id,
            "office": officer.staff_roles.get().office_id,
        },
    )
    assert "สมศรี ใจดี" in page.content.decode()

    mine = client_for(citizen).get("/en/account/data-use/").content.decode()

    assert (
        officer.full_name in mine
        and "Mueang Chiang Mai District Registry Office" in mine
    )
    assert AuditEvent.objects.filter(action="identity.citizen.view").exists()


def test_looking_up_an_id_without_a_digital_id_says_so(
    small_map, make_staff, client_for
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    response = client_for(officer).post(
        "/en/staff/citizens/",
        {"personal_id": "1100000000083", "office": officer.staff_roles.get().office_id},
    )
    assert response.status_code == 400
    assert not DataAccess.objects.exists()


def test_the_data_use_list_is_also_in_the_api(client_for, citizen, bank):
    DataAccess.objects.create(
        citizen=citizen,
        accessor_kind="partner",
        partner=bank,
        channel="userinfo",
        data_items=["name", "birthdate"],
        purpose="เปิดบัญชี",
    )
    body = (
        client_for(citizen)
        .get("/api/v1/identity/data-use", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["accessor"], item["data_items"]) == (
        "ธนาคารตัวอย่าง",
        ["name", "birthdate"],
    )
    assert item["data_labels"] == ["name", "date of birth"]


def test_a_citizen_only_sees_their_own_data_use(client_for, citizen, make_user, bank):
    DataAccess.objects.create(
        citizen=make_user(), accessor_kind="partner", partner=bank, channel="sign_in"
    )
    assert client_for(citizen).get("/api/v1/identity/data-use").json()["count"] == 0


def test_hq_sees_the_partner_usage_page_and_a_district_does_not(
    small_map, make_staff, client_for
):
    assert (
        client_for(make_staff(Role.HQ_ADMIN, "hq"))
        .get("/staff/partners/usage/")
        .status_code
        == 200
    )
    assert (
        client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
        .get("/staff/partners/usage/")
        .status_code
        == 403
    )


def test_the_json_copy_holds_the_account_and_no_secrets(client_for, citizen):
    response = client_for(citizen).get("/account/my-data.json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["personal_id"] == citizen.personal_id
    assert citizen.password not in response.content.decode()


def test_the_pdf_copy_is_a_pdf(client_for, citizen):
    response = client_for(citizen).get("/account/my-data.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_closing_the_digital_id_revokes_partner_tokens_and_sessions(
    client_for, citizen
):
    client = client_for(citizen)
    SignInSession.objects.create(user=citizen, session_key="other-phone")
    application = Application.objects.create(
        name="bank",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://bank.example/cb",
    )
    from datetime import timedelta

    from django.utils import timezone

    AccessToken.objects.create(
        user=citizen,
        application=application,
        token="t1",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )

    refused = client.post(
        "/en/account/close/", {"understood": "on", "password": "wrong"}
    )
    assert refused.status_code == 400
    client.post("/en/account/close/", {"understood": "on", "password": PASSWORD})

    citizen.refresh_from_db()
    assert citizen.is_active is False
    assert not AccessToken.objects.filter(user=citizen).exists()
    assert SignInSession.objects.get(session_key="other-phone").ended_at is not None
    assert AuditEvent.objects.filter(action="identity.close").exists()
    assert "_auth_user_id" not in client.session


def test_the_pdf_copy_prints_the_field_names_and_the_personal_id_readably(
    client_for, citizen
):
    from saduak.core.tests.pdf_reading import read_as_printed

    printed = read_as_printed(
        client_for(citizen).get("/account/my-data.pdf").content, resolution=200
    )

    assert "personalid" in printed.replace("_", "")  # OCR drops underscores
    assert citizen.personal_id in printed
