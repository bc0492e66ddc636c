"""Reads of targeting (docs/social.md, "Targeting, the community forum,
services and statistics").

- A district's subdistricts with their counts, and the statistics per
  subdistrict, district, province and country, read `TargetingCounts` only
  (docs/layout.md 8.4, pattern A): never the households, so a national figure
  costs what a district's does.
- A subdistrict's households ranked by need is pattern C: one indexed range
  over `social_household_ranked` (rule_set, subdistrict, -need_score), one
  page of it, its length from the subdistrict's counts row (no COUNT over the
  households): a fixed number of queries whatever the country's size.
- A household's people go through `privacy.household_people_view` (checks
  `social.person_view`, records who used the data, audits)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import District, Province, Subdistrict
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError
from saduak.core.personal_id import mask_personal_id
from saduak.social.choices import (
    Domain,
    HouseholdStatus,
    SourceKind,
)
from saduak.social.facts import FACTS, Fact, fact_value_shown
from saduak.social.models import (
    CommunityForum,
    RuleSet,
    ServiceRecord,
    StagedPerson,
    TargetHousehold,
    TargetingCounts,
)
from saduak.social.privacy import household_people_view
from saduak.social.rollups import COUNTERS
from saduak.social.selectors.screening import RuleReason, person_reasons

HOUSEHOLDS_PER_PAGE = 25
# Why an officer looks at a household's people: stored (in Thai) on each
# person's "who used my data" row.
HOUSEHOLD_PURPOSE = gettext_lazy(
    "Checking a household found by screening (Social Match)"
)


# --- Rule sets ----------------------------------------------------------------------


def rule_set_latest() -> RuleSet | None:
    """The newest year's rule set, the one pages show unless asked."""
    return RuleSet.objects.order_by("-year").first()


def rule_set_get(year: int | str | None) -> RuleSet:
    """The rule set of `year` (B.E.), or the newest for none; NotFound."""
    if year in (None, ""):
        latest = rule_set_latest()
        if latest is None:
            raise NotFound(_("No screening rule set exists yet."))
        return latest
    text = str(year).strip()
    known = text.isdigit() and len(text) <= 4
    rule_set = RuleSet.objects.filter(year=int(text)).first() if known else None
    if rule_set is None:
        raise NotFound(
            _("There is no rule set for the year %(year)s.") % {"year": text}
        )
    return rule_set


def rule_set_years() -> list[int]:
    return list(RuleSet.objects.order_by("-year").values_list("year", flat=True))


# --- Figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What became of the households counted in one place."""

    found: int = 0
    confirmed: int = 0
    removed: int = 0
    selected: int = 0
    served: int = 0

    @property
    def undecided(self) -> int:
        return self.found - self.confirmed - self.removed

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            *(getattr(self, name) + getattr(other, name) for name in COUNTERS)
        )

    @classmethod
    def of(cls, row: Any) -> "Figures":
        if row is None:
            return cls()
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return cls(*(int(get(name) or 0) for name in COUNTERS))


# --- Areas ----------------------------------------------------------------------------


def _covers(viewer: User, district_code: str, province_code: str) -> bool:
    return read_reach(viewer).covers_area(
        district_code=district_code, province_code=province_code
    )


def district_get(*, viewer: User, code: str) -> District:
    """A district the viewer reads (NotFound otherwise)."""
    district = District.objects.select_related("province").filter(code=code).first()
    if district is None or not _covers(viewer, district.code, district.province_id):
        raise NotFound(_("There is no such district in your area."))
    return district


def subdistrict_get(*, viewer: User, code: str) -> Subdistrict:
    """A subdistrict the viewer reads (NotFound otherwise)."""
    subdistrict = (
        Subdistrict.objects.select_related("district__province")
        .filter(code=code)
        .first()
    )
    if subdistrict is None or not _covers(
        viewer, subdistrict.district_id, subdistrict.district.province_id
    ):
        raise NotFound(_("There is no such subdistrict in your area."))
    return subdistrict


