"""A draft framework's tree: components, KPIs and sub-KPIs with their
weights, targets, formula and source, and milestone KPIs' criteria
(docs/performance.md, "Frameworks"). Changes only while the framework is a
draft; every change recomputes the scores of its rounds."""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor
from saduak.accounts.models import User
from saduak.core.errors import InvalidInput
from saduak.core.measures import measure_source_get
from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    KpiKind,
    MeasureUnit,
    ResultOrigin,
    TargetLevel,
)
from saduak.performance.models import (
    Component,
    Framework,
    Kpi,
    MilestoneItem,
)
from saduak.performance.scoring import HUNDRED, show, targets_ordered
from saduak.performance.services.common import (
    clean_name,
    clean_weight,
    ensure_draft,
    framework_audit,
    framework_ensure_may,
    framework_locked,
)
from saduak.performance.services.scores import framework_scores_recompute


@transaction.atomic
def component_save(
    *,
    actor: Actor,
    framework: Framework,
    code: str,
    name_th: str,
    name_en: str,
    weight: Decimal,
    position: int = 0,
    component: Component | None = None,
) -> Component:
    """Adds a component to a draft framework, or changes one.
    Permission: FRAMEWORK_EDIT. Audit: component.save."""
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, framework)
    framework = framework_locked(framework)
    ensure_draft(framework)
    code = (code or "").strip()
    if not code or len(code) > 20:
        raise InvalidInput(_("Give a code of at most 20 characters."), field="code")
    if component is not None and component.framework_id != framework.pk:
        raise InvalidInput(_("This component is of another framework."))
    clash = Component.objects.filter(framework=framework, code=code)
    if component is not None:
        clash = clash.exclude(pk=component.pk)
    if clash.exists():
        raise InvalidInput(
            _("The framework already has a component %(code)s.") % {"code": code},
            field="code",
        )
    before = _component_state(component) if component is not None else None
    component = component or Component(framework=framework)
    component.code = code
    component.name_th = clean_name(name_th, "name_th")
    component.name_en = clean_name(name_en, "name_en")
    component.weight = clean_weight(weight)
    component.position = position
    component.save()
    framework_scores_recompute(framework)
    framework_audit(
        actor=actor,
        action="component.save",
        framework=framework,
        target=component,
        before=before,
        after=_component_state(component),
    )
    return component


def _component_state(component: Component) -> dict[str, Any]:
    return {
        "code": component.code,
        "name_th": component.name_th,
        "name_en": component.name_en,
        "weight": component.weight,
        "position": component.position,
    }


@transaction.atomic
def component_remove(*, actor: Actor, component: Component) -> None:
    """Removes a component of a draft framework with its KPIs.
    Permission: FRAMEWORK_EDIT. Audit: component.remove."""
    framework = component.framework
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, framework)
    framework = framework_locked(framework)
    ensure_draft(framework)
    before = _component_state(component)
    before["kpis"] = component.kpis.count()
    framework_audit(
        actor=actor,
        action="component.remove",
        framework=framework,
        target=component,
        before=before,
    )
    component.delete()
    framework_scores_recompute(framework)


@dataclass
class KpiFields:
    """Every editable field of a KPI, as a form or the demo gives them.
    `factor` None takes the unit's default (100 for %, 1 otherwise)."""

    code: str
    name_th: str
    weight: Decimal
    name_en: str = ""
    position: int = 0
    description_th: str = ""
    description_en: str = ""
    kind: str = KpiKind.NUMERIC
    direction: str = Direction.HIGHER
    measure_unit: str = MeasureUnit.PERCENT
    numerator_label_th: str = ""
    numerator_label_en: str = ""
    denominator_label_th: str = ""
    denominator_label_en: str = ""
    factor: Decimal | None = None
    target_minimum: Decimal | None = None
    target_standard: Decimal | None = None
    target_advanced: Decimal | None = None
    origin: str = ResultOrigin.TYPED
    source_key: str = ""
    breakdown_level: str = BreakdownLevel.NONE
    parent: Kpi | None = None
    owner: User | None = None
    collector: User | None = None


KPI_STATE = [f.name for f in fields(KpiFields)]


