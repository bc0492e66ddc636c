"""A service version's parsed form (forms_engine.definition.definition_of):
a published version's is kept per process, a draft's parsed every time."""

from typing import Any

from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import ServiceVersion
from saduak.forms_engine.definition import definition_of


def form_with(*fields: dict[str, Any], key: str = "main") -> dict[str, Any]:
    return {
        "sections": [
            {"key": key, "title": {"th": "Main", "en": "Main"}, "fields": list(fields)}
        ]
    }


def field(key: str) -> dict[str, Any]:
    return {"key": key, "type": "text", "label": {"th": key.title(), "en": key.title()}}


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
