"""Report collection (docs/performance-collection.md): a request flows down
the map and the answers flow up with certification.

- The issuer (HQ, or a province for its own districts) writes a
  `ReportRequest` and sends it (`directive.issue`): through the provinces (a
  `RequestLeg` per province, which forwards it) or directly to named offices
  (legs already forwarded, a `ReportAnswer` per office).
- A province forwards its leg (`request.forward`) with an earlier deadline,
  a cover note and excluded districts (each with a reason).
- An office reads, acknowledges and fills its answer (`report.fill`); its
  district administrator submits it (`report.submit`), late after its
  deadline, refused once the request closed or its last day passed.
- The province sends an answer back, certifies or excuses it, and submits
  the consolidated report (`report.certify`); HQ accepts or returns it
  (`report.accept`).

Every service: checks the actor with `ensure_may` over the office concerned
(outside the actor's read reach: NotFound), locks the rows it changes,
refuses a wrong state with `Conflict` (or bad input with `InvalidInput` on
the field) before anything is written, saves with `update_fields`, writes an
`AnswerStep` line where an answer changes, one audit event with the office,
district and province, and the notifications, all in one transaction."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may, may
from saduak.accounts.models import User
from saduak.areas.choices import DISTRICT_LEVEL_KINDS, OfficeKind
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.core.links import absolute_url
from saduak.core.uploads.store import (
    MB,
    delete_stored_on_error,
    encrypted_file_store,
    storage_delete,
)
from saduak.forms_engine.answers import answers_check_complete, answers_clean
from saduak.forms_engine.definition import FormDefinition, form_from_definition
from saduak.notifications.services import notification_notify_users
from saduak.performance.choices import (
    AnswerStatus,
    AnswerStepKind,
    LegStatus,
    RequestKind,
    RequestRoute,
    RequestStatus,
)
from saduak.performance.consolidation import consolidate
from saduak.performance.credentials_check import (
    refuse_secret_fields,
    refuse_secret_values,
)
from saduak.performance.models import (
    AnswerEvidence,
    AnswerStep,
    ReportAnswer,
    ReportRequest,
    RequestLeg,
)
from saduak.performance.recipients import (
    gecc_responsible_by_office,
    issuer_people,
    people_by_office,
    people_by_province,
)

TITLE_LIMIT = 300
TEXT_LIMIT = 5000
REASON_LIMIT = 1000
DESCRIPTION_LIMIT = 300
FISCAL_YEARS = range(2500, 2700)
EVIDENCE_TYPES = ["pdf", "jpg", "png", "webp"]
EVIDENCE_MAX_BYTES = 20 * MB
EVIDENCE_PREFIX = "performance-collection"
BULK_BATCH = 500
GECC_KINDS = frozenset({RequestKind.GECC_REGISTRATION, RequestKind.GECC_PROGRESS})
# Answers the office may still change and submit.
OPEN_ANSWER = frozenset(
    {
        AnswerStatus.NEW,
        AnswerStatus.READ,
        AnswerStatus.ACKNOWLEDGED,
        AnswerStatus.RETURNED,
    }
)
# Answers that count as done for the province's consolidated report.
DONE_ANSWER = frozenset({AnswerStatus.CERTIFIED, AnswerStatus.EXCUSED})
# What request_update may change on a draft.
UPDATABLE = (
    "title_th",
    "title_en",
    "instructions",
    "form",
    "due_on",
    "closes_on",
    "route",
    "fiscal_year",
)


# ---------------------------------------------------------------- helpers


def _today() -> date:
    return timezone.localdate()


def _person(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


def _text(value: Any, *, field: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(_("This is required."), field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": limit}, field=field
        )
    return text


def _check_deadline(day: Any, *, field: str = "due_on") -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidInput(_("Give the deadline as a date."), field=field)
    if day < _today():
        raise InvalidInput(
            _("The deadline %(day)s has passed; choose today or a later day.")
            % {"day": day.isoformat()},
            code="deadline-past",
            field=field,
        )
    return day


def _check_closes_on(closes_on: Any, due_on: date) -> date | None:
    if closes_on in (None, ""):
        return None
    if not isinstance(closes_on, date) or isinstance(closes_on, datetime):
        raise InvalidInput(_("Give the last day as a date."), field="closes_on")
    if closes_on < due_on:
        raise InvalidInput(
            _("The last day for late reports cannot be before the deadline."),
            field="closes_on",
        )
    return closes_on


def _link(name: str, *args: Any) -> str:
    """The absolute link to a collection page for a message. The inbox and
    directive pages are mounted by their own modules; until one is, the link
    is the inbox's address."""
    try:
        return absolute_url(reverse(name, args=args))
    except NoReverseMatch:
        return absolute_url("/staff/performance/inbox/")


def _request_context(request: ReportRequest, **extra: Any) -> dict[str, Any]:
    return {
        "title": request.title_th,
        "title_en": request.title_en,
        "issuer": request.issuer.name_th,
        "issuer_en": request.issuer.name_en,
        "due_on": request.due_on,
        **extra,
    }


def _notify(people: Sequence[User], template_key: str, context: dict[str, Any]) -> int:
    """Tells each person (in the transaction: the outbox); how many."""
    notification_notify_users(
        messages=[(person, template_key, context) for person in people]
    )
    return len(people)


def _audit(
    actor: Actor,
    action: str,
    target: Any,
    *,
    office: Office,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=after,
        office=office,
    )


def _step(
    answer: ReportAnswer, kind: str, actor: Actor, at: datetime, comment: str = ""
) -> AnswerStep:
    return AnswerStep.objects.create(
        answer=answer, kind=kind, at=at, actor=_person(actor), comment=comment
    )


def _answer_state(answer: ReportAnswer) -> dict[str, Any]:
    return {"status": answer.status, "late": answer.late}


def _leg_state(leg: RequestLeg) -> dict[str, Any]:
    return {"status": leg.status, "due_on": leg.due_on, "late": leg.submitted_late}


# Each lock takes the row itself only (`of=("self",)`): a join would lock
# the request and HQ's office row too and make every office's save in the
# country wait on one another.
def _locked_request(request: ReportRequest) -> ReportRequest:
    return (
        ReportRequest.objects.select_for_update(of=("self",))
        .select_related("issuer")
        .get(pk=request.pk)
    )


