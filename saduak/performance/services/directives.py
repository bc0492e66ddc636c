"""Directives (หนังสือสั่งการ, docs/performance-collection.md): the official
letter that carries a report request, written as a draft by HQ or a
province, numbered from the issuer's letter register when sent, and sent
down the map through the shared mechanism (services/collection.py). Also
each issuing office's letterhead and a directive's attached files.

Every service here needs `directive.issue` over the issuing office (HQ's
office, or a province's `pao-XX`)."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.accounts.models import StaffRole, User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.core.thai import arabic_digits, fiscal_year_of, to_be_year, to_ce_year
from saduak.core.uploads.store import (
    MB,
    delete_stored_on_error,
    encrypted_file_store,
    storage_delete,
)
from saduak.performance.choices import (
    Confidentiality,
    LetterKind,
    RequestKind,
    RequestRoute,
    RequestStatus,
    Urgency,
)
from saduak.performance.models import (
    Directive,
    LetterCounter,
    Letterhead,
    ReportRequest,
    RequestAttachment,
)
from saduak.performance.services import collection

ISSUING_KINDS = frozenset({OfficeKind.HEADQUARTERS, OfficeKind.PROVINCIAL_OFFICE})

ATTACHMENT_TYPES = ["pdf", "jpg", "png", "webp"]
ATTACHMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
ATTACHMENT_MAX_BYTES = 20 * MB
ATTACHMENT_FIELD = "upload"
STORAGE_PREFIX = "performance-directives"

ADDRESSEE_LIMIT = 300
SHORT_TEXT_LIMIT = 2_000
BODY_LIMIT = 20_000
NUMBER_DIGITS = 7

# The directive's own fields a draft's update may change, and the request's.
LETTER_FIELDS = (
    "letter_kind",
    "number",
    "letter_date",
    "urgency",
    "confidentiality",
    "addressee",
    "reference",
    "enclosures",
    "body",
    "signer",
    "thai_digits",
)
REQUEST_FIELDS = (
    "title_th",
    "title_en",
    "instructions",
    "due_on",
    "closes_on",
    "route",
)


# --- Checks shared by the services -----------------------------------------------


def ensure_issuer(issuer: Office) -> None:
    """Refuses an office that does not issue directives: only HQ and the
    provincial offices have a letter register."""
    if issuer.kind not in ISSUING_KINDS or not issuer.is_active:
        raise InvalidInput(
            _("Directives are issued by HQ or a provincial office."), field="issuer"
        )


def _audit(
    *,
    actor: Actor,
    action: str,
    directive: Directive | None = None,
    issuer: Office,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One event at the issuing office (so its province's staff and HQ read it)."""
    audit_record(
        actor=actor,
        action=action,
        target=target if target is not None else directive,
        before=before,
        after=after,
        office=issuer,
    )


