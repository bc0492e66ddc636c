"""Issue 13, finding 7: text that cannot be stored (a lone surrogate, NUL) is
refused on the way in with 400 naming the field, and a value stored before the
check is shown as U+FFFD, never a 500 (config/api.py's parser and renderer,
saduak/core/template_backend.py)."""

import json
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from saduak.accounts.models import User
from saduak.audit.models import AuditEvent
from saduak.eservices.models import Application
from saduak.eservices.tests.conftest import LOW_INCOME
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import submitted_application

pytestmark = pytest.mark.django_db
BASE = "/api/v1/eservices"
BROKEN = "a\ud800b"
SHOWN = "a\ufffdb"


@pytest.fixture
def applicant(make_user: Any) -> User:
    return make_user()


@pytest.fixture
def application(builtin_services: None, applicant: User, district_office: Any) -> Any:
    return submitted_application(applicant=applicant, office=district_office)


@pytest.fixture
def draft(client_for: Any, applicant: User, low_income: Any) -> str:
    response = client_for(applicant).post(
        f"{BASE}/applications",
        {"service": LOW_INCOME, "office": "do-5001"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return str(response.json()["reference"])


def test_an_answer_with_a_lone_surrogate_answers_400_naming_the_field_and_saves_nothing(
    client_for: Any, applicant: User, draft: str
) -> None:
    before = Application.objects.get(reference=draft).answers
    events = AuditEvent.objects.count()
    # Exactly the finding's body: the escape is in the JSON text.
    body = '{"answers": {"reason": "a\\ud800b"}}'

    response = client_for(applicant).patch(
        f"{BASE}/applications/{draft}/answers", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "unencodable-text"
    assert problem["invalid_params"][0]["name"] == "answers.reason"
    assert problem["invalid_params"][0]["in"] == "body"
    assert "U+D800" in problem["invalid_params"][0]["reason"]
    assert Application.objects.get(reference=draft).answers == before
    assert AuditEvent.objects.count() == events


def test_a_nul_character_in_a_json_answer_is_refused_naming_the_field(
    client_for: Any, applicant: User, draft: str
) -> None:
    before = Application.objects.get(reference=draft).answers
    response = client_for(applicant).patch(
        f"{BASE}/applications/{draft}/answers",
        json.dumps({"answers": {"reason": "a\x00b"}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unencodable-text"
    assert response.json()["invalid_params"][0]["name"] == "answers.reason"
    assert Application.objects.get(reference=draft).answers == before


def test_a_lone_surrogate_in_a_query_parameter_or_a_key_is_refused(
    client_for: Any, applicant: User, draft: str
) -> None:
    key = client_for(applicant).patch(
        f"{BASE}/applications/{draft}/answers",
        '{"answers": {"\\udc00": "x"}}',
        content_type="application/json",
    )
    assert key.status_code == 400
    assert key.json()["invalid_params"][0]["name"] == "answers.\ufffd"

    query = client_for(applicant).get("/api/v1/areas/provinces?search=a%00")
    assert query.status_code == 400
    assert query.json()["code"] == "unencodable-text"
    assert query.json()["invalid_params"][0]["name"] == "search"
    assert query.json()["invalid_params"][0]["in"] == "query"


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="PostgreSQL refuses to store a lone surrogate (see docs/api.md)",
)
def test_a_value_stored_before_the_check_shows_replaced_on_the_pages_and_the_staff_api(
    client_for: Any, applicant: User, application: Any, officer: User
) -> None:
    # SQLite keeps JSON as text with \\ud800 escaped, so it stores what
    # PostgreSQL's jsonb refuses: write it as an old row would hold it.
    Application.objects.filter(pk=application.pk).update(
        answers={**application.answers, "reason": BROKEN}
    )
    citizen = client_for(applicant)
    staff = client_for(officer)

    mine = citizen.get(reverse("eservices:applications"))
    case = citizen.get(reverse("eservices:application", args=[application.reference]))
    check = staff.get(
        reverse("eservices-staff:application", args=[application.reference])
    )
    api = staff.get(f"{BASE}/staff/applications/{application.reference}")
    own_api = citizen.get(f"{BASE}/applications/{application.reference}")

    for response in (mine, case, check, api, own_api):
        assert response.status_code == 200, response.request["PATH_INFO"]
    assert SHOWN in check.content.decode()
    assert api.json()["answers"]["reason"] == SHOWN
    assert own_api.json()["answers"]["reason"] == SHOWN


def test_what_each_database_does_with_a_lone_surrogate_is_as_documented(
    applicant: User, application: Any
) -> None:
    """SQLite stores it inside JSON (escaped) but its driver refuses it in a
    text column; PostgreSQL refuses it in both. Either way nothing but the
    input check keeps it out, which is why the check is at every input."""
    from django.db import DataError, transaction

    if connection.vendor == "sqlite":
        Application.objects.filter(pk=application.pk).update(answers={"x": BROKEN})
        assert Application.objects.get(pk=application.pk).answers == {"x": BROKEN}
        with pytest.raises(UnicodeEncodeError), transaction.atomic():
            User.objects.filter(pk=applicant.pk).update(first_name=BROKEN)
    else:
        with pytest.raises(DataError), transaction.atomic():
            Application.objects.filter(pk=application.pk).update(answers={"x": BROKEN})
