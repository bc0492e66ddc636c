"""Links to a complaint in messages that leave the site (SMS, LINE, e-mail).

The citizen pages (citizen_urls.py) name the tracking page `complaints:track`
with the argument `token`; the staff pages (staff_urls.py) name a complaint's
page `complaints-staff:detail` with the argument `reference`. Until those
URL modules are mounted the links are the same paths built by hand, so a
message written meanwhile still leads to the right page once they are."""

from django.urls import NoReverseMatch, reverse

from saduak.core.links import absolute_url


def _path(name: str, argument: str, value: str, fallback: str) -> str:
    try:
        return reverse(name, kwargs={argument: value})
    except NoReverseMatch:
        return fallback


def tracking_url(token: str) -> str:
    """The complainant's tracking link (the secret token is the key)."""
    return absolute_url(
        _path("complaints:track", "token", token, f"/complaints/track/{token}/")
    )


def staff_url(reference: str) -> str:
    """The complaint's page for staff."""
    return absolute_url(
        _path(
            "complaints-staff:detail",
            "reference",
            reference,
            f"/staff/complaints/{reference}/",
        )
    )
