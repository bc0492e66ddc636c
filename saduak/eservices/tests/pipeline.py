"""Applications brought to a stage through the real services, for tests of what
comes after: submitted, at the committee, approved and waiting for payment,
paid. Each step is the one an applicant or officer takes, so the rows, events
and audit trail are the ones production has.

    approved = approved_application(
        applicant=citizen, office=office, amount=Decimal("3000"),
        officer=counter_officer, committee_member=district_admin,
    )

The fixtures below (`approve`, `at_committee`, `office_people`) come into a
test module with `from saduak.eservices.tests.pipeline import *`.
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.eservices import bank_files
from saduak.eservices.choices import Action, IdentityCheckMethod
from saduak.eservices.models import Application, PaymentBatch, Service
from saduak.eservices.services.applications import (
    application_act,
    application_save,
    application_start,
    application_submit,
    fact_check_record,
)
from saduak.eservices.tests.conftest import LOW_INCOME, attach, complete_answers

# What `from saduak.eservices.tests.pipeline import *` brings: the fixtures.
__all__ = ["approve", "at_committee", "office_people"]


def low_income_service() -> Service:
    """The built-in low-income subsidy (install the built-ins first: the
    `builtin_services` fixture)."""
    return Service.objects.get(code=LOW_INCOME)


def submitted_application(
    *,
    applicant: User,
    office: Office,
    service: Service | None = None,
    answers: dict[str, Any] | None = None,
) -> Application:
    """Started, answered completely (`answers` adds to or replaces the
    low-income form's complete answers), the bank book attached, submitted:
    at the intake stage."""
    service = service or low_income_service()
    application = application_start(
        service=service, applicant=applicant, office=office, actor=applicant
    )
    application_save(
        application=application,
        values={**complete_answers(applicant), **(answers or {})},
        actor=applicant,
    )
    attach(application)
    return application_submit(application=application, actor=applicant)


def to_committee(application: Application, *, officer: User) -> Application:
    """A submitted application forwarded from intake, fact-checked and
    forwarded by `officer` (a counter officer or district admin of its
    office): at the committee stage."""
    application = application_act(
        application=application, action=Action.FORWARD, actor=officer
    )
    fact_check_record(
        application=application,
        actor=officer,
        identity_method=IdentityCheckMethod.SMART_CARD,
        identity_confirmed=True,
        visited_on=timezone.localdate() - timedelta(days=1),
        household_size=4,
        monthly_income=Decimal("2500.00"),
        findings="บ้านเช่า สภาพทรุดโทรม รายได้ไม่พอเลี้ยงครอบครัว",
    )
    return application_act(
        application=application, action=Action.FORWARD, actor=officer
    )


def decide(
    application: Application,
    *,
    officer: User,
    committee_member: User,
    amount: Decimal | None = None,
) -> Application:
    """A submitted application taken to the committee and approved with
    `amount`, or rejected with a reason when `amount` is None."""
    application = to_committee(application, officer=officer)
    if amount is None:
        return application_act(
            application=application,
            action=Action.REJECT,
            actor=committee_member,
            message="รายได้เกินเกณฑ์",
        )
    return application_act(
        application=application,
        action=Action.APPROVE,
        actor=committee_member,
        amount=amount,
        message="ผ่านการพิจารณาของคณะกรรมการ",
    )


def committee_application(
    *,
    applicant: User,
    office: Office,
    officer: User,
    service: Service | None = None,
    answers: dict[str, Any] | None = None,
) -> Application:
    """Submitted and taken to the committee by `officer`."""
    application = submitted_application(
        applicant=applicant, office=office, service=service, answers=answers
    )
    return to_committee(application, officer=officer)


def approved_application(
    *,
    applicant: User,
    office: Office,
    amount: Decimal,
    officer: User,
    committee_member: User,
    service: Service | None = None,
    answers: dict[str, Any] | None = None,
) -> Application:
    """Submitted, at the committee and approved with `amount` by
    `committee_member` (a district admin of the office): at the payment stage,
    outcome approved."""
    application = submitted_application(
        applicant=applicant, office=office, service=service, answers=answers
    )
    return decide(
        application,
        officer=officer,
        committee_member=committee_member,
        amount=amount,
    )


def rejected_application(
    *,
    applicant: User,
    office: Office,
    officer: User,
    committee_member: User,
    service: Service | None = None,
) -> Application:
    """Submitted, at the committee and rejected with a reason: closed."""
    application = submitted_application(
        applicant=applicant, office=office, service=service
    )
    return decide(application, officer=officer, committee_member=committee_member)


def pay_through_bank(
    *,
    applications: list[Application],
    actor: User,
    failed: tuple[Application, ...] = (),
) -> PaymentBatch:
    """A batch of `applications` created and exported by `actor` (a finance
    officer), and the bank's result imported: every transfer paid but those
    of `failed` (account closed)."""
    from saduak.eservices.services.payments import (
        payment_batch_create,
        payment_batch_export,
        payment_results_import,
    )

    batch = payment_batch_create(
        actor=actor, pay_on=timezone.localdate(), applications=applications
    )
    _name, content = payment_batch_export(batch=batch, actor=actor, file_format="ktb")
    failing = {application.reference for application in failed}
    results = [
        bank_files.BankResult(
            transfer, code="02" if transfer.reference in failing else "00"
        )
        for transfer in bank_files.transfers_from_file(content)
    ]
    payment_results_import(
        batch=batch, actor=actor, content=bank_result(batch, results)
    )
    return batch


# --- Fixtures for payment tests ------------------------------------------------------

Approve = Callable[..., Application]
_phones = iter(range(10_000_000, 99_999_999))


def new_phone() -> str:
    return f"08{next(_phones)}"


@pytest.fixture
def office_people(
    make_staff: Callable[[Role, str], User],
) -> Callable[[str], tuple[User, User]]:
    """(counter officer, district admin) of a district office, made once."""
    made: dict[str, tuple[User, User]] = {}

    def people(code: str) -> tuple[User, User]:
        if code not in made:
            made[code] = (
                make_staff(Role.COUNTER_OFFICER, code),
                make_staff(Role.DISTRICT_ADMIN, code),
            )
        return made[code]

    return people


@pytest.fixture
def approve(
    builtin_services: None,
    make_user: Callable[..., User],
    office_people: Callable[[str], tuple[User, User]],
) -> Approve:
    """approve(amount="3000.00", office="do-5001", bank="006",
    account="1234567890", applicant=None) -> an application at the payment
    stage."""

    def make(
        amount: str = "3000.00",
        *,
        office: str = "do-5001",
        bank: str = "006",
        account: str = "1234567890",
        applicant: User | None = None,
        **user_fields: Any,
    ) -> Application:
        user_fields.setdefault("phone", new_phone())
        applicant = applicant or make_user(**user_fields)
        officer, committee_member = office_people(office)
        return approved_application(
            applicant=applicant,
            office=Office.objects.get(code=office),
            amount=Decimal(amount),
            officer=officer,
            committee_member=committee_member,
            answers={"bank_account": {"bank": bank, "number": account}},
        )

    return make


@pytest.fixture
def at_committee(
    builtin_services: None,
    make_user: Callable[..., User],
    office_people: Callable[[str], tuple[User, User]],
) -> Callable[..., Application]:
    def make(office: str = "do-5001") -> Application:
        officer, _admin = office_people(office)
        return committee_application(
            applicant=make_user(phone=new_phone()),
            office=Office.objects.get(code=office),
            officer=officer,
        )

    return make


def transfers_of(content: bytes) -> list[bank_files.Transfer]:
    return bank_files.transfers_from_file(content)


def bank_result(
    batch: PaymentBatch,
    results: list[bank_files.BankResult],
    *,
    batch_reference: str | None = None,
) -> bytes:
    """The bank's fixed-width result for `results`, as the bank would send it."""
    return bank_files.result_file_build(
        batch_reference=batch_reference or batch.reference,
        payer=bank_files.payer_from_settings(),
        processed_on=timezone.localdate(),
        results=results,
    )


def today() -> date:
    return timezone.localdate()
