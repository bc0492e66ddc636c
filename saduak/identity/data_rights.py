"""A citizen's rights over their data (PDPA): a copy of everything Saduak holds about
them, as JSON and as a readable PDF, and closing the digital ID."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from saduak.accounts.models import User
from saduak.audit.models import AuditEvent
from saduak.audit.services import audit_record
from saduak.core.pdf import pdf_from_template
from saduak.identity.models import EnrolmentCode
from saduak.identity.oidc.models import PartnerConsent
from saduak.identity.services import sessions_end_all


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything held about `user`, in plain JSON-ready values. Secrets (password
    hash, second-factor keys, token values) are described, never included."""
    return {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "personal_id": user.personal_id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "email": user.email,
            "line_user_id": user.line_user_id or "",
            "preferred_language": user.preferred_language,
            "joined": user.date_joined.isoformat(),
            "second_factor": TOTPDevice.objects.filter(
                user=user, confirmed=True
            ).exists(),
        },
        "enrolments": [
            {"issued_at": code.issued_at.isoformat(), "office": code.office.name_th}
            for code in EnrolmentCode.objects.filter(personal_id=user.personal_id)
            .select_related("office")
            .order_by("issued_at")
        ],
        "terms_accepted": [
            {
                "version": acceptance.terms.version,
                "accepted_at": acceptance.accepted_at.isoformat(),
            }
            for acceptance in user.terms_acceptances.select_related("terms").order_by(
                "accepted_at"
            )
        ],
        "sessions": [
            {
                "device": session.user_agent,
                "started_at": session.started_at.isoformat(),
                "ended_at": session.ended_at.isoformat() if session.ended_at else None,
                "assurance_level": session.assurance_level,
            }
            for session in user.sign_in_sessions.order_by("started_at")
        ],
        "data_use": [
            {
                "when": access.occurred_at.isoformat(),
                "who": access.partner.name_th
                if access.partner
                else str(access.staff_user),
                "office": access.office.name_th if access.office else None,
                "channel": access.channel,
                "data": access.data_items,
                "purpose": access.purpose,
            }
            for access in user.data_accesses.select_related(
                "partner", "staff_user", "office"
            )
        ],
        "notifications": [
            {
                "channel": notification.channel,
                "to": notification.address,
                "subject": notification.subject,
                "message": notification.body,
                "status": notification.status,
                "created_at": notification.created_at.isoformat(),
            }
            for notification in user.notifications.order_by("created_at")
        ],
        "eservice_applications": [
            {
                "reference": application.reference,
                "service": application.service.name_th,
                "office": application.office.name_th,
                "status": application.status,
                "outcome": application.outcome,
                "answers": application.answers,
                "documents": [
                    document.original_name
                    for document in application.attachments.all()
                    if document.removed_at is None
                ],
                "submitted_at": application.submitted_at.isoformat()
                if application.submitted_at
                else None,
                "timeline": [
                    {"when": event.occurred_at.isoformat(), "what": event.kind}
                    for event in application.events.all()
                    if event.for_applicant
                ],
            }
            for application in user.applications.select_related("service", "office")
            .prefetch_related("attachments", "events")
            .order_by("created_at")
        ],
        "changes_to_your_account": [
            {"when": event.occurred_at.isoformat(), "action": event.action}
            for event in AuditEvent.objects.filter(
                target_type="accounts.user", target_id=str(user.pk)
            ).order_by("id")
        ],
    }


def personal_data_pdf(*, user: User, language: str) -> bytes:
    """The same copy as a readable PDF in Thai or English (WeasyPrint, Sarabun)."""
    return pdf_from_template(
        "identity/data_export_pdf.html",
        {"data": personal_data_export(user=user), "user": user},
    )


def digital_id_close(*, user: User) -> None:
    """Closes the digital ID: revokes every partner's tokens and grants, ends every
    session and deactivates the account. A registry office can open it again with a
    new enrolment code. The caller has had the password given again
    (`accounts.lockout.password_recheck`). Audited as `identity.close`."""
    with transaction.atomic():
        for token in AccessToken.objects.filter(user=user):
            token.revoke()
        for refresh in RefreshToken.objects.filter(user=user, revoked__isnull=True):
            refresh.revoke()
        Grant.objects.filter(user=user).delete()
        IDToken.objects.filter(user=user).delete()
        _revoke_partner_consents(user)
        sessions_end_all(user=user, actor=user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=user, action="identity.close", target=user)


def _revoke_partner_consents(user: User) -> None:
    """Remembered consents go too, so reopening the ID starts from none."""
    PartnerConsent.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
