"""The Idempotency-Key middleware, through a real endpoint that creates
something (a partner registration by HQ)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.core.idempotency import idempotency_records_expire
from saduak.core.models import IdempotencyRecord
from saduak.identity.models import Partner

pytestmark = pytest.mark.django_db

BODY = {"name_th": "ธนาคาร", "kind": "bank", "purpose_th": "เปิดบัญชี"}


@pytest.fixture
def hq(make_staff, client_for):
    return client_for(make_staff(Role.HQ_ADMIN, "hq"))


def post(api, body, key):
    return api.post(
        "/api/v1/identity/partners",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_key_gets_the_first_answer_and_the_work_is_done_once(hq):
    first = post(hq, BODY, "key-1")
    again = post(hq, BODY, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Partner.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(hq):
    post(hq, BODY, "key-2")
    other = post(hq, BODY | {"name_th": "อื่น"}, "key-2")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key"
    assert Partner.objects.count() == 1


def test_keys_belong_to_the_credential_that_sent_them(hq, make_staff, client_for):
    other_hq = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    post(hq, BODY, "shared-key")
    post(other_hq, BODY, "shared-key")
    assert Partner.objects.count() == 2


def test_a_refusal_is_kept_too_but_a_server_error_is_not(hq, monkeypatch):
    refused = post(hq, BODY | {"purpose_th": ""}, "key-3")
    assert refused.status_code == 400
    assert post(hq, BODY | {"purpose_th": ""}, "key-3")["Idempotent-Replayed"] == "true"
    from saduak.identity.oidc import services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "partner_create", broken)
    hq.raise_request_exception = False
    assert post(hq, BODY, "key-4").status_code == 500
    assert not IdempotencyRecord.objects.filter(key="key-4").exists()


def test_a_key_whose_first_request_is_running_answers_409(hq):
    from saduak.core.idempotency import _owner  # noqa: F401 (the owner is hashed)

    post(hq, BODY, "key-5")
    IdempotencyRecord.objects.filter(key="key-5").update(status=0)
    busy = post(hq, BODY, "key-5")
    assert busy.status_code == 409 and busy["Retry-After"] == "1"


def test_old_answers_expire(hq):
    post(hq, BODY, "key-6")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert idempotency_records_expire() == 1


def test_a_form_field_key_makes_a_double_submitted_page_form_act_once(
    make_staff, client_for
):
    page = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    form = {
        "name_th": "กรมทดสอบ",
        "kind": "agency",
        "purpose_th": "ทดสอบ",
        "identity_checks_per_day": "10",
        "idempotency_key": "form-key",
    }
    first = page.post("/staff/partners/new/", form)
    second = page.post("/staff/partners/new/", form)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Partner.objects.count() == 1
