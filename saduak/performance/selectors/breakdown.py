"""A result's breakdown rows as the viewer may see them: HQ every row, a
province its province's rows, a district its district's (docs/performance.md,
"Reading")."""

from django.db.models import QuerySet

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.performance.models import BreakdownRow, KpiResult


def breakdown_rows(*, result: KpiResult, viewer: User) -> QuerySet[BreakdownRow]:
    """The result's rows inside the viewer's read reach, by province,
    district, office and name (none for an unsaved result)."""
    if result.pk is None:
        return BreakdownRow.objects.none()
    return (
        BreakdownRow.objects.filter(result=result)
        .filter(read_reach(viewer).q())
        .select_related("province", "district", "office")
        .order_by("province_id", "district_id", "office__code", "label", "pk")
    )
