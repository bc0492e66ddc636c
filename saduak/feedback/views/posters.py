"""Downloads of an office's QR code, poster and counter cards."""

from django.http import Http404, HttpRequest, HttpResponse

from saduak.feedback import posters
from saduak.feedback.selectors.offices import office_for_vote

QR_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def qr_code(request: HttpRequest, code: str, file_format: str) -> HttpResponse:
    if file_format not in QR_TYPES:
        raise Http404
    office = office_for_vote(code)
    counter = request.GET.get("counter", "")
    number = int(counter) if counter.isdigit() and len(counter) < 5 else None
    content = posters.qr_file(posters.vote_url(office, number), file_format=file_format)
    suffix = f"-{number}" if number else ""
    return _download(
        content, QR_TYPES[file_format], f"qr-{office.code}{suffix}.{file_format}"
    )


def poster_pdf(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for_vote(code)
    return _download(
        posters.poster_pdf(office), "application/pdf", f"poster-{office.code}.pdf"
    )


def counter_cards_pdf(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for_vote(code)
    return _download(
        posters.counter_cards_pdf(office),
        "application/pdf",
        f"counter-cards-{office.code}.pdf",
    )
