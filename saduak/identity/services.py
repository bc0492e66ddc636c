"""Enrolling citizens for the digital ID, and their sign-in sessions."""

import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saduak.accounts.matrix import MATRIX, Action, ensure_may
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import DomainError, InvalidInput
from saduak.core.personal_id import clean_personal_id
from saduak.core.thai import format_date_be
from saduak.identity import terms as terms_text
from saduak.identity.models import (
    CardStatus,
    EnrolmentCode,
    SignInSession,
    TermsAcceptance,
    TermsVersion,
    hash_code,
)
from saduak.identity.registry import (
    registry_lookup,
)

REGISTRY_OFFICES = MATRIX[Action.ENROLMENT_CODE_ISSUE].office_kinds or frozenset()


class EnrolmentCodeUnusable(DomainError):
    status = 410
    code = "enrolment-code-unusable"


class RegistryMismatch(InvalidInput):
    code = "registry-mismatch"


@dataclass(frozen=True)
class CardDetails:
    personal_id: str
    first_name: str
    last_name: str
    birth_date: date
    card_expiry: date


def same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _check_against_registry(card: CardDetails) -> None:
    """Refuses an expired card, a person the registry does not know, a revoked card
    or details that differ from the registry's, saying which."""
    today = timezone.localdate()
    if card.card_expiry < today:
        raise InvalidInput(
            _("The ID card expired on %(day)s. The person must renew the card first.")
            % {"day": format_date_be(card.card_expiry)},
            field="card_expiry",
        )
    record = registry_lookup(card.personal_id)
    if record is None:
        raise RegistryMismatch(
            _(
                "The civil registry has no person with this ID. Check the number on the card."
            ),
            field="personal_id",
        )
    if record.card_status == CardStatus.REVOKED:
        raise RegistryMismatch(
            _("The civil registry lists this card as revoked. Do not enrol with it."),
            field="personal_id",
        )
    differing = []
    if not same_name(record.first_name, card.first_name):
        differing.append(("first_name", _("first name")))
    if not same_name(record.last_name, card.last_name):
        differing.append(("last_name", _("last name")))
    if record.birth_date != card.birth_date:
        differing.append(("birth_date", _("date of birth")))
    if record.card_expiry != card.card_expiry:
        differing.append(("card_expiry", _("card expiry (a newer card may exist)")))
    if differing:
        raise RegistryMismatch(
            _("These details differ from the civil registry: %(fields)s.")
            % {"fields": ", ".join(str(label) for _name, label in differing)},
            field=differing[0][0],
        )


def enrolment_code_issue(
    *, officer: User, office: Office, card: CardDetails
) -> tuple[EnrolmentCode, str]:
    """Checks a citizen's card against the civil registry and issues a one-time code
    (shown as a QR code) bound to that person, valid for ENROLMENT_CODE_MINUTES.

    The officer must be allowed ENROLMENT_CODE_ISSUE at `office` (counter staff
    of a registry office they serve: the code sets a new password, so whoever
    issues one can take over the citizen's account). Audited as
    `identity.enrolment_code.issue` in that office. Returns the record and the
    code, which is not stored.
    """
    ensure_may(officer, Action.ENROLMENT_CODE_ISSUE, office=office)
    try:
        card = replace(card, personal_id=clean_personal_id(card.personal_id))
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="personal_id") from None
    _check_against_registry(card)
    raw = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        code = EnrolmentCode.objects.create(
            code_hash=hash_code(raw),
            personal_id=card.personal_id,
            first_name=card.first_name.strip(),
            last_name=card.last_name.strip(),
            birth_date=card.birth_date,
            office=office,
            issued_by=officer,
            issued_at=now,
            expires_at=now + timedelta(minutes=settings.ENROLMENT_CODE_MINUTES),
        )
        audit_record(
            actor=officer,
            action="identity.enrolment_code.issue",
            target=code,
            after={
                "personal_id_last4": card.personal_id[-4:],
                "expires_at": code.expires_at,
            },
            office=office,
        )
    return code, raw


