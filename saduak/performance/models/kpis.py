"""Performance management (docs/performance.md): a fiscal year's framework of
weighted components and KPIs for one evaluated unit, its reporting rounds, the
results with their breakdown tables, milestone checklists and evidence, the
scores computed from them, breakdown imports waiting for confirmation, and
PMQA 4.0 assessments."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.core.models import BilingualNameMixin, TimeStampedModel, in_current_language
from saduak.core.uploads.models import EncryptedFile
from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    FrameworkStatus,
    ImportStatus,
    KpiKind,
    MeasureUnit,
    PmqaCategory,
    ResultOrigin,
    RoundStatus,
    TargetLevel,
    UnitLevel,
)

VALUE: dict[str, Any] = {"max_digits": 18, "decimal_places": 4}
WEIGHT: dict[str, Any] = {"max_digits": 6, "decimal_places": 2}
SCORE: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class Framework(BilingualNameMixin, TimeStampedModel):
    """One fiscal year's evaluation of one unit: the department (level
    country), a province or a district. `unit_code` is '' for the department
    and the DOPA code otherwise; `province`/`district` carry it for reach
    filters. Components' weights add up to 100 once published."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    unit_level = models.CharField(
        _("evaluated unit"), max_length=16, choices=UnitLevel.choices
    )
    unit_code = models.CharField(max_length=8, blank=True)
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=FrameworkStatus.choices,
        default=FrameworkStatus.DRAFT,
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The overall weighted score of the latest round with results, kept by the
    # scoring service (for lists and the trend; rounds keep their own).
    score = models.DecimalField(_("score"), **SCORE, null=True, blank=True)

    class Meta:
        verbose_name = _("KPI framework")
        verbose_name_plural = _("KPI frameworks")
        ordering = ["-fiscal_year", "unit_level", "unit_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "unit_level", "unit_code"],
                name="performance_framework_one_per_unit_and_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.name_th}"


class Component(BilingualNameMixin, models.Model):
    """A weighted part of a framework (Performance Base 70, Potential Base 30).
    Its KPIs' weights add up to its own weight."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="components"
    )
    code = models.CharField(_("code"), max_length=20)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    weight = models.DecimalField(_("weight"), **WEIGHT)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="performance_component_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"


class Kpi(BilingualNameMixin, TimeStampedModel):
    """A KPI of a component, or a sub-KPI (`parent`) whose weights add up to
    its parent's. A parent's score is its sub-KPIs' weighted score; it has no
    result of its own. `code` (e.g. "1.2") stays the same across years, and
    `previous` is last year's KPI it was copied from (the trend)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="kpis"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_years",
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_th = models.CharField(_("Thai name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(_("weight"), **WEIGHT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data collector"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=KpiKind.choices, default=KpiKind.NUMERIC
    )
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=Direction.choices,
        default=Direction.HIGHER,
    )
    measure_unit = models.CharField(
        _("unit"),
        max_length=16,
        choices=MeasureUnit.choices,
        default=MeasureUnit.PERCENT,
    )
    # value = numerator / denominator x factor (100 for a percentage); without
    # a denominator the value is the numerator.
    numerator_label_th = models.CharField(
        _("numerator (Thai)"), max_length=300, blank=True
    )
    numerator_label_en = models.CharField(
        _("numerator (English)"), max_length=300, blank=True
    )
    denominator_label_th = models.CharField(
        _("denominator (Thai)"), max_length=300, blank=True
    )
    denominator_label_en = models.CharField(
        _("denominator (English)"), max_length=300, blank=True
    )
    factor = models.DecimalField(_("factor"), **VALUE, default=100)
    target_minimum = models.DecimalField(
        _("minimum target (50 points)"), **VALUE, null=True, blank=True
    )
    target_standard = models.DecimalField(
        _("standard target (75 points)"), **VALUE, null=True, blank=True
    )
    target_advanced = models.DecimalField(
        _("advanced target (100 points)"), **VALUE, null=True, blank=True
    )
    origin = models.CharField(
        _("result from"),
        max_length=16,
        choices=ResultOrigin.choices,
        default=ResultOrigin.TYPED,
    )
    # core/measures.py's key when computed (e.g. "eservices.decided_on_time").
    source_key = models.CharField(_("source"), max_length=80, blank=True)
    breakdown_level = models.CharField(
        _("breakdown"),
        max_length=16,
        choices=BreakdownLevel.choices,
        blank=True,
        default="",
    )

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "code"], name="performance_kpi_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def description(self) -> str:
        return in_current_language(self.description_th, self.description_en)

    @property
    def numerator_label(self) -> str:
        return in_current_language(self.numerator_label_th, self.numerator_label_en)

    @property
    def denominator_label(self) -> str:
        return in_current_language(self.denominator_label_th, self.denominator_label_en)


