from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo's data (`manage.py seed_demo`). It sits above every other app
    because it fills them all: accounts first, then each service app's own demo
    module (appointments/demo.py, eservices/demo.py, identity/demo.py)."""

    name = "saduak.demo"
    label = "demo"
    verbose_name = _("Demo data")
