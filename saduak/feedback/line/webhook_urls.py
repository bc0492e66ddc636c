"""Called by LINE's servers, so outside the language prefixes (config/urls.py)."""

from django.urls import path

from saduak.feedback.line import webhook

app_name = "line-webhook"
urlpatterns = [
    path("webhook", webhook.webhook, name="webhook"),
]