def _kpi_state(kpi: Kpi) -> dict[str, Any]:
    state = {name: getattr(kpi, name) for name in KPI_STATE}
    for name in ("parent", "owner", "collector"):
        state[name] = getattr(kpi, f"{name}_id")
    return state


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(_("Choose one of the options."), field=field)
    return value


def _clean_kpi(
    framework: Framework, component: Component, data: KpiFields, kpi: Kpi | None
) -> KpiFields:
    code = (data.code or "").strip()
    if not code or len(code) > 20:
        raise InvalidInput(_("Give a code of at most 20 characters."), field="code")
    clash = Kpi.objects.filter(component__framework=framework, code=code)
    if kpi is not None:
        clash = clash.exclude(pk=kpi.pk)
    if clash.exists():
        raise InvalidInput(
            _("The framework already has a KPI %(code)s.") % {"code": code},
            field="code",
        )
    data.code = code
    data.name_th = clean_name(data.name_th, "name_th", 300)
    data.name_en = clean_name(data.name_en, "name_en", 300)
    data.weight = clean_weight(data.weight)
    _choice(data.kind, KpiKind, "kind")
    _choice(data.direction, Direction, "direction")
    _choice(data.measure_unit, MeasureUnit, "measure_unit")
    _choice(data.origin, ResultOrigin, "origin")
    _choice(data.breakdown_level, BreakdownLevel, "breakdown_level")
    parent = data.parent
    if parent is not None:
        if parent.component_id != component.pk:
            raise InvalidInput(
                _("A sub-KPI belongs to a KPI of the same component."), field="parent"
            )
        if parent.parent_id is not None or (kpi is not None and parent.pk == kpi.pk):
            raise InvalidInput(
                _("A sub-KPI's parent must be a top-level KPI."), field="parent"
            )
        if kpi is not None and kpi.children.exists():
            raise InvalidInput(
                _("A KPI with sub-KPIs cannot become a sub-KPI."), field="parent"
            )
    if data.factor is None:
        data.factor = (
            HUNDRED if data.measure_unit == MeasureUnit.PERCENT else Decimal(1)
        )
    if data.factor <= 0:
        raise InvalidInput(_("The factor is more than 0."), field="factor")
    if data.kind == KpiKind.MILESTONE:
        data.target_minimum = data.target_standard = data.target_advanced = None
        if data.origin == ResultOrigin.COMPUTED:
            raise InvalidInput(
                _("A milestone KPI's result is its checklist; it cannot be computed."),
                field="origin",
            )
    else:
        _clean_targets(data)
    if data.origin == ResultOrigin.COMPUTED:
        source = measure_source_get(data.source_key)
        if source is None:
            raise InvalidInput(_("Choose a source."), field="source_key")
        if framework.unit_level not in source.levels:
            raise InvalidInput(
                _("This source cannot measure this unit."), field="source_key"
            )
    else:
        data.source_key = ""
    return data


def _clean_targets(data: KpiFields) -> None:
    named = [
        ("target_minimum", data.target_minimum),
        ("target_standard", data.target_standard),
        ("target_advanced", data.target_advanced),
    ]
    for field, value in named:
        if value is None:
            raise InvalidInput(_("A numeric KPI needs all three targets."), field=field)
    minimum, standard, advanced = (value for _field, value in named)
    assert minimum is not None and standard is not None and advanced is not None
    if targets_ordered(
        minimum=minimum, standard=standard, advanced=advanced, direction=data.direction
    ):
        return
    lower = data.direction == Direction.LOWER
    numbers = {
        "minimum": show(minimum),
        "standard": show(standard),
        "advanced": show(advanced),
    }
    if (standard >= minimum) if lower else (standard <= minimum):
        raise InvalidInput(
            (
                _(
                    "Lower is better: the standard target must be below the minimum (%(minimum)s)."
                )
                if lower
                else _(
                    "Higher is better: the standard target must be above the minimum (%(minimum)s)."
                )
            )
            % numbers,
            field="target_standard",
        )
    raise InvalidInput(
        (
            _(
                "Lower is better: the advanced target must be below the standard (%(standard)s)."
            )
            if lower
            else _(
                "Higher is better: the advanced target must be above the standard (%(standard)s)."
            )
        )
        % numbers,
        field="target_advanced",
    )


