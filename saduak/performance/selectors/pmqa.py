"""Reading PMQA assessments: each category's self and assessor scores beside
the all-agency average, the overall scores and the 400-point stage."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.core.errors import NotFound
from saduak.performance.choices import PMQA_PASS_SCORE, PmqaCategory
from saduak.performance.models import PmqaAgencyAverage, PmqaAssessment
from saduak.performance.selectors.frameworks import framework_reach_q

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class PmqaRow:
    category: int
    label: str
    self_score: Decimal | None
    assessor_score: Decimal | None
    average: Decimal | None

    @property
    def above_average(self) -> Decimal | None:
        """The assessor's score minus the all-agency average."""
        if self.assessor_score is None or self.average is None:
            return None
        return self.assessor_score - self.average


@dataclass(frozen=True)
class PmqaSummary:
    assessment: PmqaAssessment
    rows: list[PmqaRow]
    self_overall: Decimal | None
    assessor_overall: Decimal | None
    average_overall: Decimal | None

    @property
    def passed(self) -> bool | None:
        """Whether the assessor's overall reaches the 400-point stage (None
        until all seven are scored)."""
        if self.assessor_overall is None:
            return None
        return self.assessor_overall >= PMQA_PASS_SCORE

    @property
    def self_passed(self) -> bool | None:
        if self.self_overall is None:
            return None
        return self.self_overall >= PMQA_PASS_SCORE


def pmqa_mean(values: list[Decimal | None]) -> Decimal | None:
    """The mean of all seven categories (two places), None while any is
    missing."""
    if len(values) != len(PmqaCategory) or any(value is None for value in values):
        return None
    total = sum((value for value in values if value is not None), Decimal(0))
    return (total / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def pmqa_summary(*, assessment: PmqaAssessment) -> PmqaSummary:
    scores = {row.category: row for row in assessment.scores.all()}
    averages = dict(
        PmqaAgencyAverage.objects.filter(
            fiscal_year=assessment.fiscal_year
        ).values_list("category", "average")
    )
    rows = [
        PmqaRow(
            category=int(category),
            label=str(category.label),
            self_score=scores[category].self_score if category in scores else None,
            assessor_score=(
                scores[category].assessor_score if category in scores else None
            ),
            average=averages.get(category),
        )
        for category in PmqaCategory
    ]
    return PmqaSummary(
        assessment=assessment,
        rows=rows,
        self_overall=pmqa_mean([row.self_score for row in rows]),
        assessor_overall=pmqa_mean([row.assessor_score for row in rows]),
        average_overall=pmqa_mean([row.average for row in rows]),
    )


def pmqa_list(
    *, viewer: User, fiscal_year: int | None = None
) -> QuerySet[PmqaAssessment]:
    """The assessments of units the viewer reads (as frameworks)."""
    assessments = PmqaAssessment.objects.filter(
        framework_reach_q(read_reach(viewer))
    ).select_related("province", "district")
    if fiscal_year is not None:
        assessments = assessments.filter(fiscal_year=fiscal_year)
    return assessments.order_by("-fiscal_year", "unit_level", "unit_code")


def pmqa_get(*, viewer: User, public_id: UUID | str) -> PmqaAssessment:
    try:
        return pmqa_list(viewer=viewer).get(public_id=public_id)
    except (
        PmqaAssessment.DoesNotExist,
        ValidationError,
        ValueError,
        TypeError,
    ) as error:
        raise NotFound(_("There is no such PMQA assessment.")) from error


def pmqa_assessor_overall(
    *, fiscal_year: int, unit_level: str, unit_code: str
) -> Decimal | None:
    """A unit's assessor overall for a year (None without all seven)."""
    values = list(
        PmqaAssessment.objects.filter(
            fiscal_year=fiscal_year, unit_level=unit_level, unit_code=unit_code
        ).values_list("scores__assessor_score", flat=True)
    )
    return pmqa_mean(values)
