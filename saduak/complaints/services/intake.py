"""Filing a complaint: by the citizen (web, LINE, a partner over Open311) or
recorded by an officer (1567 hotline, letter, walk-in, referral).

Everything is checked before anything is written; then, in one transaction:
the complaint routed to its holder office with its clock, the FILED or
RECORDED timeline line, the attachments, the audit event, the rollups and
the "complaint.received" message with the reference and tracking link."""

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.areas.models import District, Office, Subdistrict
from saduak.complaints import sql
from saduak.complaints.choices import (
    RECORDED_CHANNELS,
    AttributeDatatype,
    Channel,
    EventKind,
)
from saduak.complaints.links import tracking_url
from saduak.complaints.models import (
    DESCRIPTION_MAX_LENGTH,
    CategoryAttribute,
    Complaint,
    ComplaintCategory,
    Open311Key,
)
from saduak.complaints.notices import COMPLAINT_RECEIVED
from saduak.complaints.report_rollups import report_rollups_move
from saduak.complaints.services.common import (
    audit,
    clock_start,
    event_add,
    hold,
    holder_office,
    notify_complainant,
    snapshot,
)
from saduak.complaints.services.uploads_hook import attachments_store
from saduak.core.errors import InvalidInput
from saduak.core.references import new_reference
from saduak.core.uploads.store import delete_stored_on_error
from saduak.notifications.addresses import clean_address
from saduak.notifications.choices import NotificationChannel

# A second filing with the same fingerprint this soon is a double tap.
DOUBLE_TAP_SECONDS = 60
# Thailand, roughly (decided in docs/complaints.md).
LATITUDE_RANGE = (Decimal("5.5"), Decimal("20.5"))
LONGITUDE_RANGE = (Decimal("97.3"), Decimal("105.7"))
ADDRESS_MAX_LENGTH = 300
NAME_MAX_LENGTH = 200
ANSWER_MAX_LENGTH = 300
CITIZEN_CHANNELS = frozenset({Channel.WEB, Channel.LINE, Channel.OPEN311})
LANGUAGES = ("th", "en")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Where:
    """The location as given: at least one of a subdistrict, a point and an
    address, and always a district (given, or the subdistrict's)."""

    district: District | None = None
    subdistrict: Subdistrict | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str = ""


@dataclass(frozen=True)
class Contact:
    """How to reach someone not signed in, or someone an officer records."""

    name: str = ""
    phone: str = ""
    email: str = ""
    line_user_id: str = ""


@dataclass(frozen=True)
class _Place:
    district: District
    subdistrict: Subdistrict | None
    latitude: Decimal | None
    longitude: Decimal | None
    address: str


# --- Checks (nothing is written before all have passed) -----------------------


def _category(category: ComplaintCategory) -> ComplaintCategory:
    if not category.is_active:
        raise InvalidInput(
            _("The category “%(name)s” is no longer in use. Choose another.")
            % {"name": category.name},
            field="category",
        )
    if category.children.filter(is_active=True).exists():
        raise InvalidInput(
            _("“%(name)s” is a group. Choose one of the categories in it.")
            % {"name": category.name},
            field="category",
        )
    return category


def _coordinate(value: Any, field: str, bounds: tuple[Decimal, Decimal]) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("This is not a number."), field=field) from None
    if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
        raise InvalidInput(
            _("This point is not in Thailand (%(field)s from %(low)s to %(high)s).")
            % {"field": field, "low": bounds[0], "high": bounds[1]},
            field=field,
        )
    return number


def _place(where: Where) -> _Place:
    address = _SPACES.sub(" ", where.address or "").strip()
    if len(address) > ADDRESS_MAX_LENGTH:
        raise InvalidInput(
            _("The address is %(length)s characters long; the limit is %(limit)s.")
            % {"length": len(address), "limit": ADDRESS_MAX_LENGTH},
            field="address",
        )
    if (where.latitude is None) != (where.longitude is None):
        raise InvalidInput(
            _("Give both the latitude and the longitude of the point, or neither."),
            field="location",
        )
    latitude = longitude = None
    if where.latitude is not None and where.longitude is not None:
        latitude = _coordinate(where.latitude, "latitude", LATITUDE_RANGE)
        longitude = _coordinate(where.longitude, "longitude", LONGITUDE_RANGE)
    subdistrict = where.subdistrict
    district = where.district
    if subdistrict is not None:
        if district is not None and subdistrict.district_id != district.code:
            raise InvalidInput(
                _("The subdistrict %(subdistrict)s is not in %(district)s.")
                % {"subdistrict": subdistrict.name, "district": district.name},
                field="subdistrict",
            )
        if district is None:
            district = District.objects.select_related("province").get(
                code=subdistrict.district_id
            )
    if subdistrict is None and latitude is None and not address:
        raise InvalidInput(
            _(
                "Say where it happened: a subdistrict, a point on the map or an address."
            ),
            field="location",
        )
    if district is None:
        raise InvalidInput(
            _("Say in which district it happened."),
            field="location",
        )
    return _Place(district, subdistrict, latitude, longitude, address)


