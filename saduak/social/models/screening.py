"""Screening rules as data, their runs, and what each person was found by."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saduak.core.models import BilingualNameMixin
from saduak.social.choices import Domain


class RuleSet(BilingualNameMixin, models.Model):
    """HQ's screening rules for one year (B.E.). Provinces add local rules to
    it (`Rule.province`); a province is screened with the national rules and
    its own."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year (B.E.)"), unique=True)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screening rule set")
        verbose_name_plural = _("screening rule sets")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.name_th}"


class Rule(models.Model):
    """One screening rule. `conditions` is a list of groups, each a list of
    `{"field": <facts.FACTS name>, "op": <facts.OPERATORS>, "value": ...}`: one
    source's row meets the rule when all the conditions of any group hold
    (rules.py checks and compiles them); the person meets the rule when at
    least `min_agree` of the `sources` it trusts say so. A national rule has no
    province."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="rules"
    )
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province (local rule)"),
    )
    key = models.SlugField(_("key"), max_length=40)
    label_th = models.CharField(_("Thai label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)
    conditions = models.JSONField(_("conditions"), default=list)
    sources = models.JSONField(_("trusted sources"), default=list)
    min_agree = models.PositiveSmallIntegerField(
        _("sources that must agree"), default=1
    )
    weight = models.PositiveSmallIntegerField(_("weight in the need score"), default=1)
    domain = models.CharField(
        _("domain"), max_length=20, choices=Domain.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("screening rule")
        verbose_name_plural = _("screening rules")
        ordering = ["rule_set", "province", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "key"],
                condition=Q(province__isnull=True),
                name="social_rule_national_key_unique",
            ),
            models.UniqueConstraint(
                fields=["rule_set", "province", "key"],
                condition=Q(province__isnull=False),
                name="social_rule_local_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.year} {self.province_id or 'TH'} {self.key}"

    @property
    def label(self) -> str:
        from saduak.core.models import in_current_language

        return in_current_language(self.label_th, self.label_en)


class ScreeningRun(models.Model):
    """One screening of a province (or of every province) with a year's rules."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="runs")
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    people_matched = models.PositiveIntegerField(default=0)
    households_found = models.PositiveIntegerField(default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.rule_set_id} {self.province_id or 'TH'} {self.started_at:%Y-%m-%d %H:%M}"


class PersonMatch(models.Model):
    """A person meets a rule: the sources that said so (a SOURCE_BITS mask), so
    that an officer can explain why someone was found. Replaced for the
    screened area by each screening run."""

    # No foreign-key constraints in the database on this bulk table: a
    # screening writes millions of rows in one INSERT ... SELECT whose values
    # come from the rules and the map it joins, and PostgreSQL checked each
    # row's keys one by one at COMMIT (1,000,000 rows: 21.7 s to commit with
    # the constraints, 0.02 s without; docs/bench-social.md). Django still
    # cascades and protects as declared.
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.CASCADE, related_name="matches", db_constraint=False
    )
    personal_id = models.CharField(max_length=13)
    house_code = models.CharField(max_length=20)
    subdistrict = models.ForeignKey(
        "areas.Subdistrict",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    district_code = models.CharField(max_length=4)
    province_code = models.CharField(max_length=2)
    sources = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("person found by a rule")
        verbose_name_plural = _("people found by rules")
        indexes = [
            models.Index(fields=["rule_set", "province_code"]),
            models.Index(fields=["rule_set", "house_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.house_code}"
