from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "saduak.feedback"
    verbose_name = _("Amphoe Sang Suk happiness vote")
