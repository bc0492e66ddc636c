"""Setting up a framework: create, copy last year's, rename, publish and
reopen (docs/performance.md, "Frameworks"). Its components, KPIs and
milestone criteria are services/kpis.py, its rounds services/rounds.py; both
are importable from here too, the one module the set-up pages use."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor
from saduak.core.errors import Conflict, InvalidInput
from saduak.performance.choices import (
    FrameworkStatus,
    RoundStatus,
)
from saduak.performance.models import (
    Framework,
    Kpi,
    MilestoneItem,
    Round,
)
from saduak.performance.services.common import (
    clean_fiscal_year,
    clean_name,
    evaluated_unit,
    framework_audit,
    framework_ensure_may,
    framework_locked,
)
from saduak.performance.services.kpis import (
    KpiFields,
    MilestoneItemFields,
    component_remove,
    component_save,
    kpi_remove,
    kpi_save,
    milestone_items_save,
)
from saduak.performance.services.publishing import framework_problems
from saduak.performance.services.rounds import round_period, round_save
from saduak.performance.services.scores import framework_scores_recompute

__all__ = [
    "KpiFields",
    "MilestoneItemFields",
    "component_remove",
    "component_save",
    "framework_copy",
    "framework_create",
    "framework_publish",
    "framework_reopen",
    "framework_update",
    "kpi_remove",
    "kpi_save",
    "milestone_items_save",
    "round_save",
]

NAME_FIELDS = ["name_th", "name_en"]


@transaction.atomic
def framework_create(
    *,
    actor: Actor,
    fiscal_year: int,
    unit_level: str,
    unit_code: str,
    name_th: str,
    name_en: str = "",
) -> Framework:
    """Creates a draft framework for one unit and fiscal year.

    Permission: FRAMEWORK_EDIT over the unit. Refused (`Conflict`) when the
    unit already has a framework that year. Audit: framework.create."""
    unit = evaluated_unit(unit_level, unit_code)
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, unit.level, unit.code)
    framework = Framework(
        fiscal_year=clean_fiscal_year(fiscal_year),
        unit_level=unit.level,
        unit_code=unit.code,
        province=unit.province,
        district=unit.district,
        name_th=clean_name(name_th, "name_th"),
        name_en=clean_name(name_en, "name_en"),
    )
    _ensure_year_free(framework)
    framework.save()
    framework_audit(
        actor=actor,
        action="framework.create",
        framework=framework,
        after={
            "fiscal_year": framework.fiscal_year,
            "unit_level": framework.unit_level,
            "unit_code": framework.unit_code,
            "name_th": framework.name_th,
            "name_en": framework.name_en,
        },
    )
    return framework


def _ensure_year_free(framework: Framework) -> None:
    if Framework.objects.filter(
        fiscal_year=framework.fiscal_year,
        unit_level=framework.unit_level,
        unit_code=framework.unit_code,
    ).exists():
        raise Conflict(
            _("This unit already has a framework for fiscal year %(year)s.")
            % {"year": framework.fiscal_year}
        )


@transaction.atomic
def framework_update(
    *, actor: Actor, framework: Framework, name_th: str, name_en: str
) -> Framework:
    """Renames a framework (draft or published). Permission: FRAMEWORK_EDIT.
    Audit: framework.update."""
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, framework)
    framework = framework_locked(framework)
    before = {name: getattr(framework, name) for name in NAME_FIELDS}
    framework.name_th = clean_name(name_th, "name_th")
    framework.name_en = clean_name(name_en, "name_en")
    framework.save(update_fields=[*NAME_FIELDS, "updated_at"])
    framework_audit(
        actor=actor,
        action="framework.update",
        framework=framework,
        before=before,
        after={name: getattr(framework, name) for name in NAME_FIELDS},
    )
    return framework


@transaction.atomic
def framework_publish(*, actor: Actor, framework: Framework) -> Framework:
    """Publishes a draft once every weight adds up, every milestone KPI has
    criteria at all three levels and every computed KPI's source exists;
    otherwise `InvalidInput` naming every problem (also in
    `extra["problems"]`). Recomputes every round's scores.
    Permission: FRAMEWORK_PUBLISH. Audit: framework.publish."""
    framework_ensure_may(actor, Action.FRAMEWORK_PUBLISH, framework)
    framework = framework_locked(framework)
    if framework.status == FrameworkStatus.PUBLISHED:
        raise Conflict(_("The framework is already published."))
    problems = framework_problems(framework)
    if problems:
        raise InvalidInput(
            _("The framework cannot be published yet:") + " " + " ".join(problems),
            code="framework-incomplete",
            extra={"problems": problems},
        )
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = timezone.now()
    framework.save(update_fields=["status", "published_at", "updated_at"])
    framework_scores_recompute(framework)
    framework_audit(
        actor=actor,
        action="framework.publish",
        framework=framework,
        before={"status": FrameworkStatus.DRAFT},
        after={"status": framework.status},
    )
    return framework


@transaction.atomic
def framework_reopen(*, actor: Actor, framework: Framework) -> Framework:
    """Turns a published framework back into a draft so that its weights and
    targets can change; refused (`Conflict`) once any round is locked.
    Permission: FRAMEWORK_PUBLISH. Audit: framework.reopen."""
    framework_ensure_may(actor, Action.FRAMEWORK_PUBLISH, framework)
    framework = framework_locked(framework)
    if framework.status != FrameworkStatus.PUBLISHED:
        raise Conflict(_("The framework is already a draft."))
    if framework.rounds.filter(status=RoundStatus.LOCKED).exists():
        raise Conflict(
            _("A round of this framework is locked: it can no longer be reopened.")
        )
    framework.status = FrameworkStatus.DRAFT
    framework.save(update_fields=["status", "updated_at"])
    framework_audit(
        actor=actor,
        action="framework.reopen",
        framework=framework,
        before={"status": FrameworkStatus.PUBLISHED},
        after={"status": framework.status},
    )
    return framework


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def framework_copy(*, actor: Actor, source: Framework, fiscal_year: int) -> Framework:
    """A draft framework for `fiscal_year` copied from `source` (same unit):
    components, KPIs (each with `previous` = the one copied, owners and
    collectors kept), milestone criteria and rounds (due dates a year on).
    Refused when the unit has a framework that year.
    Permission: FRAMEWORK_EDIT over the unit. Audit: framework.copy."""
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, source)
    if clean_fiscal_year(fiscal_year) <= source.fiscal_year:
        raise InvalidInput(
            _("Copy into a later fiscal year than %(year)s.")
            % {"year": source.fiscal_year},
            field="fiscal_year",
        )
    copy = Framework(
        fiscal_year=clean_fiscal_year(fiscal_year),
        unit_level=source.unit_level,
        unit_code=source.unit_code,
        province_id=source.province_id,
        district_id=source.district_id,
        name_th=source.name_th,
        name_en=source.name_en,
        copied_from=source,
    )
    _ensure_year_free(copy)
    copy.save()
    kpi_count = 0
    for component in source.components.all():
        old_pk = component.pk
        kpis = list(Kpi.objects.filter(component_id=old_pk).order_by("parent_id", "pk"))
        component.pk = None
        component.framework = copy
        component.save()
        new_of: dict[int, Kpi] = {}
        # Parents (parent_id None) sort first, so each child finds its copy.
        for kpi in sorted(kpis, key=lambda each: each.parent_id is not None):
            old = kpi.pk
            kpi.pk = None
            kpi.public_id = Kpi._meta.get_field("public_id").get_default()
            kpi.component = component
            kpi.previous_id = old
            kpi.parent = new_of[kpi.parent_id] if kpi.parent_id else None
            kpi.save()
            new_of[old] = kpi
            kpi_count += 1
        MilestoneItem.objects.bulk_create(
            MilestoneItem(
                kpi=new_of[item.kpi_id],
                level=item.level,
                position=item.position,
                text_th=item.text_th,
                text_en=item.text_en,
            )
            for item in MilestoneItem.objects.filter(kpi__component_id=old_pk)
        )
    years = fiscal_year - source.fiscal_year
    Round.objects.bulk_create(
        Round(
            framework=copy,
            months=old_round.months,
            period_start=round_period(fiscal_year, old_round.months)[0],
            period_end=round_period(fiscal_year, old_round.months)[1],
            due_on=_years_later(old_round.due_on, years),
        )
        for old_round in source.rounds.all()
    )
    framework_audit(
        actor=actor,
        action="framework.copy",
        framework=copy,
        after={
            "from": str(source.public_id),
            "from_fiscal_year": source.fiscal_year,
            "fiscal_year": copy.fiscal_year,
            "kpis": kpi_count,
        },
    )
    return copy
