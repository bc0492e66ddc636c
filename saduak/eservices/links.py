"""Addresses of an application's pages, for messages that leave the site."""

from django.urls import reverse

from saduak.core.links import absolute_url
from saduak.eservices.models import Application


def tracking_url(application: Application) -> str:
    """The applicant's tracking page, absolute (for SMS, LINE and e-mail)."""
    return absolute_url(reverse("eservices:application", args=[application.reference]))
