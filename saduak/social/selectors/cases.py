"""Reading case management (docs/social.md, "Case management"): a district's
cases (follow-ups due first), one case with its record, and how households'
capability moved from their first assessment (the baseline) to their latest,
per district. Reads are checked with `social.person_view` over the
district (its social workers and administrator, the province's staff)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.accounts import matrix
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.core.errors import NotFound
from saduak.social.choices import Capability, CaseStatus
from saduak.social.models import Assessment, Case, FollowUp, PlanStep, Referral

PAGE_SIZE = 50
# Why a case page shows the household's people ("who used my data").
PURPOSE = gettext_lazy("Case management of the household")
# A is the best level: a smaller rank is better.
RANK = {Capability.A: 0, Capability.B: 1, Capability.C: 2}


def ensure_may_read(actor: User, *, district_code: str, province_code: str) -> None:
    matrix.ensure_may(
        actor,
        Action.SOCIAL_PERSON_VIEW,
        district_code=district_code,
        province_code=province_code,
    )


def case_get(*, viewer: User, reference: str) -> Case:
    """The case with this reference, if `viewer` may read its district;
    NotFound otherwise."""
    case = (
        Case.objects.select_related("household", "office", "case_worker")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if case is None:
        raise NotFound(_("There is no case with this reference."))
    ensure_may_read(
        viewer, district_code=case.district_code, province_code=case.province_code
    )
    return case


def case_districts(actor: User) -> list[str]:
    """The districts where `actor` works with cases (social worker or
    district administrator), for the list's default."""
    return sorted(matrix.action_reach(actor, Action.SOCIAL_CASE_MANAGE).districts)


def case_worker_candidates(district_code: str) -> list[User]:
    """The people who may hold a case of the district: its social workers
    and administrators (active roles at active offices of the district)."""
    return list(
        User.objects.filter(
            is_active=True,
            staff_roles__is_active=True,
            staff_roles__role__in=matrix.allowed_roles(Action.SOCIAL_CASE_MANAGE),
            staff_roles__office__is_active=True,
            staff_roles__office__district_id=district_code,
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def case_list(
    *,
    actor: User,
    district_code: str,
    status: str = CaseStatus.OPEN,
    page: int | str = 1,
) -> Page:
    """The district's cases of a status, those whose next follow-up is due
    soonest first (then the newest), PAGE_SIZE a page; each with
    `next_due_on` (None when no follow-up waits)."""
    ensure_may_read(actor, district_code=district_code, province_code=district_code[:2])
    cases: QuerySet[Case] = (
        Case.objects.filter(district_code=district_code, status=status)
        .select_related("household", "household__subdistrict", "case_worker")
        .annotate(
            next_due_on=Min(
                "follow_ups__due_on", filter=Q(follow_ups__done_on__isnull=True)
            )
        )
        .order_by(F("next_due_on").asc(nulls_last=True), "-opened_at", "-id")
    )
    return Paginator(cases, PAGE_SIZE).get_page(page)


@dataclass
class CaseRecord:
    case: Case
    assessments: list[Assessment]
    baseline: Assessment | None
    latest: Assessment | None
    plan_steps: list[PlanStep]
    referrals: list[Referral]
    follow_ups: list[FollowUp]
    next_follow_up: FollowUp | None
    movement: str = ""


def movement_of(first: str, latest: str) -> str:
    """ "up", "stayed" or "down" from one level to another."""
    if RANK[Capability(latest)] < RANK[Capability(first)]:
        return "up"
    if latest == first:
        return "stayed"
    return "down"


def case_detail(*, actor: User, case: Case) -> CaseRecord:
    """The case's assessments (newest first; the oldest is the baseline),
    plan, referrals and follow-ups. The household's people are not here:
    pages get them from `privacy.household_people_view`."""
    ensure_may_read(
        actor, district_code=case.district_code, province_code=case.province_code
    )
    assessments = list(case.assessments.select_related("assessed_by"))
    follow_ups = list(case.follow_ups.select_related("done_by"))
    baseline = assessments[-1] if assessments else None
    latest = assessments[0] if assessments else None
    return CaseRecord(
        case=case,
        assessments=assessments,
        baseline=baseline,
        latest=latest,
        plan_steps=list(case.plan_steps.select_related("agency")),
        referrals=list(case.referrals.select_related("agency")),
        follow_ups=follow_ups,
        next_follow_up=next((f for f in follow_ups if f.done_on is None), None),
        movement=(
            movement_of(baseline.capability, latest.capability)
            if baseline and latest and baseline.pk != latest.pk
            else ""
        ),
    )


@dataclass
class Movement:
    """How the capability of an area's cases moved from their baseline to
    their latest assessment: `pairs[(first, latest)]` cases, and the sums."""

    area_code: str
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    up: int = 0
    stayed: int = 0
    down: int = 0
    assessed_once: int = 0


def capability_movement(
    *,
    actor: User,
    province_code: str,
    district_code: str | None = None,
    since: date | None = None,
) -> list[Movement]:
    """Per district of the province (or the one district): the cases with at
    least two assessments counted by (baseline level, latest level), e.g.
    ("B", "A") moved from B to A, ("A", "A") stayed A; and those assessed
    only once. Counted in the database, one row per district and pair;
    `since` keeps the cases opened on or after that day."""
    matrix.ensure_may(
        actor,
        Action.SOCIAL_PERSON_VIEW,
        district_code=district_code,
        province_code=province_code,
    )
    ordered = Assessment.objects.filter(case=OuterRef("pk"))
    cases = Case.objects.filter(province_code=province_code)
    if district_code:
        cases = cases.filter(district_code=district_code)
    if since:
        cases = cases.filter(opened_at__date__gte=since)
    rows = (
        cases.annotate(
            first=Subquery(
                ordered.order_by("assessed_on", "id").values("capability")[:1]
            ),
            first_id=Subquery(ordered.order_by("assessed_on", "id").values("id")[:1]),
            latest=Subquery(
                ordered.order_by("-assessed_on", "-id").values("capability")[:1]
            ),
        )
        .filter(first__isnull=False)
        .annotate(
            several=Exists(
                Assessment.objects.filter(case=OuterRef("pk")).exclude(
                    pk=OuterRef("first_id")
                )
            )
        )
        .values("district_code", "first", "latest", "several")
        .annotate(cases=Count("pk"))
        .order_by()
    )
    by_area: dict[str, Movement] = {}
    for row in rows:
        area = row["district_code"]
        movement = by_area.setdefault(area, Movement(area_code=area))
        if not row["several"]:
            movement.assessed_once += row["cases"]
            continue
        key = (row["first"], row["latest"])
        movement.pairs[key] = movement.pairs.get(key, 0) + row["cases"]
        way = movement_of(*key)
        setattr(movement, way, getattr(movement, way) + row["cases"])
    return [by_area[code] for code in sorted(by_area)]
