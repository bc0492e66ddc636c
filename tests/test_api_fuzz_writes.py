"""Fuzzing the API's writes, signed in as each role: whatever a caller sends to a
POST, PUT, PATCH or DELETE, and in whatever order (schemathesis's stateful testing,
following the links its dependency analysis infers between operations: a booking's
`reference` from POST /bookings into /bookings/{reference}/cancel, an
application's into its submit, a partner's id into its clients...), the API
answers without a server error, a success conforms to its documented schema and a
refusal is application/problem+json.

Bounded for CI (the suite runs twice, SQLite then PostgreSQL, on two cores): a few
examples per operation and role, derandomized so that a failure is the same failure
on the next run."""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from oauth2_provider.models import AccessToken, Application
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import api_token_create
from saduak.appointments.models import OfficeService, Service, Slot
from saduak.appointments.services.bookings import booking_create
from saduak.appointments.services.catalogue import (
    office_service_save,
    services_load_national,
)
from saduak.appointments.services.slots import slots_release
from saduak.areas.models import Counter, Office
from saduak.areas_staff.services import counter_save
from saduak.core.errors import DomainError
from saduak.identity.models import Partner, PartnerClient
from tests.test_openapi import current_schema

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
EXAMPLES_PER_OPERATION = 2
STATEFUL_SCENARIOS = 10
STATEFUL_STEPS = 10

# Who calls, and from which office: each role where the demo puts it.
STAFF = {
    "counter_officer": (Role.COUNTER_OFFICER, "reg-5001"),
    "intake_officer": (Role.COUNTER_OFFICER, "do-5001"),
    "district_admin": (Role.DISTRICT_ADMIN, "do-5001"),
    "provincial_staff": (Role.PROVINCIAL_STAFF, "pao-50"),
    "hq_admin": (Role.HQ_ADMIN, "hq"),
    "auditor": (Role.AUDITOR, "hq"),
    "social_worker": (Role.SOCIAL_WORKER, "do-5001"),
    "eservice_admin": (Role.ESERVICE_ADMIN, "hq"),
    "finance_officer": (Role.FINANCE_OFFICER, "pao-50"),
}
# The callers whose rights differ most; the other staff roles (intake officer,
# e-service administrator, finance officer) only add a few operations each.
CALLERS = [
    "anonymous",
    "citizen",
    "counter_officer",
    "district_admin",
    "provincial_staff",
    "hq_admin",
    "auditor",
    "social_worker",
    "partner",
]

