from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasStaffConfig(AppConfig):
    """The staff side of the map: the staff home page, the office pages (contact,
    opening hours, counters, closures), national holidays, and their API. It sits
    above accounts because every page and write checks the viewer's role and
    reach; the map itself (areas) sits below accounts, whose roles are held at an
    areas.Office. URL names keep the `areas` namespace."""

    name = "saduak.areas_staff"
    label = "areas_staff"
    verbose_name = _("Offices (staff)")
