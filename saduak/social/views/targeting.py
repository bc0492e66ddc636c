"""Targeting pages, mounted at `staff/social/` (namespace `social-targeting`):
a district's subdistricts with their counts, a subdistrict's households
ranked by need (one page of the ranked index), its community forums, one
household (its people through privacy.py, its decision, selection and
services).

Every form is a plain POST; a refused input re-renders the page with status
400 and the service's message on the field; a record outside the viewer's
read reach is 404 (the selectors); an action the role does not allow is 403
with the matrix's message (the services)."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.matrix import Action, may
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.accounts.scoping import read_reach
from saduak.core.errors import Conflict, DomainError
from saduak.core.forms import add_domain_error
from saduak.social.choices import HouseholdStatus
from saduak.social.forms_targeting import (
    CONFIRM,
    DecisionForm,
    ForumForm,
    ServiceForm,
)
from saduak.social.models import TargetHousehold
from saduak.social.privacy import purpose_text
from saduak.social.selectors import targeting as selectors
from saduak.social.services import targeting as services

NS = "social-targeting"
STATUS_TABS = [
    ("", gettext_lazy("All")),
    (HouseholdStatus.FOUND, gettext_lazy("Waiting for the forum")),
    (HouseholdStatus.CONFIRMED, gettext_lazy("Confirmed")),
    (HouseholdStatus.SELECTED, gettext_lazy("Selected for case management")),
    (HouseholdStatus.REMOVED, gettext_lazy("Removed")),
]


def _may(user: User, action: Action, district_code: str, province_code: str) -> bool:
    return may(user, action, district_code=district_code, province_code=province_code)


@staff_required
@never_cache
@require_GET
def targeting_home(request: HttpRequest) -> HttpResponse:
    """A district's officer lands on their district; others on the
    statistics of their area."""
    user = acting_user(request)
    rule_set = selectors.rule_set_latest()
    if rule_set is None:
        return render(request, "social/targeting_none.html", {})
    reach = read_reach(user)
    if not reach.everything and not reach.provinces and len(reach.districts) == 1:
        [district] = reach.districts
        return redirect(f"{NS}:district", rule_set.year, district)
    return redirect(f"{NS}:statistics")


@staff_required
@never_cache
@require_GET
def district_page(request: HttpRequest, year: int, code: str) -> HttpResponse:
    user = acting_user(request)
    rule_set = selectors.rule_set_get(year)
    district = selectors.district_get(viewer=user, code=code)
    lines = selectors.district_subdistricts(rule_set=rule_set, district=district)
    return render(
        request,
        "social/targeting_district.html",
        {
            "rule_set": rule_set,
            "years": selectors.rule_set_years(),
            "district": district,
            "lines": lines,
            "totals": sum((line.figures for line in lines), start=selectors.Figures()),
            "may_view": _may(
                user, Action.SOCIAL_PERSON_VIEW, district.code, district.province_id
            ),
        },
    )


@staff_required
@never_cache
@require_GET
def subdistrict_page(request: HttpRequest, year: int, code: str) -> HttpResponse:
    user = acting_user(request)
    rule_set = selectors.rule_set_get(year)
    subdistrict = selectors.subdistrict_get(viewer=user, code=code)
    status = str(request.GET.get("status") or "")
    if status not in selectors.STATUS_FILTERS:
        status = ""
    listing = selectors.subdistrict_households(
        viewer=user,
        rule_set=rule_set,
        subdistrict=subdistrict,
        status=status,
        page=request.GET.get("page"),
    )
    district = subdistrict.district
    return render(
        request,
        "social/targeting_subdistrict.html",
        {
            "rule_set": rule_set,
            "subdistrict": subdistrict,
            "district": district,
            "listing": listing,
            "page": listing.page,
            "households": list(listing.page.object_list),
            "tabs": STATUS_TABS,
            "status": status,
            "forums": selectors.subdistrict_forums(
                rule_set=rule_set, subdistrict=subdistrict, limit=10
            ),
            "may_decide": _may(
                user,
                Action.SOCIAL_TARGET_DECIDE,
                district.code,
                district.province_id,
            ),
        },
    )


@staff_required
@never_cache
def forum_new(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Records a community forum held in the subdistrict."""
    user = acting_user(request)
    rule_set = selectors.rule_set_get(year)
    subdistrict = selectors.subdistrict_get(viewer=user, code=code)
    form = ForumForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_record(
                rule_set=rule_set,
                subdistrict=subdistrict,
                actor=user,
                **form.cleaned_data,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The forum is recorded. Confirm or remove each household citing it."),
            )
            return redirect(f"{NS}:subdistrict", rule_set.year, subdistrict.code)
    return render(
        request,
        "social/targeting_forum_form.html",
        {"rule_set": rule_set, "subdistrict": subdistrict, "form": form},
        status=400 if form.errors else 200,
    )


