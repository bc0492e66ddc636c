"""PDFs from templates with WeasyPrint, in the Sarabun font (Thai and Latin) that
the pages use; templates include partials/pdf_fonts.html."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONTS = settings.NODE_MODULES / "@fontsource" / "sarabun" / "files"


def pdf_from_template(template: str, context: Mapping[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: it needs Pango, which pages do not

    html = render_to_string(template, {**context, "fonts": FONTS.as_uri()})
    return bytes(HTML(string=html).write_pdf())
