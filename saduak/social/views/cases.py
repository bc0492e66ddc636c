"""Case management pages (docs/social.md, "Case management"): a district's
cases, opening a case from a selected household, the case with the
household's people (through privacy.household_people_view), and a form for
each thing recorded on it. Thin: the services decide and refuse."""

import hashlib
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from saduak.accounts import matrix
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error
from saduak.core.personal_id import mask_personal_id
from saduak.core.referral_targets import referral_target
from saduak.social import forms_cases
from saduak.social.choices import CaseStatus, Domain
from saduak.social.models import Case, PlanStep, Referral, TargetHousehold
from saduak.social.privacy import household_people_view, purpose_text
from saduak.social.selectors import cases as selectors
from saduak.social.services import cases as services

PURPOSE = selectors.PURPOSE


def _case(request: HttpRequest, reference: str) -> Case:
    """The case, if the user may read its district; NotFound otherwise."""
    return selectors.case_get(viewer=acting_user(request), reference=reference)


def _application_url(reference: str) -> str:
    target = referral_target()
    if target is None or not reference:
        return ""
    try:
        return reverse(target.url_name, args=[reference])
    except NoReverseMatch:
        return ""


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    districts = selectors.case_districts(user)
    district = request.GET.get("district") or (districts[0] if districts else "")
    if not district:
        raise NotFound(_("You hold no case work in a district."))
    status = (
        CaseStatus.CLOSED
        if request.GET.get("status") == CaseStatus.CLOSED
        else CaseStatus.OPEN
    )
    page = selectors.case_list(
        actor=user,
        district_code=district,
        status=status,
        page=request.GET.get("page", 1),
    )
    movement = selectors.capability_movement(
        actor=user, province_code=district[:2], district_code=district
    )
    return render(
        request,
        "social/case_list.html",
        {
            "movement": movement[0] if movement else None,
            "movement_pairs": sorted(
                (first, latest, cases)
                for (first, latest), cases in (
                    movement[0].pairs.items() if movement else []
                )
            ),
            "page": page,
            "cases": page.object_list,
            "district": district,
            "districts": districts,
            "status": status,
            "today": timezone.localdate(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    household = (
        TargetHousehold.objects.select_related("subdistrict", "rule_set")
        .filter(public_id=public_id)
        .first()
    )
    if household is None:
        raise NotFound(_("There is no such household."))
    matrix.ensure_may(
        user,
        Action.SOCIAL_CASE_MANAGE,
        district_code=household.district_code,
        province_code=household.province_code,
    )
    workers = selectors.case_worker_candidates(household.district_code)
    form = forms_cases.CaseOpenForm(
        request.POST or None,
        workers=workers,
        initial={"case_worker": str(user.pk)},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                household=household,
                case_worker=form.chosen_worker(),
                follow_up_frequency=form.cleaned_data["follow_up_frequency"],
                actor=user,
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("Case %(reference)s is open.") % {"reference": case.reference},
            )
            return redirect("social-cases:detail", case.reference)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "social/case_open.html",
        {"form": form, "household": household},
        status=status,
    )


@staff_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = acting_user(request)
    case = _case(request, reference)
    record = selectors.case_detail(actor=user, case=case)
    rows = household_people_view(
        household=case.household, actor=user, purpose=purpose_text(PURPOSE)
    )
    people: dict[str, dict[str, Any]] = {}
    for row in rows:
        person = people.setdefault(
            row.personal_id,
            {
                "masked": mask_personal_id(row.personal_id),
                "names": set(),
                "sources": [],
            },
        )
        if row.full_name:
            person["names"].add(row.full_name)
        person["sources"].append(row.get_kind_display())
    for assessment in record.assessments:
        assessment.needs_shown = [  # type: ignore[attr-defined]
            (Domain(domain).label, text) for domain, text in assessment.needs.items()
        ]
    steps = [
        (step, _application_url(step.application_reference))
        for step in record.plan_steps
    ]
    return render(
        request,
        "social/case_detail.html",
        {
            "case": case,
            "record": record,
            "people": list(people.values()),
            "steps": steps,
            "may_manage": case.status == CaseStatus.OPEN
            and matrix.may(
                user,
                Action.SOCIAL_CASE_MANAGE,
                district_code=case.district_code,
                province_code=case.province_code,
            ),
            "may_apply": referral_target() is not None
            and matrix.may(
                user, Action.APPLICATION_RECORD_FOR_CITIZEN, office=case.office
            ),
        },
    )


def _form_page(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    *,
    title: str,
    act: Callable[[forms.Form], Any],
    done: str,
    intro: str = "",
) -> HttpResponse:
    """The page of one form on a case: shows it, or runs `act` on a valid
    post and goes back to the case with `done` said."""
    status = 200
    if case.status != CaseStatus.OPEN and request.method != "POST":
        messages.warning(
            request,
            _("Case %(reference)s is closed: nothing more can be recorded on it.")
            % {"reference": case.reference},
        )
        return redirect("social-cases:detail", case.reference)
    if request.method == "POST":
        if form.is_valid():
            try:
                act(form)
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, done)
                return redirect("social-cases:detail", case.reference)
        else:
            status = 400
    return render(
        request,
        "social/case_form.html",
        {"case": case, "form": form, "title": title, "intro": intro},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = forms_cases.AssessmentForm(
        request.POST or None, initial={"assessed_on": timezone.localdate()}
    )
    return _form_page(
        request,
        case,
        form,
        title=_("Assess the household"),
        intro=_(
            "Say what the household needs in each domain you assessed, and its "
            "capability level. The first assessment is the baseline."
        ),
        act=lambda f: services.assessment_record(
            case=case,
            assessed_on=f.cleaned_data["assessed_on"],
            capability=f.cleaned_data["capability"],
            needs=f.needs(),  # type: ignore[attr-defined]
            note=f.cleaned_data["note"],
            actor=acting_user(request),
        ),
        done=_("The assessment is recorded."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def plan_step_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    today = timezone.localdate()
    form = forms_cases.PlanStepForm(
        request.POST or None, initial={"starts_on": today, "due_on": today}
    )
    return _form_page(
        request,
        case,
        form,
        title=_("Add a plan step"),
        act=lambda f: services.plan_step_add(
            case=case,
            domain=f.cleaned_data["domain"],
            goal=f.cleaned_data["goal"],
            service=f.cleaned_data["service"],
            agency_code=f.cleaned_data["agency"],
            starts_on=f.cleaned_data["starts_on"],
            due_on=f.cleaned_data["due_on"],
            actor=acting_user(request),
        ),
        done=_("The plan step is added."),
    )


def _step(case: Case, public_id: UUID) -> PlanStep:
    step = PlanStep.objects.filter(case=case, public_id=public_id).first()
    if step is None:
        raise NotFound(_("There is no such plan step."))
    return step


@staff_required
@require_http_methods(["GET", "POST"])
def plan_step_update(request: HttpRequest, reference: str, step: UUID) -> HttpResponse:
    case = _case(request, reference)
    found = _step(case, step)
    form = forms_cases.PlanStepStatusForm(
        request.POST or None, initial={"status": found.status, "due_on": found.due_on}
    )
    return _form_page(
        request,
        case,
        form,
        title=_("Update the plan step"),
        intro=found.goal,
        act=lambda f: services.plan_step_update(
            step=found,
            status=f.cleaned_data["status"],
            due_on=f.cleaned_data.get("due_on"),
            actor=acting_user(request),
        ),
        done=_("The plan step is updated."),
    )


def _person_key(case: Case, personal_id: str) -> str:
    return hashlib.sha256(f"{case.public_id}:{personal_id}".encode()).hexdigest()[:16]


@staff_required
@require_http_methods(["GET", "POST"])
def plan_step_application(
    request: HttpRequest, reference: str, step: UUID
) -> HttpResponse:
    user = acting_user(request)
    case = _case(request, reference)
    found = _step(case, step)
    target = referral_target()
    if target is None:
        raise NotFound()
    rows = household_people_view(
        household=case.household, actor=user, purpose=purpose_text(PURPOSE)
    )
    # The form names each person by a key of this case, never by the
    # personal ID (which would sit in the page's source).
    people: dict[str, tuple[str, str]] = {}
    for row in rows:
        key = _person_key(case, row.personal_id)
        if key not in people:
            label = f"{row.full_name or '—'} ({mask_personal_id(row.personal_id)})"
            people[key] = (row.personal_id, label)
    form = forms_cases.ApplicationForm(
        request.POST or None,
        people=[(key, label) for key, (_pid, label) in people.items()],
        services=[(service.code, str(service.name)) for service in target.services()],
    )
    return _form_page(
        request,
        case,
        form,
        title=_("Start an e-service application"),
        intro=_(
            "The application is started on the member's behalf through the "
            "referral channel, naming %(agency)s. The member needs a digital ID."
        )
        % {"agency": found.agency.name},
        act=lambda f: services.plan_step_application_start(
            step=found,
            personal_id=people[f.cleaned_data["person"]][0],
            service_code=f.cleaned_data["service"],
            actor=user,
        ),
        done=_("The application is started."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = forms_cases.ReferralForm(
        request.POST or None, initial={"sent_on": timezone.localdate()}
    )
    return _form_page(
        request,
        case,
        form,
        title=_("Refer to an agency"),
        act=lambda f: services.referral_send(
            case=case,
            agency_code=f.cleaned_data["agency"],
            reason=f.cleaned_data["reason"],
            sent_on=f.cleaned_data["sent_on"],
            actor=acting_user(request),
        ),
        done=_("The referral is recorded."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def referral_answer(
    request: HttpRequest, reference: str, referral: UUID
) -> HttpResponse:
    case = _case(request, reference)
    found = Referral.objects.filter(case=case, public_id=referral).first()
    if found is None:
        raise NotFound(_("There is no such referral."))
    form = forms_cases.ReferralAnswerForm(
        request.POST or None, initial={"answered_on": timezone.localdate()}
    )
    return _form_page(
        request,
        case,
        form,
        title=_("Record the agency's answer"),
        intro=found.agency.name,
        act=lambda f: services.referral_answer(
            referral=found,
            status=f.cleaned_data["status"],
            answered_on=f.cleaned_data["answered_on"],
            answer=f.cleaned_data["answer"],
            actor=acting_user(request),
        ),
        done=_("The agency's answer is recorded."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = forms_cases.FollowUpForm(
        request.POST or None, initial={"done_on": timezone.localdate()}
    )
    return _form_page(
        request,
        case,
        form,
        title=_("Record a follow-up"),
        act=lambda f: services.follow_up_record(
            case=case,
            done_on=f.cleaned_data["done_on"],
            note=f.cleaned_data["note"],
            capability=f.cleaned_data["capability"],
            actor=acting_user(request),
        ),
        done=_("The follow-up is recorded; the next one is scheduled."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = forms_cases.CaseCloseForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        title=_("Close the case"),
        intro=_("A closed case is read-only: nothing more can be recorded on it."),
        act=lambda f: services.case_close(
            case=case,
            outcome=f.cleaned_data["outcome"],
            note=f.cleaned_data["note"],
            actor=acting_user(request),
        ),
        done=_("The case is closed."),
    )
