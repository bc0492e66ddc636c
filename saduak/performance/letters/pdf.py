"""A directive's official letter as PDF (core/pdf.py), laid out by the
Saraban rules: an external letter (หนังสือภายนอก) or an internal memo
(บันทึกข้อความ), always in Thai (content.py says why)."""

from django.utils import translation

from saduak.core.pdf import pdf_from_template
from saduak.performance.letters.content import letter_content
from saduak.performance.models import Directive

TEMPLATE = "performance/letters/letter_pdf.html"


def directive_letter_pdf(*, directive: Directive) -> bytes:
    """The letter of `directive` (a draft prints with a watermark and no
    number). InvalidInput when the issuer has no letterhead."""
    letter = letter_content(directive=directive)
    with translation.override("th"):
        return pdf_from_template(TEMPLATE, {"letter": letter})