def _locked_leg(leg: RequestLeg) -> RequestLeg:
    return (
        RequestLeg.objects.select_for_update(of=("self",))
        .select_related("request", "request__issuer", "office", "province")
        .get(pk=leg.pk)
    )


def _locked_answer(answer: ReportAnswer) -> ReportAnswer:
    return (
        ReportAnswer.objects.select_for_update(of=("self",))
        .select_related("request", "request__issuer", "office", "leg", "leg__office")
        .get(pk=answer.pk)
    )


def _form_of(request: ReportRequest) -> FormDefinition:
    if not request.form:
        raise InvalidInput(
            _("The report form has no field yet; add at least one before sending."),
            code="form-empty",
            field="form",
        )
    return form_from_definition(request.form)


def _status_label(choices: Any, value: str) -> str:
    return str(choices(value).label)


def _ensure_request_open(request: ReportRequest, *, field: str = "status") -> None:
    """Answers are taken while the request is sent and, after its deadline,
    until its last day for late reports."""
    if request.status == RequestStatus.CLOSED:
        raise Conflict(
            _("This request was closed on %(day)s: no more reports are taken.")
            % {"day": timezone.localdate(request.closed_at).isoformat()}
            if request.closed_at
            else _("This request is closed: no more reports are taken."),
            code="request-closed",
            field=field,
        )
    if request.status != RequestStatus.SENT:
        raise Conflict(_("This request has not been sent."), field=field)
    if request.closes_on is not None and _today() > request.closes_on:
        raise Conflict(
            _("The last day for late reports was %(day)s: no more reports are taken.")
            % {"day": request.closes_on.isoformat()},
            code="request-closed",
            field=field,
        )


# ---------------------------------------------------------------- requests


def request_create(
    *,
    actor: Actor,
    issuer: Office,
    kind: str,
    fiscal_year: int,
    title_th: str,
    title_en: str = "",
    instructions: str = "",
    form: dict[str, Any] | None = None,
    due_on: date,
    closes_on: date | None = None,
    route: str = RequestRoute.THROUGH_PROVINCES,
) -> ReportRequest:
    """Writes a draft request issued by `issuer` (HQ or a provincial
    office). Permission: `directive.issue` over the issuer. Refused: another
    kind of issuing office, an empty subject, a deadline before today, a
    last day before the deadline, a form field that asks for a secret.
    Audit: report_request.create."""
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=issuer)
    if issuer.kind not in (OfficeKind.HEADQUARTERS, OfficeKind.PROVINCIAL_OFFICE):
        raise InvalidInput(
            _("Requests are issued by HQ or a provincial office."), field="issuer"
        )
    if kind not in RequestKind.values:
        raise InvalidInput(_("Choose a kind of request."), field="kind")
    if route not in RequestRoute.values:
        raise InvalidInput(_("Choose how the request is sent."), field="route")
    if fiscal_year not in FISCAL_YEARS:
        raise InvalidInput(
            _("Give the fiscal year in the Buddhist era (e.g. 2569)."),
            field="fiscal_year",
        )
    title_th = _text(title_th, field="title_th", limit=TITLE_LIMIT, required=True)
    title_en = _text(title_en, field="title_en", limit=TITLE_LIMIT)
    instructions = _text(instructions, field="instructions", limit=TEXT_LIMIT)
    due_on = _check_deadline(due_on)
    closes_on = _check_closes_on(closes_on, due_on)
    form = dict(form or {})
    refuse_secret_fields(form)
    with transaction.atomic():
        request = ReportRequest.objects.create(
            kind=kind,
            fiscal_year=fiscal_year,
            issuer=issuer,
            province_id=issuer.province_id
            if issuer.kind == OfficeKind.PROVINCIAL_OFFICE
            else None,
            title_th=title_th,
            title_en=title_en,
            instructions=instructions,
            form=form,
            route=route,
            due_on=due_on,
            closes_on=closes_on,
            created_by=_person(actor),
        )
        _audit(
            actor,
            "report_request.create",
            request,
            office=issuer,
            after={
                "kind": kind,
                "title": title_th,
                "due_on": due_on,
                "closes_on": closes_on,
                "route": route,
            },
        )
    return request


def request_update(
    *, actor: Actor, request: ReportRequest, **changes: Any
) -> ReportRequest:
    """Changes a draft request: any of title_th, title_en, instructions,
    form, due_on, closes_on, route, fiscal_year. Permission:
    `directive.issue` over the issuer. Refused once sent; checks as
    `request_create`. Audit: report_request.update (the changed fields)."""
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise InvalidInput(
            _("These cannot be changed: %(names)s.") % {"names": ", ".join(unknown)},
            field=unknown[0],
        )
    with transaction.atomic():
        request = _locked_request(request)
        ensure_may(actor, Action.DIRECTIVE_ISSUE, office=request.issuer)
        if request.status != RequestStatus.DRAFT:
            raise Conflict(
                _("A sent request cannot be changed."), code="not-draft", field="status"
            )
        cleaned: dict[str, Any] = {}
        for name, value in changes.items():
            if name in ("title_th", "title_en"):
                cleaned[name] = _text(
                    value,
                    field=name,
                    limit=TITLE_LIMIT,
                    required=name == "title_th",
                )
            elif name == "instructions":
                cleaned[name] = _text(value, field=name, limit=TEXT_LIMIT)
            elif name == "form":
                form = dict(value or {})
                refuse_secret_fields(form)
                cleaned[name] = form
            elif name == "due_on":
                cleaned[name] = _check_deadline(value)
            elif name == "route":
                if value not in RequestRoute.values:
                    raise InvalidInput(_("Choose how the request is sent."), field=name)
                cleaned[name] = value
            elif name == "fiscal_year":
                if value not in FISCAL_YEARS:
                    raise InvalidInput(
                        _("Give the fiscal year in the Buddhist era (e.g. 2569)."),
                        field=name,
                    )
                cleaned[name] = value
        due_on = cleaned.get("due_on", request.due_on)
        if "closes_on" in changes or "due_on" in cleaned:
            cleaned["closes_on"] = _check_closes_on(
                changes.get("closes_on", request.closes_on), due_on
            )
        changed = {
            name: value
            for name, value in cleaned.items()
            if getattr(request, name) != value
        }
        if not changed:
            return request
        before = {name: getattr(request, name) for name in changed}
        for name, value in changed.items():
            setattr(request, name, value)
        request.save(update_fields=[*changed, "updated_at"])
        _audit(
            actor,
            "report_request.update",
            request,
            office=request.issuer,
            before={k: v for k, v in before.items() if k != "form"},
            after={
                **{k: v for k, v in changed.items() if k != "form"},
                **({"form_changed": True} if "form" in changed else {}),
            },
        )
    return request