WALL_CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _times_as_the_api_writes_them(node: Any) -> Any:
    """The API's times are wall-clock times at the office ("08:30:00", no offset:
    docs/api.md), which pydantic publishes as format "time"; JSON Schema's "time"
    is RFC 3339's full-time, with an offset, so a checker would refuse every one.
    For the fuzzer they are the pattern the API reads and writes."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            node = {k: v for k, v in node.items() if k != "format"}
            node["pattern"] = WALL_CLOCK_TIME
        return {k: _times_as_the_api_writes_them(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_times_as_the_api_writes_them(v) for v in node]
    return node


schema = schemathesis.openapi.from_dict(_times_as_the_api_writes_them(current_schema()))
writes = schema.include(method=list(WRITE_METHODS))


@dataclass
class World:
    """The data the fuzzer's requests land on, and each caller's credentials."""

    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    # Path parameters that name something that exists, by parameter name: a
    # random `reference` is always a 404, which tests nothing behind it.
    known: dict[str, list[str]] = field(default_factory=dict)


def _bearer(user: User) -> dict[str, str]:
    _, raw = api_token_create(user=user, name="fuzz", actor="command:fuzz")
    return {"Authorization": f"Bearer {raw}"}


def _partner_bearer() -> dict[str, str]:
    partner = Partner.objects.create(
        name_th="ธนาคารทดสอบ",
        name_en="Fuzz Bank",
        kind="bank",
        purpose_th="ยืนยันตัวตน",
        may_check_identity=True,
        identity_checks_per_day=1000,
    )
    client = Application.objects.create(
        name="fuzz bank machine",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    PartnerClient.objects.create(partner=partner, application=client)
    AccessToken.objects.create(
        application=client,
        token="fuzz-partner-token",
        scope="identity_check",
        expires=timezone.now() + timedelta(hours=1),
    )
    return {"Authorization": "Bearer fuzz-partner-token"}


def _appointments(hq: User) -> None:
    """Two services offered at one registry office, with counters and three days
    of slots, so bookings, tickets and counter calls have something to act on."""
    services_load_national(actor="test")
    office = Office.objects.get(code="reg-5001")
    for number in (1, 2):
        counter_save(office=office, actor=hq, number=number, label_th=f"ช่อง {number}")
    counters = set(Counter.objects.filter(office=office))
    today = timezone.localdate()
    for service in Service.objects.filter(is_active=True).order_by("code")[:2]:
        offered = office_service_save(
            actor=hq, office=office, service=service, counters=counters
        )
        slots_release(
            offered=offered, start=today, end=today + timedelta(days=2), actor=hq
        )


@pytest.fixture
def world(
    make_staff: Callable[[Role, str], User], citizen: User, connections_kept: None
) -> World:
    from saduak.eservices.demo import seed_demo_eservices

    users = {name: make_staff(role, office) for name, (role, office) in STAFF.items()}
    hq = users["hq_admin"]
    hq.is_staff = hq.is_superuser = True
    hq.save(update_fields=["is_staff", "is_superuser"])
    _appointments(hq)
    seed_demo_eservices(
        citizen=citizen,
        officer=users["intake_officer"],
        district_admin=users["district_admin"],
    )
    found = World()
    found.headers["anonymous"] = {}
    found.headers["citizen"] = _bearer(citizen)
    for name, user in users.items():
        found.headers[name] = _bearer(user)
    found.headers["partner"] = _partner_bearer()
    found.known = _known_identifiers(citizen)
    return found


def _known_identifiers(citizen: User) -> dict[str, list[Any]]:
    from saduak.eservices.demo import LOW_INCOME
    from saduak.eservices.models import Application

    today = timezone.localdate()
    slot = Slot.objects.filter(starts_at__date__gt=today).order_by("starts_at").first()
    bookings = []
    if slot is not None:
        with contextlib.suppress(DomainError):
            bookings.append(booking_create(actor=citizen, slot=slot).reference)
    applications = list(
        Application.objects.order_by("pk").values_list("reference", flat=True)
    )
    services = list(
        OfficeService.objects.order_by("pk").values_list("service__code", flat=True)
    )
    free_slots = list(
        Slot.objects.filter(starts_at__date__gt=today, booked=0)
        .order_by("starts_at")
        .values_list("pk", flat=True)[:3]
    )
    return {
        "slot": free_slots,
        "office": ["reg-5001", "do-5001"],
        "code": ["do-5001", "reg-5001", "500101", *services],
        "number": ["1", "2"],
        "service": [*services, LOW_INCOME],
        "reference": [*applications, *bookings],
        "day": [(today + timedelta(days=1)).isoformat()],
        "year": [str(today.year + 543), str(today.year)],
    }


@st.composite
def _cases_on_known_things(
    draw: st.DrawFn, operation: Any, known: dict[str, list[Any]]
) -> Any:
    """The operation's generated case, with each path parameter and top-level body
    field that names something drawn first from what exists (the generated value
    stays possible)."""
    case = draw(operation.as_strategy())
    targets = [case.path_parameters or {}]
    if isinstance(case.body, dict):
        targets.append(case.body)
    for values in targets:
        for name in list(values):
            if known.get(name):
                choice = draw(st.sampled_from([*known[name], None]))
                if choice is not None:
                    values[name] = choice
    return case


def problems_in(response: Any, case: Any) -> list[str]:
    """What is wrong with one answer: a server error, or a refusal that is not
    problem+json."""
    found = []
    status = response.status_code
    where = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}"
    if status >= 500:
        found.append(f"{status} for {where}: {response.text[:300]}")
    elif status >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        if not content_type.startswith("application/problem+json"):
            found.append(f"{status} {content_type!r} (not problem+json) for {where}")
    return found


def conformance_problems(response: Any, case: Any) -> list[str]:
    try:
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance]
        )
    except Exception as failure:  # schemathesis raises a group of failures
        return [f"{case.method} {case.formatted_path}: {failure}"[:800]]
    return []


@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS)
def test_no_write_answers_a_server_error_whoever_calls_it(world: World, caller: str):
    headers = world.headers[caller]
    found: list[str] = []
    operations = [result.ok() for result in writes.get_all_operations()]
    assert len(operations) > 40, "the schema's writes were not all found"
    for operation in operations:

        @given(case=_cases_on_known_things(operation, world.known))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            case.headers = {**(case.headers or {}), **headers}
            response = case.call(app=application)
            found.extend(problems_in(response, case))
            found.extend(conformance_problems(response, case))

        call()
    assert not found, "\n".join(found)


class _RoleStateMachine(schema.as_state_machine()):  # type: ignore[misc]
    """Sends each step to the WSGI application with the caller's credentials."""

    caller_headers: dict[str, str] = {}
    found: list[str] = []
    calls: list[str] = []

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"app": application, "headers": dict(self.caller_headers)}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        self.calls.append(f"{case.method} {case.path} {response.status_code}")
        self.found.extend(problems_in(response, case))
        self.found.extend(conformance_problems(response, case))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "caller",
    ["citizen", "counter_officer", "district_admin", "hq_admin", "social_worker"],
)
def test_no_sequence_of_calls_makes_the_api_answer_a_server_error(
    world: World, caller: str
):
    class Machine(_RoleStateMachine):
        caller_headers = world.headers[caller]
        found: list[str] = []
        calls: list[str] = []

    Machine.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    # The scenarios ran, and the caller's credentials were taken somewhere.
    assert len(Machine.calls) >= STATEFUL_SCENARIOS
    assert any(" 2" in call for call in Machine.calls), Machine.calls
    assert not Machine.found, "\n".join(Machine.found)
