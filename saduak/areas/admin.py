"""Reference data in the Django admin. The map itself comes from `load_areas`; people
edit offices' details and holidays here or on the staff pages (which audit)."""

from django.contrib import admin

from saduak.areas.models import (
    Counter,
    District,
    Holiday,
    Office,
    OpeningHours,
    Province,
    Subdistrict,
)
from saduak.audit.admin_audit import AuditedModelAdmin
from saduak.core.admin_helpers import ReadOnlyInline, ReadOnlyModelAdmin


class ReadOnlyAreaAdmin(ReadOnlyModelAdmin):
    """Areas are loaded from geothai; editing them here would be undone by the next
    load, so the admin only shows them."""

    search_fields = ["code", "name_th", "name_en"]
    list_filter = ["is_active"]


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAreaAdmin):
    list_display = ["code", "name_th", "name_en", "is_active"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAreaAdmin):
    list_display = ["code", "name_th", "name_en", "province", "is_active"]
    list_select_related = ["province"]


@admin.register(Subdistrict)
class SubdistrictAdmin(ReadOnlyAreaAdmin):
    list_display = [
        "code",
        "name_th",
        "name_en",
        "district",
        "postal_codes",
        "is_active",
    ]
    list_select_related = ["district"]


class OpeningHoursInline(ReadOnlyInline):
    model = OpeningHours


class CounterInline(ReadOnlyInline):
    model = Counter


@admin.register(Office)
class OfficeAdmin(AuditedModelAdmin):
    office_attribute = "self"
    list_display = ["code", "name_th", "kind", "province", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["province", "district"]
    raw_id_fields = ["parent", "province", "district"]
    inlines = [OpeningHoursInline, CounterInline]
    # Names follow the map: `load_areas` would undo an edit made here.
    readonly_fields = [
        "code",
        "kind",
        "name_th",
        "name_en",
        "parent",
        "province",
        "district",
    ]


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    office_attribute = "office"
    list_display = ["date", "name_th", "name_en", "office"]
    list_filter = [("office", admin.EmptyFieldListFilter)]
    search_fields = ["name_th", "name_en"]
    raw_id_fields = ["office"]
    date_hierarchy = "date"
