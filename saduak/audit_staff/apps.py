from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditStaffConfig(AppConfig):
    """Reading the audit log: the staff page and the API, filtered by the
    reader's role and reach. It sits above accounts; the audit record itself
    (audit: writing, chaining, verifying) sits below every app that writes to it.
    URL names keep the `audit` namespace."""

    name = "saduak.audit_staff"
    label = "audit_staff"
    verbose_name = _("Audit log (staff)")
