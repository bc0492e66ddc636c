"""Why screening found a household's people (docs/social.md, "Rules and
screening"): for each person the rules they meet, and for each rule the
sources that agreed with the facts of each source's row that met it, so that
an officer can explain to the community forum why someone was found.

This selector checks no permission: the household page first calls
`privacy.household_people_view` (which checks `social.person_view` and records
who saw whom), then this."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from saduak.core.personal_id import mask_personal_id
from saduak.social.choices import ImportStatus, SourceKind, sources_of
from saduak.social.facts import BOOLEAN, FACTS, fact_value_shown
from saduak.social.models import (
    PersonMatch,
    Rule,
    RuleSet,
    ScreeningRun,
    StagedPerson,
    TargetHousehold,
)
from saduak.social.rules import group_met


@dataclass(frozen=True)
class FactShown:
    """One fact of a source's row that met a condition."""

    field: str
    label: str
    value: Any
    shown: str


@dataclass(frozen=True)
class SourceReason:
    source: SourceKind
    facts: list[FactShown]


@dataclass(frozen=True)
class RuleReason:
    rule: Rule
    sources: list[SourceReason]


@dataclass
class PersonReasons:
    # Never printed: it lets a page pair the reasons with the person's rows.
    personal_id: str
    masked_id: str
    name: str
    rules: list[RuleReason] = field(default_factory=list)


def _shown(row: StagedPerson, name: str) -> FactShown:
    fact = FACTS[name]
    value = getattr(row, name)
    if fact.kind == BOOLEAN and value is not None:
        value = bool(value)
    return FactShown(
        field=name,
        label=str(fact.label),
        value=value,
        shown=fact_value_shown(name, value),
    )


def person_reasons(household: TargetHousehold) -> list[PersonReasons]:
    """Each person of `household` whom screening found (masked ID and name),
    with the rules they meet and, per rule, the agreeing sources and the facts
    of each source's current row that met the rule's conditions. A bounded
    read: a household's few people and their few staged rows."""
    matches = list(
        PersonMatch.objects.filter(
            rule_set_id=household.rule_set_id, house_code=household.house_code
        )
        .select_related("rule")
        .order_by("personal_id", "-rule__weight", "rule__key")
    )
    people = {match.personal_id for match in matches}
    rows: dict[tuple[str, str], StagedPerson] = {}
    year = household.rule_set.year
    for row in StagedPerson.objects.filter(
        personal_id__in=people,
        year=year,
        superseded_by__isnull=True,
        source_import__status=ImportStatus.APPLIED,
    ).order_by("pk"):
        rows.setdefault((row.personal_id, row.kind), row)
    found: dict[str, PersonReasons] = {}
    for match in matches:
        person = found.get(match.personal_id)
        if person is None:
            names = [
                row.full_name
                for (pid, _kind), row in rows.items()
                if pid == match.personal_id and row.full_name
            ]
            person = PersonReasons(
                personal_id=match.personal_id,
                masked_id=mask_personal_id(match.personal_id),
                name=names[0] if names else "",
            )
            found[match.personal_id] = person
        reasons = []
        for kind in sources_of(match.sources):
            source_row = rows.get((match.personal_id, kind.value))
            group = group_met(match.rule.conditions, source_row) if source_row else None
            facts = (
                [_shown(source_row, condition["field"]) for condition in group]
                if source_row is not None and group is not None
                else []
            )
            reasons.append(SourceReason(source=kind, facts=facts))
        person.rules.append(RuleReason(rule=match.rule, sources=reasons))
    return list(found.values())


def rule_sets() -> list[RuleSet]:
    """Every year's rule set, newest first (a few dozen at most)."""
    return list(RuleSet.objects.order_by("-year"))


def rules_of(rule_set: RuleSet, *, province_code: str | None) -> list[Rule]:
    """The national rules of the set and the local rules of `province_code`
    (every province's for None: HQ's view)."""
    rules = Rule.objects.filter(rule_set=rule_set).select_related("province")
    if province_code is not None:
        rules = rules.filter(province__isnull=True) | rules.filter(
            province_id=province_code
        )
    return list(rules.order_by(F("province_id").asc(nulls_first=True), "key"))


def runs_of(
    rule_set: RuleSet, *, province_code: str | None, limit: int = 50
) -> list[ScreeningRun]:
    """The latest runs of the set: a province sees its own and the national
    ones; HQ (None) sees all."""
    runs = ScreeningRun.objects.filter(rule_set=rule_set).select_related(
        "province", "run_by"
    )
    if province_code is not None:
        runs = runs.filter(province__isnull=True) | runs.filter(
            province_id=province_code
        )
    return list(runs.order_by("-started_at")[:limit])


def viewer_province(user: Any) -> str | None:
    """The province whose local rules and runs `user` sees besides the
    national ones: None for a reach of everything (HQ sees all), "" for none."""
    from saduak.accounts.scoping import read_reach
    from saduak.areas.models import Office

    reach = read_reach(user)
    if reach.everything:
        return None
    if reach.provinces:
        return min(reach.provinces)
    if reach.districts:
        return min(reach.districts)[:2]
    office = Office.objects.filter(pk__in=reach.offices).order_by("pk").first()
    return (office.province_id or "") if office is not None else ""
