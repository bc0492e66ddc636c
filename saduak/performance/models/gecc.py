"""The yearly GECC certification round of registry offices
(ศูนย์ราชการสะดวก, ../shared/DOMAIN.md 3.9): HQ names the target offices,
others volunteer, each names its responsible person (an account), assesses
every criterion with evidence, and reports twice through the report
collection (registration, then self-assessment progress), certified by its
province."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.core.models import TimeStampedModel, in_current_language
from saduak.core.uploads.models import EncryptedFile
from saduak.performance.choices import (
    GeccGroup,
    GeccItemStatus,
    GeccParticipation,
    GeccRoundStatus,
)
from saduak.performance.models.collection import ReportRequest

USER = settings.AUTH_USER_MODEL


class GeccRound(TimeStampedModel):
    """One fiscal year's round. Its two collections are report requests
    (route: direct to the participating offices)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"), unique=True)
    title_th = models.CharField(_("title (Thai)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=GeccRoundStatus.choices,
        default=GeccRoundStatus.DRAFT,
    )
    registration = models.OneToOneField(
        ReportRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gecc_registration_of",
    )
    progress = models.OneToOneField(
        ReportRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gecc_progress_of",
    )
    registration_due_on = models.DateField(_("registration deadline"))
    progress_due_on = models.DateField(_("self-assessment progress deadline"))
    # The readiness form, built with the form builder (saduak/forms_engine).
    readiness_form = models.JSONField(_("readiness form"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    opened_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("GECC round")
        verbose_name_plural = _("GECC rounds")
        ordering = ["-fiscal_year"]

    def __str__(self) -> str:
        return f"GECC {self.fiscal_year}"

    @property
    def title(self) -> str:
        return in_current_language(self.title_th, self.title_en)


class GeccCriterion(models.Model):
    """One item of the standard in a round: 14 physical, 30 basic, 20
    advanced, 3 outcome. An outcome item may name a KPI source
    (core/measures.py) that fills it from Saduak's own data."""

    round = models.ForeignKey(
        GeccRound, on_delete=models.CASCADE, related_name="criteria"
    )
    group = models.CharField(_("part"), max_length=16, choices=GeccGroup.choices)
    code = models.CharField(_("code"), max_length=8)
    position = models.PositiveSmallIntegerField(_("order"))
    text_th = models.TextField(_("criterion (Thai)"))
    text_en = models.TextField(_("criterion (English)"), blank=True)
    measure_key = models.CharField(_("filled from"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("GECC criterion")
        verbose_name_plural = _("GECC criteria")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "code"], name="performance_gecc_criterion_code"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return in_current_language(self.text_th, self.text_en)


class GeccParticipant(TimeStampedModel):
    """A registry office in a round, named by HQ or volunteering, with its
    responsible person: an account, never a password."""

    round = models.ForeignKey(
        GeccRound, on_delete=models.CASCADE, related_name="participants"
    )
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, related_name="+"
    )
    participation = models.CharField(
        _("taking part"), max_length=16, choices=GeccParticipation.choices
    )
    responsible = models.ForeignKey(
        USER,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_named_at = models.DateTimeField(null=True, blank=True)
    # The answers to the round's readiness form (forms_engine).
    readiness = models.JSONField(_("readiness form"), default=dict, blank=True)
    readiness_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("GECC office")
        verbose_name_plural = _("GECC offices")
        ordering = ["province_id", "district_id", "office_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "office"], name="performance_gecc_office_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.office_id}"


class GeccAssessment(models.Model):
    """An office's assessment of one criterion: met, partly or not yet, a
    note, and for an outcome item the value measured from Saduak's data."""

    participant = models.ForeignKey(
        GeccParticipant, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(
        GeccCriterion, on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(
        _("assessment"), max_length=8, choices=GeccItemStatus.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    measured_value = models.DecimalField(
        _("measured value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    measured_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("GECC assessment")
        verbose_name_plural = _("GECC assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "criterion"],
                name="performance_gecc_assessment_once",
            )
        ]
        indexes = [models.Index(fields=["criterion", "status"])]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.criterion_id}"


class GeccEvidence(EncryptedFile):
    """A photo or document showing one assessed criterion, stored encrypted
    through core/uploads/."""

    assessment = models.ForeignKey(
        GeccAssessment, on_delete=models.CASCADE, related_name="evidence"
    )
    description = models.CharField(_("what it shows"), max_length=300, blank=True)

    class Meta(EncryptedFile.Meta):
        verbose_name = _("GECC evidence")
        verbose_name_plural = _("GECC evidence")
