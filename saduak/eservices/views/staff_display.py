"""How an application's answers and documents read on the officers' pages."""

from typing import Any
from uuid import UUID

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from saduak.eservices.models import Application
from saduak.forms_engine.definition import definition_of
from saduak.forms_engine.render import summary_sections

DOWNLOAD_URL_NAMES = (
    "eservices:documents:attachment-download",
    "documents:attachment-download",
    "eservices-documents:attachment-download",
)


def answer_sections(application: Application) -> list[dict[str, Any]]:
    """[{"title", "rows": [(label, text or list of lines)]}] for every section
    with answers, as the form engine writes them for people (B.E. dates,
    choice labels, amounts, file names)."""
    sections = summary_sections(
        definition_of(application.version),
        application.answers or {},
        application.attachments.all(),
    )
    return [
        {
            "title": section.title,
            "rows": [
                (row.label, row.value, isinstance(row.value, list))
                for row in section.rows
            ],
        }
        for section in sections
        if section.rows
    ]


def download_url(public_id: UUID) -> str:
    for name in DOWNLOAD_URL_NAMES:
        try:
            return reverse(name, args=[public_id])
        except NoReverseMatch:
            continue
    return ""


def document_rows(application: Application) -> list[dict[str, Any]]:
    """The documents of the application, with the form field's label."""
    form = definition_of(application.version)
    labels = {item.key: item.label_text for item in form.fields}
    labels.setdefault("home_visit", _("Home visit photo"))
    return [
        {
            "attachment": attachment,
            "field": labels.get(attachment.field_key, attachment.field_key),
            "url": download_url(attachment.public_id),
            "size_kb": max(1, round(attachment.size / 1024)),
        }
        for attachment in application.attachments.filter(
            removed_at__isnull=True
        ).order_by("uploaded_at", "pk")
    ]