def _text(value: Any, field: str, limit: int, *, required: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(required, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": limit}, field=field
        )
    return text


def clean_number(value: Any) -> str:
    """A typed letter number: digits only (Thai or Arabic), stored in Arabic
    digits without leading zeros; '' for none."""
    text = arabic_digits(str(value or "").strip())
    if not text:
        return ""
    if not text.isdigit() or len(text) > NUMBER_DIGITS or int(text) == 0:
        raise InvalidInput(
            _(
                "The number is the letter's running number in digits only (e.g."
                " 1234): the book code and ว are printed before it."
            ),
            field="number",
        )
    return str(int(text))


def _choice(value: Any, choices: Any, field: str) -> str:
    text = str(value or "")
    if text not in choices.values:
        raise InvalidInput(_("Choose one of the options."), field=field)
    return text


def is_staff_of(user: User, office: Office) -> bool:
    """Whether `user` is an active account holding an active role at `office`."""
    return (
        user.is_active
        and StaffRole.objects.filter(user=user, office=office, is_active=True).exists()
    )


def _clean_signer(signer: User | None, issuer: Office) -> User | None:
    if signer is not None and not is_staff_of(signer, issuer):
        raise InvalidInput(
            _("The signer is one of the issuing office's staff."), field="signer"
        )
    return signer


def _clean_letter(changes: dict[str, Any], issuer: Office) -> dict[str, Any]:
    """The directive's own fields among `changes`, checked."""
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "letter_kind":
            cleaned[name] = _choice(value, LetterKind, name)
        elif name == "urgency":
            cleaned[name] = _choice(value, Urgency, name)
        elif name == "confidentiality":
            cleaned[name] = _choice(value, Confidentiality, name)
        elif name == "number":
            cleaned[name] = clean_number(value)
        elif name == "addressee":
            cleaned[name] = _text(
                value,
                name,
                ADDRESSEE_LIMIT,
                required=_("Say to whom the letter is addressed (เรียน)."),
            )
        elif name == "body":
            cleaned[name] = _text(
                value, name, BODY_LIMIT, required=_("Write the letter's body.")
            )
        elif name in ("reference", "enclosures"):
            cleaned[name] = _text(value, name, SHORT_TEXT_LIMIT)
        elif name == "signer":
            cleaned[name] = _clean_signer(value, issuer)
        elif name == "thai_digits":
            cleaned[name] = bool(value)
        elif name == "letter_date":
            if value is not None and not isinstance(value, date):
                raise InvalidInput(_("Give a date."), field=name)
            cleaned[name] = value
    return cleaned


def _clean_offices(
    offices: Iterable[Office], *, issuer: Office, route: str
) -> list[Office]:
    """The offices a directive goes to directly: only with route `direct`,
    active, and inside the issuer's province for a province's directive."""
    chosen = list({office.pk: office for office in offices}.values())
    if not chosen:
        return []
    if route != RequestRoute.DIRECT:
        raise InvalidInput(
            _("Offices are named only when the directive goes directly to them."),
            field="offices",
        )
    inactive = sorted(office.code for office in chosen if not office.is_active)
    if inactive:
        raise InvalidInput(
            _("These offices are closed: %(codes)s.") % {"codes": ", ".join(inactive)},
            field="offices",
        )
    if issuer.kind == OfficeKind.PROVINCIAL_OFFICE:
        outside = sorted(
            office.code for office in chosen if office.province_id != issuer.province_id
        )
        if outside:
            raise InvalidInput(
                _(
                    "A province's directive goes only to offices of the province;"
                    " these are not: %(codes)s."
                )
                % {"codes": ", ".join(outside)},
                field="offices",
            )
    if any(office.kind in ISSUING_KINDS for office in chosen):
        raise InvalidInput(
            _("A directive goes to district-level offices, not to HQ or a province."),
            field="offices",
        )
    return chosen


def _letter_state(directive: Directive) -> dict[str, Any]:
    state = {name: getattr(directive, name) for name in LETTER_FIELDS}
    state["signer"] = directive.signer_id
    return state


def _locked(directive: Directive) -> tuple[Directive, ReportRequest]:
    """The directive and its request read again under row locks; refused
    (`Conflict`) once it has been sent."""
    request = ReportRequest.objects.select_for_update().get(pk=directive.request_id)
    fresh = Directive.objects.select_for_update().get(pk=directive.pk)
    fresh.request = request
    if request.status != RequestStatus.DRAFT:
        raise Conflict(_("A directive is changed only before it is sent."))
    return fresh, request


def _issuer_of(directive: Directive) -> Office:
    return Office.objects.get(pk=directive.request.issuer_id)


# --- Letterhead -------------------------------------------------------------------


@transaction.atomic
def letterhead_save(
    *,
    actor: Actor,
    office: Office,
    book_code: str,
    issuer_name: str,
    address: str,
    owner_unit: str,
    phone: str = "",
    fax: str = "",
    email: str = "",
) -> Letterhead:
    """Creates or changes the letterhead an issuing office's letters print
    (book code, organisation, address, owner unit, contact lines).
    Permission: DIRECTIVE_ISSUE over the office; HQ or a provincial office
    only. Audit: letterhead.save (before and after)."""
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=office)
    ensure_issuer(office)
    values = {
        "book_code": _text(
            book_code,
            "book_code",
            40,
            required=_("Give the book code (e.g. มท 0309.2)."),
        ),
        "issuer_name": _text(
            issuer_name,
            "issuer_name",
            200,
            required=_("Give the organisation's name."),
        ),
        "address": _text(
            address, "address", 1000, required=_("Give the organisation's address.")
        ),
        "owner_unit": _text(
            owner_unit,
            "owner_unit",
            200,
            required=_("Give the unit that owns the matter."),
        ),
        "phone": _text(phone, "phone", 60),
        "fax": _text(fax, "fax", 60),
        "email": _text(email, "email", 254),
    }
    if values["email"]:
        try:
            EmailValidator()(values["email"])
        except ValidationError:
            raise InvalidInput(
                _("Give a valid e-mail address."), field="email"
            ) from None
    letterhead = Letterhead.objects.select_for_update().filter(office=office).first()
    if letterhead is None:
        letterhead = Letterhead.objects.create(office=office, **values)
        before = None
    else:
        before = {name: getattr(letterhead, name) for name in values}
        if before == values:
            return letterhead
        for name, value in values.items():
            setattr(letterhead, name, value)
        letterhead.save(update_fields=[*values, "updated_at"])
    audit_record(
        actor=actor,
        action="letterhead.save",
        target=letterhead,
        before=before,
        after=values,
        office=office,
    )
    return letterhead