def _check_offices(
    request: ReportRequest, offices: Sequence[Office] | None
) -> list[Office]:
    """The distinct named offices, each active, on the map and within the
    issuer's reach (a province names only its own offices)."""
    seen: dict[int, Office] = {}
    for office in offices or ():
        seen.setdefault(office.pk, office)
    named = list(seen.values())
    for office in named:
        if not office.is_active or office.kind not in DISTRICT_LEVEL_KINDS:
            raise InvalidInput(
                _(
                    "%(office)s cannot be sent a request: choose active district-level "
                    "offices."
                )
                % {"office": office.code},
                field="offices",
            )
        if request.province_id and office.province_id != request.province_id:
            raise InvalidInput(
                _(
                    "%(office)s is outside your province; a province sends only to "
                    "its own offices."
                )
                % {"office": office.code},
                code="outside-province",
                field="offices",
            )
    return named


def _provincial_offices(province_codes: set[str] | None = None) -> dict[str, Office]:
    """The active provincial office (pao-XX) of each active province (of
    `province_codes` when given), by province code. One query."""
    rows = Office.objects.filter(
        kind=OfficeKind.PROVINCIAL_OFFICE,
        is_active=True,
        province__is_active=True,
    ).order_by("province_id", "code")
    if province_codes is not None:
        rows = rows.filter(province_id__in=province_codes)
    found: dict[str, Office] = {}
    for office in rows:
        if office.province_id:
            found.setdefault(office.province_id, office)
    return found


def _answers_create(
    request: ReportRequest,
    legs_by_province: Mapping[str, RequestLeg],
    offices: Sequence[Office],
    *,
    excused: Mapping[int, str] | None = None,
    actor: Actor | None = None,
) -> list[ReportAnswer]:
    now = timezone.now()
    excused = excused or {}
    rows = []
    for office in offices:
        leg = legs_by_province[office.province_id or ""]
        reason = excused.get(office.pk, "")
        rows.append(
            ReportAnswer(
                request=request,
                leg=leg,
                office=office,
                district_id=office.district_id,
                province_id=leg.province_id,
                status=AnswerStatus.EXCUSED if reason else AnswerStatus.NEW,
                due_on=leg.due_on,
                excused_reason=reason,
                excused_by=_person(actor) if reason else None,
            )
        )
    created = ReportAnswer.objects.bulk_create(rows, batch_size=BULK_BATCH)
    if any(excused.values()):
        # bulk_create returns pks on PostgreSQL and SQLite (RETURNING).
        AnswerStep.objects.bulk_create(
            [
                AnswerStep(
                    answer=answer,
                    kind=AnswerStepKind.EXCUSED,
                    at=now,
                    actor=_person(actor),
                    comment=answer.excused_reason,
                )
                for answer in created
                if answer.excused_reason
            ],
            batch_size=BULK_BATCH,
        )
    return created


def _answers_notify(request: ReportRequest, answers: Sequence[ReportAnswer]) -> int:
    """Tells the people of each new answer's office that a report is
    requested: one message per person and deadline (a district
    administrator over several addressed offices gets one), linking to
    their inbox. Recipients are one query; messages are written in bulk."""
    waiting = [answer for answer in answers if answer.status == AnswerStatus.NEW]
    people = people_by_office([answer.office for answer in waiting])
    responsible = (
        gecc_responsible_by_office(request) if request.kind in GECC_KINDS else {}
    )
    url = _link("performance-inbox:list")
    told: set[tuple[int, date]] = set()
    messages: list[tuple[User, str, dict[str, Any]]] = []
    for answer in waiting:
        recipients = list(people.get(answer.office_id, []))
        extra = responsible.get(answer.office_id)
        if extra is not None:
            recipients.append(extra)
        for person in recipients:
            if (person.pk, answer.due_on) in told:
                continue
            told.add((person.pk, answer.due_on))
            messages.append(
                (
                    person,
                    "performance.request_received",
                    _request_context(request, due_on=answer.due_on, url=url),
                )
            )
    notification_notify_users(messages=messages)
    return len(messages)


def request_send(
    *,
    actor: Actor,
    request: ReportRequest,
    offices: Sequence[Office] | None = None,
) -> ReportRequest:
    """Sends a draft request down the map. Permission: `directive.issue`
    over the issuer.

    - HQ through the provinces: a leg per active province (received, due
      with the request), its provincial staff told. No answers yet.
    - HQ direct (`offices` named): legs for the provinces of those offices,
      already forwarded, an answer per office (new), the offices' staff told.
    - A province's own request: its one leg, forwarded, with answers for the
      offices named or for every active district office of the province.

    Refused (nothing written): not a draft, a deadline before today, an
    empty or broken form, a form field asking for a secret, an office
    outside a province's own, no office to send to. Answers, legs and steps
    are bulk inserted; recipients are read in one query; one audit event
    `report_request.send` with the counts."""
    with transaction.atomic():
        request = _locked_request(request)
        ensure_may(actor, Action.DIRECTIVE_ISSUE, office=request.issuer)
        if request.status != RequestStatus.DRAFT:
            raise Conflict(
                _("This request has already been sent."),
                code="already-sent",
                field="status",
            )
        _check_deadline(request.due_on)
        _check_closes_on(request.closes_on, request.due_on)
        _form_of(request)
        refuse_secret_fields(request.form)
        named = _check_offices(request, offices)
        now = timezone.now()
        legs: list[RequestLeg]
        answers: list[ReportAnswer] = []
        told = 0
        if request.province_id:
            legs, answers = _send_provincial(request, named, now, actor)
        elif request.route == RequestRoute.THROUGH_PROVINCES:
            if named:
                raise InvalidInput(
                    _(
                        "A request sent through the provinces names no offices; "
                        "choose 'directly to the offices named' instead."
                    ),
                    field="offices",
                )
            legs = _send_through_provinces(request)
            people = people_by_province(leg.province_id for leg in legs)
            for leg in legs:
                told += _notify(
                    people.get(leg.province_id, []),
                    "performance.request_received",
                    _request_context(
                        request,
                        office=leg.office.name_th,
                        url=_link(
                            "performance-inbox:leg", request.public_id, leg.province_id
                        ),
                    ),
                )
        else:
            legs, answers = _send_direct(request, named, now, actor)
        told += _answers_notify(request, answers)
        request.status = RequestStatus.SENT
        request.sent_at = now
        request.sent_by = _person(actor)
        request.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
        _audit(
            actor,
            "report_request.send",
            request,
            office=request.issuer,
            before={"status": RequestStatus.DRAFT},
            after={
                "status": RequestStatus.SENT,
                "route": request.route,
                "due_on": request.due_on,
                "legs": len(legs),
                "answers": len(answers),
                "notifications": told,
            },
        )
    return request


