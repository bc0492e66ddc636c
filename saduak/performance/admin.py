"""The admin shows frameworks, results and PMQA assessments read-only: they
change through their services (which check who may, keep the scores and
audit), from the staff pages under /staff/performance/. Evidence files are
listed by name only; they open from the result page."""

from django.contrib import admin

from saduak.core.admin_helpers import ReadOnlyInline, ReadOnlyModelAdmin
from saduak.performance.models import (
    BreakdownImport,
    BreakdownRow,
    Component,
    Framework,
    Kpi,
    KpiResult,
    MilestoneCheck,
    MilestoneItem,
    PmqaAgencyAverage,
    PmqaAssessment,
    PmqaScore,
    ResultEvidence,
    Round,
)


class ComponentInline(ReadOnlyInline):
    model = Component
    fields = ["code", "name_th", "weight", "position"]


class RoundInline(ReadOnlyInline):
    model = Round
    fields = ["months", "period_start", "period_end", "due_on", "status", "score"]


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyModelAdmin):
    list_display = [
        "fiscal_year",
        "unit_level",
        "unit_code",
        "name_th",
        "status",
        "score",
    ]
    list_filter = ["fiscal_year", "unit_level", "status"]
    search_fields = ["name_th", "name_en", "unit_code"]
    inlines = [ComponentInline, RoundInline]


class MilestoneItemInline(ReadOnlyInline):
    model = MilestoneItem
    fields = ["level", "position", "text_th"]


@admin.register(Kpi)
class KpiAdmin(ReadOnlyModelAdmin):
    list_display = [
        "code",
        "name_th",
        "component",
        "weight",
        "kind",
        "direction",
        "origin",
    ]
    list_filter = ["kind", "direction", "origin", "component__framework__fiscal_year"]
    search_fields = ["code", "name_th", "name_en"]
    inlines = [MilestoneItemInline]


class BreakdownRowInline(ReadOnlyInline):
    model = BreakdownRow
    fields = [
        "province",
        "district",
        "office",
        "label",
        "numerator",
        "denominator",
        "value",
        "flagged",
    ]


class MilestoneCheckInline(ReadOnlyInline):
    model = MilestoneCheck
    fields = ["item", "met", "evidence_note", "checked_at"]


class ResultEvidenceInline(ReadOnlyInline):
    model = ResultEvidence
    fields = ["original_name", "content_type", "size", "description", "uploaded_at"]


@admin.register(KpiResult)
class KpiResultAdmin(ReadOnlyModelAdmin):
    list_display = [
        "kpi",
        "round",
        "numerator",
        "denominator",
        "value",
        "score",
        "weighted",
    ]
    list_filter = ["origin", "round__months", "round__framework__fiscal_year"]
    search_fields = ["kpi__code", "kpi__name_th"]
    inlines = [BreakdownRowInline, MilestoneCheckInline, ResultEvidenceInline]


@admin.register(BreakdownImport)
class BreakdownImportAdmin(ReadOnlyModelAdmin):
    list_display = ["file_name", "result", "status", "uploaded_at"]
    list_filter = ["status"]
    exclude = ["rows"]


class PmqaScoreInline(ReadOnlyInline):
    model = PmqaScore
    fields = ["category", "self_score", "assessor_score"]


@admin.register(PmqaAssessment)
class PmqaAssessmentAdmin(ReadOnlyModelAdmin):
    list_display = ["fiscal_year", "unit_level", "unit_code"]
    list_filter = ["fiscal_year", "unit_level"]
    inlines = [PmqaScoreInline]


@admin.register(PmqaAgencyAverage)
class PmqaAgencyAverageAdmin(ReadOnlyModelAdmin):
    list_display = ["fiscal_year", "category", "average"]
    list_filter = ["fiscal_year"]