class MilestoneItem(models.Model):
    """One criterion of a milestone KPI's checklist at one level. A level is
    reached when its items and every lower level's items are met."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="milestone_items"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=TargetLevel.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text_th = models.CharField(_("criterion (Thai)"), max_length=500)
    text_en = models.CharField(_("criterion (English)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("milestone criterion")
        verbose_name_plural = _("milestone criteria")
        ordering = ["level", "position", "id"]

    def __str__(self) -> str:
        return f"{self.level}.{self.position} {self.text_th}"

    @property
    def text(self) -> str:
        return in_current_language(self.text_th, self.text_en)


class Round(models.Model):
    """A reporting round of a framework: results for the fiscal year's first
    `months` months (6, 9, 12), due by `due_on`. HQ locks a round; after that
    a change needs an unlock with a reason (audited)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="rounds"
    )
    months = models.PositiveSmallIntegerField(_("months"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RoundStatus.choices,
        default=RoundStatus.OPEN,
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unlock_reason = models.TextField(_("reason for unlocking"), blank=True)
    # The weighted overall score of this round (scoring service).
    score = models.DecimalField(_("score"), **SCORE, null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["framework", "months"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "months"], name="performance_round_unique_months"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework} / {self.months}"


class ComponentScore(models.Model):
    """A component's weighted score in a round (scoring service)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="component_scores"
    )
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="scores"
    )
    # 0-100 within the component, and its share of the overall score.
    score = models.DecimalField(_("score"), **SCORE)
    weighted = models.DecimalField(_("weighted score"), **SCORE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "component"], name="performance_component_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.component_id} {self.score}"


class KpiResult(TimeStampedModel):
    """A KPI's result in a round: numerator and denominator (or the value
    alone), the value they give, the score it earns, and the report's texts.
    A milestone KPI's result is its checklist (`MilestoneCheck`)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="results")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    numerator = models.DecimalField(_("numerator"), **VALUE, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), **VALUE, null=True, blank=True)
    value = models.DecimalField(_("result"), **VALUE, null=True, blank=True)
    origin = models.CharField(
        _("from"),
        max_length=16,
        choices=ResultOrigin.choices,
        default=ResultOrigin.TYPED,
    )
    # A milestone KPI's level as claimed by its reporter (0 = none); refused
    # when a lower level's items are not all met.
    level_claimed = models.PositiveSmallIntegerField(_("level claimed"), default=0)
    # Kept by the scoring service.
    level_reached = models.PositiveSmallIntegerField(_("level reached"), default=0)
    score = models.DecimalField(_("score"), **SCORE, null=True, blank=True)
    weighted = models.DecimalField(_("weighted score"), **SCORE, null=True, blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    factors = models.TextField(_("supporting factors"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("KPI result")
        verbose_name_plural = _("KPI results")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "round"], name="performance_result_unique"
            )
        ]


class BreakdownRow(models.Model):
    """One unit's figures in a result's breakdown table. The rows' numerators
    and denominators add up to the result's. `province`/`district`/`office`
    say which unit (all that apply are set, so reach filters work); a facility
    row has its `label` and the district or office it belongs to."""

    result = models.ForeignKey(
        KpiResult, on_delete=models.CASCADE, related_name="breakdown"
    )
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    office = models.ForeignKey(
        "areas.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("name"), max_length=200, blank=True)
    numerator = models.DecimalField(_("numerator"), **VALUE)
    denominator = models.DecimalField(_("denominator"), **VALUE, null=True, blank=True)
    value = models.DecimalField(_("result"), **VALUE, null=True, blank=True)
    # Outside what the KPI's history makes plausible (DHIS2's min-max
    # outlier flag): shown for a person to check, never refused.
    flagged = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("breakdown row")
        verbose_name_plural = _("breakdown rows")
        indexes = [
            models.Index(
                fields=["result", "province"], name="performance_bd_result_prov"
            ),
            models.Index(
                fields=["result", "district"], name="performance_bd_result_dist"
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.district_id or self.province_id or self.office_id)


class MilestoneCheck(models.Model):
    """Whether one milestone criterion is met in a round, with its evidence."""

    result = models.ForeignKey(
        KpiResult, on_delete=models.CASCADE, related_name="checks"
    )
    item = models.ForeignKey(
        MilestoneItem, on_delete=models.CASCADE, related_name="checks"
    )
    met = models.BooleanField(_("met"), default=False)
    evidence_note = models.TextField(_("evidence"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["result", "item"], name="performance_check_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.met}"


class ResultEvidence(EncryptedFile):
    """A document attached to a result as evidence (or to one milestone
    criterion of it), stored encrypted through core/uploads/."""

    result = models.ForeignKey(
        KpiResult, on_delete=models.CASCADE, related_name="evidence"
    )
    item = models.ForeignKey(
        MilestoneItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("what it shows"), max_length=300, blank=True)

    class Meta(EncryptedFile.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class BreakdownImport(models.Model):
    """A breakdown table read from an XLSX or CSV file and matched to the map,
    kept until a person confirms the likely matches (then applied whole) or
    discards it. `rows` holds each row as read: its line, the name, the
    figures, and the match (status exact, likely, ambiguous or unknown, with
    the candidates)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    result = models.ForeignKey(
        KpiResult, on_delete=models.CASCADE, related_name="imports"
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("breakdown import")
        verbose_name_plural = _("breakdown imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


class PmqaAssessment(TimeStampedModel):
    """A unit's PMQA 4.0 assessment in a fiscal year: seven categories, each
    scored 0-500 by self-assessment and by the assessor."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    unit_level = models.CharField(
        _("assessed unit"), max_length=16, choices=UnitLevel.choices
    )
    unit_code = models.CharField(max_length=8, blank=True)
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("PMQA assessment")
        verbose_name_plural = _("PMQA assessments")
        ordering = ["-fiscal_year", "unit_level", "unit_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "unit_level", "unit_code"],
                name="performance_pmqa_one_per_unit_and_year",
            )
        ]


class PmqaScore(models.Model):
    assessment = models.ForeignKey(
        PmqaAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    category = models.PositiveSmallIntegerField(
        _("category"), choices=PmqaCategory.choices
    )
    self_score = models.DecimalField(
        _("self-assessment"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    assessor_score = models.DecimalField(
        _("assessor's score"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "category"], name="performance_pmqa_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.self_score} {self.assessor_score}"


class PmqaAgencyAverage(models.Model):
    """The all-agency average of a category in a fiscal year, as the
    evaluator publishes it, to compare a unit's scores with."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    category = models.PositiveSmallIntegerField(
        _("category"), choices=PmqaCategory.choices
    )
    average = models.DecimalField(
        _("all-agency average"), max_digits=5, decimal_places=1
    )

    class Meta:
        ordering = ["fiscal_year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "category"],
                name="performance_pmqa_average_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.category} {self.average}"
