"""The households screening found, per subdistrict, and what became of them:
the community forum's decision, the services recorded per domain, selection
for case management."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.social.choices import Domain, HouseholdStatus
from saduak.social.models.screening import RuleSet


class CommunityForum(models.Model):
    """A community forum (ประชาคม) held in a subdistrict, whose minutes back the
    officer's confirmations and removals."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    subdistrict = models.ForeignKey(
        "areas.Subdistrict", on_delete=models.PROTECT, related_name="+"
    )
    district_code = models.CharField(max_length=4)
    province_code = models.CharField(max_length=2)
    held_on = models.DateField(_("held on"))
    minutes = models.TextField(_("minutes"))
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("community forum")
        verbose_name_plural = _("community forums")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["subdistrict", "rule_set"])]

    def __str__(self) -> str:
        return f"{self.subdistrict_id} {self.held_on}"


class TargetHousehold(models.Model):
    """A household that a year's screening found, ranked in its subdistrict by
    `need_score` (the weights of the rules its members meet). A screening run
    refreshes the figures of households still undecided and adds new ones;
    a decided household keeps its decision (`screened_out` says that the
    latest run no longer found it)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    house_code = models.CharField(_("house code"), max_length=20)
    subdistrict = models.ForeignKey(
        "areas.Subdistrict", on_delete=models.PROTECT, related_name="+"
    )
    district_code = models.CharField(max_length=4)
    province_code = models.CharField(max_length=2)
    need_score = models.PositiveIntegerField(_("need score"), default=0)
    rules_met = models.PositiveSmallIntegerField(_("rules met"), default=0)
    people_found = models.PositiveSmallIntegerField(_("people found"), default=0)
    sources = models.PositiveSmallIntegerField(default=0)
    screened_out = models.BooleanField(default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.FOUND,
    )
    forum = models.ForeignKey(
        CommunityForum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
    )
    removal_reason = models.CharField(
        _("reason for removal"), max_length=500, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(_("first served at"), null=True, blank=True)

    class Meta:
        verbose_name = _("target household")
        verbose_name_plural = _("target households")
        indexes = [
            models.Index(
                fields=["rule_set", "subdistrict", "-need_score"],
                name="social_household_ranked",
            ),
            models.Index(fields=["rule_set", "province_code", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "house_code"], name="social_household_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.year} {self.house_code}"


class ServiceRecord(models.Model):
    """A service given to a confirmed household in one of the seven domains."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        TargetHousehold, on_delete=models.PROTECT, related_name="services"
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    description = models.CharField(_("service given"), max_length=500)
    agency = models.ForeignKey(
        "social.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    provided_on = models.DateField(_("provided on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service given")
        verbose_name_plural = _("services given")
        ordering = ["-provided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.domain} {self.provided_on}"


class TargetingCounts(models.Model):
    """How many households of a subdistrict a year's screening found and what
    became of them (docs/layout.md 8.4, pattern A without a period: "now"
    figures). `dimension` is "" for all households, `source:<kind>` for those
    a source found, `domain:<domain>` for those served in a domain (only
    `served` counts there). Rebuilt for the screened area by each screening
    run and by the recount; moved by every decision in its own transaction
    (social/rollups.py). Counters are signed so that drift shows."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="+")
    subdistrict = models.ForeignKey(
        "areas.Subdistrict", on_delete=models.PROTECT, related_name="+"
    )
    district_code = models.CharField(max_length=4)
    province_code = models.CharField(max_length=2)
    dimension = models.CharField(max_length=40, blank=True)
    found = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    removed = models.IntegerField(default=0)
    selected = models.IntegerField(default=0)
    served = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("targeting counts")
        verbose_name_plural = _("targeting counts")
        indexes = [models.Index(fields=["rule_set", "province_code", "dimension"])]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "subdistrict", "dimension"],
                name="social_counts_one_row",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_set_id} {self.subdistrict_id} {self.dimension or '*'}"
