"""Digital ID enrolment: the civil registry's records (a local copy importable from
CSV), one-time enrolment codes an officer issues at a registry office, the versioned
terms a citizen accepts, and the sessions a person has signed in with."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saduak.core.models import TimeStampedModel
from saduak.core.personal_id import validate_personal_id


class CardStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class RegistryPerson(TimeStampedModel):
    """A person as the civil registry knows them, for the local-table adapter."""

    personal_id = models.CharField(
        _("personal ID"), max_length=13, unique=True, validators=[validate_personal_id]
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    card_expiry = models.DateField(_("card expiry"))
    card_status = models.CharField(
        _("card status"),
        max_length=10,
        choices=CardStatus.choices,
        default=CardStatus.VALID,
    )

    class Meta:
        verbose_name = _("registry record")
        verbose_name_plural = _("registry records")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


def hash_code(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class EnrolmentCode(models.Model):
    """A one-time code behind the QR an officer shows. Only its hash is kept; it is
    bound to one person, valid for ENROLMENT_CODE_MINUTES and used at most once (a
    conditional update consumes it)."""

    code_hash = models.CharField(max_length=64, unique=True)
    personal_id = models.CharField(_("personal ID"), max_length=13)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")
        indexes = [models.Index(fields=["personal_id", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.personal_id[-4:]} @ {self.issued_at:%Y-%m-%d %H:%M}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class TermsVersion(models.Model):
    """A published version of the terms of use and privacy notice. Published versions
    are not edited: a change is a new version."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text_th = models.TextField(_("Thai text"))
    text_en = models.TextField(_("English text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.version


class TermsAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="terms_acceptances",
    )
    terms = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")

    def __str__(self) -> str:
        return f"{self.terms} {self.accepted_at:%Y-%m-%d}"


class SignInSession(models.Model):
    """One signed-in session, so a person can see where they are signed in and end
    it. `assurance_level` is 1 for a password alone, 2 with a second factor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_in_sessions",
    )
    session_key = models.CharField(max_length=64, unique=True)
    assurance_level = models.PositiveSmallIntegerField(default=1)
    user_agent = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in session")
        verbose_name_plural = _("sign-in sessions")
        indexes = [
            models.Index(
                fields=["user", "started_at"],
                condition=Q(ended_at__isnull=True),
                name="signin_active_by_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"
