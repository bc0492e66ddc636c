"""The framework set-up pages (docs/performance.md), mounted at
`staff/performance/` (namespace `performance`): the frameworks of a fiscal
year in the viewer's reach, creating one or copying last year's, and one
framework with its components, KPI tree, weight sums, rounds, publishing and
reopening. The KPI editor is `setup_kpis.py`, PMQA `pmqa.py`.

Every form is a plain POST; a refused input re-renders the page with 400 and
the service's message on the field; a framework outside the viewer's read
reach is 404 (the selectors)."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, InvalidInput, NotFound
from saduak.core.forms import add_domain_error
from saduak.core.thai import current_fiscal_year
from saduak.performance.choices import FrameworkStatus, RoundStatus
from saduak.performance.forms_setup import (
    ComponentForm,
    FrameworkCreateForm,
    FrameworkNameForm,
    RoundForm,
    YearFilterForm,
)
from saduak.performance.models import Component, Framework, Kpi, Round
from saduak.performance.selectors.frameworks import framework_get, framework_list
from saduak.performance.services import frameworks as services
from saduak.performance.services import kpis as kpi_services
from saduak.performance.services.publishing import framework_problems
from saduak.performance.services.rounds import round_save
from saduak.performance.views.setup_units import (
    fiscal_year_label,
    link_or_none,
    unit_key,
    unit_may,
    unit_name,
    unit_of_key,
    units_to_set_up,
)


def may_edit(user: User, framework: Framework) -> bool:
    return unit_may(
        user, Action.FRAMEWORK_EDIT, framework.unit_level, framework.unit_code
    )


def may_publish(user: User, framework: Framework) -> bool:
    return unit_may(
        user, Action.FRAMEWORK_PUBLISH, framework.unit_level, framework.unit_code
    )


# --- The list -------------------------------------------------------------------


def _list_page(
    request: HttpRequest, user: User, year: int, form: FrameworkCreateForm | None
) -> HttpResponse:
    """The frameworks of `year` the viewer reads, last year's that may be
    copied into it, and the form to create one."""
    frameworks = list(framework_list(viewer=user, fiscal_year=year))
    present = {(row.unit_level, row.unit_code) for row in frameworks}
    copyable = [
        row
        for row in framework_list(viewer=user, fiscal_year=year - 1)
        if (row.unit_level, row.unit_code) not in present and may_edit(user, row)
    ]
    units = units_to_set_up(user)
    if form is None and units:
        form = FrameworkCreateForm(
            units=units, initial={"fiscal_year": year}, prefix="new"
        )
    language = get_language() or "th"
    return render(
        request,
        "performance/setup/framework_list.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year, language),
            "previous_year": year - 1,
            "next_year": year + 1,
            "rows": [_list_row(row) for row in frameworks],
            "copyable": [_list_row(row) for row in copyable],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _list_row(framework: Framework) -> dict[str, Any]:
    return {
        "framework": framework,
        "unit": unit_name(framework.unit_level, framework.unit_code),
        "results_url": _results_url(framework),
    }


def _results_url(framework: Framework) -> str | None:
    """The results of the framework's latest round, once that area exists."""
    if framework.status != FrameworkStatus.PUBLISHED:
        return None
    latest = framework.rounds.order_by("-months").first()
    if latest is None:
        return None
    return link_or_none("performance-results:round", framework.public_id, latest.months)


@staff_required
@never_cache
def framework_list_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filters = YearFilterForm(request.GET or None)
    year = current_fiscal_year().be_year
    if filters.is_valid() and filters.cleaned_data.get("year"):
        year = filters.cleaned_data["year"]
    return _list_page(request, user, year, None)