# --- One household -------------------------------------------------------------------


def _forums(household: TargetHousehold) -> list[Any]:
    return selectors.subdistrict_forums(
        rule_set=household.rule_set, subdistrict=household.subdistrict
    )


def _household_page(
    request: HttpRequest,
    user: User,
    household: TargetHousehold,
    *,
    decision_form: DecisionForm | None = None,
    service_form: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    people = selectors.household_people(
        household=household,
        viewer=user,
        purpose=purpose_text(selectors.HOUSEHOLD_PURPOSE),
    )
    codes = (household.district_code, household.province_code)
    may_decide = _may(user, Action.SOCIAL_TARGET_DECIDE, *codes)
    may_serve = _may(user, Action.SOCIAL_SERVICE_RECORD, *codes)
    forums = _forums(household) if may_decide else []
    decidable = may_decide and household.status != HouseholdStatus.SELECTED
    if decision_form is None and decidable and forums:
        initial: dict[str, Any] = {"forum": str(forums[0].public_id)}
        if household.status in (HouseholdStatus.CONFIRMED, HouseholdStatus.REMOVED):
            initial["decision"] = (
                CONFIRM if household.status == HouseholdStatus.CONFIRMED else "remove"
            )
            initial["reason"] = household.removal_reason
        decision_form = DecisionForm(initial=initial, forums=forums)
    servable = may_serve and household.status in services.SERVABLE
    if service_form is None and servable:
        service_form = ServiceForm(initial={"provided_on": timezone.localdate()})
    return render(
        request,
        "social/targeting_household.html",
        {
            "household": household,
            "people": people,
            "services": selectors.household_services(household),
            "decision_form": decision_form if decidable else None,
            "forums": forums,
            "may_decide": may_decide,
            "may_select": may_decide and household.status == HouseholdStatus.CONFIRMED,
            "service_form": service_form if servable else None,
        },
        status=status,
    )


def _household_posted(
    request: HttpRequest,
    household: TargetHousehold,
    form: forms.Form,
    act: Callable[[], object],
    done: str,
) -> HttpResponse | None:
    """Runs `act` for a valid posted form on the household and goes back to
    the household with `done` said; None when the form or the service refused
    it (the caller shows the household page again with the form, status 400)."""
    if form.is_valid():
        try:
            act()
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect(f"{NS}:household", household.public_id)
    return None


@staff_required
@never_cache
@require_GET
def household_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    return _household_page(request, user, household)


@staff_required
@never_cache
@require_POST
def household_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    form = DecisionForm(request.POST, forums=_forums(household))

    def decide() -> None:
        if form.cleaned_data["decision"] == CONFIRM:
            services.household_confirm(
                household=household, forum=form.chosen_forum(), actor=user
            )
        else:
            services.household_remove(
                household=household,
                forum=form.chosen_forum(),
                reason=form.cleaned_data["reason"],
                actor=user,
            )

    done = _household_posted(
        request, household, form, decide, _("The forum's decision is recorded.")
    )
    if done is not None:
        return done
    return _household_page(request, user, household, decision_form=form, status=400)


@staff_required
@never_cache
@require_POST
def household_select(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    try:
        services.household_select(household=household, actor=user)
    except Conflict as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The household is selected for case management. Open its case next."),
        )
    return redirect(f"{NS}:household", household.public_id)


@staff_required
@never_cache
@require_POST
def household_service(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    form = ServiceForm(request.POST)
    done = _household_posted(
        request,
        household,
        form,
        lambda: services.service_record(
            household=household, actor=user, **form.cleaned_data
        ),
        _("The service is recorded."),
    )
    if done is not None:
        return done
    return _household_page(request, user, household, service_form=form, status=400)
