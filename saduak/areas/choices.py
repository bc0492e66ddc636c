from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial administration office")
    DISTRICT_OFFICE = "district_office", _("District office")
    DISTRICT_REGISTRY = "district_registry", _("District registry office")
    LOCAL_REGISTRY = "local_registry", _("Local registry office")
    DAMRONGDHAM_CENTER = "damrongdham_center", _("Damrongdham center")


DISTRICT_LEVEL_KINDS = frozenset(
    {
        OfficeKind.DISTRICT_OFFICE,
        OfficeKind.DISTRICT_REGISTRY,
        OfficeKind.LOCAL_REGISTRY,
        OfficeKind.DAMRONGDHAM_CENTER,
    }
)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
