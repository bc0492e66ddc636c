"""Links to a complaint in messages that leave the site (SMS, LINE, e-mail)."""

from django.urls import reverse

from saduak.core.links import absolute_url


def tracking_url(token: str) -> str:
    """The complainant's tracking link (the secret token is the key)."""
    return absolute_url(reverse("complaints:track", kwargs={"token": token}))


def staff_url(reference: str) -> str:
    """The complaint's page for staff."""
    return absolute_url(reverse("complaints-staff:complaint", args=[reference]))
