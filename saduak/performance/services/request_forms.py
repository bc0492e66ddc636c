"""The report forms built with the shared form editor
(saduak/forms_engine/editing.py): a draft report request's `form` and a GECC
round's `readiness_form` while the round is prepared
(docs/performance-collection.md, "Report forms").

Every change is checked on the whole resulting form like the e-service
builder's, then against what a report form may hold: no citizen's digital-ID
prefill, no bank account, no declaration (REPORT_FIELD_TYPES), and no field
that asks for a password or another secret (credentials_check.py), refused with
the explanation."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.forms_engine import editing
from saduak.forms_engine.definition import FIELD_TYPES
from saduak.forms_engine.editing import Edit, Operation
from saduak.performance.choices import GeccRoundStatus, RequestKind, RequestStatus
from saduak.performance.credentials_check import refuse_secret_fields
from saduak.performance.models import GeccRound, ReportRequest

# What an office's report may ask: tables (rows of numbers summed when the
# province consolidates), numbers, texts, choices, dates, files; never a
# citizen's data filled in from the digital ID, a bank account, or a
# declaration to confirm.
REPORT_FIELD_TYPES = tuple(
    kind for kind in FIELD_TYPES if kind not in ("bank_account", "declaration")
)


def report_form_check(edit: Edit) -> Edit:
    """The edited form refused unless a report form may hold it (types, no
    prefill, no field asking for a secret); the edit as it was otherwise."""
    editing.types_check(edit.form, allowed=REPORT_FIELD_TYPES, prefill=False)
    refuse_secret_fields(edit.form)
    return edit


def report_form_problems(form: Any) -> list[str]:
    """What stops a report form from being sent, as messages: no field yet,
    an empty section, a field asking for a secret."""
    problems = editing.form_problems(form)
    try:
        refuse_secret_fields(form or {})
    except InvalidInput as error:
        problems.append(str(error.message))
    return problems


def _form_audit(edit: Edit) -> dict[str, Any]:
    return {"form": {"edit": edit.action, **edit.details}}


def request_form_edit(
    *, actor: Actor, request: ReportRequest, operation: Operation
) -> ReportRequest:
    """Applies one editor operation to a draft request's report form and
    saves the checked result.

    Preconditions: `directive.issue` over the request's issuer office; the
    request is a draft and not one of a GECC round (whose forms the round
    makes). The result passes `report_form_check`.
    Side effects: one `report_request.update` audit event naming the edit."""
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=request.issuer)
    with transaction.atomic():
        locked = ReportRequest.objects.select_for_update().get(pk=request.pk)
        if locked.kind != RequestKind.DIRECTIVE:
            raise Conflict(
                _("The GECC round makes this request's form; it is not edited here."),
                code="form-not-editable",
            )
        if locked.status != RequestStatus.DRAFT:
            raise Conflict(
                _("The request is sent: its report form can no longer change."),
                code="request-not-draft",
            )
        edit = report_form_check(operation(locked.form))
        locked.form = edit.form
        locked.save(update_fields=["form", "updated_at"])
        audit_record(
            actor=actor,
            action="report_request.update",
            target=locked,
            after=_form_audit(edit),
            office=locked.issuer,
        )
    request.form, request.updated_at = locked.form, locked.updated_at
    return locked


def request_form_set(
    *, actor: Actor, request: ReportRequest, form: dict[str, Any]
) -> ReportRequest:
    """Replaces a draft request's report form with `form` (checked as a
    draft). Preconditions and side effects as `request_form_edit`."""
    return request_form_edit(
        actor=actor,
        request=request,
        operation=lambda current: editing.form_replace(current, form=form),
    )


def gecc_readiness_form_edit(
    *, actor: Actor, round: GeccRound, operation: Operation
) -> GeccRound:
    """Applies one editor operation to a GECC round's readiness form and
    saves the checked result.

    Preconditions: `gecc.manage` (HQ); the round is being prepared (draft).
    The result passes `report_form_check`.
    Side effects: one `gecc_round.update` audit event naming the edit."""
    ensure_may(actor, Action.GECC_MANAGE)
    with transaction.atomic():
        locked = GeccRound.objects.select_for_update().get(pk=round.pk)
        if locked.status != GeccRoundStatus.DRAFT:
            raise Conflict(
                _("The round is open: its readiness form can no longer change."),
                code="round-not-draft",
            )
        edit = report_form_check(operation(locked.readiness_form))
        locked.readiness_form = edit.form
        locked.save(update_fields=["readiness_form", "updated_at"])
        audit_record(
            actor=actor,
            action="gecc_round.update",
            target=locked,
            after=_form_audit(edit),
        )
    round.readiness_form, round.updated_at = locked.readiness_form, locked.updated_at
    return locked


def gecc_readiness_form_set(
    *, actor: Actor, round: GeccRound, form: dict[str, Any]
) -> GeccRound:
    """Replaces a draft GECC round's readiness form with `form`.
    Preconditions and side effects as `gecc_readiness_form_edit`."""
    return gecc_readiness_form_edit(
        actor=actor,
        round=round,
        operation=lambda current: editing.form_replace(current, form=form),
    )
