from saduak.appointments.models.booking import Booking, Slot
from saduak.appointments.models.catalogue import OfficeService, Service
from saduak.appointments.models.mobile import (
    MobileRequest,
    MobileServedCounts,
    MobileVisit,
)
from saduak.appointments.models.queue import QueueSettings, Ticket, TicketSequence
from saduak.appointments.models.stats import OfficeDayStats

__all__ = [
    "Booking",
    "MobileRequest",
    "MobileServedCounts",
    "MobileVisit",
    "OfficeDayStats",
    "OfficeService",
    "QueueSettings",
    "Service",
    "Slot",
    "Ticket",
    "TicketSequence",
]