def _send_through_provinces(request: ReportRequest) -> list[RequestLeg]:
    offices = _provincial_offices()
    if not offices:
        raise Conflict(_("There is no active provincial office to send to."))
    return RequestLeg.objects.bulk_create(
        [
            RequestLeg(
                request=request,
                province_id=code,
                office=office,
                status=LegStatus.RECEIVED,
                due_on=request.due_on,
            )
            for code, office in offices.items()
        ],
        batch_size=BULK_BATCH,
    )


def _send_direct(
    request: ReportRequest, named: list[Office], now: datetime, actor: Actor
) -> tuple[list[RequestLeg], list[ReportAnswer]]:
    if not named:
        raise InvalidInput(
            _("Name at least one office to send the request to."), field="offices"
        )
    provinces = {office.province_id for office in named if office.province_id}
    provincial = _provincial_offices(provinces)
    missing = sorted(provinces - set(provincial))
    if missing:
        raise InvalidInput(
            _(
                "Province %(code)s has no active provincial office to certify the "
                "reports."
            )
            % {"code": missing[0]},
            field="offices",
        )
    legs = RequestLeg.objects.bulk_create(
        [
            RequestLeg(
                request=request,
                province_id=code,
                office=provincial[code],
                status=LegStatus.FORWARDED,
                due_on=request.due_on,
                forwarded_at=now,
                forwarded_by=_person(actor),
            )
            for code in sorted(provinces)
        ],
        batch_size=BULK_BATCH,
    )
    by_province = {leg.province_id: leg for leg in legs}
    return legs, _answers_create(request, by_province, named)


def _send_provincial(
    request: ReportRequest, named: list[Office], now: datetime, actor: Actor
) -> tuple[list[RequestLeg], list[ReportAnswer]]:
    offices = named or list(
        Office.objects.filter(
            province_id=request.province_id,
            kind=OfficeKind.DISTRICT_OFFICE,
            is_active=True,
        ).order_by("district_id", "code")
    )
    if not offices:
        raise InvalidInput(
            _("Your province has no active district office to send to."),
            field="offices",
        )
    leg = RequestLeg.objects.create(
        request=request,
        province_id=str(request.province_id),
        office=request.issuer,
        status=LegStatus.FORWARDED,
        due_on=request.due_on,
        forwarded_at=now,
        forwarded_by=_person(actor),
    )
    return [leg], _answers_create(request, {request.province_id or "": leg}, offices)


def request_close(*, actor: Actor, request: ReportRequest) -> ReportRequest:
    """Closes a sent request: no more answers, late ones refused.
    Permission: `directive.issue` over the issuer. Refused unless sent.
    Audit: report_request.close (with how many answers were still open)."""
    with transaction.atomic():
        request = _locked_request(request)
        ensure_may(actor, Action.DIRECTIVE_ISSUE, office=request.issuer)
        if request.status != RequestStatus.SENT:
            raise Conflict(
                _("Only a sent request can be closed."),
                code="not-sent",
                field="status",
            )
        open_count = request.answers.filter(status__in=OPEN_ANSWER).count()
        request.status = RequestStatus.CLOSED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at", "updated_at"])
        _audit(
            actor,
            "report_request.close",
            request,
            office=request.issuer,
            before={"status": RequestStatus.SENT},
            after={"status": RequestStatus.CLOSED, "unanswered": open_count},
        )
    return request


def answers_add_offices(
    *, actor: Actor, request: ReportRequest, offices: Sequence[Office]
) -> list[ReportAnswer]:
    """Adds answers for more offices to a sent direct request (a GECC
    volunteer joining later); offices already addressed are skipped.
    Permission: `directive.issue` over the issuer, or for a GECC request
    `gecc.register` over each office. Legs are made (forwarded) for new
    provinces. Audit: report_request.add_offices (the codes added)."""
    with transaction.atomic():
        request = _locked_request(request)
        if (
            request.kind in GECC_KINDS
            and offices
            and all(
                may(actor, Action.GECC_REGISTER, office=office) for office in offices
            )
        ):
            pass
        else:
            ensure_may(actor, Action.DIRECTIVE_ISSUE, office=request.issuer)
        _ensure_request_open(request)
        if request.route != RequestRoute.DIRECT and not request.province_id:
            raise Conflict(
                _("Offices are added only to a request sent directly to offices."),
                field="offices",
            )
        named = _check_offices(request, offices)
        have = set(
            request.answers.filter(office__in=named).values_list("office_id", flat=True)
        )
        new = [office for office in named if office.pk not in have]
        if not new:
            return []
        provinces = {office.province_id or "" for office in new}
        legs = {
            leg.province_id: leg
            for leg in RequestLeg.objects.select_for_update().filter(
                request=request, province_id__in=provinces
            )
        }
        missing = provinces - set(legs)
        if missing:
            provincial = _provincial_offices(missing)
            if set(provincial) != missing:
                raise InvalidInput(
                    _(
                        "Province %(code)s has no active provincial office to certify "
                        "the reports."
                    )
                    % {"code": sorted(missing - set(provincial))[0]},
                    field="offices",
                )
            now = timezone.now()
            for code in sorted(missing):
                legs[code] = RequestLeg.objects.create(
                    request=request,
                    province_id=code,
                    office=provincial[code],
                    status=LegStatus.FORWARDED,
                    due_on=request.due_on,
                    forwarded_at=now,
                )
        reopened = [
            leg
            for leg in legs.values()
            if leg.status in (LegStatus.SUBMITTED, LegStatus.ACCEPTED)
        ]
        if reopened:
            raise Conflict(
                _(
                    "Province %(code)s has already sent its report up; its offices "
                    "cannot be added now."
                )
                % {"code": reopened[0].province_id},
                field="offices",
            )
        answers = _answers_create(request, legs, new)
        _answers_notify(request, answers)
        _audit(
            actor,
            "report_request.add_offices",
            request,
            office=new[0] if len(new) == 1 else request.issuer,
            after={"offices": [office.code for office in new]},
        )
    return answers