def enrolment_code_get(raw: str) -> EnrolmentCode:
    """The code behind a QR, or EnrolmentCodeUnusable when it is unknown, expired or
    used (one message for all three: the remedy is the same)."""
    code = (
        EnrolmentCode.objects.select_related("office")
        .filter(code_hash=hash_code(raw))
        .first()
    )
    if code is None or not code.is_usable:
        raise EnrolmentCodeUnusable(
            _(
                "This enrolment code has expired or has already been used. Ask for a new "
                "one at any registry office; bring your ID card."
            )
        )
    return code


def current_terms() -> TermsVersion:
    """The newest published terms; the version this release ships (TERMS_VERSION,
    text in identity/terms.py) is published the first time it is needed."""
    terms = TermsVersion.objects.order_by("-published_at").first()
    if terms is None:
        terms, _created = TermsVersion.objects.get_or_create(
            version=settings.TERMS_VERSION,
            defaults={"text_th": terms_text.TERMS_TH, "text_en": terms_text.TERMS_EN},
        )
    return terms


def enrolment_complete(
    *, raw_code: str, personal_id: str, password_hash: str, terms: TermsVersion
) -> User:
    """Finishes enrolment: consumes the code (once, even if two phones race), creates
    the citizen's account, or sets a new password for an existing one and ends all
    their sessions (a reset at a registry office), and records the terms accepted.

    Audited as `identity.enrol` or `identity.password_reset` in the issuing office.
    """
    code = enrolment_code_get(raw_code)
    if clean_personal_id(personal_id) != code.personal_id:
        raise InvalidInput(
            _(
                "This is not the personal ID the code was issued for. Check your ID card."
            ),
            field="personal_id",
        )
    with transaction.atomic():
        consumed = EnrolmentCode.objects.filter(
            pk=code.pk, used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now())
        if consumed != 1:
            raise EnrolmentCodeUnusable(
                _(
                    "This enrolment code has already been used. Ask for a new one at any "
                    "registry office."
                )
            )
        user = (
            User.objects.select_for_update()
            .filter(personal_id=code.personal_id)
            .first()
        )
        resetting = user is not None
        if user is None:
            user = User(
                personal_id=code.personal_id,
                first_name=code.first_name,
                last_name=code.last_name,
            )
        user.password = password_hash
        user.is_active = True
        user.save()
        TermsAcceptance.objects.create(user=user, terms=terms)
        if resetting:
            sessions_end_all(user=user, actor=user)
        audit_record(
            actor=user,
            action="identity.password_reset" if resetting else "identity.enrol",
            target=user,
            after={"terms": terms.version, "officer": code.issued_by_id},
            office=code.office,
        )
    return user


def password_confirms(*, password: str, password_hash: str) -> bool:
    return check_password(password, password_hash)


def sign_in_session_start(
    *, user: User, session_key: str, user_agent: str, assurance_level: int = 1
) -> SignInSession:
    return SignInSession.objects.create(
        user=user,
        session_key=session_key,
        user_agent=user_agent[:300],
        assurance_level=assurance_level,
    )


def sign_in_session_restart(
    *, session_id: Any, user: User, session_key: str, assurance_level: int
) -> SignInSession | None:
    """The person signed in again in a session that is still theirs: the record
    now starts now, at the new assurance level, under the new session key. None
    when there is no such session (a first sign-in, or another person's)."""
    if not session_id:
        return None
    record = SignInSession.objects.filter(
        pk=session_id, user=user, ended_at__isnull=True
    ).first()
    if record is None:
        return None
    record.started_at = timezone.now()
    record.last_seen_at = record.started_at
    record.session_key = session_key
    record.assurance_level = assurance_level
    record.save(
        update_fields=["started_at", "last_seen_at", "session_key", "assurance_level"]
    )
    return record


