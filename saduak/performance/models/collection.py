"""Report collection (docs/performance-collection.md): a request that flows
down the map and the answers that flow up with certification. HQ (or a
province, for its own districts) sends a `ReportRequest`; at each province it
is a `RequestLeg`, which the province forwards, collects, certifies and
consolidates; each addressed office's report is a `ReportAnswer`. A directive
(หนังสือสั่งการ) is a request with an official letter (`Directive`); a GECC
round makes two requests (models/gecc.py)."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.core.models import TimeStampedModel, in_current_language
from saduak.core.uploads.models import EncryptedFile
from saduak.performance.choices import (
    AnswerStatus,
    AnswerStepKind,
    Confidentiality,
    LegStatus,
    LetterKind,
    ReminderKind,
    RequestKind,
    RequestRoute,
    RequestStatus,
    Urgency,
)

USER = settings.AUTH_USER_MODEL


def _user(verbose: Any) -> Any:
    return models.ForeignKey(
        USER,
        verbose_name=verbose,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class ReportRequest(TimeStampedModel):
    """A request for a report by a deadline, sent down the map by its issuer
    (HQ, or a provincial office for its own districts). `form` is a form
    built with the form builder (saduak/forms_engine), answered by every
    addressed office. Answers after `due_on` are taken and marked late until
    `closes_on` (or until the request is closed), then refused."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=RequestKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    issuer = models.ForeignKey(
        "areas.Office",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The issuer's province for a province's own request (reach filters);
    # empty for HQ's.
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title_th = models.CharField(_("subject (Thai)"), max_length=300)
    title_en = models.CharField(_("subject (English)"), max_length=300, blank=True)
    instructions = models.TextField(_("what to report"), blank=True)
    form = models.JSONField(_("report form"), default=dict, blank=True)
    route = models.CharField(
        _("sent"),
        max_length=24,
        choices=RequestRoute.choices,
        default=RequestRoute.THROUGH_PROVINCES,
    )
    due_on = models.DateField(_("deadline"))
    # The last day a late answer is still taken; empty: until closed.
    closes_on = models.DateField(_("last day for late reports"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
    )
    created_by = _user(_("written by"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = _user(_("sent by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title_th

    @property
    def title(self) -> str:
        return in_current_language(self.title_th, self.title_en)


class RequestAttachment(EncryptedFile):
    """A file sent with a request (a directive's enclosure), stored
    encrypted through core/uploads/."""

    request = models.ForeignKey(
        ReportRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    description = models.CharField(_("what it is"), max_length=300, blank=True)

    class Meta(EncryptedFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class RequestLeg(TimeStampedModel):
    """The request at one province: forwarded to its districts (with an
    earlier deadline and exclusions if the province wants), collected,
    certified and sent up consolidated. For a province's own request the leg
    is its own and ends there (no HQ step)."""

    request = models.ForeignKey(
        ReportRequest, on_delete=models.CASCADE, related_name="legs"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "areas.Office",
        verbose_name=_("provincial office"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LegStatus.choices,
        default=LegStatus.RECEIVED,
    )
    # The deadline the province gives its districts (never later than the
    # request's).
    due_on = models.DateField(_("deadline for the districts"))
    cover_note = models.TextField(_("cover note"), blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    forwarded_by = _user(_("forwarded by"))
    # Made when the province submits: tables summed, texts collected.
    consolidated = models.JSONField(_("consolidated report"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = _user(_("submitted by"))
    submitted_late = models.BooleanField(_("late"), default=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = _user(_("decided by"))
    decision_comment = models.TextField(_("HQ's comment"), blank=True)

    class Meta:
        verbose_name = _("request at a province")
        verbose_name_plural = _("requests at provinces")
        ordering = ["province_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "province"],
                name="performance_leg_one_per_province",
            )
        ]
        indexes = [models.Index(fields=["office", "status"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.province_id}"


class ReportAnswer(TimeStampedModel):
    """One addressed office's report: read, acknowledged, filled, submitted
    (late if after its deadline), sent back or certified by its province, or
    excused with a reason. `district`/`province` carry the office's place
    for reach filters."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        ReportRequest, on_delete=models.CASCADE, related_name="answers"
    )
    leg = models.ForeignKey(
        RequestLeg, on_delete=models.CASCADE, related_name="answers"
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
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AnswerStatus.choices,
        default=AnswerStatus.NEW,
    )
    due_on = models.DateField(_("deadline"))
    # What the office typed, keyed by the form's field keys (forms_engine).
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = _user(_("acknowledged by"))
    saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = _user(_("submitted by"))
    late = models.BooleanField(_("late"), default=False)
    returned_at = models.DateTimeField(_("sent back"), null=True, blank=True)
    return_comment = models.TextField(_("why it was sent back"), blank=True)
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    certified_by = _user(_("certified by"))
    # Recorded from the certifier's account when they certify.
    certifier_name = models.CharField(_("certifier's name"), max_length=200, blank=True)
    certifier_position = models.CharField(
        _("certifier's position"), max_length=200, blank=True
    )
    excused_reason = models.TextField(_("why it was excused"), blank=True)
    excused_by = _user(_("excused by"))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["province_id", "district_id", "office_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "office"],
                name="performance_answer_one_per_office",
            )
        ]
        indexes = [
            models.Index(fields=["request", "status"]),
            models.Index(fields=["leg", "status"]),
            models.Index(fields=["office", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.office_id}"


class AnswerStep(models.Model):
    """One line of an answer's history, shown to the office and the province
    (read, acknowledged, submitted, sent back with a comment, certified...)."""

    answer = models.ForeignKey(
        ReportAnswer, on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(max_length=16, choices=AnswerStepKind.choices)
    at = models.DateTimeField()
    actor = _user(_("by"))
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("report history line")
        verbose_name_plural = _("report history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.answer_id} {self.kind}"


class AnswerEvidence(EncryptedFile):
    """An evidence file an office attached to its report, stored encrypted
    through core/uploads/."""

    answer = models.ForeignKey(
        ReportAnswer, on_delete=models.CASCADE, related_name="evidence"
    )
    description = models.CharField(_("what it shows"), max_length=300, blank=True)

    class Meta(EncryptedFile.Meta):
        verbose_name = _("report evidence")
        verbose_name_plural = _("report evidence")


class ReminderSent(models.Model):
    """A reminder sent about one answer on one day: the reminder job sends
    each kind at most once a day per answer, however often it runs."""

    answer = models.ForeignKey(
        ReportAnswer, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=8, choices=ReminderKind.choices)
    on_day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "kind", "on_day"],
                name="performance_reminder_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} {self.kind} {self.on_day}"


class Letterhead(TimeStampedModel):
    """What an issuing office's letters print (the Saraban rules): its book
    code (รหัสพยัญชนะ + เลขประจำของส่วนราชการ, e.g. มท ๐๓๐๙.๒), its name and
    address, the unit that owns the matter and its contact lines."""

    office = models.OneToOneField(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    book_code = models.CharField(_("book code"), max_length=40)
    issuer_name = models.CharField(_("issuing organisation"), max_length=200)
    address = models.TextField(_("address"))
    owner_unit = models.CharField(_("unit that owns the matter"), max_length=200)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    fax = models.CharField(_("fax"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self) -> str:
        return self.book_code


class LetterCounter(models.Model):
    """The register of an office's numbered letters: numbers run from 1 each
    calendar year (B.E.), allocated under a row lock when a letter is sent."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("letter register")
        verbose_name_plural = _("letter registers")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year"], name="performance_letter_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.year}"


class Directive(TimeStampedModel):
    """A directive (หนังสือสั่งการ): the official letter that carries a
    report request. `number` is the running number of the issuer's register
    (given when sent, unless typed from another register), printed after the
    book code with ว for a circular (ที่ มท ๐๓๐๙.๒/ว ๑๒๓๔)."""

    request = models.OneToOneField(
        ReportRequest, on_delete=models.CASCADE, related_name="directive"
    )
    letter_kind = models.CharField(
        _("kind of letter"),
        max_length=16,
        choices=LetterKind.choices,
        default=LetterKind.EXTERNAL,
    )
    number = models.CharField(_("number"), max_length=40, blank=True)
    letter_date = models.DateField(_("date of the letter"), null=True, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, blank=True
    )
    confidentiality = models.CharField(
        _("confidentiality"), max_length=16, choices=Confidentiality.choices, blank=True
    )
    addressee = models.CharField(_("to (เรียน)"), max_length=300)
    reference = models.TextField(_("reference (อ้างถึง)"), blank=True)
    enclosures = models.TextField(_("enclosures (สิ่งที่ส่งมาด้วย)"), blank=True)
    body = models.TextField(_("body"))
    signer = _user(_("signed by"))
    # Recorded from the signer's account when the letter is sent.
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    signer_position = models.CharField(
        _("signer's position"), max_length=200, blank=True
    )
    thai_digits = models.BooleanField(_("print Thai digits"), default=True)
    # The offices a draft sent directly (route `direct`) is addressed to,
    # kept until it is sent; their answers are made then.
    addressed_offices = models.ManyToManyField(
        "areas.Office",
        verbose_name=_("offices addressed"),
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return self.number or str(self.request_id)
