from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "saduak.feedback"
    verbose_name = _("Amphoe Sang Suk happiness vote")

    def ready(self) -> None:
        # The alert's message template is registered where the alert is raised;
        # importing it here makes it known before any notification is rendered.
        from saduak.feedback import kpi_sources
        from saduak.feedback.services import alerts  # noqa: F401

        kpi_sources.register()
