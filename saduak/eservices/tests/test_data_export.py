import pytest

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.eservices.models import ApplicationEvent, Service
from saduak.eservices.services.applications import application_start
from saduak.identity.data_rights import personal_data_export

pytestmark = pytest.mark.django_db


def test_the_citizens_copy_of_their_data_holds_their_applications_without_notes(
    low_income: Service, citizen: User, district_office: Office
) -> None:
    application = application_start(
        service=low_income, applicant=citizen, office=district_office, actor=citizen
    )
    ApplicationEvent.objects.create(
        application=application,
        occurred_at=application.created_at,
        kind="note",
        message="ภายใน",
        for_applicant=False,
    )
    exported = personal_data_export(user=citizen)["eservice_applications"]
    assert [item["reference"] for item in exported] == [application.reference]
    assert exported[0]["answers"]["personal_id"] == citizen.personal_id
    assert [event["what"] for event in exported[0]["timeline"]] == ["created"]
