"""The GECC round's pages (namespace `performance-gecc`, /staff/performance/
gecc/; docs/performance-collection.md "GECC round").

HQ: the rounds, preparing a round (title, deadlines), its target registry
offices (picked or pasted codes), opening it, progress per province and
office, and the share of offices meeting each item. An office: volunteering,
its responsible person (an account picked from the district's staff; no
password field anywhere), the checklist grouped by part (met / partly / not
yet, note, photos and documents), the outcome items measured from Saduak's
data, the readiness form, and sending its registration and progress reports
(the province reviews them on its inbox pages)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.matrix import REGISTRY_OFFICES, Action, may
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Office
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import add_domain_error
from saduak.core.thai import current_fiscal_year
from saduak.core.uploads.responses import encrypted_file_response
from saduak.core.uploads.store import encrypted_file_open
from saduak.forms_engine.post import post_from_answers, raw_from_post, values_from_post
from saduak.forms_engine.render import error_links, render_section
from saduak.performance.choices import GeccGroup, GeccRoundStatus, RequestKind
from saduak.performance.forms_gecc import (
    AssessForm,
    GeccEvidenceForm,
    ReportKindForm,
    ResponsibleForm,
    RoundForm,
    RoundYearForm,
    TargetsForm,
    VolunteerForm,
)
from saduak.performance.models import (
    GeccCriterion,
    GeccEvidence,
    GeccParticipant,
    GeccRound,
)
from saduak.performance.selectors import gecc as selectors
from saduak.performance.services import gecc as services


def _manager(user: User) -> None:
    if not may(user, Action.GECC_MANAGE):
        raise PermissionDeniedError(_("Only HQ administrators run the GECC round."))


def _round(fiscal_year: int) -> GeccRound:
    return selectors.round_get(fiscal_year=fiscal_year)


def _participant(
    request: HttpRequest, fiscal_year: int, office_code: str
) -> GeccParticipant:
    return selectors.participant_get(
        user=acting_user(request), round=_round(fiscal_year), office_code=office_code
    )


def _office_url(participant: GeccParticipant, anchor: str = "") -> str:
    url = reverse(
        "performance-gecc:office",
        args=[participant.round.fiscal_year, participant.office.code],
    )
    return f"{url}#{anchor}" if anchor else url


# --- HQ ---------------------------------------------------------------------------


@staff_required
@never_cache
def round_list(request: HttpRequest) -> HttpResponse:
    """Every round; HQ picks a year to prepare."""
    user = acting_user(request)
    manager = may(user, Action.GECC_MANAGE)
    picker = RoundYearForm(
        request.GET or None, initial={"year": current_fiscal_year().be_year + 1}
    )
    if manager and request.GET and picker.is_valid():
        return redirect("performance-gecc:prepare", picker.cleaned_data["year"])
    return render(
        request,
        "performance/gecc/list.html",
        {
            "rounds": list(selectors.rounds_list()),
            "picker": picker if manager else None,
        },
    )


@staff_required
@never_cache
def round_detail(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """A round: HQ's steps; for a district or province, its offices and the
    offices it may volunteer."""
    user = acting_user(request)
    round = _round(fiscal_year)
    offices = selectors.volunteer_offices(user=user, round=round)
    return render(
        request,
        "performance/gecc/round.html",
        {
            "round": round,
            "manager": may(user, Action.GECC_MANAGE),
            "participants": selectors.my_participants(user=user, round=round),
            "volunteer_form": VolunteerForm(offices=offices) if offices else None,
            "participant_count": round.participants.count(),
            "readiness_fields": _readiness_count(round),
        },
    )


def _readiness_count(round: GeccRound) -> int:
    try:
        form = services.readiness_definition(round)
    except DomainError:
        return 0
    return len(form.fields) if form is not None else 0


@staff_required
@never_cache
def round_prepare(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """HQ prepares the year's round, or changes it while it is a draft."""
    user = acting_user(request)
    _manager(user)
    round = GeccRound.objects.filter(fiscal_year=fiscal_year).first()
    if round is not None and round.status != GeccRoundStatus.DRAFT:
        return redirect("performance-gecc:round", fiscal_year)
    initial = (
        {
            "title_th": round.title_th,
            "title_en": round.title_en,
            "registration_due_on": round.registration_due_on,
            "progress_due_on": round.progress_due_on,
        }
        if round
        else {"title_th": f"ศูนย์ราชการสะดวก ประจำปีงบประมาณ {fiscal_year}"}
    )
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if round is None:
                services.gecc_round_create(
                    actor=user, fiscal_year=fiscal_year, **form.cleaned_data
                )
            else:
                services.gecc_round_update(actor=user, round=round, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The round is saved."))
            return redirect("performance-gecc:round", fiscal_year)
    return render(
        request,
        "performance/gecc/prepare.html",
        {"round": round, "fiscal_year": fiscal_year, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required
@never_cache
def round_targets(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """HQ names the target registry offices: picked, or a pasted list."""
    user = acting_user(request)
    _manager(user)
    round = _round(fiscal_year)
    registry = Office.objects.filter(
        is_active=True, kind__in=REGISTRY_OFFICES
    ).order_by("code")
    current = list(
        round.participants.filter(participation="target").values_list(
            "office_id", flat=True
        )
    )
    form = TargetsForm(
        request.POST or None, offices=registry, initial={"offices": current}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["codes"].strip():
                offices = services.offices_from_codes(form.cleaned_data["codes"])
            else:
                offices = list(form.cleaned_data["offices"])
            services.gecc_targets_set(actor=user, round=round, offices=offices)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The target offices are saved."))
            return redirect("performance-gecc:round", fiscal_year)
    return render(
        request,
        "performance/gecc/targets.html",
        {
            "round": round,
            "form": form,
            "participants": list(
                round.participants.select_related("office").order_by("office__code")
            ),
        },
        status=400 if form.errors else 200,
    )


def _round_change(
    request: HttpRequest, fiscal_year: int, change: Any, done: str
) -> HttpResponse:
    """HQ's POST that moves the round (open, close): the service's refusal
    shown as a message, back to the round's page either way."""
    user = acting_user(request)
    _manager(user)
    round = _round(fiscal_year)
    try:
        change(actor=user, round=round)
    except (PermissionDeniedError, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("performance-gecc:round", fiscal_year)


@staff_required
@require_POST
def round_open(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """HQ opens the round: both reports go to the offices."""
    return _round_change(
        request,
        fiscal_year,
        services.gecc_round_open,
        _(
            "The round is open: the registration and progress reports were sent to the offices."
        ),
    )


@staff_required
@require_POST
def round_close(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """HQ closes the round: no more reports, nothing more assessed."""
    return _round_change(
        request, fiscal_year, services.gecc_round_close, _("The round is closed.")
    )


@staff_required
@never_cache
def round_progress(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """HQ follows each province and office against the two deadlines."""
    user = acting_user(request)
    _manager(user)
    round = _round(fiscal_year)
    province = str(request.GET.get("province") or "")[:2]
    progress = selectors.round_progress(round, province_code=province)
    return render(
        request,
        "performance/gecc/progress.html",
        {
            "round": round,
            "progress": progress,
            "province": province,
            "today": timezone.localdate(),
        },
    )


@staff_required
@never_cache
def criteria_share(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """The share of offices that met, partly met or have not yet met each item."""
    user = acting_user(request)
    _manager(user)
    round = _round(fiscal_year)
    rows = selectors.criteria_share(round)
    parts = [
        (str(group.label), [row for row in rows if row.criterion.group == group])
        for group in GeccGroup
    ]
    return render(
        request,
        "performance/gecc/criteria_share.html",
        {"round": round, "parts": parts},
    )


# --- An office ----------------------------------------------------------------------


@staff_required
@require_POST
def volunteer(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    user = acting_user(request)
    round = _round(fiscal_year)
    form = VolunteerForm(
        request.POST, offices=selectors.volunteer_offices(user=user, round=round)
    )
    if form.is_valid():
        try:
            participant = services.gecc_volunteer(
                actor=user, round=round, office=form.cleaned_data["office"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The office takes part in the round."))
            return redirect(_office_url(participant))
    for problems in form.errors.values():
        messages.error(request, " ".join(str(problem) for problem in problems))
    return redirect("performance-gecc:round", fiscal_year)


def _office_context(
    user: User,
    participant: GeccParticipant,
    *,
    responsible_form: ResponsibleForm | None = None,
) -> dict[str, Any]:
    round = participant.round
    office = participant.office
    may_register = may(user, Action.GECC_REGISTER, office=office)
    may_fill = (
        may(user, Action.REPORT_FILL, office=office)
        and round.status == GeccRoundStatus.OPEN
    )
    if responsible_form is None and may_register:
        responsible_form = ResponsibleForm(
            people=services.responsible_candidates(office),
            initial={"responsible": participant.responsible_id or ""},
        )
    answers = {
        kind: services.report_answer_of(participant, kind)
        for kind in (RequestKind.GECC_REGISTRATION, RequestKind.GECC_PROGRESS)
    }
    return {
        "round": round,
        "participant": participant,
        "office": office,
        "parts": selectors.office_checklist(participant),
        "may_register": may_register,
        "may_fill": may_fill,
        "may_submit": may(user, Action.REPORT_SUBMIT, office=office)
        and round.status == GeccRoundStatus.OPEN,
        "responsible_form": responsible_form,
        "assess_choices": AssessForm.base_fields["status"].choices,  # type: ignore[attr-defined]
        "registration_answer": answers[RequestKind.GECC_REGISTRATION],
        "progress_answer": answers[RequestKind.GECC_PROGRESS],
        "readiness_fields": _readiness_count(round),
        "readiness_done": services.readiness_done(round, participant)
        if _readiness_count(round)
        else None,
        "evidence_form": GeccEvidenceForm(),
        "outcome": GeccGroup.OUTCOME.value,
    }


@staff_required
@never_cache
def office(request: HttpRequest, fiscal_year: int, office_code: str) -> HttpResponse:
    """The office's page: responsible person, checklist, reports."""
    user = acting_user(request)
    participant = _participant(request, fiscal_year, office_code)
    return render(
        request, "performance/gecc/office.html", _office_context(user, participant)
    )


@staff_required
@require_POST
def responsible(
    request: HttpRequest, fiscal_year: int, office_code: str
) -> HttpResponse:
    user = acting_user(request)
    participant = _participant(request, fiscal_year, office_code)
    form = ResponsibleForm(
        request.POST, people=services.responsible_candidates(participant.office)
    )
    if form.is_valid():
        try:
            services.gecc_responsible_set(
                actor=user, participant=participant, user=form.person()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The responsible person is named."))
            return redirect(_office_url(participant, "responsible"))
    return render(
        request,
        "performance/gecc/office.html",
        _office_context(user, participant, responsible_form=form),
        status=400,
    )


def _criterion(participant: GeccParticipant, code: str) -> GeccCriterion:
    found = GeccCriterion.objects.filter(
        round_id=participant.round_id, code=code
    ).first()
    if found is None:
        raise NotFound()
    return found


@staff_required
@require_POST
def assess(
    request: HttpRequest, fiscal_year: int, office_code: str, criterion_code: str
) -> HttpResponse:
    """Met / partly / not yet with a note, for one item."""
    user = acting_user(request)
    participant = _participant(request, fiscal_year, office_code)
    item = _criterion(participant, criterion_code)
    form = AssessForm(request.POST, prefix=item.code)
    if form.is_valid():
        try:
            services.gecc_assess(
                actor=user, participant=participant, criterion=item, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Item %(code)s is saved.") % {"code": item.code}
            )
            return redirect(_office_url(participant, f"item-{item.code}"))
    for problems in form.errors.values():
        text = " ".join(str(problem) for problem in problems)
        messages.error(request, f"{item.code}: {text}")
    return redirect(_office_url(participant, f"item-{item.code}"))


@staff_required
@require_POST
def evidence_add(
    request: HttpRequest, fiscal_year: int, office_code: str, criterion_code: str
) -> HttpResponse:
    user = acting_user(request)
    participant = _participant(request, fiscal_year, office_code)
    item = _criterion(participant, criterion_code)
    form = GeccEvidenceForm(request.POST, request.FILES, prefix=f"{item.code}-file")
    if form.is_valid():
        try:
            services.gecc_evidence_add(
                actor=user,
                participant=participant,
                criterion=item,
                upload=form.cleaned_data["upload"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The file is added to item %(code)s.") % {"code": item.code}
            )
            return redirect(_office_url(participant, f"item-{item.code}"))
    for problems in form.errors.values():
        text = " ".join(str(problem) for problem in problems)
        messages.error(request, f"{item.code}: {text}")
    return redirect(_office_url(participant, f"item-{item.code}"))


def _evidence(
    request: HttpRequest, fiscal_year: int, office_code: str, public_id: Any
) -> GeccEvidence:
    participant = _participant(request, fiscal_year, office_code)
    found = (
        GeccEvidence.objects.select_related(
            "assessment__criterion", "assessment__participant"
        )
        .filter(public_id=public_id, assessment__participant=participant)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@login_required
@never_cache
@require_GET
def evidence(
    request: HttpRequest, fiscal_year: int, office_code: str, public_id: Any
) -> StreamingHttpResponse:
    """Downloads an evidence file: whoever reads the office's page; 404 for
    anyone else (a sign-in or 403 page would tell that the file exists)."""
    found = _evidence(request, fiscal_year, office_code, public_id)
    return encrypted_file_response(found, encrypted_file_open(found))


@staff_required
@require_POST
def evidence_remove(
    request: HttpRequest, fiscal_year: int, office_code: str, public_id: Any
) -> HttpResponse:
    found = _evidence(request, fiscal_year, office_code, public_id)
    participant = found.assessment.participant
    code = found.assessment.criterion.code
    participant.round = _round(fiscal_year)
    try:
        services.gecc_evidence_remove(actor=acting_user(request), evidence=found)
    except (PermissionDeniedError, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The file is removed."))
    return redirect(_office_url(participant, f"item-{code}"))


@staff_required
@require_POST
def outcomes(request: HttpRequest, fiscal_year: int, office_code: str) -> HttpResponse:
    """Fills the outcome items from Saduak's own figures."""
    participant = _participant(request, fiscal_year, office_code)
    try:
        services.gecc_outcomes_fill(actor=acting_user(request), participant=participant)
    except (PermissionDeniedError, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The outcome items are measured from Saduak's figures.")
        )
    return redirect(_office_url(participant, "part-outcome"))


@staff_required
@never_cache
def readiness(request: HttpRequest, fiscal_year: int, office_code: str) -> HttpResponse:
    """The round's readiness form, filled by the office."""
    user = acting_user(request)
    participant = _participant(request, fiscal_year, office_code)
    round = participant.round
    definition = services.readiness_definition(round)
    if definition is None:
        raise NotFound(_("HQ has not built the readiness form yet."))
    may_fill = may(user, Action.REPORT_FILL, office=participant.office) and (
        round.status == GeccRoundStatus.OPEN
    )
    errors: dict[str, list[str]] = {}
    problem = ""
    values: dict[str, Any] = {}
    for section in definition.sections:
        values.update(post_from_answers(section, participant.readiness))
    if request.method == "POST":
        if not may_fill:
            raise PermissionDeniedError(
                _(
                    "Only the office's staff fill its readiness form while the round is open."
                )
            )
        raw: dict[str, Any] = {}
        values = {}
        for section in definition.sections:
            posted = values_from_post(section, request.POST)
            values.update(posted)
            raw.update(raw_from_post(section, posted))
        try:
            services.gecc_readiness_save(actor=user, participant=participant, raw=raw)
        except (PermissionDeniedError, NotFound):
            raise
        except DomainError as error:
            problem = str(error.message)
            errors = dict(error.extra.get("errors") or {})
        else:
            messages.success(request, _("The readiness form is saved."))
            return redirect(_office_url(participant, "readiness"))
    sections = [
        {
            "section": section,
            "html": render_section(
                definition,
                section,
                values=values,
                errors=errors,
                answers=participant.readiness,
            ),
        }
        for section in definition.sections
    ]
    return render(
        request,
        "performance/gecc/readiness.html",
        {
            "round": round,
            "participant": participant,
            "sections": sections,
            "may_fill": may_fill,
            "problem": problem,
            "error_links": error_links(definition, errors),
        },
        status=400 if problem else 200,
    )


@staff_required
@require_POST
def report(request: HttpRequest, fiscal_year: int, office_code: str) -> HttpResponse:
    """Sends the office's registration or progress report to its province."""
    participant = _participant(request, fiscal_year, office_code)
    form = ReportKindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the registration or the progress report."))
        return redirect(_office_url(participant, "reports"))
    kind = form.cleaned_data["kind"]
    try:
        services.gecc_report_submit(
            actor=acting_user(request), participant=participant, kind=kind
        )
    except (PermissionDeniedError, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The report is sent to the province."))
    return redirect(_office_url(participant, "reports"))