# ---------------------------------------------------------------- legs


def leg_forward(
    *,
    actor: Actor,
    leg: RequestLeg,
    due_on: date | None = None,
    cover_note: str = "",
    excluded: Mapping[str, str] | None = None,
) -> RequestLeg:
    """The province forwards the request to its districts: one answer per
    active district office of the province (an excluded district's answer
    is made excused with its reason). Permission: `request.forward` over the
    provincial office. `due_on` may be earlier than the request's deadline,
    never later, never before today. Refused: not received, the request not
    open, an exclusion without a reason or outside the province, every
    district excluded. Audit: request_leg.forward (counts); the offices'
    staff are told."""
    cover_note = _text(cover_note, field="cover_note", limit=TEXT_LIMIT)
    with transaction.atomic():
        leg = _locked_leg(leg)
        ensure_may(actor, Action.REQUEST_FORWARD, office=leg.office)
        request = leg.request
        if leg.status != LegStatus.RECEIVED:
            raise Conflict(
                _("This request has already been forwarded to the districts."),
                code="already-forwarded",
                field="status",
            )
        _ensure_request_open(request)
        if due_on is None:
            due_on = request.due_on
        else:
            _check_deadline(due_on)
            if due_on > request.due_on:
                raise InvalidInput(
                    _(
                        "The districts' deadline cannot be later than the request's "
                        "(%(day)s)."
                    )
                    % {"day": request.due_on.isoformat()},
                    code="deadline-later",
                    field="due_on",
                )
        offices = list(
            Office.objects.filter(
                province_id=leg.province_id,
                kind=OfficeKind.DISTRICT_OFFICE,
                is_active=True,
            ).order_by("district_id", "code")
        )
        by_district = {office.district_id: office for office in offices}
        excused: dict[int, str] = {}
        for code, reason in (excluded or {}).items():
            code = str(code).strip()
            office = by_district.get(code)
            if office is None:
                raise InvalidInput(
                    _("District %(code)s is not one of this province's districts.")
                    % {"code": code},
                    code="outside-province",
                    field="excluded",
                )
            reason = _text(reason, field="excluded", limit=REASON_LIMIT)
            if not reason:
                raise InvalidInput(
                    _("Give the reason district %(code)s is excluded.")
                    % {"code": code},
                    field="excluded",
                )
            excused[office.pk] = reason
        if not offices:
            raise Conflict(
                _("This province has no active district office to forward to."),
                field="excluded",
            )
        before = _leg_state(leg)
        now = timezone.now()
        leg.status = LegStatus.FORWARDED
        leg.due_on = due_on
        leg.cover_note = cover_note
        leg.forwarded_at = now
        leg.forwarded_by = _person(actor)
        leg.read_at = leg.read_at or now
        leg.save(
            update_fields=[
                "status",
                "due_on",
                "cover_note",
                "forwarded_at",
                "forwarded_by",
                "read_at",
                "updated_at",
            ]
        )
        answers = _answers_create(
            request, {leg.province_id: leg}, offices, excused=excused, actor=actor
        )
        told = _answers_notify(request, answers)
        _audit(
            actor,
            "request_leg.forward",
            leg,
            office=leg.office,
            before=before,
            after={
                **_leg_state(leg),
                "answers": len(answers),
                "excluded": {
                    office.district_id: excused[office.pk]
                    for office in offices
                    if office.pk in excused
                },
                "notifications": told,
            },
        )
    return leg


def leg_submit(*, actor: Actor, leg: RequestLeg) -> RequestLeg:
    """The province submits its consolidated report: every answer certified
    or excused (refused naming those that are not), at least one certified.
    Makes `consolidated` (consolidation.consolidate over the certified
    answers), late when after the request's deadline; a province's own
    request ends here (accepted). Permission: `report.certify` over the
    provincial office. Refused once the request is closed or past its last
    day. Audit: request_leg.submit; the issuer's staff are told."""
    with transaction.atomic():
        leg = _locked_leg(leg)
        ensure_may(actor, Action.REPORT_CERTIFY, office=leg.office)
        request = leg.request
        if leg.status not in (LegStatus.FORWARDED, LegStatus.RETURNED):
            raise Conflict(
                _("This report cannot be submitted now: it is %(status)s.")
                % {"status": _status_label(LegStatus, leg.status)},
                code="wrong-state",
                field="status",
            )
        _ensure_request_open(request)
        answers = list(
            ReportAnswer.objects.select_for_update(of=("self",))
            .filter(leg=leg)
            .select_related("office")
            .order_by("district_id", "office__code")
        )
        waiting = [answer for answer in answers if answer.status not in DONE_ANSWER]
        if waiting:
            raise Conflict(
                _("Certify or excuse every report first; still waiting: %(offices)s.")
                % {"offices": ", ".join(answer.office.name_th for answer in waiting)},
                code="answers-waiting",
                field="answers",
                extra={"offices": [answer.office.code for answer in waiting]},
            )
        certified = [a for a in answers if a.status == AnswerStatus.CERTIFIED]
        if not certified:
            raise Conflict(
                _("No report has been certified: there is nothing to consolidate."),
                code="nothing-certified",
                field="answers",
            )
        before = _leg_state(leg)
        now = timezone.now()
        evidence = dict(
            AnswerEvidence.objects.filter(answer__in=certified)
            .values_list("answer_id")
            .annotate(n=Count("id"))
        )
        leg.consolidated = consolidate(
            request.form,
            [
                {
                    "office": answer.office.code,
                    "answers": answer.answers,
                    "files": evidence.get(answer.pk, 0),
                }
                for answer in certified
            ],
        )
        leg.submitted_at = now
        leg.submitted_by = _person(actor)
        leg.submitted_late = _today() > request.due_on
        own = request.province_id == leg.province_id
        leg.status = LegStatus.ACCEPTED if own else LegStatus.SUBMITTED
        fields = [
            "consolidated",
            "submitted_at",
            "submitted_by",
            "submitted_late",
            "status",
            "updated_at",
        ]
        if own:
            leg.decided_at = now
            leg.decided_by = _person(actor)
            fields += ["decided_at", "decided_by"]
        leg.save(update_fields=fields)
        told = 0
        if not own:
            told = _notify(
                issuer_people(request),
                "performance.report_submitted",
                _request_context(
                    request,
                    office=leg.province.name_th,
                    late=leg.submitted_late,
                    url=_link("performance-directives:dashboard", request.public_id),
                ),
            )
        _audit(
            actor,
            "request_leg.submit",
            leg,
            office=leg.office,
            before=before,
            after={
                **_leg_state(leg),
                "certified": len(certified),
                "excused": len(answers) - len(certified),
                "notifications": told,
            },
        )
    return leg


