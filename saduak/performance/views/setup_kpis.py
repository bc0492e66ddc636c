"""A KPI's page and its editor (every field of `Kpi`), and a milestone KPI's
criteria per level. The owner and collector are picked from the staff holding
roles in the framework's unit; a computed KPI's source from the sources
registered in core/measures.py, each shown with its description."""

import dataclasses
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error
from saduak.core.measures import measure_source_get, measure_sources
from saduak.performance.choices import (
    LEVEL_SCORES,
    FrameworkStatus,
    KpiKind,
    TargetLevel,
)
from saduak.performance.forms_setup import (
    TARGET_FIELDS,
    KpiForm,
    MilestoneItemsForm,
)
from saduak.performance.models import Component, Framework, Kpi
from saduak.performance.selectors.frameworks import framework_get, kpi_get
from saduak.performance.services import kpis as services
from saduak.performance.views.setup import may_edit
from saduak.performance.views.setup_units import (
    link_or_none,
    people_of_unit,
    person_label,
    unit_name,
)

# The Kpi fields the editor shows, in the form's order.
KPI_FIELDS = tuple(KpiForm.base_fields)
PICKED = ("parent", "owner", "collector")


def _sources() -> list[tuple[str, str]]:
    return [
        (source.key, f"{source.label} · {source.description}")
        for source in measure_sources()
    ]


def _parents(component: Component, kpi: Kpi | None) -> list[tuple[str, str]]:
    """The component's top-level KPIs a KPI may sit under (not itself; none
    for a KPI that has sub-KPIs of its own: sub-KPIs are one level deep)."""
    if kpi is not None and kpi.children.exists():
        return []
    rows = component.kpis.filter(parent__isnull=True).order_by("position", "code")
    return [
        (str(row.public_id), f"{row.code} {row.name}")
        for row in rows
        if kpi is None or row.pk != kpi.pk
    ]


