"""PMQA 4.0: a unit's seven category scores for a fiscal year, by
self-assessment and by the assessor, and the all-agency averages to compare
them with (docs/performance.md, "PMQA")."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput
from saduak.performance.choices import PMQA_MAX_SCORE, PmqaCategory, UnitLevel
from saduak.performance.models import PmqaAgencyAverage, PmqaAssessment, PmqaScore
from saduak.performance.services.common import (
    clean_fiscal_year,
    evaluated_unit,
    framework_ensure_may,
)

ONE_PLACE = Decimal("0.1")


def _pmqa_score(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    if (
        not value.is_finite()
        or not (0 <= value <= PMQA_MAX_SCORE)
        or value != value.quantize(ONE_PLACE)
    ):
        raise InvalidInput(
            _("A PMQA score is from 0 to 500 with at most one decimal."), field=field
        )
    return value


def _category(category: int) -> int:
    if category not in PmqaCategory.values:
        raise InvalidInput(_("PMQA has categories 1 to 7."), field="scores")
    return category


@transaction.atomic
def pmqa_record(
    *,
    actor: Actor,
    fiscal_year: int,
    unit_level: str,
    unit_code: str,
    scores: dict[int, tuple[Decimal | None, Decimal | None]],
) -> PmqaAssessment:
    """Records a unit's PMQA scores for a year: for each category given,
    (self-assessment, assessor's score), each 0-500 with one decimal or None
    (not yet known). Categories not given keep their scores. A bad score is
    refused on "category_<n>_self" or "category_<n>_assessor", nothing saved.
    Permission: PMQA_RECORD (HQ). Audit: pmqa.record."""
    unit = evaluated_unit(unit_level, unit_code)
    framework_ensure_may(actor, Action.PMQA_RECORD, unit.level, unit.code)
    clean_fiscal_year(fiscal_year)
    cleaned = {
        _category(category): (
            _pmqa_score(own, f"category_{category}_self"),
            _pmqa_score(assessor, f"category_{category}_assessor"),
        )
        for category, (own, assessor) in scores.items()
    }
    assessment, _created = PmqaAssessment.objects.select_for_update().get_or_create(
        fiscal_year=fiscal_year,
        unit_level=unit.level,
        unit_code=unit.code,
        defaults={"province": unit.province, "district": unit.district},
    )
    existing = {row.category: row for row in assessment.scores.all()}
    before = {
        str(category): [row.self_score, row.assessor_score]
        for category, row in existing.items()
    }
    for category, (own, assessor) in cleaned.items():
        row = existing.get(category) or PmqaScore(
            assessment=assessment, category=category
        )
        row.self_score, row.assessor_score = own, assessor
        row.save()
        existing[category] = row
    assessment.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="pmqa.record",
        target=assessment,
        before=before or None,
        after={
            str(category): [row.self_score, row.assessor_score]
            for category, row in sorted(existing.items())
        },
        district_code=unit.district_code,
        province_code=unit.province_code,
    )
    return assessment


@transaction.atomic
def pmqa_averages_record(
    *, actor: Actor, fiscal_year: int, averages: dict[int, Decimal]
) -> None:
    """Records the all-agency average of each category given for a year
    (0-500, one decimal; refused on "category_<n>_average").
    Permission: PMQA_RECORD (HQ). Audit: pmqa.record (the averages)."""
    framework_ensure_may(actor, Action.PMQA_RECORD, UnitLevel.COUNTRY, "")
    clean_fiscal_year(fiscal_year)
    cleaned: dict[int, Decimal] = {}
    for category, average in averages.items():
        value = _pmqa_score(average, f"category_{_category(category)}_average")
        if value is None:
            raise InvalidInput(
                _("Give the average."), field=f"category_{category}_average"
            )
        cleaned[category] = value
    before = {
        str(row.category): row.average
        for row in PmqaAgencyAverage.objects.filter(fiscal_year=fiscal_year)
    }
    for category, average in cleaned.items():
        PmqaAgencyAverage.objects.update_or_create(
            fiscal_year=fiscal_year, category=category, defaults={"average": average}
        )
    audit_record(
        actor=actor,
        action="pmqa.record",
        before={"fiscal_year": fiscal_year, "averages": before},
        after={
            "fiscal_year": fiscal_year,
            "averages": {str(key): value for key, value in sorted(cleaned.items())},
        },
    )