def _leg_decide(
    *, actor: Actor, leg: RequestLeg, status: str, comment: str, action: str
) -> RequestLeg:
    with transaction.atomic():
        leg = _locked_leg(leg)
        ensure_may(actor, Action.REPORT_ACCEPT, office=leg.office)
        if leg.status != LegStatus.SUBMITTED:
            raise Conflict(
                _(
                    "Only a submitted report can be accepted or returned; this one "
                    "is %(status)s."
                )
                % {"status": _status_label(LegStatus, leg.status)},
                code="wrong-state",
                field="status",
            )
        before = _leg_state(leg)
        leg.status = status
        leg.decided_at = timezone.now()
        leg.decided_by = _person(actor)
        leg.decision_comment = comment
        leg.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "decision_comment",
                "updated_at",
            ]
        )
        request = leg.request
        told = _notify(
            list(people_by_province([leg.province_id]).get(leg.province_id, [])),
            "performance.report_update",
            _request_context(
                request,
                office=leg.province.name_th,
                status=_status_label(LegStatus, status),
                comment=comment,
                url=_link("performance-inbox:leg", request.public_id, leg.province_id),
            ),
        )
        _audit(
            actor,
            action,
            leg,
            office=leg.office,
            before=before,
            after={**_leg_state(leg), "comment": comment, "notifications": told},
        )
    return leg


def leg_accept(*, actor: Actor, leg: RequestLeg) -> RequestLeg:
    """HQ accepts a province's submitted consolidated report (a late one
    stays marked late). Permission: `report.accept` over the provincial
    office. Audit: request_leg.accept; the province's staff are told."""
    return _leg_decide(
        actor=actor,
        leg=leg,
        status=LegStatus.ACCEPTED,
        comment="",
        action="request_leg.accept",
    )


def leg_return(*, actor: Actor, leg: RequestLeg, comment: str) -> RequestLeg:
    """HQ returns a province's submitted report with a comment (required);
    the province may submit again. Permission: `report.accept`.
    Audit: request_leg.return; the province's staff are told."""
    comment = _text(comment, field="comment", limit=TEXT_LIMIT, required=True)
    return _leg_decide(
        actor=actor,
        leg=leg,
        status=LegStatus.RETURNED,
        comment=comment,
        action="request_leg.return",
    )


# ---------------------------------------------------------------- answers


def _answer_take(answer: ReportAnswer, actor: Actor, action: Action) -> ReportAnswer:
    answer = _locked_answer(answer)
    ensure_may(actor, action, office=answer.office)
    return answer


def answer_mark_read(*, actor: Actor, answer: ReportAnswer) -> ReportAnswer:
    """The office's staff open a new answer for the first time (read);
    idempotent (a second call changes nothing, writes nothing).
    Permission: `report.fill` over the office. Audit: report_answer.read."""
    with transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_FILL)
        if answer.read_at is not None:
            return answer
        now = timezone.now()
        before = _answer_state(answer)
        answer.read_at = now
        fields = ["read_at", "updated_at"]
        if answer.status == AnswerStatus.NEW:
            answer.status = AnswerStatus.READ
            fields.append("status")
        answer.save(update_fields=fields)
        _step(answer, AnswerStepKind.READ, actor, now)
        _audit(
            actor,
            "report_answer.read",
            answer,
            office=answer.office,
            before=before,
            after=_answer_state(answer),
        )
    return answer


def answer_acknowledge(*, actor: Actor, answer: ReportAnswer) -> ReportAnswer:
    """The office acknowledges the request (new or read -> acknowledged).
    Permission: `report.fill`. Refused once acknowledged or further along.
    Audit: report_answer.acknowledge."""
    with transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_FILL)
        if answer.status not in (AnswerStatus.NEW, AnswerStatus.READ):
            raise Conflict(
                _("This request has already been acknowledged."),
                code="already-acknowledged",
                field="status",
            )
        _ensure_request_open(answer.request)
        now = timezone.now()
        before = _answer_state(answer)
        answer.status = AnswerStatus.ACKNOWLEDGED
        answer.acknowledged_at = now
        answer.acknowledged_by = _person(actor)
        answer.read_at = answer.read_at or now
        answer.save(
            update_fields=[
                "status",
                "acknowledged_at",
                "acknowledged_by",
                "read_at",
                "updated_at",
            ]
        )
        _step(answer, AnswerStepKind.ACKNOWLEDGED, actor, now)
        _audit(
            actor,
            "report_answer.acknowledge",
            answer,
            office=answer.office,
            before=before,
            after=_answer_state(answer),
        )
    return answer


