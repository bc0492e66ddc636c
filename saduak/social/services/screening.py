"""Screening (docs/social.md, "Rules and screening"): a year's rules run over
the current staged rows of a province, or of the whole country, in set-based
SQL (sql.py; no per-row Python loop: the country's 40 million rows must
screen within the hour).

For each active rule that applies (the national rules, and the province's
own local rules; on a national run each province's local rules over that
province), a person is found when at least `min_agree` distinct trusted
sources have a current row meeting the rule's conditions. The area's matches
are replaced, its households refreshed (decided ones keep their decision and
are marked `screened_out` when no longer found; undecided ones no longer
found are deleted) and its targeting counts rebuilt, all in one transaction."""

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, action_reach, ensure_may
from saduak.accounts.models import User
from saduak.areas.models import Province
from saduak.audit.services import audit_record
from saduak.core.errors import PermissionDeniedError
from saduak.social import sql
from saduak.social.choices import SOURCE_BITS, ImportStatus
from saduak.social.models import (
    PersonMatch,
    Rule,
    RuleSet,
    ScreeningRun,
    SourceImport,
    StagedPerson,
    TargetHousehold,
)
from saduak.social.rollups import targeting_counts_rebuild
from saduak.social.rules import conditions_q


def rules_applying(rule_set: RuleSet, province: Province | None) -> list[Rule]:
    """The active rules a run of the area uses: national ones, and the local
    rules of the province (of every province on a national run)."""
    rules = Rule.objects.filter(rule_set=rule_set, is_active=True)
    if province is not None:
        rules = rules.filter(province__isnull=True) | rules.filter(province=province)
    return list(rules.order_by("province_id", "key"))


def _current_rows(rule_set: RuleSet, province_code: str | None):  # type: ignore[no-untyped-def]
    """The staged rows a run reads: current (not superseded), of an applied
    import, of the rule set's year, in the area."""
    rows = StagedPerson.objects.filter(
        year=rule_set.year,
        superseded_by__isnull=True,
        source_import__in=SourceImport.objects.filter(
            year=rule_set.year, status=ImportStatus.APPLIED
        ).values("pk"),
    )
    if province_code is not None:
        rows = rows.filter(province_code=province_code)
    return rows


def _source_bit() -> Case:
    return Case(
        *[When(kind=kind, then=Value(bit)) for kind, bit in SOURCE_BITS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def rule_people(rule: Rule, province_code: str | None):  # type: ignore[no-untyped-def]
    """The people `rule` finds in the area: one row per person with the
    values sql.MATCH_ALIASES names (their house, subdistrict, district and
    province the smallest among the agreeing rows, the sources' mask)."""
    return (
        _current_rows(rule.rule_set, province_code)
        .filter(kind__in=rule.sources)
        .filter(conditions_q(rule.conditions))
        .values("personal_id")
        .annotate(
            match_agreeing=Count("kind", distinct=True),
            match_house=Min("house_code"),
            match_subdistrict=Min("subdistrict_id"),
            match_district=Min("district_code"),
            match_province=Min("province_code"),
            match_sources=Sum(_source_bit(), distinct=True),
        )
        .filter(match_agreeing__gte=rule.min_agree)
        .order_by()
    )


def screening_run(
    *, rule_set: RuleSet, province: Province | None = None, actor: Actor
) -> ScreeningRun:
    """Screens `province` (or the whole country when None: HQ only) with the
    rule set's active rules: replaces its PersonMatch rows, adds and
    refreshes its TargetHousehold rows, deletes the undecided ones no longer
    found, rebuilds its TargetingCounts and records the run. Runs of one rule
    set queue behind each other (the rule set's row is locked). Audit:
    `social.screening.run` with the counts."""
    if province is not None:
        ensure_may(actor, Action.SOCIAL_SCREEN, province_code=province.code)
    elif not action_reach(actor, Action.SOCIAL_SCREEN).everything:
        raise PermissionDeniedError(
            _("Only HQ administrators screen the whole country.")
        )
    code = province.code if province is not None else None
    started = timezone.now()
    with transaction.atomic():
        RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        matches = PersonMatch.objects.filter(rule_set=rule_set)
        households = TargetHousehold.objects.filter(rule_set=rule_set)
        if code is not None:
            matches = matches.filter(province_code=code)
            households = households.filter(province_code=code)
        matches.delete()
        rules = rules_applying(rule_set, province)
        for rule in rules:
            rule_area = rule.province_id if rule.province_id else code
            sql.person_matches_insert(
                rule_people(rule, rule_area), rule_set_id=rule_set.pk, rule_id=rule.pk
            )
        sql.households_upsert(rule_set_id=rule_set.pk, province_code=code)
        # Households that no member's match names any more.
        households.filter(screened_out=False).exclude(
            Exists(
                PersonMatch.objects.filter(
                    rule_set=rule_set, house_code=OuterRef("house_code")
                )
            )
        ).update(screened_out=True)
        sql.households_not_found_delete(rule_set_id=rule_set.pk, province_code=code)
        targeting_counts_rebuild(rule_set=rule_set, province_code=code)
        people = matches.values("personal_id").distinct().count()
        found = households.filter(screened_out=False).count()
        run = ScreeningRun.objects.create(
            rule_set=rule_set,
            province=province,
            started_at=started,
            finished_at=timezone.now(),
            people_matched=people,
            households_found=found,
            run_by=actor if isinstance(actor, User) else None,
        )
        audit_record(
            actor=actor,
            action="social.screening.run",
            target=run,
            after={
                "year": rule_set.year,
                "province": code or "",
                "rules": len(rules),
                "people_matched": people,
                "households_found": found,
            },
            province_code=code or "",
        )
    return run
