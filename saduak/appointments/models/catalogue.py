"""The national catalogue of registration services (HQ) and what each office offers
of it: at which counters, with which slot length and booking rules."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.appointments.choices import ServiceGroup
from saduak.core.models import BilingualNameMixin, TimeStampedModel, in_current_language


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Service(BilingualNameMixin, TimeStampedModel):
    """A service with the citizen's manual the Licensing Facilitation Act B.E. 2558
    requires: steps, documents, fee, processing time, legal basis and where to
    complain. Lists are one item per line."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    group = models.CharField(
        _("queue group"), max_length=1, choices=ServiceGroup.choices
    )
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    steps_th = models.TextField(_("steps (Thai)"), blank=True)
    steps_en = models.TextField(_("steps (English)"), blank=True)
    documents_th = models.TextField(_("what to bring (Thai)"), blank=True)
    documents_en = models.TextField(_("what to bring (English)"), blank=True)
    not_needed_th = models.TextField(
        _("no longer needed (Thai)"),
        blank=True,
        help_text=_("Zero Copy: papers citizens no longer bring."),
    )
    not_needed_en = models.TextField(_("no longer needed (English)"), blank=True)
    fee = models.DecimalField(
        _("fee (THB)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_note_th = models.CharField(_("fee note (Thai)"), max_length=300, blank=True)
    fee_note_en = models.CharField(_("fee note (English)"), max_length=300, blank=True)
    processing_minutes = models.PositiveSmallIntegerField(
        _("processing time (minutes)"), default=15
    )
    legal_basis_th = models.CharField(
        _("legal basis (Thai)"), max_length=300, blank=True
    )
    legal_basis_en = models.CharField(
        _("legal basis (English)"), max_length=300, blank=True
    )
    complaints_th = models.CharField(
        _("where to complain (Thai)"), max_length=300, blank=True
    )
    complaints_en = models.CharField(
        _("where to complain (English)"), max_length=300, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["group", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def _text(self, name: str) -> str:
        return in_current_language(
            getattr(self, f"{name}_th"), getattr(self, f"{name}_en")
        )

    @property
    def steps(self) -> list[str]:
        return lines(self._text("steps"))

    @property
    def documents(self) -> list[str]:
        return lines(self._text("documents"))

    @property
    def not_needed(self) -> list[str]:
        return lines(self._text("not_needed"))

    @property
    def fee_note(self) -> str:
        return self._text("fee_note")

    @property
    def legal_basis(self) -> str:
        return self._text("legal_basis")

    @property
    def complaints(self) -> str:
        return self._text("complaints")


class OfficeService(TimeStampedModel):
    """A service an office offers, with its own slot length, seats per slot and
    booking rules."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="services"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="offices"
    )
    counters = models.ManyToManyField(
        "areas.Counter", blank=True, related_name="services", verbose_name=_("counters")
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    seats_per_slot = models.PositiveSmallIntegerField(
        _("people per slot"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"), default=2, validators=[MaxValueValidator(720)]
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    cancel_until_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"),
        default=2,
        validators=[MaxValueValidator(720)],
    )
    online = models.BooleanField(_("bookable online"), default=True)
    walk_in = models.BooleanField(_("walk-in tickets"), default=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("service of an office")
        verbose_name_plural = _("services of offices")
        ordering = ["office", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service"], name="office_service_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} · {self.service}"