@transaction.atomic
def kpi_save(
    *, actor: Actor, component: Component, fields: KpiFields, kpi: Kpi | None = None
) -> Kpi:
    """Adds a KPI (or sub-KPI) to a component of a draft framework, or
    changes one. Refused naming the field: unordered or missing targets, a
    weight outside 0-100, a code the framework has, a parent of another
    component or itself a sub-KPI, an unknown source.
    Permission: FRAMEWORK_EDIT. Audit: kpi.save."""
    framework = component.framework
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, framework)
    framework = framework_locked(framework)
    ensure_draft(framework)
    if kpi is not None and kpi.component.framework_id != framework.pk:
        raise InvalidInput(_("This KPI is of another framework."))
    data = _clean_kpi(framework, component, fields, kpi)
    before = _kpi_state(kpi) if kpi is not None else None
    kpi = kpi or Kpi()
    kpi.component = component
    for name in KPI_STATE:
        setattr(kpi, name, getattr(data, name))
    kpi.save()
    if kpi.kind == KpiKind.NUMERIC:
        kpi.milestone_items.all().delete()
    framework_scores_recompute(framework)
    framework_audit(
        actor=actor,
        action="kpi.save",
        framework=framework,
        target=kpi,
        before=before,
        after=_kpi_state(kpi),
    )
    return kpi


@transaction.atomic
def kpi_remove(*, actor: Actor, kpi: Kpi) -> None:
    """Removes a KPI of a draft framework with its sub-KPIs and results.
    Permission: FRAMEWORK_EDIT. Audit: kpi.remove."""
    framework = kpi.component.framework
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, framework)
    framework = framework_locked(framework)
    ensure_draft(framework)
    framework_audit(
        actor=actor,
        action="kpi.remove",
        framework=framework,
        target=kpi,
        before=_kpi_state(kpi),
    )
    kpi.delete()
    framework_scores_recompute(framework)


@dataclass(frozen=True)
class MilestoneItemFields:
    level: int
    text_th: str
    text_en: str = ""


@transaction.atomic
def milestone_items_save(
    *, actor: Actor, kpi: Kpi, items: list[MilestoneItemFields]
) -> None:
    """Replaces a milestone KPI's criteria (all at once) in a draft
    framework. Each needs a level 1-3 and a Thai text; a problem is refused
    naming the item (`field="items"`, its index in `extra`).
    Permission: FRAMEWORK_EDIT. Audit: milestone_items.save (kpi.save's
    family, with the old and new lists)."""
    framework = kpi.component.framework
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, framework)
    framework = framework_locked(framework)
    ensure_draft(framework)
    if kpi.kind != KpiKind.MILESTONE:
        raise InvalidInput(_("Only a milestone KPI has criteria."), field="items")
    rows = []
    positions: dict[int, int] = {}
    for index, item in enumerate(items):
        if item.level not in TargetLevel.values:
            raise InvalidInput(
                _("Criterion %(number)s: choose level 1, 2 or 3.")
                % {"number": index + 1},
                field="items",
                extra={"index": index},
            )
        text_th = (item.text_th or "").strip()
        if not text_th or len(text_th) > 500 or len(item.text_en or "") > 500:
            raise InvalidInput(
                _(
                    "Criterion %(number)s: give its text in Thai (at most 500 characters)."
                )
                % {"number": index + 1},
                field="items",
                extra={"index": index},
            )
        positions[item.level] = positions.get(item.level, 0) + 1
        rows.append(
            MilestoneItem(
                kpi=kpi,
                level=item.level,
                position=positions[item.level],
                text_th=text_th,
                text_en=(item.text_en or "").strip(),
            )
        )
    before = [
        {"level": each.level, "text_th": each.text_th}
        for each in kpi.milestone_items.all()
    ]
    kpi.milestone_items.all().delete()
    MilestoneItem.objects.bulk_create(rows)
    framework_scores_recompute(framework)
    framework_audit(
        actor=actor,
        action="kpi.save",
        framework=framework,
        target=kpi,
        before={"milestone_items": before},
        after={
            "milestone_items": [
                {"level": row.level, "text_th": row.text_th} for row in rows
            ]
        },
    )