def _ensure_answer_open(answer: ReportAnswer) -> None:
    if answer.status not in OPEN_ANSWER:
        raise Conflict(
            _("This report is %(status)s and can no longer be changed.")
            % {"status": _status_label(AnswerStatus, answer.status)},
            code="wrong-state",
            field="status",
        )
    _ensure_request_open(answer.request)


def _ensure_typed_or_generated(answer: ReportAnswer, *, generated: bool) -> None:
    """A directive's report is typed by the office; a GECC report is made
    from the office's self-assessment (services/gecc.py), so that the
    province certifies what the office assessed, never numbers typed apart
    from it."""
    if answer.request.kind != RequestKind.DIRECTIVE and not generated:
        raise Conflict(
            _(
                "This report is made from the office's GECC self-assessment: "
                "assess the items and send it from the office's GECC page."
            ),
            code="report-generated",
        )


def answer_save(
    *,
    actor: Actor,
    answer: ReportAnswer,
    answers: Mapping[str, Any],
    generated: bool = False,
) -> ReportAnswer:
    """Saves the office's answers, partial or whole (cleaned by the form
    engine: InvalidInput on the first field in error, with every error in
    `extra["errors"]`). Fields missing from `answers` keep their value.
    Permission: `report.fill`. Refused: submitted, certified or excused,
    the request closed, an answer that looks like a password or secret.
    A GECC report is made from the office's self-assessment, never typed:
    only `gecc_report_submit` saves it (`generated=True`).
    Audit: report_answer.save (the keys changed, never the values)."""
    with transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_FILL)
        _ensure_typed_or_generated(answer, generated=generated)
        _ensure_answer_open(answer)
        form = _form_of(answer.request)
        values, errors = answers_clean(form, answers, fields=form.fields)
        if errors:
            first = next(iter(errors))
            raise InvalidInput(
                errors[first][0],
                code="answers-invalid",
                field=first,
                extra={"errors": errors},
            )
        refuse_secret_values(values, form_definition=answer.request.form)
        merged = {**answer.answers, **values}
        changed = sorted(
            key for key in merged if merged.get(key) != answer.answers.get(key)
        )
        now = timezone.now()
        before = _answer_state(answer)
        answer.answers = merged
        answer.saved_at = now
        fields = ["answers", "saved_at", "updated_at"]
        if answer.read_at is None:
            answer.read_at = now
            fields.append("read_at")
        if answer.status == AnswerStatus.NEW:
            answer.status = AnswerStatus.READ
            fields.append("status")
        answer.save(update_fields=fields)
        _audit(
            actor,
            "report_answer.save",
            answer,
            office=answer.office,
            before=before,
            after={**_answer_state(answer), "fields": changed},
        )
    return answer


def _files_by_field(form: FormDefinition, answer: ReportAnswer) -> dict[str, int]:
    count = AnswerEvidence.objects.filter(answer=answer).count()
    return {item.key: count for item in form.fields if item.type == "file"}


def answer_submit(
    *, actor: Actor, answer: ReportAnswer, generated: bool = False
) -> ReportAnswer:
    """The district submits the office's complete report to the province
    (first time or again after it was sent back). After the answer's
    deadline it is taken and marked late; once the request is closed or
    past its last day it is refused with the reason. Permission:
    `report.submit` over the office. Refused: incomplete (InvalidInput on
    the first missing field, all in `extra["errors"]`), an answer that looks
    like a secret, not open; a GECC report not sent by `gecc_report_submit`.
    Audit: report_answer.submit."""
    with transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_SUBMIT)
        _ensure_typed_or_generated(answer, generated=generated)
        _ensure_answer_open(answer)
        form = _form_of(answer.request)
        missing = answers_check_complete(
            form, answer.answers, attachments_by_field=_files_by_field(form, answer)
        )
        if missing:
            first = next(iter(missing))
            raise InvalidInput(
                _("The report is not complete: %(problem)s")
                % {"problem": missing[first][0]},
                code="answers-incomplete",
                field=first,
                extra={"errors": missing},
            )
        refuse_secret_values(answer.answers, form_definition=answer.request.form)
        now = timezone.now()
        before = _answer_state(answer)
        late = _today() > answer.due_on
        answer.status = AnswerStatus.SUBMITTED
        answer.submitted_at = now
        answer.submitted_by = _person(actor)
        answer.late = late
        answer.read_at = answer.read_at or now
        answer.save(
            update_fields=[
                "status",
                "submitted_at",
                "submitted_by",
                "late",
                "read_at",
                "updated_at",
            ]
        )
        _step(
            answer,
            AnswerStepKind.SUBMITTED,
            actor,
            now,
            _("Late: the deadline was %(day)s.") % {"day": answer.due_on.isoformat()}
            if late
            else "",
        )
        _audit(
            actor,
            "report_answer.submit",
            answer,
            office=answer.office,
            before=before,
            after=_answer_state(answer),
        )
    return answer


def _answer_decided_notify(answer: ReportAnswer, status: str, comment: str) -> int:
    request = answer.request
    return _notify(
        people_by_office([answer.office]).get(answer.office_id, []),
        "performance.report_update",
        _request_context(
            request,
            due_on=answer.due_on,
            office=answer.office.name_th,
            status=_status_label(AnswerStatus, status),
            comment=comment,
            url=_link("performance-inbox:answer", answer.public_id),
        ),
    )


def _ensure_leg_collecting(answer: ReportAnswer) -> None:
    if answer.leg.status in (LegStatus.SUBMITTED, LegStatus.ACCEPTED):
        raise Conflict(
            _(
                "The province has already sent its report up; its reports cannot "
                "change now."
            ),
            code="leg-submitted",
            field="status",
        )


