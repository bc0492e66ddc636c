"""Reads for the directive pages: the directives a user issued or follows,
one directive, the offices a user issues from, who may sign, and how many
provinces and offices a directive goes to."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, allowed_roles, may
from saduak.accounts.models import User
from saduak.accounts.scoping import active_roles, read_reach
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office, Province
from saduak.core.errors import NotFound
from saduak.performance.choices import (
    AnswerStatus,
    RequestKind,
    RequestRoute,
    RequestStatus,
)
from saduak.performance.models import (
    Directive,
    Letterhead,
    ReportRequest,
    RequestLeg,
)
from saduak.performance.selectors import collection
from saduak.performance.services.directives import ISSUING_KINDS


def directive_list(*, user: User) -> QuerySet[ReportRequest]:
    """The directives the user may follow, newest first, with their letters
    and how many reports are in (`answers_in` of `answers_expected`): those
    issued by an office in their read reach (`collection.requests_issued`),
    and those sent to a province they read (a province follows HQ's there)."""
    reach = read_reach(user)
    issued = collection.requests_issued(user=user).values("pk")
    received = (
        RequestLeg.objects.filter(
            reach.q(office="office_id", district="office__district_id")
        )
        .exclude(request__status=RequestStatus.DRAFT)
        .values("request_id")
    )
    return (
        ReportRequest.objects.filter(kind=RequestKind.DIRECTIVE)
        .filter(Q(pk__in=issued) | Q(pk__in=received))
        .select_related("directive", "issuer")
        .annotate(
            answers_expected=Count(
                "answers", filter=~Q(answers__status=AnswerStatus.EXCUSED)
            ),
            answers_in=Count(
                "answers",
                filter=Q(
                    answers__status__in=(AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED)
                ),
            ),
        )
        .order_by("-created_at", "-id")
    )


def directive_get(*, user: User, public_id: UUID | str) -> Directive:
    """The directive of the request `public_id`; NotFound outside the user's
    read reach (`collection.request_get`) or for another kind of request."""
    request = collection.request_get(user=user, public_id=public_id)
    directive = (
        Directive.objects.select_related("signer", "request__issuer")
        .filter(request=request)
        .first()
    )
    if directive is None:
        raise NotFound(_("There is no such directive."))
    return directive


def issuer_offices(user: User) -> list[Office]:
    """The offices the user issues directives from: HQ or a provincial
    office where they hold a role the matrix lets issue (their own office,
    never another one their reach covers)."""
    roles = allowed_roles(Action.DIRECTIVE_ISSUE)
    offices = {
        role.office.pk: role.office
        for role in active_roles(user)
        if role.role in roles
        and role.office.kind in ISSUING_KINDS
        and role.office.is_active
    }
    return sorted(offices.values(), key=lambda office: office.code)


def may_issue(user: User, directive: Directive) -> bool:
    return may(user, Action.DIRECTIVE_ISSUE, office=directive.request.issuer)


def signer_choices(office: Office) -> QuerySet[User]:
    """Active accounts holding an active role at `office`, by name."""
    return (
        User.objects.filter(
            is_active=True,
            staff_roles__office=office,
            staff_roles__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def letterhead_of(office: Office) -> Letterhead | None:
    return Letterhead.objects.filter(office=office).first()


@dataclass(frozen=True)
class Recipients:
    """Where a directive goes: `provinces` legs and, when known before the
    provinces forward it, `offices` answers."""

    provinces: int
    offices: int | None
    through_provinces: bool


def directive_recipients(directive: Directive) -> Recipients:
    """How many provinces and offices sending the directive now reaches:
    HQ's through the provinces, every active province (the offices are
    known once each forwards); a direct one, its offices and their
    provinces; a province's to all its districts, its active district
    offices."""
    request = directive.request
    issuer = request.issuer
    if request.route == RequestRoute.DIRECT:
        named = list(directive.addressed_offices.values_list("province_id", flat=True))
        if named:
            return Recipients(len(set(named)), len(named), False)
    if issuer.kind == OfficeKind.PROVINCIAL_OFFICE:
        offices = Office.objects.filter(
            province_id=issuer.province_id,
            kind=OfficeKind.DISTRICT_OFFICE,
            is_active=True,
        ).count()
        return Recipients(1, offices, False)
    if request.route == RequestRoute.DIRECT:
        return Recipients(0, 0, False)
    return Recipients(Province.objects.filter(is_active=True).count(), None, True)
