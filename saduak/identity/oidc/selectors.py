"""Reading partners, their clients and citizens' consents for the sign-in flow."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from oauth2_provider.models import AbstractApplication, get_application_model

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.core.errors import NotFound, PermissionDeniedError
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


def consent_of(*, user: User, consent_id: UUID) -> PartnerConsent:
    """One of the citizen's own consents in force; anyone else's is not found."""
    consent = consents_in_force_for(user=user).filter(public_id=consent_id).first()
    if consent is None:
        raise NotFound()
    return consent


def _require_hq_reader(viewer: User) -> None:
    if not read_reach(viewer).everything:
        raise PermissionDeniedError(_("Partners are managed by HQ."))


def partners_for_hq(*, viewer: User) -> QuerySet[Partner]:
    """Every partner, with its number of clients. For HQ administrators and
    auditors."""
    _require_hq_reader(viewer)
    return Partner.objects.annotate(client_count=Count("clients")).order_by(
        "-is_active", "name_th"
    )


def partner_for_hq(*, viewer: User, partner_id: UUID) -> Partner:
    """One partner, for those who read partners (HQ administrators and
    auditors); for anyone else it is not found, whether or not it exists."""
    if not read_reach(viewer).everything:
        raise NotFound(_("There is no such partner."))
    try:
        return Partner.objects.get(public_id=partner_id)
    except Partner.DoesNotExist:
        raise NotFound(_("There is no such partner.")) from None


def partner_clients(partner: Partner) -> list[AbstractApplication]:
    return list(
        get_application_model()
        .objects.filter(partner_client__partner=partner)
        .select_related("partner_client")
        .order_by("created")
    )


def partner_client_of(partner: Partner, client_id: str) -> AbstractApplication:
    """One of the partner's clients with its settings (application.partner_client);
    NotFound for a client of another partner."""
    application = (
        get_application_model()
        .objects.filter(client_id=client_id, partner_client__partner=partner)
        .select_related("partner_client")
        .first()
    )
    if application is None:
        raise NotFound(_("This partner has no such client."))
    return application
