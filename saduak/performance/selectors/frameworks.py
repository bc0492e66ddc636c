"""Reading frameworks, KPIs and rounds by the viewer's read reach: a
province's or district's framework is read by staff whose reach covers it;
the department's by every staff member (its breakdown rows are filtered by
reach, selectors/breakdown.py)."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import Office
from saduak.areas.reach import Reach
from saduak.core.errors import NotFound
from saduak.performance.choices import UnitLevel
from saduak.performance.models import Framework, Kpi, Round


def framework_reach_q(reach: Reach, prefix: str = "") -> Q:
    """Frameworks (through `prefix`, e.g. "component__framework__") whose
    unit `reach` reads. An empty reach reads none."""
    if reach.everything:
        return Q()
    if reach.is_empty:
        return Q(pk__in=[])
    districts = set(reach.districts) | set(
        Office.objects.filter(pk__in=reach.offices)
        .exclude(district_id=None)
        .values_list("district_id", flat=True)
    )
    return (
        Q(**{f"{prefix}unit_level": UnitLevel.COUNTRY})
        | Q(**{f"{prefix}province_id__in": reach.provinces})
        | Q(
            **{
                f"{prefix}unit_level": UnitLevel.DISTRICT,
                f"{prefix}district_id__in": districts,
            }
        )
    )


def framework_list(
    *, viewer: User, fiscal_year: int | None = None
) -> QuerySet[Framework]:
    """The frameworks the viewer reads, newest year first, then the
    department, provinces and districts by code."""
    frameworks = Framework.objects.filter(
        framework_reach_q(read_reach(viewer))
    ).select_related("province", "district")
    if fiscal_year is not None:
        frameworks = frameworks.filter(fiscal_year=fiscal_year)
    return frameworks.order_by("-fiscal_year", "unit_level", "unit_code")


def framework_get(*, viewer: User, public_id: UUID | str) -> Framework:
    """The framework by its public id, if the viewer reads it (NotFound
    otherwise, also for a malformed id)."""
    try:
        return framework_list(viewer=viewer).get(public_id=public_id)
    except (Framework.DoesNotExist, ValidationError, ValueError, TypeError) as error:
        raise NotFound(_("There is no such KPI framework.")) from error


def kpi_get(*, viewer: User, public_id: UUID | str) -> Kpi:
    """The KPI by its public id, with its component and framework, if the
    viewer reads its framework."""
    try:
        return (
            Kpi.objects.filter(
                framework_reach_q(read_reach(viewer), "component__framework__")
            )
            .select_related(
                "component__framework__province",
                "component__framework__district",
                "parent",
                "owner",
                "collector",
                "previous",
            )
            .get(public_id=public_id)
        )
    except (Kpi.DoesNotExist, ValidationError, ValueError, TypeError) as error:
        raise NotFound(_("There is no such KPI.")) from error


def round_get(*, framework: Framework, months: int) -> Round:
    """The framework's round of `months` months (NotFound otherwise)."""
    round = (
        Round.objects.filter(framework=framework, months=months)
        .select_related("framework")
        .first()
    )
    if round is None:
        raise NotFound(
            _("This framework has no round of %(months)s months.") % {"months": months}
        )
    return round


def round_list(*, framework: Framework) -> QuerySet[Round]:
    return Round.objects.filter(framework=framework).order_by("months")
