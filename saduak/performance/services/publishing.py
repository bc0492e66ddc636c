"""What keeps a draft framework from being published: every sum of weights
that is off, milestone KPIs without criteria at each level, computed KPIs
whose source is gone (docs/performance.md, "Weights"). Each problem is one
sentence naming the component or KPI and both numbers."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from saduak.core.measures import measure_source_get
from saduak.performance.choices import KpiKind, ResultOrigin, TargetLevel
from saduak.performance.models import Framework, Kpi, MilestoneItem
from saduak.performance.scoring import HUNDRED, ZERO, show


def framework_problems(framework: Framework) -> list[str]:
    """Every reason the framework cannot be published, in order (none: it can)."""
    problems: list[str] = []
    components = list(framework.components.all())
    kpis = list(
        Kpi.objects.filter(component__framework=framework).order_by(
            "component__position", "position", "code"
        )
    )
    if not components:
        return [_("The framework has no component.")]
    total = sum((component.weight for component in components), ZERO)
    if total != HUNDRED:
        problems.append(
            _("The components' weights add up to %(total)s, not 100.")
            % {"total": show(total)}
        )
    tops: dict[int, list[Kpi]] = defaultdict(list)
    children: dict[int, list[Kpi]] = defaultdict(list)
    for kpi in kpis:
        if kpi.parent_id is None:
            tops[kpi.component_id].append(kpi)
        else:
            children[kpi.parent_id].append(kpi)
    for component in components:
        if not tops[component.pk]:
            problems.append(
                _("Component %(code)s has no KPI.") % {"code": component.code}
            )
            continue
        total = sum((kpi.weight for kpi in tops[component.pk]), ZERO)
        if total != component.weight:
            problems.append(
                _("The KPIs of component %(code)s weigh %(total)s, not its %(weight)s.")
                % {
                    "code": component.code,
                    "total": show(total),
                    "weight": show(component.weight),
                }
            )
    levels: dict[int, set[int]] = defaultdict(set)
    for kpi_id, level in MilestoneItem.objects.filter(
        kpi__component__framework=framework
    ).values_list("kpi_id", "level"):
        levels[kpi_id].add(level)
    for kpi in kpis:
        if kpi.pk in children:
            total = sum((child.weight for child in children[kpi.pk]), Decimal(0))
            if total != kpi.weight:
                problems.append(
                    _(
                        "The sub-KPIs of KPI %(code)s weigh %(total)s, not its %(weight)s."
                    )
                    % {
                        "code": kpi.code,
                        "total": show(total),
                        "weight": show(kpi.weight),
                    }
                )
            continue
        if kpi.kind == KpiKind.MILESTONE:
            missing = [
                str(level)
                for level in TargetLevel.values
                if level not in levels[kpi.pk]
            ]
            if missing:
                problems.append(
                    _("Milestone KPI %(code)s has no criterion at level %(levels)s.")
                    % {"code": kpi.code, "levels": ", ".join(missing)}
                )
        if kpi.origin == ResultOrigin.COMPUTED and not measure_source_get(
            kpi.source_key
        ):
            problems.append(
                _("KPI %(code)s is computed from a source that no longer exists.")
                % {"code": kpi.code}
            )
    return problems
