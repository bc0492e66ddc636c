from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "saduak.social"
    verbose_name = _("Social Match")

    def ready(self) -> None:
        from saduak.social import (
            case_tasks,  # noqa: F401  (not a tasks.py: registers its task)
            notices,  # noqa: F401  (registers templates)
        )
