from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config.api import api
from saduak.core import views as core_views
from saduak.identity.oidc import views as oidc_views

handler400 = "saduak.core.views.bad_request"
handler403 = "saduak.core.views.permission_denied"
handler404 = "saduak.core.views.page_not_found"
handler500 = "saduak.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/ping", core_views.ping, name="healthz-ping"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Called by the SMS gateway, so outside the language prefixes.
    path("notifications/", include("saduak.notifications.urls")),
    path("o/", include("saduak.identity.oidc.urls")),
    # RFC 8414 section 3.1: the metadata of the issuer .../o at its standard address.
    path(
        ".well-known/oauth-authorization-server/o",
        oidc_views.AuthorizationServerMetadataView.as_view(),
        name="oauth-server-metadata-root",
    ),
    # Called by LINE's servers, so outside the language prefixes.
    path("line/", include("saduak.feedback.line.webhook_urls")),
    # Open311 GeoReport v2 for partner agencies: the language follows Accept-Language.
    path("open311/v2/", include("saduak.complaints.open311.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("saduak.core.urls")),
    path("accounts/", include("saduak.identity.sign_in_urls")),
    path("staff/", include("saduak.areas_staff.urls")),
    path("staff/audit/", include("saduak.audit_staff.urls")),
    path("", include("saduak.identity.urls")),
    path("", include("saduak.identity.oidc.page_urls")),
    path("", include("saduak.appointments.urls")),
    path("", include("saduak.feedback.urls")),
    path("", include("saduak.feedback.line.urls")),
    path("staff/happiness/", include("saduak.feedback.staff_urls")),
    path("staff/eservices/builder/", include("saduak.eservices.builder_urls")),
    path("staff/eservices/payments/", include("saduak.eservices.payment_urls")),
    path("staff/eservices/reports/", include("saduak.eservices.report_urls")),
    path("staff/eservices/", include("saduak.eservices.staff_urls")),
    path("staff/performance/results/", include("saduak.performance.results_urls")),
    path("staff/performance/imports/", include("saduak.performance.import_urls")),
    path("staff/performance/reports/", include("saduak.performance.report_urls")),
    path(
        "staff/performance/directives/",
        include("saduak.performance.directive_urls"),
    ),
    path("staff/performance/inbox/", include("saduak.performance.inbox_urls")),
    path("staff/performance/gecc/", include("saduak.performance.gecc_urls")),
    path("staff/performance/forms/", include("saduak.performance.form_urls")),
    path(
        "staff/performance/files/",
        include("saduak.performance.collection_files_urls"),
    ),
    path("staff/performance/", include("saduak.performance.setup_urls")),
    path("staff/social/sources/", include("saduak.social.source_urls")),
    path("staff/social/rules/", include("saduak.social.rule_urls")),
    path("staff/social/cases/", include("saduak.social.case_urls")),
    path("staff/social/", include("saduak.social.targeting_urls")),
    path("staff/complaints/reports/", include("saduak.complaints.report_urls")),
    path("staff/complaints/", include("saduak.complaints.staff_urls")),
    path("eservices/documents/", include("saduak.eservices.document_urls")),
    path("complaints/documents/", include("saduak.complaints.document_urls")),
    path("complaints/figures/", include("saduak.complaints.public_urls")),
    path("", include("saduak.eservices.citizen_urls")),
    path("complaints/", include("saduak.complaints.citizen_urls")),
    prefix_default_language=False,
)