def _description(description: str) -> str:
    text = (description or "").strip()
    if not text:
        raise InvalidInput(_("Say what happened."), field="description")
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            _(
                "The description is %(length)s characters long; write at most "
                "%(limit)s characters."
            )
            % {"length": f"{len(text):,}", "limit": f"{DESCRIPTION_MAX_LENGTH:,}"},
            field="description",
        )
    return text


def _happened_on(happened_on: date | None) -> date | None:
    if happened_on is not None and happened_on > timezone.localdate():
        raise InvalidInput(
            _("The day it happened cannot be in the future."), field="happened_on"
        )
    return happened_on


def _address(channel: str, value: str, field: str) -> str:
    """An optional address of the contact, checked as notifications check it."""
    value = (value or "").strip()
    return clean_address(channel=channel, address=value, field=field) if value else ""


def _contact(contact: Contact, *, required: bool) -> Contact:
    """The contact as stored; someone not signed in must give a Thai mobile
    number or a LINE user id (an e-mail is optional)."""
    name = _SPACES.sub(" ", contact.name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("The name is at most %(limit)s characters.") % {"limit": NAME_MAX_LENGTH},
            field="name",
        )
    phone = _address(NotificationChannel.SMS, contact.phone, "phone")
    email = _address(NotificationChannel.EMAIL, contact.email, "email")
    line_user_id = _address(
        NotificationChannel.LINE, contact.line_user_id, "line_user_id"
    )
    if required and not (phone or line_user_id):
        raise InvalidInput(
            _("Give a mobile number so that we can tell you how it goes."),
            field="phone",
        )
    return Contact(name=name, phone=phone, email=email, line_user_id=line_user_id)


def _answer(attribute: CategoryAttribute, value: Any) -> Any:
    """One answer to a category's question, as stored."""
    field = f"attribute[{attribute.code}]"
    keys = {str(choice.get("key")) for choice in attribute.values or []}
    datatype = attribute.datatype
    if datatype == AttributeDatatype.MULTIVALUELIST:
        chosen = [
            str(item)
            for item in (value if isinstance(value, list | tuple) else [value])
        ]
        unknown = [item for item in chosen if item not in keys]
        if unknown:
            raise InvalidInput(
                _("“%(value)s” is not one of the choices.") % {"value": unknown[0]},
                field=field,
            )
        return chosen
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise InvalidInput(_("Give one answer here."), field=field)
        value = value[0]
    text = str(value).strip()
    if datatype == AttributeDatatype.SINGLEVALUELIST:
        if text not in keys:
            raise InvalidInput(
                _("“%(value)s” is not one of the choices.") % {"value": text},
                field=field,
            )
        return text
    if datatype == AttributeDatatype.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise InvalidInput(_("This is not a number."), field=field) from None
        if not number.is_finite():
            raise InvalidInput(_("This is not a number."), field=field)
        return text
    if datatype == AttributeDatatype.DATETIME:
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise InvalidInput(
                _("This is not a date and time (such as 2026-12-06T09:30:00+07:00)."),
                field=field,
            )
        return text
    limit = (
        DESCRIPTION_MAX_LENGTH
        if datatype == AttributeDatatype.TEXT
        else ANSWER_MAX_LENGTH
    )
    if len(text) > limit:
        raise InvalidInput(
            _("This answer is at most %(limit)s characters.") % {"limit": limit},
            field=field,
        )
    return text


