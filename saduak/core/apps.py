from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saduak.core"
    label = "core"
