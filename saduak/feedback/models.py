"""Happiness votes and their rollups. A vote is one row per voter, office and day
(a second vote that day replaces the first); every count anyone reads comes from
the rollups, which each vote updates in its own transaction."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saduak.feedback.choices import (
    CommentState,
    HoldReason,
    Score,
    VoteChannel,
    VoteStatus,
)

COMMENT_MAX_LENGTH = 1000
SCORES = (1, 2, 3, 4, 5)


class Vote(models.Model):
    """Its foreign keys have no index of their own (db_index=False): every vote
    would keep eight more indexes up to date, and the lookups that matter are
    covered by the unique key (office first) and the indexes below. Deleting a
    counter, service or user the votes point at scans the table; that is rare."""

    office = models.ForeignKey(
        "areas.Office",
        on_delete=models.PROTECT,
        related_name="happiness_votes",
        db_index=False,
    )
    # Repeated from the office so that a district's comments are one indexed filter.
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    counter = models.ForeignKey(
        "areas.Counter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    service = models.ForeignKey(
        "appointments.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service received"),
        db_index=False,
    )
    day = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(
        _("happiness"),
        choices=Score.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    # The comment with personal data and abuse masked: the only text shown publicly.
    comment_public = models.TextField(_("comment as published"), blank=True)
    comment_state = models.CharField(
        _("comment"),
        max_length=16,
        choices=CommentState.choices,
        default=CommentState.NONE,
    )
    # Salted hashes (saduak.feedback.keys): who voted and from where, never the
    # device token, LINE user id, citizen or IP address themselves.
    voter_key = models.CharField(max_length=64, editable=False)
    source_key = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=VoteChannel.choices)
    # A known person or visit (feedback.choices.VERIFIED_CHANNELS): fixed by
    # the voter key's kind, so a re-vote never changes it.
    verified = models.BooleanField(_("verified"), default=False)
    # What staff addresses name: not guessable, unlike the row's id.
    public_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VoteStatus.choices,
        default=VoteStatus.COUNTED,
    )
    hold_reason = models.CharField(
        _("held because"), max_length=16, choices=HoldReason.choices, blank=True
    )
    # What the last cast replaced (set by the upsert), so that the rollups move
    # the old score out and the new one in within the same transaction.
    replaced_score = models.PositiveSmallIntegerField(null=True, editable=False)
    replaced_status = models.CharField(max_length=16, blank=True, editable=False)
    times_cast = models.PositiveSmallIntegerField(_("times cast that day"), default=1)
    created_at = models.DateTimeField(_("first cast"))
    updated_at = models.DateTimeField(_("last cast"))
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    reply = models.TextField(_("public reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    action_taken = models.TextField(_("what was done"), blank=True)
    acted_on_at = models.DateTimeField(_("acted on at"), null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("happiness vote")
        verbose_name_plural = _("happiness votes")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "voter_key"], name="vote_one_per_voter_day"
            ),
            models.CheckConstraint(
                name="vote_score_1_to_5", condition=Q(score__gte=1, score__lte=5)
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["district", "comment_state", "updated_at"]),
            models.Index(fields=["office", "comment_state", "updated_at"]),
            # Partial: only the few rows moderators and the public lists look for,
            # so the millions of plain votes do not pay for them.
            models.Index(
                fields=["office", "updated_at"],
                condition=Q(status=VoteStatus.HELD),
                name="vote_held",
            ),
            models.Index(
                fields=["office", "updated_at"],
                condition=Q(comment_state=CommentState.REVIEW),
                name="vote_comment_in_review",
            ),
            models.Index(
                fields=["province", "updated_at"],
                condition=Q(comment_state=CommentState.PUBLIC),
                name="vote_public_comment_province",
            ),
            models.Index(
                fields=["updated_at"],
                condition=Q(comment_state=CommentState.PUBLIC),
                name="vote_public_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.score}"


class VoteCounts(models.Model):
    """Votes counted over a period, one column per score."""

    votes_1 = models.PositiveIntegerField(default=0)
    votes_2 = models.PositiveIntegerField(default=0)
    votes_3 = models.PositiveIntegerField(default=0)
    votes_4 = models.PositiveIntegerField(default=0)
    votes_5 = models.PositiveIntegerField(default=0)
    # Of those, the verified votes (a served ticket, LINE, a signed-in
    # citizen) and the sum of their scores: the rest are anonymous.
    verified_votes = models.PositiveIntegerField(default=0)
    verified_score = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class HappinessCounts(VoteCounts):
    """Votes counted for an office over a period."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class OfficeDayHappiness(HappinessCounts):
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("office day happiness")
        verbose_name_plural = _("office day happiness")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day"], name="happiness_office_day_unique"
            )
        ]
        indexes = [
            models.Index(fields=["day", "district"]),
            models.Index(fields=["district", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day}"


class OfficeMonthHappiness(HappinessCounts):
    """The same counts by calendar month (`month` is its first day): a year's
    ranking reads twelve rows per office, however many votes there are."""

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("office month happiness")
        verbose_name_plural = _("office month happiness")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "month"], name="happiness_office_month_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "district"])]

    def __str__(self) -> str:
        return f"{self.office_id} {self.month:%Y-%m}"


class DistrictDayHappiness(VoteCounts):
    """The day's counts of all of a district's offices together: what national
    lists (the ranking, the alerts) read for the days at either end of a period,
    a row per district instead of one per office."""

    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("district day happiness")
        verbose_name_plural = _("district day happiness")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "day"], name="happiness_district_day_unique"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day}"


class HappinessAlert(models.Model):
    """A district whose index fell significantly against its recent trend; sent to
    the district and its province, and shown on their pages until acknowledged."""

    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, related_name="happiness_alerts"
    )
    raised_on = models.DateField(_("raised on"))
    recent_mean = models.DecimalField(max_digits=4, decimal_places=2)
    recent_votes = models.PositiveIntegerField()
    baseline_mean = models.DecimalField(max_digits=4, decimal_places=2)
    baseline_votes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    public_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("happiness alert")
        verbose_name_plural = _("happiness alerts")
        ordering = ["-raised_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "raised_on"], name="happiness_alert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.raised_on}"
