"""The e-service builder: HQ and bureau administrators define a service, its
citizen's manual, form and workflow without code.

A draft version may be edited, and may be incomplete while it is (a workflow
with no closing stage yet, a form with no declaration yet), but it never holds
a malformed piece: every write checks the whole resulting definition. Publishing
runs the full check, freezes the version for ever and retires the one before;
applications keep the version they were made under. Editing a published version
is refused: a new draft is made from it instead (`version_draft`)."""

import copy
import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.eservices.choices import VersionStatus
from saduak.eservices.manual import manual_clean
from saduak.eservices.models import Service, ServiceVersion
from saduak.eservices.services.builder_common import (
    DOWN,
    UP,
    can_build,
    copy_pieces,
    ensure_can_build,
    ensure_can_publish,
    locked_draft,
)
from saduak.eservices.services.builder_form import (
    form_check,
    form_edit,
    form_field_add,
    form_field_move,
    form_field_remove,
    form_field_update,
    form_problems,
    form_section_add,
    form_section_move,
    form_section_remove,
    form_section_update,
)
from saduak.eservices.services.builder_workflow import (
    workflow_check,
    workflow_stage_add,
    workflow_stage_move,
    workflow_stage_remove,
    workflow_stage_update,
    workflow_transition_add,
    workflow_transition_remove,
)

SERVICE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
SERVICE_FIELDS = (
    "name_th",
    "name_en",
    "summary_th",
    "summary_en",
    "bureau_th",
    "bureau_en",
    "is_active",
)


# --- services ----------------------------------------------------------------


def _clean_service_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    limits = {field.name: field.max_length for field in Service._meta.fields}
    for name, value in fields.items():
        if name == "is_active":
            cleaned[name] = bool(value)
            continue
        text = str(value or "").strip()
        if name in ("name_th", "bureau_th") and not text:
            raise InvalidInput(
                _("Give the Thai name of the service and of its owning bureau."),
                field=name,
            )
        limit = limits.get(name)
        if limit and len(text) > limit:
            raise InvalidInput(
                _("At most %(count)s characters.") % {"count": limit}, field=name
            )
        cleaned[name] = text
    return cleaned


def _offices_clean(offices: Iterable[Office]) -> list[Office]:
    chosen = list(dict.fromkeys(offices))
    if any(not office.is_active for office in chosen):
        raise InvalidInput(
            _("A closed office cannot take applications."), field="offices"
        )
    return chosen


def service_create(
    *,
    code: str,
    name_th: str,
    name_en: str = "",
    summary_th: str = "",
    summary_en: str = "",
    bureau_th: str,
    bureau_en: str = "",
    offices: Iterable[Office] = (),
    actor: Any,
) -> Service:
    """Creates a service and its empty draft version 1. Needs a builder role.
    Audited as `eservices.service.create`."""
    ensure_can_build(actor)
    code = str(code or "").strip().lower()
    if not SERVICE_CODE.match(code):
        raise InvalidInput(
            _(
                "The code is 2 to 40 small letters, digits and hyphens, such as "
                "low-income-certificate; it becomes part of the web address."
            ),
            field="code",
        )
    fields = _clean_service_fields(
        {
            "name_th": name_th,
            "name_en": name_en,
            "summary_th": summary_th,
            "summary_en": summary_en,
            "bureau_th": bureau_th,
            "bureau_en": bureau_en,
        }
    )
    chosen = _offices_clean(offices)
    try:
        with transaction.atomic():
            service = Service.objects.create(
                code=code, created_by=actor, is_builtin=False, **fields
            )
            service.offices.set(chosen)
            version = ServiceVersion.objects.create(
                service=service, number=1, status=VersionStatus.DRAFT
            )
            audit_record(
                actor=actor,
                action="eservices.service.create",
                target=service,
                after={
                    **fields,
                    "code": code,
                    "offices": sorted(office.code for office in chosen),
                    "version": version.number,
                },
            )
    except IntegrityError as error:
        raise Conflict(
            _("A service with the code %(code)s exists already.") % {"code": code},
            field="code",
            code="service-code-taken",
        ) from error
    return service


def service_update(*, service: Service, actor: Any, **fields: Any) -> Service:
    """Changes a service's names, owner, summary, responsible offices (`offices`)
    or whether it is open (`is_active`). These may change at any time: they
    are not part of a version. Audited as `eservices.service.update` with the
    fields that changed."""
    ensure_can_build(actor)
    unknown = set(fields) - {*SERVICE_FIELDS, "offices"}
    if unknown:
        raise InvalidInput(
            _("These details cannot be changed here: %(names)s.")
            % {"names": ", ".join(sorted(unknown))}
        )
    offices = fields.pop("offices", None)
    cleaned = _clean_service_fields(fields)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in cleaned.items():
            if getattr(locked, name) != value:
                before[name] = getattr(locked, name)
                after[name] = value
                setattr(locked, name, value)
        if after:
            locked.save(update_fields=[*after, "updated_at"])
        if offices is not None:
            chosen = _offices_clean(offices)
            old = sorted(locked.offices.values_list("code", flat=True))
            new = sorted(office.code for office in chosen)
            if old != new:
                locked.offices.set(chosen)
                before["offices"], after["offices"] = old, new
        if after:
            audit_record(
                actor=actor,
                action="eservices.service.update",
                target=locked,
                before=before,
                after=after,
            )
    for name in cleaned:
        setattr(service, name, getattr(locked, name))
    return locked


