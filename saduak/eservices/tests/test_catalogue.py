"""Installing the built-in services after migrate."""

import pytest

from saduak.audit.models import AuditEvent
from saduak.eservices.builtins import BUILTIN_SERVICES
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.choices import VersionStatus
from saduak.eservices.manual import manual_clean
from saduak.eservices.models import Service, ServiceVersion
from saduak.eservices.services.builder import form_check, workflow_check

pytestmark = pytest.mark.django_db
CODES = {entry["code"] for entry in BUILTIN_SERVICES}


def test_migrate_installs_every_built_in_service_with_version_1_published():
    services = Service.objects.filter(code__in=CODES)
    assert {service.code for service in services} == CODES
    for service in services:
        assert service.is_builtin
        version = service.versions.get()
        assert (version.number, version.status) == (1, VersionStatus.PUBLISHED)
        assert version.published_at is not None


def test_installing_creates_the_missing_ones_and_is_audited():
    Service.objects.filter(code__in=CODES).delete()
    assert builtin_services_install() == len(BUILTIN_SERVICES)
    assert AuditEvent.objects.filter(action="eservices.service.install").count() >= len(
        CODES
    )
    assert builtin_services_install() == 0
    assert Service.objects.filter(code__in=CODES).count() == len(CODES)


def test_installing_never_overwrites_a_service_that_exists():
    service = Service.objects.get(code=BUILTIN_SERVICES[0]["code"])
    service.name_th = "ชื่อที่ผู้ดูแลแก้"
    service.save(update_fields=["name_th"])
    ServiceVersion.objects.filter(service=service).update(manual={"changed": True})
    assert builtin_services_install() == 0
    service.refresh_from_db()
    assert service.name_th == "ชื่อที่ผู้ดูแลแก้"
    assert service.versions.get().manual == {"changed": True}


@pytest.mark.parametrize("entry", BUILTIN_SERVICES, ids=lambda entry: entry["code"])
def test_every_built_in_service_passes_the_checks_for_publishing(entry):
    manual_clean(entry["manual"], complete=True)
    form_check(entry["form"], complete=True)
    workflow_check(entry["workflow"], complete=True)
