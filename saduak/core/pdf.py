"""PDFs from templates with WeasyPrint, in the Sarabun font the pages use. Every
PDF the product makes comes from `pdf_from_template`; its template includes
partials/pdf_fonts.html.

The fonts are Sarabun's complete TrueType files (npm @expo-google-fonts/sarabun),
one file per weight and style holding the Thai and the Latin glyphs together.
The web font's Thai and Latin subsets, declared as one family, made WeasyPrint
embed one subset and draw Latin letters and digits from the Thai table's glyph
numbers: the poster's address and the personal ID printed as strings of Thai
marks."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONTS = settings.NODE_MODULES / "@expo-google-fonts" / "sarabun"


def pdf_from_template(template: str, context: Mapping[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: it needs Pango, which pages do not

    html = render_to_string(template, {**context, "fonts": FONTS.as_uri()})
    return bytes(HTML(string=with_sara_am_spelt_out(html)).write_pdf())


# Sara am (ำ) is drawn as nikhahit and sara aa (ํ + า). WeasyPrint maps each
# drawn glyph to one text for copying and searching; the sara aa glyph first
# met inside an ำ was then read back as ำ everywhere, every า of the document
# included (สร้าง extracted as สร้ำง). Spelt out as the two characters, each
# glyph reads back as itself; the compatibility form (NFKC) of ำ is exactly
# these two, so search and screen readers treat them alike. The page looks the
# same.
SARA_AM, SPELT_OUT = "\u0e33", "\u0e4d\u0e32"


def with_sara_am_spelt_out(html: str) -> str:
    return html.replace(SARA_AM, SPELT_OUT)