@staff_required
@require_POST
def framework_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = FrameworkCreateForm(request.POST, units=units_to_set_up(user), prefix="new")
    year = current_fiscal_year().be_year
    if form.is_valid():
        data = form.cleaned_data
        year = data["fiscal_year"]
        level, code = unit_of_key(data["unit"])
        try:
            framework = services.framework_create(
                actor=user,
                fiscal_year=year,
                unit_level=level,
                unit_code=code,
                name_th=data["name_th"],
                name_en=data["name_en"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The framework is created as a draft."))
            return redirect("performance:framework", framework.public_id)
    return _list_page(request, user, year, form)


@staff_required
@require_POST
def framework_copy(request: HttpRequest, public_id: str) -> HttpResponse:
    """Copies a framework into the next fiscal year, as a draft."""
    user = acting_user(request)
    source = framework_get(viewer=user, public_id=public_id)
    try:
        copied = services.framework_copy(
            actor=user, source=source, fiscal_year=source.fiscal_year + 1
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect(
            f"{reverse('performance:frameworks')}?year={source.fiscal_year + 1}"
        )
    messages.success(
        request,
        _("Fiscal year %(year)s's framework is copied; check it and publish it.")
        % {"year": source.fiscal_year},
    )
    return redirect("performance:framework", copied.public_id)


# --- One framework --------------------------------------------------------------


@dataclass
class KpiNode:
    kpi: Kpi
    depth: int
    children_weight: Decimal | None = None


@dataclass
class ComponentBlock:
    component: Component
    nodes: list[KpiNode] = field(default_factory=list)
    kpis_weight: Decimal = Decimal(0)


def _tree(framework: Framework) -> list[ComponentBlock]:
    """Each component with its KPIs in order, each sub-KPI right under its
    parent (depth 1, 2...), and the sums of weights under each."""
    components = list(framework.components.all())
    kpis = list(
        Kpi.objects.filter(component__framework=framework)
        .select_related("owner", "collector")
        .order_by("position", "code")
    )
    children: dict[int | None, list[Kpi]] = {}
    for kpi in kpis:
        children.setdefault(kpi.parent_id, []).append(kpi)
    blocks = []
    for component in components:
        block = ComponentBlock(component)
        tops = [
            kpi for kpi in children.get(None, []) if kpi.component_id == component.pk
        ]
        block.kpis_weight = sum((kpi.weight for kpi in tops), Decimal(0))

        def walk(kpi: Kpi, depth: int, block: ComponentBlock = block) -> None:
            below = children.get(kpi.pk, [])
            node = KpiNode(kpi, depth)
            if below:
                node.children_weight = sum((row.weight for row in below), Decimal(0))
            block.nodes.append(node)
            for child in below:
                walk(child, depth + 1)

        for kpi in tops:
            walk(kpi, 0)
        blocks.append(block)
    return blocks


def _round_rows(framework: Framework) -> list[dict[str, Any]]:
    return [
        {
            "round": row,
            "locked": row.status == RoundStatus.LOCKED,
            "results_url": link_or_none(
                "performance-results:round", framework.public_id, row.months
            )
            if framework.status == FrameworkStatus.PUBLISHED
            else None,
        }
        for row in framework.rounds.order_by("months")
    ]


def framework_page(
    request: HttpRequest,
    user: User,
    framework: Framework,
    *,
    name_form: FrameworkNameForm | None = None,
    component_form: ComponentForm | None = None,
    round_form: RoundForm | None = None,
    publish_problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    blocks = _tree(framework)
    editable = framework.status == FrameworkStatus.DRAFT and may_edit(user, framework)
    published = framework.status == FrameworkStatus.PUBLISHED
    reports = [
        (label, link_or_none(name, framework.public_id) if published else None)
        for name, label in (
            ("performance-reports:dashboard", _("Dashboard")),
            ("performance-reports:framework-pdf", _("Report (PDF)")),
            ("performance-reports:framework-xlsx", _("Report (XLSX)")),
        )
    ]
    return render(
        request,
        "performance/setup/framework.html",
        {
            "framework": framework,
            "unit": unit_name(framework.unit_level, framework.unit_code),
            "unit_key": unit_key(framework.unit_level, framework.unit_code),
            "year_label": fiscal_year_label(
                framework.fiscal_year, get_language() or "th"
            ),
            "blocks": blocks,
            "components_weight": sum(
                (block.component.weight for block in blocks), Decimal(0)
            ),
            "problems": framework_problems(framework)
            if framework.status == FrameworkStatus.DRAFT
            else [],
            "publish_problems": publish_problems or [],
            "editable": editable,
            "may_edit": may_edit(user, framework),
            "may_publish": may_publish(user, framework),
            "is_draft": framework.status == FrameworkStatus.DRAFT,
            "name_form": name_form
            or FrameworkNameForm(
                prefix="name",
                initial={"name_th": framework.name_th, "name_en": framework.name_en},
            ),
            "component_form": component_form
            or ComponentForm(prefix="component", initial={"position": len(blocks)}),
            "round_form": round_form or RoundForm(prefix="round"),
            "rounds": _round_rows(framework),
            "report_links": [(label, link) for label, link in reports if link],
        },
        status=status,
    )


def _framework(request: HttpRequest, public_id: str) -> tuple[User, Framework]:
    user = acting_user(request)
    return user, framework_get(viewer=user, public_id=public_id)


@staff_required
@never_cache
def framework_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    return framework_page(request, user, framework)


@staff_required
@require_POST
def framework_rename(request: HttpRequest, public_id: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    form = FrameworkNameForm(request.POST, prefix="name")
    if form.is_valid():
        try:
            services.framework_update(
                actor=user, framework=framework, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The framework's name is saved."))
            return redirect("performance:framework", framework.public_id)
    return framework_page(request, user, framework, name_form=form, status=400)


def _problems_of(error: DomainError) -> list[str]:
    """The problems a refused publication names: each on its own line."""
    listed = error.extra.get("problems") if error.extra else None
    if listed:
        return [str(problem) for problem in listed]
    return [line for line in str(error.message).splitlines() if line.strip()]


@staff_required
@require_POST
def framework_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    try:
        services.framework_publish(actor=user, framework=framework)
    except InvalidInput as error:
        framework.refresh_from_db()
        return framework_page(
            request, user, framework, publish_problems=_problems_of(error), status=400
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The framework is published."))
    return redirect("performance:framework", framework.public_id)


@staff_required
@require_POST
def framework_reopen(request: HttpRequest, public_id: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    try:
        services.framework_reopen(actor=user, framework=framework)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The framework is a draft again."))
    return redirect("performance:framework", framework.public_id)


# --- Components -----------------------------------------------------------------


def _component(framework: Framework, code: str) -> Component:
    found = framework.components.filter(code=code).first()
    if found is None:
        raise NotFound(_("There is no component %(code)s.") % {"code": code})
    return found


@staff_required
@require_POST
def component_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    form = ComponentForm(request.POST, prefix="component")
    if form.is_valid():
        if framework.components.filter(code=form.cleaned_data["code"]).exists():
            form.add_error("code", _("This framework has a component with this code."))
        else:
            try:
                kpi_services.component_save(
                    actor=user, framework=framework, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("The component %(code)s is saved.")
                    % {"code": form.cleaned_data["code"]},
                )
                return redirect("performance:framework", framework.public_id)
    return framework_page(request, user, framework, component_form=form, status=400)


@staff_required
@never_cache
def component_edit(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    component = _component(framework, code)
    form = ComponentForm(
        request.POST or None,
        initial={
            name: getattr(component, name)
            for name in ("code", "name_th", "name_en", "weight", "position")
        },
    )
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            kpi_services.component_save(
                actor=user,
                framework=framework,
                component=component,
                **form.cleaned_data,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The component %(code)s is saved.") % {"code": component.code},
            )
            return redirect("performance:framework", framework.public_id)
    return render(
        request,
        "performance/setup/component.html",
        {
            "framework": framework,
            "component": component,
            "form": form,
            "editable": framework.status == FrameworkStatus.DRAFT
            and may_edit(user, framework),
        },
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def component_remove(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    component = _component(framework, code)
    try:
        kpi_services.component_remove(actor=user, component=component)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The component %(code)s is removed.") % {"code": component.code}
        )
    return redirect("performance:framework", framework.public_id)


# --- Rounds ---------------------------------------------------------------------


@staff_required
@require_POST
def round_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user, framework = _framework(request, public_id)
    form = RoundForm(request.POST, prefix="round")
    if form.is_valid():
        try:
            round_save(actor=user, framework=framework, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The %(n)s-month round is saved.")
                % {"n": form.cleaned_data["months"]},
            )
            return redirect("performance:framework", framework.public_id)
    return framework_page(request, user, framework, round_form=form, status=400)


@staff_required
@never_cache
def round_edit(request: HttpRequest, public_id: str, months: int) -> HttpResponse:
    """Changes a round's due date (its months are its name)."""
    user, framework = _framework(request, public_id)
    found: Round | None = framework.rounds.filter(months=months).first()
    if found is None:
        raise NotFound(_("This framework has no %(n)s-month round.") % {"n": months})
    form = RoundForm(
        request.POST or None, initial={"months": found.months, "due_on": found.due_on}
    )
    form.fields["months"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            round_save(
                actor=user,
                framework=framework,
                months=found.months,
                due_on=form.cleaned_data["due_on"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The %(n)s-month round is saved.") % {"n": found.months}
            )
            return redirect("performance:framework", framework.public_id)
    return render(
        request,
        "performance/setup/round.html",
        {
            "framework": framework,
            "round": found,
            "form": form,
            "editable": may_edit(user, framework),
        },
        status=400 if form.errors else 200,
    )