@dataclass(frozen=True)
class SubdistrictLine:
    subdistrict: Subdistrict
    figures: Figures


def district_subdistricts(
    *, rule_set: RuleSet, district: District
) -> list[SubdistrictLine]:
    """Every subdistrict of the district with its counts (zeros where
    screening found nothing): two queries, from TargetingCounts."""
    counts = {
        row.subdistrict_id: Figures.of(row)
        for row in TargetingCounts.objects.filter(
            rule_set=rule_set, district_code=district.code, dimension=""
        )
    }
    return [
        SubdistrictLine(subdistrict, counts.get(subdistrict.code, Figures()))
        for subdistrict in Subdistrict.objects.filter(district=district).order_by(
            "code"
        )
    ]


# --- A subdistrict's households, ranked (pattern C) ------------------------------------

STATUS_FILTERS: dict[str, Q] = {
    "": Q(),
    HouseholdStatus.FOUND: Q(status=HouseholdStatus.FOUND),
    HouseholdStatus.CONFIRMED: Q(status=HouseholdStatus.CONFIRMED),
    HouseholdStatus.REMOVED: Q(status=HouseholdStatus.REMOVED),
    HouseholdStatus.SELECTED: Q(status=HouseholdStatus.SELECTED),
}


def _filtered_total(figures: Figures, status: str) -> int:
    """How many households the filter lists, from the counts row."""
    return {
        "": figures.found,
        HouseholdStatus.FOUND: figures.undecided,
        HouseholdStatus.CONFIRMED: figures.confirmed - figures.selected,
        HouseholdStatus.REMOVED: figures.removed,
        HouseholdStatus.SELECTED: figures.selected,
    }[status]


class KnownCountPaginator(Paginator):
    """A paginator told its length, so that no COUNT runs over the rows."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = max(count, 0)

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


def ranked_households(*, rule_set: RuleSet, subdistrict: Subdistrict) -> QuerySet[Any]:
    """The subdistrict's households by need (need score, then house code):
    the range of the index `social_household_ranked`."""
    return (
        TargetHousehold.objects.filter(rule_set=rule_set, subdistrict=subdistrict)
        .select_related("forum")
        .order_by("-need_score", "house_code")
    )


@dataclass(frozen=True)
class HouseholdPage:
    subdistrict: Subdistrict
    figures: Figures
    status: str
    page: Page


def subdistrict_households(
    *,
    viewer: User,
    rule_set: RuleSet,
    subdistrict: Subdistrict,
    status: str = "",
    page: int | str | None = 1,
    per_page: int = HOUSEHOLDS_PER_PAGE,
) -> HouseholdPage:
    """One page of the subdistrict's households ranked by need, optionally of
    one status. Needs `social.person_view` over the subdistrict's district (a
    household's house code is the household's). Queries: the counts row, the
    page; whatever the number of households in the country or the
    subdistrict."""
    ensure_may(
        viewer,
        Action.SOCIAL_PERSON_VIEW,
        district_code=subdistrict.district_id,
        province_code=subdistrict.district.province_id,
    )
    if status not in STATUS_FILTERS:
        raise InvalidInput(_("Choose a status from the list."), field="status")
    figures = Figures.of(
        TargetingCounts.objects.filter(
            rule_set=rule_set, subdistrict=subdistrict, dimension=""
        ).first()
    )
    households = ranked_households(rule_set=rule_set, subdistrict=subdistrict).filter(
        STATUS_FILTERS[status]
    )
    paginator = KnownCountPaginator(
        households, per_page, count=_filtered_total(figures, status)
    )
    return HouseholdPage(subdistrict, figures, status, paginator.get_page(page))


def subdistrict_forums(
    *, rule_set: RuleSet, subdistrict: Subdistrict, limit: int = 50
) -> list[CommunityForum]:
    """The subdistrict's forums of the year, newest first (a few a year)."""
    return list(
        CommunityForum.objects.filter(rule_set=rule_set, subdistrict=subdistrict)
        .select_related("recorded_by")
        .order_by("-held_on", "-id")[:limit]
    )


