"""Social Match in the admin: the agency list is reference data; the rest is
read-only there (personal data is seen through the staff pages, which record
each view)."""

from django.contrib import admin

from saduak.social.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "is_active"]
    search_fields = ["code", "name_th", "name_en"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
