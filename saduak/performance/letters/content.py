"""What a directive's letter shows, built from the `Directive`, its
`ReportRequest` and the issuing office's `Letterhead`, in the order of the
Saraban rules (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ).

A Thai official letter is written in Thai whatever the reader's page
language: the headings (ที่, เรื่อง, เรียน ...) are the rules' own words, not
translations, and stay Thai on English pages. Every number and date is in Thai
digits when the directive says so (`Directive.thai_digits`), in Arabic digits
otherwise; the date is always in the Buddhist era with the full month name
(๖ ธันวาคม ๒๕๖๙). A draft (not sent yet, so not numbered) prints with an empty
number and a "ร่าง / DRAFT" watermark."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.core.thai import MONTHS_TH_FULL, thai_digits, to_be_year
from saduak.performance.choices import (
    Confidentiality,
    LetterKind,
    RequestStatus,
    Urgency,
)
from saduak.performance.letters.emblem import emblem_data_uri
from saduak.performance.models import Directive, Letterhead

# The stamps, as the rules word them (printed in red).
URGENCY_STAMPS = {
    Urgency.URGENT: "ด่วน",
    Urgency.VERY_URGENT: "ด่วนมาก",
    Urgency.MOST_URGENT: "ด่วนที่สุด",
}
CONFIDENTIALITY_STAMPS = {
    Confidentiality.CONFIDENTIAL: "ลับ",
    Confidentiality.SECRET: "ลับมาก",
    Confidentiality.TOP_SECRET: "ลับที่สุด",
}
# The marker of a circular letter (หนังสือเวียน) before the register number.
CIRCULAR = "ว"
PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")


@dataclass(frozen=True)
class Signer:
    name: str
    position: str


@dataclass(frozen=True)
class LetterContent:
    """The letter as printed, every text already in the chosen digits."""

    kind: str
    is_draft: bool
    emblem: str  # a data: URI
    urgency: str  # the stamp, or ""
    confidentiality: str  # the stamp, or ""
    number: str  # "ที่ มท ๐๓๐๙.๒/ว ๑๒๓๔"; a draft's ends after the ว
    organisation: str
    address_lines: list[str]
    date: str  # "๖ ธันวาคม ๒๕๖๙"; a draft without a date: "ธันวาคม ๒๕๖๙"
    subject: str
    addressee: str
    reference: str
    enclosures: list[str]
    paragraphs: list[str]
    signer: Signer
    owner_unit: str
    phone: str
    fax: str
    email: str  # never in Thai digits: an address is typed as written

    @property
    def is_external(self) -> bool:
        return self.kind == LetterKind.EXTERNAL


def letter_date_text(day: date | None, *, digits: bool) -> str:
    """`6 ธันวาคม 2569`; without a day (a draft), the month and year only."""
    day_part = f"{day.day} " if day is not None else ""
    shown = day or timezone.localdate()
    text = f"{day_part}{MONTHS_TH_FULL[shown.month - 1]} {to_be_year(shown.year)}"
    return thai_digits(text) if digits else text


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by an empty line; a single line break inside
    one is kept (the template keeps it)."""
    found = [part.strip() for part in PARAGRAPH_BREAK.split(text.strip())]
    return [part for part in found if part]


def _enclosures(directive: Directive) -> list[str]:
    """The enclosure lines typed, then every attached file not already named
    by one of them."""
    typed = _lines(directive.enclosures)
    named = " ".join(typed)
    for attachment in directive.request.attachments.order_by("id"):
        name = attachment.description or attachment.original_name
        if name and name not in named and attachment.original_name not in named:
            typed.append(name)
    return typed


def _numbered(lines: list[str], digits: Callable[[str], str]) -> list[str]:
    """Several enclosures are numbered (๑. ... ๒. ...); one is not."""
    if len(lines) < 2:
        return lines
    return [f"{digits(str(number))}. {line}" for number, line in enumerate(lines, 1)]


def _signer(directive: Directive) -> Signer:
    """The name and position recorded at sending; before that (a draft),
    those of the signer's account as they are now."""
    if directive.signer_name:
        return Signer(directive.signer_name, directive.signer_position)
    account = directive.signer
    if account is None:
        return Signer("", "")
    return Signer(account.full_name, account.position)


def letter_content(*, directive: Directive) -> LetterContent:
    """The letter of `directive`. InvalidInput when its issuing office has no
    letterhead yet (the letter has no book code or address to print)."""
    request = directive.request
    letterhead = Letterhead.objects.filter(office_id=request.issuer_id).first()
    if letterhead is None:
        raise InvalidInput(
            _(
                "The issuing office has no letterhead yet: set its book code, "
                "name and address on the directives page (Letterhead) first."
            ),
            code="letterhead-missing",
        )
    is_draft = request.status == RequestStatus.DRAFT or not directive.number
    use_thai = directive.thai_digits

    def digits(text: str) -> str:
        return thai_digits(text) if use_thai else text

    number = f"{letterhead.book_code}/{CIRCULAR} {directive.number}".rstrip()
    signer = _signer(directive)
    return LetterContent(
        kind=directive.letter_kind,
        is_draft=is_draft,
        emblem=emblem_data_uri(),
        urgency=URGENCY_STAMPS.get(directive.urgency, ""),  # type: ignore[call-overload]
        confidentiality=CONFIDENTIALITY_STAMPS.get(directive.confidentiality, ""),  # type: ignore[call-overload]
        number=digits(number),
        organisation=digits(letterhead.issuer_name),
        address_lines=[digits(line) for line in _lines(letterhead.address)],
        date=letter_date_text(directive.letter_date, digits=use_thai),
        subject=digits(request.title_th),
        addressee=digits(directive.addressee),
        reference=digits(directive.reference.strip()),
        enclosures=_numbered([digits(line) for line in _enclosures(directive)], digits),
        paragraphs=[digits(part) for part in _paragraphs(directive.body)],
        signer=Signer(signer.name, digits(signer.position)),
        owner_unit=digits(letterhead.owner_unit),
        phone=digits(letterhead.phone),
        fax=digits(letterhead.fax),
        email=letterhead.email,
    )