# --- Writing a directive -------------------------------------------------------


def directive_create(
    *,
    actor: Actor,
    issuer: Office,
    title_th: str,
    due_on: date,
    addressee: str,
    body: str,
    title_en: str = "",
    instructions: str = "",
    closes_on: date | None = None,
    route: str = RequestRoute.THROUGH_PROVINCES,
    offices: Sequence[Office] = (),
    letter_kind: str = LetterKind.EXTERNAL,
    number: str = "",
    letter_date: date | None = None,
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NORMAL,
    reference: str = "",
    enclosures: str = "",
    signer: User | None = None,
    thai_digits: bool = True,
) -> Directive:
    """Writes a draft directive: its report request (kind directive, through
    `collection.request_create`, which checks the subject and deadlines) and
    its letter, in one transaction. `offices` are those a `direct` directive
    goes to. The number, when typed, is checked again when it is sent.
    Permission: DIRECTIVE_ISSUE over `issuer` (HQ or a provincial office).
    Audit: report_request.create (collection) and directive.create."""
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=issuer)
    ensure_issuer(issuer)
    route = _choice(route, RequestRoute, "route")
    letter = _clean_letter(
        {
            "letter_kind": letter_kind,
            "number": number,
            "letter_date": letter_date,
            "urgency": urgency,
            "confidentiality": confidentiality,
            "addressee": addressee,
            "reference": reference,
            "enclosures": enclosures,
            "body": body,
            "signer": signer,
            "thai_digits": thai_digits,
        },
        issuer,
    )
    chosen = _clean_offices(offices, issuer=issuer, route=route)
    with transaction.atomic():
        request = collection.request_create(
            actor=actor,
            issuer=issuer,
            kind=RequestKind.DIRECTIVE,
            fiscal_year=fiscal_year_of(timezone.localdate()).be_year,
            title_th=title_th,
            title_en=title_en,
            instructions=instructions,
            due_on=due_on,
            closes_on=closes_on,
            route=route,
        )
        directive = Directive.objects.create(request=request, **letter)
        if chosen:
            directive.addressed_offices.set(chosen)
        after = _letter_state(directive)
        after["offices"] = sorted(office.code for office in chosen)
        _audit(
            actor=actor,
            action="directive.create",
            directive=directive,
            issuer=issuer,
            after=after,
        )
    return directive


