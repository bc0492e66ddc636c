"""Each of the three built-in subsidies end to end through the services the
pages call: apply with its own documents, intake, fact check, a committee
meeting, a payment batch and the bank's result, closed and paid."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.eservices.choices import (
    ApplicationStatus,
    CommitteeDecisionKind,
    Outcome,
    PaymentStatus,
)
from saduak.eservices.models import Payment, Service
from saduak.eservices.selectors.applications import published_version
from saduak.eservices.services.applications import (
    application_save,
    application_start,
    application_submit,
)
from saduak.eservices.services.committee import (
    committee_cases_add,
    committee_decision_set,
    committee_meeting_create,
    committee_meeting_decide,
)
from saduak.eservices.tests.conftest import attach, complete_answers
from saduak.eservices.tests.pipeline import pay_through_bank, to_committee
from saduak.forms_engine.definition import definition_of

pytestmark = pytest.mark.django_db

# What each subsidy asks beyond the low-income form, and the amount decided.
SUBSIDIES: list[tuple[str, dict[str, Any], list[str], Decimal]] = [
    ("low-income-family-assistance", {}, [], Decimal("3000")),
    (
        "hiv-family-assistance",
        {"treatment_place": "โรงพยาบาลนครพิงค์"},
        ["medical_certificate"],
        Decimal("2000"),
    ),
    (
        "hiv-women-occupational-capital",
        {
            "occupation_plan": "ขายอาหารหน้าบ้าน ซื้อรถเข็นและอุปกรณ์",
            "equipment": [{"item": "รถเข็น", "cost": "6000.00"}],
            "requested_amount": "9000.00",
        },
        ["medical_certificate"],
        Decimal("9000"),
    ),
]


@pytest.mark.parametrize(("code", "extra", "documents", "amount"), SUBSIDIES)
def test_each_builtin_subsidy_goes_from_application_to_payment(
    builtin_services: None,
    make_user: Any,
    district_office: Office,
    officer: User,
    district_admin: User,
    finance_officer: User,
    code: str,
    extra: dict[str, Any],
    documents: list[str],
    amount: Decimal,
) -> None:
    service = Service.objects.get(code=code)
    fields = {item.key for item in definition_of(published_version(service)).fields}
    assert set(extra) <= fields and set(documents) <= fields
    applicant = make_user(phone="0891234567")
    draft = application_start(
        service=service, applicant=applicant, office=district_office, actor=applicant
    )
    application_save(
        application=draft,
        values={**complete_answers(applicant), **extra},
        actor=applicant,
    )
    for field_key in ["bank_book", *documents]:
        attach(draft, field_key)
    submitted = application_submit(application=draft, actor=applicant)
    assert submitted.stage == "intake"
    at_committee = to_committee(submitted, officer=officer)
    meeting = committee_meeting_create(
        office=district_office,
        title="ประชุมคณะกรรมการ One Home",
        meets_on=timezone.localdate() + timedelta(days=1),
        members="นายอำเภอ\nพัฒนาสังคม",
        actor=district_admin,
    )
    committee_cases_add(
        meeting=meeting, applications=[at_committee], actor=district_admin
    )
    committee_decision_set(
        meeting=meeting,
        application=at_committee,
        decision=CommitteeDecisionKind.APPROVE,
        amount=amount,
        reason="",
        actor=district_admin,
    )
    committee_meeting_decide(meeting=meeting, actor=district_admin)
    at_committee.refresh_from_db()
    assert (at_committee.stage, at_committee.outcome) == ("payment", Outcome.APPROVED)
    assert at_committee.approved_amount == amount
    pay_through_bank(applications=[at_committee], actor=finance_officer)
    at_committee.refresh_from_db()
    assert at_committee.status == ApplicationStatus.CLOSED
    assert at_committee.outcome == Outcome.PAID
    payment = Payment.objects.get(application=at_committee)
    assert (payment.status, payment.amount) == (PaymentStatus.PAID, amount)
