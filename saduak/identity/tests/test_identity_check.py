from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from saduak.accounts.models import User
from saduak.identity.models import DataAccess, Partner, PartnerClient

pytestmark = pytest.mark.django_db

SOMSRI = {
    "personal_id": "1100000000016",
    "first_name": "สมศรี",
    "last_name": "ใจดี",
    "birth_date": "1985-03-14",
}


def machine_token(partner, scope="identity_check"):
    application = Application.objects.create(
        name=f"{partner.name_en} machine",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    PartnerClient.objects.create(partner=partner, application=application)
    raw = f"tok-{partner.pk}-{scope}-{application.pk}"
    AccessToken.objects.create(
        application=application,
        token=raw,
        scope=scope,
        expires=timezone.now() + timedelta(hours=1),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def bank(db):
    return Partner.objects.create(
        name_th="ธนาคารตัวอย่าง",
        name_en="Example Bank",
        kind="bank",
        purpose_th="ยืนยันตัวตนเมื่อเปิดบัญชี",
        may_check_identity=True,
        identity_checks_per_day=3,
    )


def check(client, headers, **changes):
    return client.post(
        "/api/v1/identity/checks",
        SOMSRI | changes,
        content_type="application/json",
        **headers,
    )


def test_a_matching_person_gets_yes_and_never_the_record(client, bank):
    response = check(client, machine_token(bank))
    assert response.status_code == 200
    assert response.json() == {"match": True, "card_valid": True, "reasons": []}


@pytest.mark.parametrize(
    "changes,reasons",
    [
        ({"first_name": "สมหญิง"}, ["first_name_mismatch"]),
        ({"birth_date": "1985-03-15"}, ["birth_date_mismatch"]),
        ({"personal_id": "1100000000024"}, ["not_found"]),
        (
            {
                "personal_id": "1100000000091",
                "first_name": "กมล",
                "last_name": "บัตรหมดอายุ",
                "birth_date": "1990-01-02",
            },
            ["card_expired"],
        ),
    ],
)
def test_a_mismatch_or_a_bad_card_is_no_with_reasons(client, bank, changes, reasons):
    body = check(client, machine_token(bank), **changes).json()
    assert body["reasons"] == reasons
    assert body["match"] is (reasons == ["card_expired"])


def test_a_bad_check_digit_is_a_400_with_the_reason(client, bank):
    response = check(client, machine_token(bank), personal_id="1100000000017")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "personal_id"


def test_the_check_appears_on_the_citizens_page_when_they_have_a_digital_id(
    client, bank, make_user
):
    User.objects.create_user(
        "1100000000016", "x" * 12, first_name="สมศรี", last_name="ใจดี"
    )
    check(client, machine_token(bank))
    access = DataAccess.objects.get()
    assert (access.partner, access.channel) == (bank, "identity_check")
    assert access.citizen.personal_id == "1100000000016"


def test_a_check_about_a_person_without_a_digital_id_is_logged_without_a_citizen(
    client, bank
):
    check(client, machine_token(bank))
    access = DataAccess.objects.get()
    assert access.citizen is None
    assert (access.partner, access.data_items) == (
        bank,
        ["card_status", "identity_match"],
    )


def test_the_daily_quota_counts_checks_already_in_the_log_when_the_cache_is_empty(
    client, bank
):
    from django.core.cache import cache

    headers = machine_token(bank)
    for _ in range(2):
        assert check(client, headers).status_code == 200
    cache.clear()  # an app server that restarted, or a Redis that was flushed
    assert check(client, machine_token(bank)).status_code == 200
    assert check(client, machine_token(bank)).status_code == 429


def test_a_token_without_the_scope_or_of_a_partner_not_allowed_is_refused(client, bank):
    assert check(client, machine_token(bank, scope="openid")).status_code == 401
    bank.may_check_identity = False
    bank.save(update_fields=["may_check_identity"])
    assert check(client, machine_token(bank)).status_code == 401
    assert check(client, {"HTTP_AUTHORIZATION": "Bearer nonsense"}).status_code == 401


def test_the_daily_quota_stops_further_checks_with_a_429(client, bank):
    headers = machine_token(bank)
    for _ in range(3):
        assert check(client, headers).status_code == 200
    refused = check(client, headers)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert refused.json()["code"] == "quota-exceeded"


@override_settings(IDENTITY_CHECKS_PER_SECOND=1)
def test_a_burst_above_the_rate_limit_is_told_to_retry(client, bank):
    headers = machine_token(bank)
    statuses = [check(client, headers).status_code for _ in range(3)]
    assert 429 in statuses


def test_hq_sees_usage_per_partner_and_districts_do_not(
    client, bank, make_staff, client_for
):
    from saduak.accounts.choices import Role

    check(client, machine_token(bank))
    hq = (
        client_for(make_staff(Role.HQ_ADMIN, "hq"))
        .get("/api/v1/identity/partner-usage")
        .json()
    )
    assert hq == [
        {
            "partner_id": str(bank.public_id),
            "partner": "ธนาคารตัวอย่าง",
            "counts": {"identity_check": 1},
            "total": 1,
        }
    ]
    district = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001")).get(
        "/api/v1/identity/partner-usage"
    )
    assert district.status_code == 403


def test_a_revoked_token_stops_working_within_a_minute(client, bank):
    import time_machine

    headers = machine_token(bank)
    assert check(client, headers).status_code == 200
    AccessToken.objects.filter(application__partner_client__partner=bank).delete()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert check(client, headers).status_code == 401
