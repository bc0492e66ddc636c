"""HQ edits the national catalogue here (audited like every admin change). Bookings,
tickets and Mobile Unit requests change only through their services, so the admin
shows them read-only."""

from django.contrib import admin

from saduak.appointments.models import Booking, MobileRequest, Service, Ticket
from saduak.audit.admin_audit import AuditedModelAdmin
from saduak.core.admin_helpers import ReadOnlyModelAdmin


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name_th",
        "group",
        "fee",
        "processing_minutes",
        "is_active",
    ]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyModelAdmin):
    list_display = ["reference", "office", "service", "starts_at", "status", "channel"]
    list_filter = ["status", "channel"]
    search_fields = ["reference"]
    list_select_related = ["office", "service"]
    exclude = ["personal_id"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyModelAdmin):
    list_display = ["label", "office", "day", "kind", "status", "counter"]
    list_filter = ["status", "kind", "day"]
    list_select_related = ["office", "counter"]
    exclude = ["token", "phone"]


@admin.register(MobileRequest)
class MobileRequestAdmin(ReadOnlyModelAdmin):
    list_display = ["reference", "category", "district", "status", "requested_at"]
    list_filter = ["status", "category"]
    search_fields = ["reference"]
    exclude = ["token", "person_personal_id"]
