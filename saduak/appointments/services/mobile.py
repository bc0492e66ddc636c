"""The Mobile Unit: anyone asks for a home visit; the district schedules visits
and records what was done; the requester is told at each step by SMS."""

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import MATRIX, Action, action_reach
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.appointments import notices
from saduak.appointments.choices import (
    MobileCategory,
    MobileRequestStatus,
    MobileVisitStatus,
)
from saduak.appointments.mobile_rollups import mobile_rollups_move, served_state
from saduak.appointments.models import MobileRequest, MobileVisit
from saduak.appointments.selectors.mobile import covers_district
from saduak.appointments.services.catalogue import clean_or_refuse
from saduak.areas.models import Office, Subdistrict
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.core.links import absolute_url
from saduak.core.references import new_reference
from saduak.core.thai import format_date_be
from saduak.notifications.addresses import THAI_MOBILE
from saduak.notifications.services import notification_notify_address

OPEN_STATUSES = (MobileRequestStatus.REQUESTED, MobileRequestStatus.SCHEDULED)


@dataclass(frozen=True)
class MobileRequestDetails:
    category: str
    person_name: str
    person_personal_id: str
    requester_name: str
    requester_relation: str
    contact_phone: str
    address: str
    subdistrict_code: str
    reason: str


def _sms(request: MobileRequest, template_key: str, **context: Any) -> None:
    """A message to the contact, when their number takes SMS: a landline is
    called, not texted. Called inside the transaction of the change it tells of
    (the notification row is its outbox)."""
    if not THAI_MOBILE.match(request.contact_phone):
        return
    notification_notify_address(
        address=request.contact_phone,
        channel="sms",
        template_key=template_key,
        context={
            "reference": request.reference,
            "person": request.person_name,
            **context,
        },
    )


def may_in_district(actor: Any, action: Action, district_code: str) -> bool:
    """Whether `actor` may carry out a Mobile Unit `action` in a district (see
    `ensure_may_in_district`)."""
    return covers_district(action_reach(actor, action), district_code)


def ensure_may_in_district(actor: Any, action: Action, district_code: str) -> None:
    """The matrix check of a Mobile Unit action in a district. The Mobile Unit
    is the district's: a district administrator acts in their district, a
    counter officer in the district of their office. Requests of a district
    the actor cannot read are not found; a district they read but may not act
    in is refused."""
    if may_in_district(actor, action, district_code):
        return
    if not covers_district(read_reach(actor), district_code):
        raise NotFound(_("There is no such request in your area."))
    raise PermissionDeniedError(MATRIX[action].refusal)


def mobile_request_create(
    *,
    details: MobileRequestDetails,
    actor: User | None,
    for_citizen: bool = False,
) -> MobileRequest:
    """Records a request for a home visit: by anyone (a relative, a village
    head; public, no matrix), or, with `for_citizen`, by an officer recording
    it for a citizen of their district (`mobile_request.create_for_citizen`).
    Refuses an unknown subdistrict, a bad telephone number or a missing reason,
    naming the field; nothing is saved then. Audited as
    `appointments.mobile.request`; the requester gets an SMS with the link to
    follow it."""
    if details.category not in MobileCategory.values:
        raise InvalidInput(_("Choose who needs the visit."), field="category")
    subdistrict = (
        Subdistrict.objects.select_related("district__province")
        .filter(code=details.subdistrict_code.strip(), is_active=True)
        .first()
    )
    if subdistrict is None:
        raise InvalidInput(
            _("Choose the subdistrict from the list."), field="subdistrict"
        )
    if for_citizen:
        if actor is None:
            raise PermissionDeniedError(
                MATRIX[Action.MOBILE_REQUEST_CREATE_FOR_CITIZEN].refusal
            )
        ensure_may_in_district(
            actor, Action.MOBILE_REQUEST_CREATE_FOR_CITIZEN, subdistrict.district_id
        )
    request = MobileRequest(
        category=details.category,
        person_name=details.person_name.strip(),
        person_personal_id=details.person_personal_id.replace("-", "").strip(),
        requester_name=details.requester_name.strip(),
        requester_relation=details.requester_relation.strip(),
        contact_phone=details.contact_phone.replace("-", "").strip(),
        address=details.address.strip(),
        subdistrict=subdistrict,
        district=subdistrict.district,
        province=subdistrict.district.province,
        reason=details.reason.strip(),
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        reference=new_reference(),
        token=secrets.token_urlsafe(16),
    )
    if not request.contact_phone.isdigit() or len(request.contact_phone) not in (9, 10):
        raise InvalidInput(
            _("Enter a telephone number we can call: 9 or 10 digits."),
            field="contact_phone",
        )
    clean_or_refuse(request, exclude=["reference", "token", "visit"])
    try:
        with transaction.atomic():
            request.save()
            audit_record(
                actor=request.requested_by or "public",
                action="appointments.mobile.request",
                target=request,
                after={
                    "reference": request.reference,
                    "category": request.category,
                    "for_citizen": for_citizen,
                },
                district_code=request.district_id,
            )
            _sms(
                request,
                notices.MOBILE_REQUEST_RECEIVED.key,
                url=absolute_url(
                    reverse("appointments:mobile-status", args=[request.token])
                ),
            )
    except IntegrityError:  # a reference drawn twice
        raise Conflict(_("Please send the request again."), code="retry") from None
    return request