# --- One household -------------------------------------------------------------------


def household_get(*, viewer: User, public_id: UUID | str) -> TargetHousehold:
    """A household of the viewer's read reach (NotFound otherwise). Seeing
    its people is a further check (`household_people`)."""
    household = (
        TargetHousehold.objects.select_related(
            "rule_set", "subdistrict__district__province", "forum", "decided_by"
        )
        .filter(public_id=public_id)
        .first()
    )
    if household is None or not _covers(
        viewer, household.district_code, household.province_code
    ):
        raise NotFound(_("There is no such household in your area."))
    return household


def household_services(household: TargetHousehold) -> list[ServiceRecord]:
    return list(
        ServiceRecord.objects.filter(household=household)
        .select_related("agency", "recorded_by")
        .order_by("-provided_on", "-id")
    )


@dataclass(frozen=True)
class FactLine:
    """One fact of a person as each source gives it; `agree` is False when
    the sources that give it say different things."""

    fact: Fact
    values: list[tuple[SourceKind, str]]
    agree: bool


@dataclass
class PersonView:
    masked_id: str
    names: list[str]
    sources: list[SourceKind]
    facts: list[FactLine] = field(default_factory=list)
    reasons: list[RuleReason] = field(default_factory=list)

    @property
    def disagreements(self) -> int:
        return sum(1 for line in self.facts if not line.agree)


def _person(rows: list[StagedPerson], reasons: list[RuleReason]) -> PersonView:
    names: list[str] = []
    for row in rows:
        if row.full_name and row.full_name not in names:
            names.append(row.full_name)
    facts = []
    for fact in FACTS.values():
        given = [
            (SourceKind(row.kind), getattr(row, fact.name))
            for row in rows
            if getattr(row, fact.name) not in (None, "")
        ]
        if not given:
            continue
        facts.append(
            FactLine(
                fact,
                [(kind, fact_value_shown(fact.name, value)) for kind, value in given],
                len({value for _kind, value in given}) == 1,
            )
        )
    return PersonView(
        masked_id=mask_personal_id(rows[0].personal_id),
        names=names,
        sources=[SourceKind(row.kind) for row in rows],
        facts=facts,
        reasons=reasons,
    )


def household_people(
    *, household: TargetHousehold, viewer: User, purpose: str
) -> list[PersonView]:
    """The household's people for `viewer`, through
    `privacy.household_people_view` (which checks `social.person_view`,
    records who used each person's data and audits `social.household.view`):
    masked IDs, names, each source's facts side by side, why they were found.
    People found by a rule come first."""
    rows = household_people_view(household=household, actor=viewer, purpose=purpose)
    reasons = {person.personal_id: person.rules for person in person_reasons(household)}
    by_person: dict[str, list[StagedPerson]] = defaultdict(list)
    for row in rows:
        by_person[row.personal_id].append(row)
    people = [
        _person(person_rows, reasons.get(personal_id, []))
        for personal_id, person_rows in by_person.items()
    ]
    people.sort(key=lambda person: (not person.reasons, person.masked_id))
    return people


# --- Statistics (pattern A: TargetingCounts only) ---------------------------------------

COUNTRY, PROVINCE, DISTRICT, SUBDISTRICT = (
    "country",
    "province",
    "district",
    "subdistrict",
)
LEVELS = (COUNTRY, PROVINCE, DISTRICT, SUBDISTRICT)
CHILD_LEVEL = {COUNTRY: PROVINCE, PROVINCE: DISTRICT, DISTRICT: SUBDISTRICT}
CHILD_COLUMN = {
    COUNTRY: "province_code",
    PROVINCE: "district_code",
    DISTRICT: "subdistrict_id",
}