def _form(
    framework: Framework,
    component: Component,
    kpi: Kpi | None,
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> KpiForm:
    return KpiForm(
        data,
        initial=initial,
        parents=_parents(component, kpi),
        people=people_of_unit(framework.unit_level, framework.unit_code),
        sources=_sources(),
    )


def _initial(kpi: Kpi) -> dict[str, Any]:
    initial = {name: getattr(kpi, name) for name in KPI_FIELDS if name not in PICKED}
    initial["parent"] = str(kpi.parent.public_id) if kpi.parent else ""
    initial["owner"] = str(kpi.owner_id or "")
    initial["collector"] = str(kpi.collector_id or "")
    return initial


def _fields_of(
    form: KpiForm, component: Component, framework: Framework
) -> services.KpiFields:
    """The service's KpiFields from the cleaned form: the picked parent, owner
    and collector as rows (the choices only offered the unit's)."""
    data = dict(form.cleaned_data)
    parent = data.get("parent")
    data["parent"] = component.kpis.filter(public_id=parent).first() if parent else None
    for name in ("owner", "collector"):
        picked = data.get(name)
        data[name] = User.objects.filter(pk=int(picked)).first() if picked else None
    data["source_key"] = data.get("source_key") or ""
    data["breakdown_level"] = data.get("breakdown_level") or ""
    names = {item.name for item in dataclasses.fields(services.KpiFields)}
    return services.KpiFields(
        **{key: value for key, value in data.items() if key in names}
    )


def _editor(
    request: HttpRequest,
    framework: Framework,
    component: Component,
    kpi: Kpi | None,
    form: KpiForm,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "performance/setup/kpi_form.html",
        {
            "framework": framework,
            "component": component,
            "kpi": kpi,
            "form": form,
            "sources": measure_sources(),
            "level_scores": [
                (label, LEVEL_SCORES[level]) for level, label in TargetLevel.choices
            ],
        },
        status=status,
    )


def _save(
    request: HttpRequest,
    user: User,
    framework: Framework,
    component: Component,
    kpi: Kpi | None,
) -> HttpResponse:
    form = _form(framework, component, kpi, data=request.POST)
    if form.is_valid():
        try:
            saved = services.kpi_save(
                actor=user,
                component=component,
                fields=_fields_of(form, component, framework),
                kpi=kpi,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The KPI %(code)s is saved.") % {"code": saved.code}
            )
            return redirect("performance:kpi", saved.public_id)
    return _editor(request, framework, component, kpi, form, 400)


@staff_required
@never_cache
def kpi_new(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    """A new KPI in a component (`?parent=` a KPI's public id for a sub-KPI)."""
    user = acting_user(request)
    framework = framework_get(viewer=user, public_id=public_id)
    component = framework.components.filter(code=code).first()
    if component is None:
        raise NotFound(_("There is no component %(code)s.") % {"code": code})
    if request.method == "POST":
        return _save(request, user, framework, component, None)
    parent = str(request.GET.get("parent", ""))
    known = {value for value, _label in _parents(component, None)}
    form = _form(
        framework,
        component,
        None,
        initial={
            "parent": parent if parent in known else "",
            "kind": KpiKind.NUMERIC,
            "direction": "higher",
            "origin": "typed",
            "factor": 100,
            "position": component.kpis.count(),
        },
    )
    return _editor(request, framework, component, None, form, 200)


def _kpi(request: HttpRequest, public_id: str) -> tuple[User, Kpi, Framework]:
    user = acting_user(request)
    kpi = kpi_get(viewer=user, public_id=public_id)
    return user, kpi, kpi.component.framework


@staff_required
@never_cache
def kpi_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user, kpi, framework = _kpi(request, public_id)
    if request.method == "POST":
        return _save(request, user, framework, kpi.component, kpi)
    form = _form(framework, kpi.component, kpi, initial=_initial(kpi))
    return _editor(request, framework, kpi.component, kpi, form, 200)


@staff_required
@never_cache
def kpi_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user, kpi, framework = _kpi(request, public_id)
    return _detail(
        request, user, kpi, framework, MilestoneItemsForm(initial=_items(kpi))
    )


def _items(kpi: Kpi) -> dict[str, str]:
    initial: dict[str, list[str]] = {}
    for item in kpi.milestone_items.all():
        initial.setdefault(f"level_{item.level}_th", []).append(item.text_th)
        initial.setdefault(f"level_{item.level}_en", []).append(item.text_en)
    return {name: "\n".join(lines).strip() for name, lines in initial.items()}


def _detail(
    request: HttpRequest,
    user: User,
    kpi: Kpi,
    framework: Framework,
    milestone_form: MilestoneItemsForm,
    status: int = 200,
) -> HttpResponse:
    items = list(kpi.milestone_items.all())
    source = measure_source_get(kpi.source_key) if kpi.source_key else None
    rounds = list(framework.rounds.order_by("months"))
    published = framework.status == FrameworkStatus.PUBLISHED
    return render(
        request,
        "performance/setup/kpi.html",
        {
            "framework": framework,
            "component": kpi.component,
            "kpi": kpi,
            "unit": unit_name(framework.unit_level, framework.unit_code),
            "owner": person_label(kpi.owner, framework.unit_level, framework.unit_code),
            "collector": person_label(
                kpi.collector, framework.unit_level, framework.unit_code
            ),
            "children": list(kpi.children.order_by("position", "code")),
            "targets": [
                (label, getattr(kpi, name), LEVEL_SCORES[level])
                for name, (level, label) in zip(
                    TARGET_FIELDS, TargetLevel.choices, strict=True
                )
            ],
            "levels": [
                {
                    "level": level,
                    "label": label,
                    "score": LEVEL_SCORES[level],
                    "items": [item for item in items if item.level == level],
                }
                for level, label in TargetLevel.choices
            ],
            "is_milestone": kpi.kind == KpiKind.MILESTONE,
            "source": source,
            "editable": framework.status == FrameworkStatus.DRAFT
            and may_edit(user, framework),
            "milestone_form": milestone_form,
            "report_url": link_or_none("performance-reports:kpi-pdf", kpi.public_id)
            if published
            else None,
            "result_links": [
                (
                    row.months,
                    link_or_none(
                        "performance-results:result", kpi.public_id, row.months
                    ),
                )
                for row in rounds
            ]
            if published
            else [],
        },
        status=status,
    )


@staff_required
@require_POST
def kpi_milestones(request: HttpRequest, public_id: str) -> HttpResponse:
    """Replaces a milestone KPI's criteria, every level at once."""
    user, kpi, framework = _kpi(request, public_id)
    form = MilestoneItemsForm(request.POST)
    if form.is_valid():
        names = {item.name for item in dataclasses.fields(services.MilestoneItemFields)}
        items = [
            services.MilestoneItemFields(
                **{key: value for key, value in row.items() if key in names}
            )
            for row in form.cleaned_data["items"]
        ]
        try:
            services.milestone_items_save(actor=user, kpi=kpi, items=items)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The criteria are saved."))
            return redirect("performance:kpi", kpi.public_id)
    return _detail(request, user, kpi, framework, form, status=400)


@staff_required
@require_POST
def kpi_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    user, kpi, framework = _kpi(request, public_id)
    try:
        services.kpi_remove(actor=user, kpi=kpi)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect("performance:kpi", kpi.public_id)
    messages.success(request, _("The KPI %(code)s is removed.") % {"code": kpi.code})
    return redirect("performance:framework", framework.public_id)