def directive_update(
    *,
    actor: Actor,
    directive: Directive,
    offices: Sequence[Office] | None = None,
    **changes: Any,
) -> Directive:
    """Changes a draft directive: the letter's fields (LETTER_FIELDS) here,
    the request's (REQUEST_FIELDS) through `collection.request_update`, and
    the offices a direct directive goes to (`offices`, None to keep them).
    Refused once sent (`Conflict`). Permission: DIRECTIVE_ISSUE over the
    issuer. Audit: directive.update (the letter's changed fields and the
    offices; the request's own event is report_request.update)."""
    issuer = _issuer_of(directive)
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=issuer)
    unknown = set(changes) - set(LETTER_FIELDS) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"directive_update got unknown fields: {sorted(unknown)}")
    letter = _clean_letter(
        {name: value for name, value in changes.items() if name in LETTER_FIELDS},
        issuer,
    )
    request_changes = {
        name: value for name, value in changes.items() if name in REQUEST_FIELDS
    }
    with transaction.atomic():
        directive, request = _locked(directive)
        route = request_changes.get("route", request.route)
        route = _choice(route, RequestRoute, "route")
        current = list(directive.addressed_offices.order_by("code"))
        if offices is None:
            offices = current if route == RequestRoute.DIRECT else []
        chosen = _clean_offices(offices, issuer=issuer, route=route)
        before = _letter_state(directive)
        for name, value in letter.items():
            setattr(directive, name, value)
        after = _letter_state(directive)
        changed = [name for name in LETTER_FIELDS if before[name] != after[name]]
        old_codes = [office.code for office in current]
        new_codes = sorted(office.code for office in chosen)
        if any(
            getattr(request, name) != value for name, value in request_changes.items()
        ):
            request = collection.request_update(
                actor=actor, request=request, **request_changes
            )
            directive.request = request
        if changed:
            directive.save(
                update_fields=[
                    "signer" if name == "signer" else name for name in changed
                ]
                + ["updated_at"]
            )
        if new_codes != old_codes:
            directive.addressed_offices.set(chosen)
        if changed or new_codes != old_codes:
            before_event = {name: before[name] for name in changed}
            after_event = {name: after[name] for name in changed}
            if new_codes != old_codes:
                before_event["offices"] = old_codes
                after_event["offices"] = new_codes
            _audit(
                actor=actor,
                action="directive.update",
                directive=directive,
                issuer=issuer,
                before=before_event,
                after=after_event,
            )
    return directive


# --- Attachments ------------------------------------------------------------------


def directive_attachment_add(
    *, actor: Actor, directive: Directive, upload: UploadedFile, description: str = ""
) -> RequestAttachment:
    """Stores a file sent with a draft directive (an enclosure): a PDF, JPEG,
    PNG or WebP by its content, at most 20 MB, stored encrypted through
    core/uploads. Refused on "upload" otherwise, and once sent.
    Permission: DIRECTIVE_ISSUE over the issuer. Audit: directive.attachment_add
    (name, type, size, SHA-256)."""
    issuer = _issuer_of(directive)
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=issuer)
    description = _text(description, "description", 300)
    with delete_stored_on_error(), transaction.atomic():
        directive, request = _locked(directive)
        stored = encrypted_file_store(
            upload,
            allowed_types=ATTACHMENT_TYPES,
            max_bytes=ATTACHMENT_MAX_BYTES,
            field=ATTACHMENT_FIELD,
            prefix=STORAGE_PREFIX,
        )
        attachment = RequestAttachment.objects.create(
            request=request,
            description=description,
            uploaded_by=actor if isinstance(actor, User) else None,
            uploaded_at=timezone.now(),
            **stored.fields(),
        )
        _audit(
            actor=actor,
            action="directive.attachment_add",
            issuer=issuer,
            target=attachment,
            after={
                "directive": str(request.public_id),
                "name": attachment.original_name,
                "type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "description": description,
            },
        )
    return attachment


def directive_attachment_remove(*, actor: Actor, attachment: RequestAttachment) -> None:
    """Removes a file from a draft directive; the stored object is deleted
    after commit. Refused once sent. Permission: DIRECTIVE_ISSUE over the
    issuer. Audit: directive.attachment_remove."""
    directive = Directive.objects.get(request_id=attachment.request_id)
    issuer = _issuer_of(directive)
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=issuer)
    with transaction.atomic():
        _directive, request = _locked(directive)
        storage_name = attachment.storage_name
        _audit(
            actor=actor,
            action="directive.attachment_remove",
            issuer=issuer,
            target=attachment,
            before={
                "directive": str(request.public_id),
                "name": attachment.original_name,
                "sha256": attachment.sha256,
                "description": attachment.description,
            },
        )
        attachment.delete()
        transaction.on_commit(lambda: storage_delete(storage_name), robust=True)


# --- Sending ----------------------------------------------------------------------


def _number_taken(
    issuer: Office, year_be: int, number: str, directive: Directive
) -> bool:
    """Whether a sent directive of `issuer` dated in `year_be` has `number`."""
    ce_year = to_ce_year(year_be)
    return (
        Directive.objects.filter(
            request__issuer=issuer,
            number=number,
            letter_date__year=ce_year,
        )
        .exclude(request__status=RequestStatus.DRAFT)
        .exclude(pk=directive.pk)
        .exists()
    )