@dataclass(frozen=True)
class StatsArea:
    """The area statistics are about, checked against the viewer's read
    reach."""

    level: str
    code: str = ""
    name: str = ""
    province_code: str = ""
    district_code: str = ""

    @property
    def where(self) -> Q:
        if self.level == PROVINCE:
            return Q(province_code=self.code)
        if self.level == DISTRICT:
            return Q(district_code=self.code)
        if self.level == SUBDISTRICT:
            return Q(subdistrict_id=self.code)
        return Q()

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)


def stats_area_get(*, viewer: User, level: str, code: str) -> StatsArea:
    """The area of `level` and `code` the viewer reads: the country for HQ
    (and auditors), a province for its staff, a district for its
    administrator and social workers. InvalidInput for an unknown level,
    NotFound for an unknown code, PermissionDeniedError outside the reach."""
    reach = read_reach(viewer)
    code = (code or "").strip()
    if level == COUNTRY:
        if not reach.everything:
            raise PermissionDeniedError(_("The whole country is for HQ staff."))
        return StatsArea(COUNTRY, name=_("The whole country"))
    if level == PROVINCE:
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise NotFound(_("There is no such province."))
        if not reach.covers_area(district_code=None, province_code=province.code):
            raise PermissionDeniedError(_("This province is outside your area."))
        return StatsArea(PROVINCE, province.code, province.name, province.code)
    if level == DISTRICT:
        district = District.objects.filter(code=code).first()
        if district is None:
            raise NotFound(_("There is no such district."))
        if not reach.covers_area(
            district_code=district.code, province_code=district.province_id
        ):
            raise PermissionDeniedError(_("This district is outside your area."))
        return StatsArea(
            DISTRICT, district.code, district.name, district.province_id, district.code
        )
    if level == SUBDISTRICT:
        subdistrict = (
            Subdistrict.objects.select_related("district").filter(code=code).first()
        )
        if subdistrict is None:
            raise NotFound(_("There is no such subdistrict."))
        district = subdistrict.district
        if not reach.covers_area(
            district_code=district.code, province_code=district.province_id
        ):
            raise PermissionDeniedError(_("This subdistrict is outside your area."))
        return StatsArea(
            SUBDISTRICT,
            subdistrict.code,
            subdistrict.name,
            district.province_id,
            district.code,
        )
    raise InvalidInput(
        _("Choose country, province, district or subdistrict."), field="level"
    )


def stats_area_default(viewer: User) -> StatsArea:
    """The widest area the viewer reads."""
    reach = read_reach(viewer)
    if reach.everything:
        return stats_area_get(viewer=viewer, level=COUNTRY, code="")
    if reach.provinces:
        return stats_area_get(
            viewer=viewer, level=PROVINCE, code=sorted(reach.provinces)[0]
        )
    if reach.districts:
        return stats_area_get(
            viewer=viewer, level=DISTRICT, code=sorted(reach.districts)[0]
        )
    raise PermissionDeniedError(
        _("Social Match statistics are for staff of a district, a province or HQ.")
    )


def stats_area_requested(viewer: User, params: Any) -> StatsArea:
    level = str(params.get("level") or "")
    if not level:
        return stats_area_default(viewer)
    return stats_area_get(
        viewer=viewer, level=level, code=str(params.get("code") or "")
    )


def stats_area_parent(viewer: User, area: StatsArea) -> StatsArea | None:
    """The area above, when the viewer reads it (for the way back up)."""
    above = {
        PROVINCE: (COUNTRY, ""),
        DISTRICT: (PROVINCE, area.province_code),
        SUBDISTRICT: (DISTRICT, area.district_code),
    }.get(area.level)
    if above is None:
        return None
    try:
        return stats_area_get(viewer=viewer, level=above[0], code=above[1])
    except (PermissionDeniedError, NotFound):
        return None


@dataclass(frozen=True)
class AreaLine:
    level: str
    code: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class Statistics:
    area: StatsArea
    rule_set: RuleSet
    totals: Figures
    children: list[AreaLine]
    by_source: list[tuple[SourceKind, Figures]]
    by_domain: list[tuple[Domain, int]]
    # Each child's served households per domain, for the export.
    child_domains: dict[str, dict[str, int]]
    child_sources: dict[str, dict[str, int]]