def mobile_visit_schedule(
    *,
    actor: User,
    office: Office,
    day: date,
    requests: list[MobileRequest],
    note: str = "",
) -> MobileVisit:
    """Plans a visit on `day` serving open requests of one subdistrict of the
    office's district. Needs `mobile_visit.schedule` in that district. Audited
    as `appointments.mobile.visit`; each requester is told the day by SMS."""
    if office.district_id is None:
        raise InvalidInput(_("Choose a district office."), field="office")
    ensure_may_in_district(actor, Action.MOBILE_VISIT_SCHEDULE, office.district_id)
    if not requests:
        raise InvalidInput(
            _("Choose the requests this visit serves."), field="requests"
        )
    if day < timezone.localdate():
        raise InvalidInput(_("Choose today or a later day."), field="day")
    subdistricts = {request.subdistrict_id for request in requests}
    if len(subdistricts) != 1:
        raise InvalidInput(
            _("One visit serves one subdistrict. Choose requests of one subdistrict."),
            field="requests",
        )
    with transaction.atomic():
        locked = list(
            MobileRequest.objects.select_for_update().filter(
                pk__in=[request.pk for request in requests]
            )
        )
        if any(r.district_id != office.district_id for r in locked):
            raise InvalidInput(
                _("These requests are not in this office's district."), field="requests"
            )
        if any(r.status not in OPEN_STATUSES for r in locked):
            raise Conflict(_("A chosen request is already closed."), code="closed")
        visit = MobileVisit.objects.create(
            office=office,
            district_id=office.district_id,
            subdistrict_id=subdistricts.pop(),
            day=day,
            note=note.strip()[:500],
            created_by=actor,
        )
        MobileRequest.objects.filter(pk__in=[r.pk for r in locked]).update(
            visit=visit, status=MobileRequestStatus.SCHEDULED
        )
        audit_record(
            actor=actor,
            action="appointments.mobile.visit",
            target=visit,
            after={"day": day.isoformat(), "requests": [r.reference for r in locked]},
            office=office,
        )
        day_text = format_date_be(day, style="long")
        for request in locked:
            _sms(
                request,
                notices.MOBILE_VISIT_SCHEDULED.key,
                day=day_text,
                office=office.name_th,
            )
    return visit


OUTCOMES = {
    MobileRequestStatus.SERVED,
    MobileRequestStatus.NOT_SERVED,
    MobileRequestStatus.CANCELLED,
}


def served_day(request: MobileRequest, today: date) -> date:
    """The day a request recorded as served today was served: its visit's day
    when the visit was today or before, otherwise today."""
    visit_day = request.visit.day if request.visit is not None else None
    return visit_day if visit_day is not None and visit_day <= today else today


def mobile_request_close(
    *, actor: User, request: MobileRequest, outcome: str, note: str = ""
) -> MobileRequest:
    """Records what happened: served at home, visited but not served (with the
    reason), or cancelled. A served request gets the day it was served
    (`served_day`) and counts one person in MobileServedCounts, moved in the
    same transaction. A visit whose requests are all closed is done.
    Needs `mobile_request.close` in the request's district. Audited as
    `appointments.mobile.close`; the requester gets an SMS."""
    ensure_may_in_district(actor, Action.MOBILE_REQUEST_CLOSE, request.district_id)
    if outcome not in OUTCOMES:
        raise InvalidInput(_("Choose what happened."), field="outcome")
    if outcome == MobileRequestStatus.NOT_SERVED and not note.strip():
        raise InvalidInput(_("Say why the person could not be served."), field="note")
    with transaction.atomic():
        locked = (
            MobileRequest.objects.select_for_update(of=("self",))
            .select_related("visit")
            .get(pk=request.pk)
        )
        if locked.status not in OPEN_STATUSES:
            raise Conflict(_("This request is already closed."), code="closed")
        before = locked.status
        counted_before = served_state(locked)
        locked.status = outcome
        locked.outcome_note = note.strip()[:500]
        locked.closed_at = timezone.now()
        if outcome == MobileRequestStatus.SERVED:
            locked.served_on = served_day(locked, timezone.localdate(locked.closed_at))
        locked.save(update_fields=["status", "outcome_note", "closed_at", "served_on"])
        mobile_rollups_move(counted_before, locked)
        if (
            locked.visit_id
            and not MobileRequest.objects.filter(
                visit_id=locked.visit_id, status__in=OPEN_STATUSES
            ).exists()
        ):
            MobileVisit.objects.filter(pk=locked.visit_id).update(
                status=MobileVisitStatus.DONE
            )
        audit_record(
            actor=actor,
            action="appointments.mobile.close",
            target=locked,
            before={"status": before},
            after={
                "status": outcome,
                "note": locked.outcome_note,
                **(
                    {"served_on": locked.served_on.isoformat()}
                    if locked.served_on
                    else {}
                ),
            },
            district_code=locked.district_id,
        )
        label = str(MobileRequestStatus(outcome).label)
        _sms(locked, notices.MOBILE_REQUEST_CLOSED.key, outcome=label)
    return locked
