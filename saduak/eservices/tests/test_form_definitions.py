"""An e-service version's form is parsed once while published and every time
while a draft (saduak/forms_engine/definition.py `definition_of`)."""

from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import ServiceVersion
from saduak.forms_engine.definition import definition_of
from saduak.forms_engine.tests.test_definition import field, form_with


def test_a_published_versions_form_is_parsed_once(builtin_services: None) -> None:
    version = ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).first()
    first = definition_of(version)
    assert definition_of(version) is first
    version.form = {"sections": []}  # type: ignore[union-attr]
    assert definition_of(version) is first  # published: never changes


def test_a_draft_versions_form_is_parsed_every_time(builtin_services: None) -> None:
    version = ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).first()
    assert version is not None
    version.status = VersionStatus.DRAFT
    version.form = form_with(field("name"))
    assert list(definition_of(version).by_key) == ["name"]
