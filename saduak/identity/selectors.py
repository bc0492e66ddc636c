from django.db.models import QuerySet

from saduak.accounts.models import User
from saduak.identity.models import SignInSession, TermsVersion


def active_sessions(*, user: User) -> QuerySet[SignInSession]:
    return SignInSession.objects.filter(user=user, ended_at__isnull=True).order_by(
        "-last_seen_at"
    )


def terms_get(pk: int) -> TermsVersion:
    return TermsVersion.objects.get(pk=pk)