def _children(area: StatsArea) -> list[tuple[str, str]]:
    """(code, name) of the areas one level down, in code order."""
    if area.level == COUNTRY:
        found: Iterable[Any] = Province.objects.order_by("code")
    elif area.level == PROVINCE:
        found = District.objects.filter(province_id=area.code).order_by("code")
    elif area.level == DISTRICT:
        found = Subdistrict.objects.filter(district_id=area.code).order_by("code")
    else:
        return []
    return [(item.code, item.name) for item in found]


def targeting_statistics(*, area: StatsArea, rule_set: RuleSet) -> Statistics:
    """Found, confirmed, removed, selected and served in `area` and in each
    area one level down, overall, by source and by domain: one grouped query
    over TargetingCounts and one for the children's names."""
    column = CHILD_COLUMN.get(area.level, "subdistrict_id")
    sums = {name: Sum(name) for name in COUNTERS}
    rows = (
        TargetingCounts.objects.filter(area.where, rule_set=rule_set)
        .values(column, "dimension")
        .annotate(**sums)
        .order_by()
    )
    overall: dict[str, Figures] = defaultdict(Figures)
    by_dimension: dict[str, Figures] = defaultdict(Figures)
    child_domains: dict[str, dict[str, int]] = defaultdict(dict)
    child_sources: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        figures = Figures.of(row)
        dimension = str(row["dimension"])
        child = str(row[column])
        by_dimension[dimension] += figures
        if dimension == "":
            overall[child] += figures
        elif dimension.startswith("domain:"):
            child_domains[child][dimension.removeprefix("domain:")] = figures.served
        elif dimension.startswith("source:"):
            child_sources[child][dimension.removeprefix("source:")] = figures.found
    children = [
        AreaLine(area.child_level or "", code, name, overall.get(code, Figures()))
        for code, name in _children(area)
    ]
    return Statistics(
        area=area,
        rule_set=rule_set,
        totals=by_dimension.get("", Figures()),
        children=children,
        by_source=[
            (kind, by_dimension.get(f"source:{kind.value}", Figures()))
            for kind in SourceKind
        ],
        by_domain=[
            (domain, by_dimension.get(f"domain:{domain.value}", Figures()).served)
            for domain in Domain
        ],
        child_domains=dict(child_domains),
        child_sources=dict(child_sources),
    )


def statistics_table(stats: Statistics) -> tuple[list[str], list[list[object]]]:
    """The statistics as a table for CSV/XLSX: one row per child area and a
    total; counts of households only, never a personal ID or a house code."""
    header = [
        _("Level"),
        _("Code"),
        _("Area"),
        _("Found"),
        _("Confirmed"),
        _("Removed"),
        _("Selected"),
        _("Served"),
        *[_("Served: %(domain)s") % {"domain": domain.label} for domain in Domain],
        *[_("Found by: %(source)s") % {"source": kind.label} for kind in SourceKind],
    ]

    def line(
        level: str, code: str, name: str, figures: Figures, domains: Any, sources: Any
    ) -> list[object]:
        return [
            level,
            code,
            name,
            *(getattr(figures, counter) for counter in COUNTERS),
            *(domains.get(domain.value, 0) for domain in Domain),
            *(sources.get(kind.value, 0) for kind in SourceKind),
        ]

    rows = [
        line(
            child.level,
            child.code,
            child.name,
            child.figures,
            stats.child_domains.get(child.code, {}),
            stats.child_sources.get(child.code, {}),
        )
        for child in stats.children
    ]
    rows.append(
        line(
            stats.area.level,
            stats.area.code,
            stats.area.name,
            stats.totals,
            {domain.value: served for domain, served in stats.by_domain},
            {kind.value: figures.found for kind, figures in stats.by_source},
        )
    )
    return header, rows
