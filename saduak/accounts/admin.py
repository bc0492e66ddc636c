from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from saduak.accounts.models import ApiToken, StaffRole, User
from saduak.audit.admin_audit import AuditedModelAdmin
from saduak.core.admin_helpers import ReadOnlyInline


class StaffRoleInline(ReadOnlyInline):
    """Roles are granted with `manage.py grant_role`, which checks the office kind
    and audits."""

    model = StaffRole
    fk_name = "user"
    fields = ("role", "office", "is_active", "granted_by", "created_at")
    readonly_fields = ("role", "office", "is_active", "granted_by", "created_at")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ["personal_id"]
    list_display = ["personal_id", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["personal_id", "first_name", "last_name", "email", "phone"]
    list_filter = ["is_active", "is_staff", "preferred_language"]
    fieldsets = (
        (None, {"fields": ("personal_id", "password")}),
        (
            _("Person"),
            {"fields": ("first_name", "last_name", "phone", "email", "line_user_id")},
        ),
        (_("Preferences"), {"fields": ("preferred_language",)}),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "personal_id",
                    "first_name",
                    "last_name",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    inlines = [StaffRoleInline]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = [
        "name",
        "user",
        "key_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["key_hash", "key_prefix", "last_used_at", "created_at"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Tokens are made by `manage.py api_token_create`, which shows the token once.
        return False
