"""Reading partners, their clients and citizens' consents for the sign-in flow."""

from collections.abc import Iterable

from django.db.models import QuerySet
from oauth2_provider.models import AbstractApplication

from saduak.accounts.models import User
from saduak.core.errors import NotFound
from saduak.identity.models import Partner
from saduak.identity.oidc.models import PartnerConsent


def partner_for_application(application: AbstractApplication) -> Partner | None:
    """The partner an OAuth client belongs to, or None when HQ has not linked it to
    one. Inactive partners are returned too; callers decide what they may do."""
    return (
        Partner.objects.filter(clients__application_id=application.pk)
        .order_by()
        .first()
    )


def partner_for_client_id(client_id: str) -> Partner | None:
    return Partner.objects.filter(clients__application__client_id=client_id).first()


def consent_in_force(*, user: User, partner: Partner) -> PartnerConsent | None:
    return PartnerConsent.objects.filter(
        user=user, partner=partner, revoked_at__isnull=True
    ).first()


def consent_covers(*, user: User, partner: Partner, scopes: Iterable[str]) -> bool:
    """Whether the citizen has already agreed to share everything in `scopes` with
    the partner."""
    consent = consent_in_force(user=user, partner=partner)
    return consent is not None and set(scopes) <= consent.scope_set


def consents_in_force_for(*, user: User) -> QuerySet[PartnerConsent]:
    """The citizen's consents in force, newest first, with their partners."""
    return (
        PartnerConsent.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("partner")
        .order_by("-granted_at")
    )


def consent_of(*, user: User, consent_id: int) -> PartnerConsent:
    """One of the citizen's own consents in force; anyone else's is not found."""
    consent = consents_in_force_for(user=user).filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    return consent
