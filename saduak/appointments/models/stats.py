"""Per office and day: what happened at the counters and in bookings. Filled by
`office_day_rollup` from the day's tickets and bookings; every report above an
office (district, province, country) sums these rows, never the raw tables.
Waiting and service times keep a histogram of whole minutes so that a percentile
can be computed for any group of offices."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Minutes 0..HISTOGRAM_MINUTES-1, and a last bucket for anything longer.
HISTOGRAM_MINUTES = 240


class OfficeDayStats(models.Model):
    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    # Repeated from the office so that area reports are one indexed filter.
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, null=True, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    day = models.DateField(_("day"))
    bookings = models.PositiveIntegerField(_("bookings"), default=0)
    cancellations = models.PositiveIntegerField(_("cancellations"), default=0)
    booking_no_shows = models.PositiveIntegerField(_("bookings not kept"), default=0)
    walk_ins = models.PositiveIntegerField(_("walk-ins"), default=0)
    appointment_arrivals = models.PositiveIntegerField(
        _("arrivals with an appointment"), default=0
    )
    served = models.PositiveIntegerField(_("served"), default=0)
    ticket_no_shows = models.PositiveIntegerField(_("called, did not come"), default=0)
    served_within_target = models.PositiveIntegerField(
        _("served within the waiting target"), default=0
    )
    # Bookings whose holder checked in and was called, and of them those called
    # within the office's waiting target after the booked time (or after the
    # check-in, when the holder came late): "bookings served on time".
    bookings_called = models.PositiveIntegerField(
        _("bookings checked in and called"), default=0
    )
    bookings_on_time = models.PositiveIntegerField(
        _("bookings called on time"), default=0
    )
    wait_seconds_total = models.PositiveBigIntegerField(default=0)
    service_seconds_total = models.PositiveBigIntegerField(default=0)
    wait_histogram = models.JSONField(default=list)
    service_histogram = models.JSONField(default=list)
    counted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("office day statistics")
        verbose_name_plural = _("office day statistics")
        constraints = [
            models.UniqueConstraint(fields=["office", "day"], name="office_day_unique")
        ]
        indexes = [
            models.Index(fields=["day", "province"]),
            models.Index(fields=["day", "district"]),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day}"
