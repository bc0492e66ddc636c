"""HQ registers partners and links their OAuth clients here (or with the
`oidc_client_create` command, which prints a new client's secret once). Changes are
audited like every other admin change."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from saduak.audit.admin_audit import AuditedModelAdmin
from saduak.core.admin_helpers import ReadOnlyInline, ReadOnlyModelAdmin
from saduak.identity.models import Partner, PartnerClient
from saduak.identity.oidc.models import PartnerConsent


class PartnerClientInline(ReadOnlyInline):
    model = PartnerClient
    fields = ["application", "client_id"]
    readonly_fields = ["application", "client_id"]

    @admin.display(description=_("client ID"))
    def client_id(self, link: PartnerClient) -> str:
        return str(link.application.client_id)


@admin.register(Partner)
class PartnerAdmin(AuditedModelAdmin):
    list_display = [
        "name_th",
        "name_en",
        "kind",
        "allowed_scopes",
        "requires_second_factor",
        "may_check_identity",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "requires_second_factor", "may_check_identity"]
    search_fields = ["name_th", "name_en"]
    inlines = [PartnerClientInline]


@admin.register(PartnerClient)
class PartnerClientAdmin(AuditedModelAdmin):
    list_display = ["partner", "application", "client_id"]
    list_select_related = ["partner", "application"]
    raw_id_fields = ["application"]
    search_fields = ["partner__name_th", "partner__name_en", "application__client_id"]

    @admin.display(description=_("client ID"))
    def client_id(self, link: PartnerClient) -> str:
        return str(link.application.client_id)


@admin.register(PartnerConsent)
class PartnerConsentAdmin(ReadOnlyModelAdmin):
    """Citizens give and withdraw consent themselves; HQ may only look."""

    list_display = ["partner", "scopes", "granted_at", "revoked_at"]
    list_select_related = ["partner"]
    list_filter = ["partner"]