def sign_in_session_end(*, user: User, session_id: UUID, actor: Any) -> None:
    """Ends one of the user's sessions wherever it is. Audited as `identity.session.end`."""
    with transaction.atomic():
        session = (
            SignInSession.objects.select_for_update()
            .filter(public_id=session_id, user=user, ended_at__isnull=True)
            .first()
        )
        if session is None:
            return
        session.ended_at = timezone.now()
        session.save(update_fields=["ended_at"])
        Session.objects.filter(session_key=session.session_key).delete()
        _partner_sign_ins_end(session_ids=[session.pk])
        audit_record(actor=actor, action="identity.session.end", target=user)


def sign_in_session_signed_out(*, session_id: int | None) -> None:
    """The person signed out in this browser (Saduak's own sign-out, a partner's
    RP-initiated logout, closing their digital ID): the session is recorded as
    ended, and the partners used in it are told (back-channel logout). Called as
    Django's `user_logged_out` is sent, before the session is flushed. No audit
    event (signing out is not a change)."""
    if not session_id:
        return
    with transaction.atomic():
        ended = SignInSession.objects.filter(
            pk=session_id, ended_at__isnull=True
        ).update(ended_at=timezone.now())
        if ended:
            _partner_sign_ins_end(session_ids=[session_id])


def _partner_sign_ins_end(*, session_ids: list[int]) -> None:
    """Ends the partner sign-ins of these sessions: their tokens are revoked and the
    partners with a back-channel logout address are told. In the caller's
    transaction (the outbox rule)."""
    from saduak.identity.oidc.backchannel import partner_sign_ins_end_for_sessions

    partner_sign_ins_end_for_sessions(session_ids=session_ids)


def sessions_end_all(
    *, user: User, actor: Any, keep_session_key: str | None = None
) -> int:
    """Ends every session of the user but `keep_session_key`. Returns how many."""
    active = SignInSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_session_key:
        active = active.exclude(session_key=keep_session_key)
    with transaction.atomic():
        ending = list(active.values_list("pk", "session_key"))
        keys = [key for _pk, key in ending]
        active.filter(pk__in=[pk for pk, _key in ending]).update(
            ended_at=timezone.now()
        )
        Session.objects.filter(session_key__in=keys).delete()
        _partner_sign_ins_end(session_ids=[pk for pk, _key in ending])
        if keys:
            audit_record(
                actor=actor,
                action="identity.session.end_all",
                target=user,
                after={"ended": len(keys)},
            )
    return len(keys)


def session_assurance_raise(*, session_id: int | None, level: int) -> None:
    """Records that a signed-in session passed a second factor after signing in."""
    if session_id:
        SignInSession.objects.filter(pk=session_id, assurance_level__lt=level).update(
            assurance_level=level
        )


def citizen_record_view(*, officer: User, office: Office, personal_id: str) -> User:
    """The citizen's account as an officer at `office` sees it, for serving them at
    the counter. Recorded on the citizen's "who used my data" page and audited as
    `identity.citizen.view`."""
    from saduak.identity.data_access import data_access_record
    from saduak.identity.models import AccessChannel

    ensure_may(officer, Action.CITIZEN_RECORD_VIEW, office=office)
    try:
        cleaned = clean_personal_id(personal_id)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="personal_id") from None
    citizen = User.objects.filter(personal_id=cleaned, is_active=True).first()
    if citizen is None:
        raise InvalidInput(
            _("Nobody with this personal ID has a digital ID. They can enrol here."),
            field="personal_id",
        )
    with transaction.atomic():
        data_access_record(
            citizen=citizen,
            channel=AccessChannel.STAFF_VIEW,
            data_items=["account"],
            purpose=_counter_service_purpose(),
            staff_user=officer,
            office=office,
        )
        audit_record(
            actor=officer, action="identity.citizen.view", target=citizen, office=office
        )
    return citizen


def _counter_service_purpose() -> str:
    # Stored in Thai, the language of the record, whatever the officer's page was in.
    with translation.override("th"):
        return _("Service at the counter")