def answer_return(*, actor: Actor, answer: ReportAnswer, comment: str) -> ReportAnswer:
    """The province sends a submitted (or certified, before the
    consolidated report went up) report back with a comment (required); the
    office may change and submit it again. Permission: `report.certify`
    over the office. Audit: report_answer.return; the office's staff are
    told."""
    comment = _text(comment, field="comment", limit=TEXT_LIMIT, required=True)
    with transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_CERTIFY)
        if answer.status not in (AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED):
            raise Conflict(
                _("Only a submitted report can be sent back; this one is %(status)s.")
                % {"status": _status_label(AnswerStatus, answer.status)},
                code="wrong-state",
                field="status",
            )
        _ensure_leg_collecting(answer)
        now = timezone.now()
        before = _answer_state(answer)
        answer.status = AnswerStatus.RETURNED
        answer.returned_at = now
        answer.return_comment = comment
        answer.certified_at = None
        answer.certified_by = None
        answer.certifier_name = ""
        answer.certifier_position = ""
        answer.save(
            update_fields=[
                "status",
                "returned_at",
                "return_comment",
                "certified_at",
                "certified_by",
                "certifier_name",
                "certifier_position",
                "updated_at",
            ]
        )
        _step(answer, AnswerStepKind.RETURNED, actor, now, comment)
        told = _answer_decided_notify(answer, AnswerStatus.RETURNED, comment)
        _audit(
            actor,
            "report_answer.return",
            answer,
            office=answer.office,
            before=before,
            after={**_answer_state(answer), "comment": comment, "notifications": told},
        )
    return answer


def answer_certify(*, actor: Actor, answer: ReportAnswer) -> ReportAnswer:
    """The province certifies a submitted report, recording the certifier's
    account, full name and position (User.position; refused while the
    account has none). Permission: `report.certify` over the office.
    Audit: report_answer.certify."""
    with transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_CERTIFY)
        if answer.status != AnswerStatus.SUBMITTED:
            raise Conflict(
                _("Only a submitted report can be certified; this one is %(status)s.")
                % {"status": _status_label(AnswerStatus, answer.status)},
                code="wrong-state",
                field="status",
            )
        _ensure_leg_collecting(answer)
        person = _person(actor)
        if person is None:
            raise PermissionDeniedError(_("A report is certified by a person."))
        position = (person.position or "").strip()
        if not position:
            raise InvalidInput(
                _(
                    "Add your position to your account first: it is recorded with "
                    "your certification."
                ),
                code="position-missing",
                field="position",
            )
        now = timezone.now()
        before = _answer_state(answer)
        answer.status = AnswerStatus.CERTIFIED
        answer.certified_at = now
        answer.certified_by = person
        answer.certifier_name = person.get_full_name().strip()[:200]
        answer.certifier_position = position[:200]
        answer.save(
            update_fields=[
                "status",
                "certified_at",
                "certified_by",
                "certifier_name",
                "certifier_position",
                "updated_at",
            ]
        )
        _step(
            answer,
            AnswerStepKind.CERTIFIED,
            actor,
            now,
            f"{answer.certifier_name}, {answer.certifier_position}",
        )
        _audit(
            actor,
            "report_answer.certify",
            answer,
            office=answer.office,
            before=before,
            after={
                **_answer_state(answer),
                "certifier_name": answer.certifier_name,
                "certifier_position": answer.certifier_position,
            },
        )
    return answer


def answer_excuse(*, actor: Actor, answer: ReportAnswer, reason: str) -> ReportAnswer:
    """The province excuses an office from a report with a reason
    (required); not once certified or excused. Permission: `report.certify`
    over the office. Audit: report_answer.excuse."""
    reason = _text(reason, field="reason", limit=REASON_LIMIT, required=True)
    with transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_CERTIFY)
        if answer.status in DONE_ANSWER:
            raise Conflict(
                _("This report is %(status)s and cannot be excused.")
                % {"status": _status_label(AnswerStatus, answer.status)},
                code="wrong-state",
                field="status",
            )
        _ensure_leg_collecting(answer)
        now = timezone.now()
        before = _answer_state(answer)
        answer.status = AnswerStatus.EXCUSED
        answer.excused_reason = reason
        answer.excused_by = _person(actor)
        answer.save(
            update_fields=["status", "excused_reason", "excused_by", "updated_at"]
        )
        _step(answer, AnswerStepKind.EXCUSED, actor, now, reason)
        _audit(
            actor,
            "report_answer.excuse",
            answer,
            office=answer.office,
            before=before,
            after={**_answer_state(answer), "reason": reason},
        )
    return answer


def answer_evidence_add(
    *,
    actor: Actor,
    answer: ReportAnswer,
    upload: UploadedFile,
    description: str = "",
) -> AnswerEvidence:
    """Stores one evidence file of an open answer, encrypted through
    core/uploads (PDF, JPEG, PNG or WebP by content, at most
    20 MB). Permission: `report.fill`. Refused on "upload" for a bad file,
    and when the answer is no longer open. Audit: report_evidence.add."""
    description = _text(description, field="description", limit=DESCRIPTION_LIMIT)
    with delete_stored_on_error(), transaction.atomic():
        answer = _answer_take(answer, actor, Action.REPORT_FILL)
        _ensure_answer_open(answer)
        stored = encrypted_file_store(
            upload,
            allowed_types=EVIDENCE_TYPES,
            max_bytes=EVIDENCE_MAX_BYTES,
            field="upload",
            prefix=EVIDENCE_PREFIX,
        )
        evidence = AnswerEvidence.objects.create(
            answer=answer,
            description=description,
            uploaded_by=_person(actor),
            uploaded_at=timezone.now(),
            **stored.fields(),
        )
        _audit(
            actor,
            "report_evidence.add",
            evidence,
            office=answer.office,
            after={
                "answer": str(answer.public_id),
                "name": evidence.original_name,
                "type": evidence.content_type,
                "size": evidence.size,
                "sha256": evidence.sha256,
                "description": description,
            },
        )
    return evidence


def answer_evidence_remove(*, actor: Actor, evidence: AnswerEvidence) -> None:
    """Removes an evidence file of an open answer; the stored object is
    deleted after commit. Permission: `report.fill`.
    Audit: report_evidence.remove."""
    with transaction.atomic():
        answer = _answer_take(evidence.answer, actor, Action.REPORT_FILL)
        _ensure_answer_open(answer)
        evidence = AnswerEvidence.objects.select_for_update().get(pk=evidence.pk)
        storage_name = evidence.storage_name
        _audit(
            actor,
            "report_evidence.remove",
            evidence,
            office=answer.office,
            before={
                "answer": str(answer.public_id),
                "name": evidence.original_name,
                "sha256": evidence.sha256,
                "description": evidence.description,
            },
        )
        evidence.delete()
        transaction.on_commit(lambda: storage_delete(storage_name), robust=True)
