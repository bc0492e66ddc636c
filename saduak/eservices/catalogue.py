"""Installing the built-in services (saduak.eservices.builtins): after every
`migrate`, each one that does not exist yet is created with its version 1
published. An existing service is never touched, so what administrators
changed in the builder stays."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from saduak.audit.services import audit_record
from saduak.eservices.builtins import BUILTIN_SERVICES
from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import Service, ServiceVersion


def _install(entry: dict[str, Any]) -> Service | None:
    with transaction.atomic():
        if Service.objects.select_for_update().filter(code=entry["code"]).exists():
            return None
        name, summary, bureau = entry["name"], entry["summary"], entry["bureau"]
        service = Service.objects.create(
            code=entry["code"],
            name_th=name["th"],
            name_en=name.get("en", ""),
            summary_th=summary.get("th", ""),
            summary_en=summary.get("en", ""),
            bureau_th=bureau["th"],
            bureau_en=bureau.get("en", ""),
            is_builtin=True,
        )
        version = ServiceVersion.objects.create(
            service=service,
            number=1,
            status=VersionStatus.PUBLISHED,
            manual=entry["manual"],
            form=entry["form"],
            workflow=entry["workflow"],
            published_at=timezone.now(),
        )
        audit_record(
            actor="system",
            action="eservices.service.install",
            target=service,
            after={"code": service.code, "version": version.number},
        )
    return service


def builtin_services_install() -> int:
    """Creates the built-in services that do not exist yet; returns how many
    were created. Idempotent. Audited as `eservices.service.install`."""
    return sum(1 for entry in BUILTIN_SERVICES if _install(entry) is not None)