def _counter_locked(issuer: Office, year_be: int) -> LetterCounter:
    """The issuer's register for the year, under a row lock (made on first
    use; a concurrent first use loses the insert race and reads the row)."""
    LetterCounter.objects.get_or_create(office=issuer, year=year_be)
    return LetterCounter.objects.select_for_update().get(office=issuer, year=year_be)


def directive_send(*, actor: Actor, directive: Directive) -> Directive:
    """Numbers, dates and signs a draft directive, then sends its request
    down the map (`collection.request_send`: through the provinces, or
    directly to the offices it names; a province's to its district offices
    or the offices named). Refused without the issuer's letterhead, without a
    signer who is staff of the issuing office, when the signer's account has
    no position, with a letter date after today, and with a typed number a
    sent directive of the issuer already has that year. Without a typed
    number it takes the next free one of the issuer's register for the
    letter date's B.E. year (LetterCounter under `select_for_update`, which
    also serialises the check of a typed number). The letter date is today
    when empty; the signer's name and position are recorded from the
    account. Everything rolls back when `request_send` refuses.
    Permission: DIRECTIVE_ISSUE over the issuer. Audit: directive.send (and
    report_request.send from collection)."""
    issuer = _issuer_of(directive)
    ensure_may(actor, Action.DIRECTIVE_ISSUE, office=issuer)
    with transaction.atomic():
        directive, request = _locked(directive)
        if not Letterhead.objects.filter(office=issuer).exists():
            raise Conflict(
                _(
                    "%(office)s has no letterhead yet: set its book code, address and"
                    " contact lines on the letterhead page (Directives › Letterhead)"
                    " before sending."
                )
                % {"office": issuer.name}
            )
        signer = directive.signer
        if signer is None:
            raise InvalidInput(_("Choose who signs the letter."), field="signer")
        if not is_staff_of(signer, issuer):
            raise InvalidInput(
                _("The signer is one of the issuing office's staff."), field="signer"
            )
        position = (signer.position or "").strip()
        if not position:
            raise InvalidInput(
                _(
                    "%(name)s's account has no position: the letter prints the"
                    " signer's position, so they add it on their account page"
                    " first."
                )
                % {"name": signer.full_name},
                field="signer",
            )
        today = timezone.localdate()
        letter_date = directive.letter_date or today
        if letter_date > today:
            raise InvalidInput(
                _("The letter's date cannot be after the day it is sent."),
                field="letter_date",
            )
        year_be = to_be_year(letter_date.year)
        counter = _counter_locked(issuer, year_be)
        typed = bool(directive.number)
        if typed:
            if _number_taken(issuer, year_be, directive.number, directive):
                raise InvalidInput(
                    _(
                        "Number %(number)s of %(year)s is already on another letter"
                        " of %(office)s: leave the number empty to take the next"
                        " one."
                    )
                    % {
                        "number": directive.number,
                        "year": year_be,
                        "office": issuer.name,
                    },
                    field="number",
                )
            number = directive.number
        else:
            next_number = counter.last_number + 1
            while _number_taken(issuer, year_be, str(next_number), directive):
                next_number += 1
            counter.last_number = next_number
            counter.save(update_fields=["last_number"])
            number = str(next_number)
        offices: list[Office] | None = None
        if request.route == RequestRoute.DIRECT:
            offices = list(directive.addressed_offices.all())
            if not offices and issuer.kind == OfficeKind.HEADQUARTERS:
                raise InvalidInput(
                    _(
                        "Name the offices the directive goes to, or send it through"
                        " the provinces."
                    ),
                    field="offices",
                )
        directive.number = number
        directive.letter_date = letter_date
        directive.signer_name = signer.full_name
        directive.signer_position = position
        directive.save(
            update_fields=[
                "number",
                "letter_date",
                "signer_name",
                "signer_position",
                "updated_at",
            ]
        )
        request = collection.request_send(
            actor=actor, request=request, offices=offices or None
        )
        directive.request = request
        _audit(
            actor=actor,
            action="directive.send",
            directive=directive,
            issuer=issuer,
            before={"status": RequestStatus.DRAFT},
            after={
                "status": request.status,
                "number": number,
                "number_typed": typed,
                "year": year_be,
                "letter_date": letter_date,
                "signer": signer.pk,
                "signer_name": directive.signer_name,
                "signer_position": position,
                "offices": len(offices) if offices else None,
            },
        )
    return directive