# --- versions ----------------------------------------------------------------


def version_draft(*, service: Service, actor: Any) -> ServiceVersion:
    """The service's draft version: the existing one, or a new one (number + 1)
    copying the published version's manual, form and workflow. Locks the
    service row, so two administrators get one draft. Audited as
    `eservices.version.draft` when one is made."""
    ensure_can_build(actor)
    with transaction.atomic():
        Service.objects.select_for_update().filter(pk=service.pk).first()
        versions = ServiceVersion.objects.filter(service=service)
        draft = versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            return draft
        source = (
            versions.filter(status=VersionStatus.PUBLISHED).first()
            or versions.order_by("-number").first()
        )
        number = (versions.aggregate(top=Max("number"))["top"] or 0) + 1
        draft = ServiceVersion.objects.create(
            service=service,
            number=number,
            status=VersionStatus.DRAFT,
            manual=copy.deepcopy(source.manual) if source else {},
            form=copy.deepcopy(source.form) if source else {},
            workflow=copy.deepcopy(source.workflow) if source else {},
        )
        audit_record(
            actor=actor,
            action="eservices.version.draft",
            target=draft,
            after={"number": number, "copied_from": source.number if source else None},
        )
    return draft


def version_update(
    *,
    version: ServiceVersion,
    actor: Any,
    manual: dict[str, Any] | None = None,
    form: dict[str, Any] | None = None,
    workflow: dict[str, Any] | None = None,
) -> ServiceVersion:
    """Replaces the pieces given of a draft version. Each is checked: it may be
    incomplete while a draft, never malformed (InvalidInput says what is wrong,
    and nothing is saved). A published or retired version is refused (Conflict
    "version-published"). Audited as `eservices.version.update`."""
    ensure_can_build(actor)
    pieces: dict[str, Any] = {}
    if manual is not None:
        pieces["manual"] = manual_clean(manual, complete=False)
    if form is not None:
        pieces["form"] = form_check(form, complete=False)
    if workflow is not None:
        pieces["workflow"] = workflow_check(workflow, complete=False)
    with transaction.atomic():
        locked = locked_draft(version)
        changed = [
            name for name, value in pieces.items() if getattr(locked, name) != value
        ]
        for name in changed:
            setattr(locked, name, pieces[name])
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=actor,
                action="eservices.version.update",
                target=locked,
                after={"changed": changed},
            )
    copy_pieces(locked, version)
    return locked


def version_problems(version: ServiceVersion) -> list[str]:
    """What stops the version from being published, one message a piece."""
    problems = []
    for check in (
        lambda: manual_clean(version.manual, complete=True),
        lambda: form_check(version.form, complete=True),
        lambda: workflow_check(version.workflow, complete=True),
    ):
        try:
            check()
        except InvalidInput as error:
            problems.append(str(error.message))
    return problems


def version_publish(*, version: ServiceVersion, actor: Any) -> ServiceVersion:
    """Publishes a draft after the full check (the manual names what the law
    asks for; the form parses, has a field and a declaration; the workflow
    parses). Needs `eservice.publish`. Locks the service row; retires the
    version published before, whose applications keep it. Audited as
    `eservices.version.publish`."""
    ensure_can_publish(actor)
    with transaction.atomic():
        Service.objects.select_for_update().filter(pk=version.service_id).first()
        locked = locked_draft(version)
        manual = manual_clean(locked.manual, complete=True)
        form = form_check(locked.form, complete=True)
        workflow = workflow_check(locked.workflow, complete=True)
        previous = (
            ServiceVersion.objects.select_for_update()
            .filter(service_id=locked.service_id, status=VersionStatus.PUBLISHED)
            .first()
        )
        if previous is not None:
            # Retired first: one version per service may be published.
            previous.status = VersionStatus.RETIRED
            previous.save(update_fields=["status", "updated_at"])
        locked.manual, locked.form, locked.workflow = manual, form, workflow
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = actor
        locked.save(
            update_fields=[
                "manual",
                "form",
                "workflow",
                "status",
                "published_at",
                "published_by",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="eservices.version.publish",
            target=locked,
            after={
                "number": locked.number,
                "retired": previous.number if previous else None,
            },
        )
    copy_pieces(locked, version)
    version.published_at, version.published_by = locked.published_at, actor
    return locked


def version_title(version: ServiceVersion) -> str:
    """ "Version 2 (draft)" and the like, for pages and messages."""
    return _("Version %(number)s (%(status)s)") % {
        "number": version.number,
        "status": VersionStatus(version.status).label,
    }


__all__ = [
    "DOWN",
    "UP",
    "can_build",
    "form_check",
    "form_edit",
    "form_field_add",
    "form_field_move",
    "form_field_remove",
    "form_field_update",
    "form_problems",
    "form_section_add",
    "form_section_move",
    "form_section_remove",
    "form_section_update",
    "service_create",
    "service_update",
    "version_draft",
    "version_problems",
    "version_publish",
    "version_title",
    "version_update",
    "workflow_check",
    "workflow_stage_add",
    "workflow_stage_move",
    "workflow_stage_remove",
    "workflow_stage_update",
    "workflow_transition_add",
    "workflow_transition_remove",
]