def _answers(
    category: ComplaintCategory, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    attributes = {attribute.code: attribute for attribute in category.attributes.all()}
    given = dict(given or {})
    unknown = sorted(code for code in given if code not in attributes)
    if unknown:
        raise InvalidInput(
            _("The category “%(category)s” asks no question “%(code)s”.")
            % {"category": category.name, "code": unknown[0]},
            field=f"attribute[{unknown[0]}]",
        )
    answers: dict[str, Any] = {}
    for code, attribute in attributes.items():
        value = given.get(code)
        empty = value is None or (
            str(value).strip() == ""
            if not isinstance(value, list | tuple)
            else not value
        )
        if empty:
            if attribute.required:
                raise InvalidInput(
                    _("Answer this question: %(question)s")
                    % {"question": attribute.description},
                    field=f"attribute[{code}]",
                )
            continue
        answers[code] = _answer(attribute, value)
    return answers


def _fingerprint(who: str, category: ComplaintCategory, description: str) -> str:
    text = _SPACES.sub(" ", description).strip().casefold()
    return hashlib.sha256(f"{who}\n{category.code}\n{text}".encode()).hexdigest()


def _double_tap(fingerprint: str, now: datetime) -> Complaint | None:
    return (
        Complaint.objects.filter(
            fingerprint=fingerprint,
            received_at__gte=now - timedelta(seconds=DOUBLE_TAP_SECONDS),
        )
        .order_by("received_at")
        .first()
    )


def _new_reference() -> str:
    while True:
        reference = new_reference()
        if not Complaint.objects.filter(reference=reference).exists():
            return reference


# --- The write ---------------------------------------------------------------


def _store(
    *,
    now: datetime,
    category: ComplaintCategory,
    description: str,
    place: _Place,
    happened_on: date | None,
    contact: Contact,
    citizen: User | None,
    show_name: bool,
    channel: str,
    answers: dict[str, Any],
    language: str,
    fingerprint: str,
    open311_key: Open311Key | None = None,
    recorded_by: User | None = None,
    referral_agency: str = "",
) -> Complaint:
    office = holder_office(category, place.district)
    complaint = Complaint(
        reference=_new_reference(),
        tracking_token=secrets.token_urlsafe(32),
        category=category,
        description=description,
        attribute_answers=answers,
        happened_on=happened_on,
        province_id=place.district.province_id,
        district=place.district,
        subdistrict=place.subdistrict,
        latitude=place.latitude,
        longitude=place.longitude,
        address=place.address,
        complainant=citizen,
        contact_name=contact.name,
        contact_phone=contact.phone,
        contact_email=contact.email,
        line_user_id=contact.line_user_id,
        show_name=show_name,
        language=language,
        channel=channel,
        recorded_by=recorded_by,
        referral_agency=referral_agency,
        open311_key=open311_key,
        fingerprint=fingerprint,
        received_at=now,
    )
    hold(complaint, office)
    clock_start(complaint, timezone.localdate(now))
    complaint.save()
    report_rollups_move(None, complaint)
    return complaint


def _received(complaint: Complaint) -> None:
    notify_complainant(
        complaint,
        template_key=COMPLAINT_RECEIVED.key,
        context={
            "reference": complaint.reference,
            "category": complaint.category.name_th
            if complaint.language == "th"
            else (complaint.category.name_en or complaint.category.name_th),
            "url": tracking_url(complaint.tracking_token),
        },
    )


def complaint_file(
    *,
    citizen: User | None,
    category: ComplaintCategory,
    description: str,
    where: Where,
    happened_on: date | None = None,
    contact: Contact = Contact(),
    show_name: bool = False,
    channel: Channel = Channel.WEB,
    attribute_answers: Mapping[str, Any] | None = None,
    uploads: Sequence[UploadedFile] = (),
    language: str = "th",
    open311_key: Open311Key | None = None,
) -> Complaint:
    """Files a complaint from the web, LINE or a partner's system (Open311).

    `citizen` is the signed-in person, or None: then `contact` must give a Thai
    mobile number or a LINE user id, except over Open311, where the partner's
    system answers for the complaint and every contact is optional. Over
    Open311 the partner's `open311_key` is required. Checks everything first
    (InvalidInput naming the field:
    category, description, location, subdistrict, latitude, longitude,
    address, happened_on, phone, email, line_user_id, attribute[code],
    uploads). The same person filing the same text in the same category
    within a minute (a double tap) gets the first complaint back: no second
    row, no second message. Locks: the fingerprint (sql.fingerprint_lock).
    Writes the complaint (routed, clock set), the FILED line, the
    attachments, audit "complaint.file", the rollups, and tells the
    complainant "complaint.received" (reference and tracking link)."""
    if channel not in CITIZEN_CHANNELS:
        raise InvalidInput(
            _("Complaints by this channel are recorded by an officer."),
            field="channel",
        )
    if channel == Channel.OPEN311 and open311_key is None:
        raise InvalidInput(_("A partner's key is required."), field="api_key")
    if citizen is not None and not citizen.is_authenticated:
        citizen = None
    category = _category(category)
    text = _description(description)
    place = _place(where)
    happened = _happened_on(happened_on)
    # A partner agency's system answers for its complaint: the spec makes the
    # complainant's contact optional there (they are told only if they gave one).
    cleaned = _contact(contact, required=citizen is None and open311_key is None)
    answers = _answers(category, attribute_answers)
    language = language if language in LANGUAGES else "th"
    if citizen is not None:
        who = f"user:{citizen.pk}"
    elif open311_key is not None:
        who = f"open311:{open311_key.pk}:{cleaned.phone}:{cleaned.email}"
    elif cleaned.phone:
        who = f"phone:{cleaned.phone}"
    else:
        who = f"line:{cleaned.line_user_id}"
    fingerprint = _fingerprint(who, category, text)
    if citizen is not None:
        by: Any = citizen
        label = ""
    elif open311_key is not None:
        by = f"open311:{open311_key.key_prefix}"
        label = by
    else:
        by = f"public:{channel}"
        label = "complainant"
    with delete_stored_on_error(), transaction.atomic():
        sql.fingerprint_lock(fingerprint)
        now = timezone.now()
        earlier = _double_tap(fingerprint, now)
        if earlier is not None:
            return earlier
        complaint = _store(
            now=now,
            category=category,
            description=text,
            place=place,
            happened_on=happened,
            contact=cleaned,
            citizen=citizen,
            show_name=show_name,
            channel=channel,
            answers=answers,
            language=language,
            fingerprint=fingerprint,
            open311_key=open311_key,
        )
        event = event_add(complaint, EventKind.FILED, by=by, label=label, at=now)
        attachments_store(
            complaint=complaint, event=event, uploads=uploads, uploaded_by=citizen
        )
        audit(
            complaint,
            by=by,
            action="complaint.file",
            after={
                **snapshot(complaint),
                "category": category.code,
                "channel": channel,
                "signed_in": citizen is not None,
            },
        )
        _received(complaint)
    return complaint


def complaint_record_for_citizen(
    *,
    officer: User,
    office: Office,
    channel: Channel,
    category: ComplaintCategory,
    description: str,
    where: Where,
    happened_on: date | None = None,
    contact: Contact = Contact(),
    citizen: User | None = None,
    show_name: bool = False,
    referral_agency: str = "",
    attribute_answers: Mapping[str, Any] | None = None,
    uploads: Sequence[UploadedFile] = (),
    language: str = "th",
) -> Complaint:
    """Records a complaint that came by the 1567 hotline, a letter, a walk-in
    or another agency's referral (`referral_agency` required then), at
    `office` (where the officer works; the complaint is routed by where it
    happened, as any other). The complainant is `citizen` (their digital ID)
    or `contact` (any of a phone, a LINE id, an e-mail, or none: a letter may
    give only a postal address). Permission: COMPLAINT_RECORD_FOR_CITIZEN at
    `office`. Same checks and double-tap rule as `complaint_file`. Writes the
    RECORDED line, audit "complaint.record", the rollups; tells the
    complainant "complaint.received" when they can be reached."""
    ensure_may(officer, Action.COMPLAINT_RECORD_FOR_CITIZEN, office=office)
    if channel not in RECORDED_CHANNELS:
        raise InvalidInput(
            _("Choose how the complaint came: hotline, letter, walk-in or referral."),
            field="channel",
        )
    agency = _SPACES.sub(" ", referral_agency or "").strip()
    if channel == Channel.REFERRAL and not agency:
        raise InvalidInput(
            _("Name the agency that referred the complaint."), field="referral_agency"
        )
    if len(agency) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("The agency's name is at most %(limit)s characters.")
            % {"limit": NAME_MAX_LENGTH},
            field="referral_agency",
        )
    category = _category(category)
    text = _description(description)
    place = _place(where)
    happened = _happened_on(happened_on)
    cleaned = _contact(contact, required=False)
    answers = _answers(category, attribute_answers)
    language = language if language in LANGUAGES else "th"
    if citizen is not None:
        who = f"user:{citizen.pk}"
    else:
        who = (
            f"officer:{officer.pk}:{cleaned.phone}:{cleaned.line_user_id}:"
            f"{cleaned.email}:{cleaned.name}"
        )
    fingerprint = _fingerprint(who, category, text)
    with delete_stored_on_error(), transaction.atomic():
        sql.fingerprint_lock(fingerprint)
        now = timezone.now()
        earlier = _double_tap(fingerprint, now)
        if earlier is not None:
            return earlier
        complaint = _store(
            now=now,
            category=category,
            description=text,
            place=place,
            happened_on=happened,
            contact=cleaned,
            citizen=citizen,
            show_name=show_name,
            channel=channel,
            answers=answers,
            language=language,
            fingerprint=fingerprint,
            recorded_by=officer,
            referral_agency=agency,
        )
        event = event_add(
            complaint,
            EventKind.RECORDED,
            by=officer,
            at=now,
            data={"channel": str(channel), "recorded_at": office.code},
        )
        attachments_store(
            complaint=complaint, event=event, uploads=uploads, uploaded_by=officer
        )
        audit(
            complaint,
            by=officer,
            action="complaint.record",
            after={
                **snapshot(complaint),
                "category": category.code,
                "channel": channel,
                "recorded_at": office.code,
            },
        )
        _received(complaint)
    return complaint
