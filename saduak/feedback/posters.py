"""What offices print: the permanent vote address of an office (and of each of its
counters) as a QR code, an A4 poster and tabletop cards."""

import io

import segno
from django.conf import settings
from django.urls import reverse

from saduak.areas.models import Counter, Office
from saduak.core.links import absolute_url
from saduak.core.pdf import pdf_from_template


def vote_url(office: Office, counter: int | None = None) -> str:
    """The short address on the QR code. Always the Thai (default) address: the
    page offers English from there."""
    if counter is None:
        return absolute_url(reverse("feedback:vote", args=[office.code]))
    return absolute_url(reverse("feedback:vote-counter", args=[office.code, counter]))


def qr_svg_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=10, border=2))


def qr_file(url: str, *, file_format: str) -> bytes:
    """The QR code as PNG (for printing shops) or SVG (for designers)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind=file_format, scale=20, border=4)
    return buffer.getvalue()


def poster_pdf(office: Office) -> bytes:
    url = vote_url(office)
    return pdf_from_template(
        "feedback/poster_pdf.html",
        {
            "office": office,
            "url": url,
            "qr": qr_svg_data_uri(url),
            "line_account": settings.LINE_OFFICIAL_ACCOUNT,
        },
    )


def counter_cards_pdf(office: Office) -> bytes:
    """One tabletop card per active counter, four to an A4 page."""
    counters = Counter.objects.filter(office=office, is_active=True).order_by("number")
    cards = [
        {
            "counter": counter,
            "url": vote_url(office, counter.number),
            "qr": qr_svg_data_uri(vote_url(office, counter.number)),
        }
        for counter in counters
    ]
    return pdf_from_template(
        "feedback/counter_cards_pdf.html",
        {
            "office": office,
            "cards": cards,
            "line_account": settings.LINE_OFFICIAL_ACCOUNT,
        },
    )
