"""Targeting: the community forum (ประชาคม) of a subdistrict, the decision it
backs on each household screening found (confirm or remove), selection for
case management, and the services given per domain (docs/social.md,
"Targeting, the community forum, services and statistics").

Every write that changes a household's status, its being served or its
domains moves `TargetingCounts` in its own transaction
(`rollups.household_state` before and after, `rollups.targeting_counts_move`).

A decision can be changed while the household is not selected: confirming a
removed household, or removing a confirmed one, is the same call citing the
forum that changed its mind (the audit event keeps the status and forum
before and after). Once selected, the household belongs to case management
and its decision no longer changes here."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.areas.models import Province, Subdistrict
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.social.choices import Domain, HouseholdStatus
from saduak.social.models import (
    Agency,
    CommunityForum,
    RuleSet,
    ServiceRecord,
    TargetHousehold,
)
from saduak.social.rollups import (
    household_state,
    targeting_counts_move,
    targeting_counts_rebuild,
)

MINUTES_MAX = 20_000
REASON_MAX = 500
DESCRIPTION_MAX = 500
# A household is served only once the forum confirmed it.
SERVABLE = (HouseholdStatus.CONFIRMED, HouseholdStatus.SELECTED)


def _not_in_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), field=field)


def _ensure_decides(actor: User | str, household: TargetHousehold) -> None:
    ensure_may(
        actor,
        Action.SOCIAL_TARGET_DECIDE,
        district_code=household.district_code,
        province_code=household.province_code,
    )


def forum_record(
    *,
    rule_set: RuleSet,
    subdistrict: Subdistrict,
    held_on: date,
    minutes: str,
    attendees: int | None = None,
    actor: User,
) -> CommunityForum:
    """Records a community forum held in `subdistrict` for a year's targeting.

    Preconditions: `social.target_decide` over the subdistrict's district;
    `held_on` not in the future; minutes required. Side effects: audit
    `social.forum.record` (date, attendees and the length of the minutes)."""
    district = subdistrict.district
    ensure_may(
        actor,
        Action.SOCIAL_TARGET_DECIDE,
        district_code=district.code,
        province_code=district.province_id,
    )
    _not_in_future(held_on, "held_on")
    minutes = (minutes or "").strip()
    if not minutes:
        raise InvalidInput(_("Write the forum's minutes."), field="minutes")
    if len(minutes) > MINUTES_MAX:
        raise InvalidInput(
            _("The minutes are too long (at most %(limit)s characters).")
            % {"limit": f"{MINUTES_MAX:,}"},
            field="minutes",
        )
    if attendees is not None and attendees < 0:
        raise InvalidInput(_("Attendees cannot be negative."), field="attendees")
    with transaction.atomic():
        forum = CommunityForum.objects.create(
            rule_set=rule_set,
            subdistrict=subdistrict,
            district_code=district.code,
            province_code=district.province_id,
            held_on=held_on,
            minutes=minutes,
            attendees=attendees,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="social.forum.record",
            target=forum,
            after={
                "year": rule_set.year,
                "subdistrict": subdistrict.code,
                "held_on": held_on,
                "attendees": attendees,
                "minutes_length": len(minutes),
            },
            district_code=district.code,
            province_code=district.province_id,
        )
    return forum


def _locked(household: TargetHousehold) -> TargetHousehold:
    return (
        TargetHousehold.objects.select_for_update(of=("self",))
        .select_related("rule_set", "forum")
        .get(pk=household.pk)
    )


def _check_forum(household: TargetHousehold, forum: CommunityForum) -> None:
    if (
        forum.subdistrict_id != household.subdistrict_id
        or forum.rule_set_id != household.rule_set_id
    ):
        raise InvalidInput(
            _("Cite a forum held in the household's subdistrict for this year."),
            field="forum",
        )


def _decide(
    *,
    household: TargetHousehold,
    forum: CommunityForum,
    status: str,
    reason: str,
    actor: User | str,
    action: str,
) -> TargetHousehold:
    _ensure_decides(actor, household)
    _check_forum(household, forum)
    with transaction.atomic():
        locked = _locked(household)
        if locked.status == HouseholdStatus.SELECTED:
            raise Conflict(
                _(
                    "This household is selected for case management; its decision"
                    " no longer changes here."
                ),
                code="household-selected",
            )
        if (
            locked.status == status
            and locked.forum_id == forum.pk
            and locked.removal_reason == reason
        ):
            return locked
        before = household_state(locked)
        was = {
            "status": locked.status,
            "forum": str(locked.forum.public_id) if locked.forum else None,
            "reason": locked.removal_reason,
        }
        locked.status = status
        locked.forum = forum
        locked.removal_reason = reason
        locked.decided_by = actor if isinstance(actor, User) else None
        locked.decided_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "forum",
                "removal_reason",
                "decided_by",
                "decided_at",
            ]
        )
        targeting_counts_move(before, household_state(locked, domains=before.domains))
        audit_record(
            actor=actor,
            action=action,
            target=locked,
            before=was,
            after={
                "status": status,
                "forum": str(forum.public_id),
                "forum_held_on": forum.held_on,
                "reason": reason,
            },
            district_code=locked.district_code,
            province_code=locked.province_code,
        )
    household.refresh_from_db()
    return locked


def household_confirm(
    *, household: TargetHousehold, forum: CommunityForum, actor: User | str
) -> TargetHousehold:
    """The forum confirms the household: status confirmed, citing `forum`.

    Preconditions: `social.target_decide` over the household's district; the
    forum of the same subdistrict and year; the household not selected
    (Conflict `household-selected`). A removed household may be confirmed
    (the decision changes). Locks the household; moves the counts; audit
    `social.household.confirm` (status and forum before and after)."""
    return _decide(
        household=household,
        forum=forum,
        status=HouseholdStatus.CONFIRMED,
        reason="",
        actor=actor,
        action="social.household.confirm",
    )


def household_remove(
    *,
    household: TargetHousehold,
    forum: CommunityForum,
    reason: str,
    actor: User | str,
) -> TargetHousehold:
    """The forum removes the household from the target group, for `reason`.

    Preconditions as `household_confirm`, and a reason (InvalidInput on
    `reason`). A confirmed household may be removed (the decision changes);
    services already recorded stay. Moves the counts; audit
    `social.household.remove`."""
    reason = _required_text(
        reason,
        field="reason",
        limit=REASON_MAX,
        missing=_("Say why the household is removed."),
        too_long=_("The reason is too long (at most %(limit)s characters)."),
    )
    return _decide(
        household=household,
        forum=forum,
        status=HouseholdStatus.REMOVED,
        reason=reason,
        actor=actor,
        action="social.household.remove",
    )


def _required_text(
    value: str | None, *, field: str, limit: int, missing: str, too_long: str
) -> str:
    """`value` trimmed; InvalidInput on `field` with `missing` when it is
    empty, or with `too_long` (given `limit`) when it is longer than `limit`."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(missing, field=field)
    if len(value) > limit:
        raise InvalidInput(too_long % {"limit": limit}, field=field)
    return value


def household_select(
    *, household: TargetHousehold, actor: User | str
) -> TargetHousehold:
    """Selects a confirmed household for case management (status selected);
    the cases part opens its case from there.

    Preconditions: `social.target_decide` over the household's district; the
    household confirmed (Conflict `household-not-confirmed` otherwise). Moves
    the counts; audit `social.household.select`."""
    _ensure_decides(actor, household)
    with transaction.atomic():
        locked = _locked(household)
        if locked.status != HouseholdStatus.CONFIRMED:
            raise Conflict(
                _("Only a household the forum confirmed can be selected."),
                code="household-not-confirmed",
            )
        before = household_state(locked)
        locked.status = HouseholdStatus.SELECTED
        locked.decided_by = actor if isinstance(actor, User) else None
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        targeting_counts_move(before, household_state(locked, domains=before.domains))
        audit_record(
            actor=actor,
            action="social.household.select",
            target=locked,
            before={"status": HouseholdStatus.CONFIRMED},
            after={"status": HouseholdStatus.SELECTED},
            district_code=locked.district_code,
            province_code=locked.province_code,
        )
    household.refresh_from_db()
    return locked


def service_record(
    *,
    household: TargetHousehold,
    domain: str,
    description: str,
    provided_on: date,
    agency: Agency | None = None,
    actor: User,
) -> ServiceRecord:
    """Records a service given to a confirmed (or selected) household in one
    of the seven domains; the first one marks the household served
    (`served_at`).

    Preconditions: `social.service_record` over the household's district;
    the household confirmed or selected (Conflict `household-not-confirmed`);
    a known domain, a description, `provided_on` not in the future, an
    active agency from the list if any. Locks the household; moves the
    counts (served, and the domain's row the first time in that domain);
    audit `social.service.record`."""
    ensure_may(
        actor,
        Action.SOCIAL_SERVICE_RECORD,
        district_code=household.district_code,
        province_code=household.province_code,
    )
    if domain not in Domain.values:
        raise InvalidInput(_("Choose one of the seven domains."), field="domain")
    description = _required_text(
        description,
        field="description",
        limit=DESCRIPTION_MAX,
        missing=_("Say what was given."),
        too_long=_("The description is too long (at most %(limit)s characters)."),
    )
    _not_in_future(provided_on, "provided_on")
    if agency is not None and not agency.is_active:
        raise InvalidInput(_("This agency is no longer on the list."), field="agency")
    with transaction.atomic():
        locked = _locked(household)
        if locked.status not in SERVABLE:
            raise Conflict(
                _("Services are recorded for households the forum confirmed."),
                code="household-not-confirmed",
            )
        before = household_state(locked)
        record = ServiceRecord.objects.create(
            household=locked,
            domain=domain,
            description=description,
            agency=agency,
            provided_on=provided_on,
            recorded_by=actor,
        )
        if locked.served_at is None:
            locked.served_at = timezone.now()
            locked.save(update_fields=["served_at"])
        targeting_counts_move(
            before, household_state(locked, domains=before.domains | {domain})
        )
        audit_record(
            actor=actor,
            action="social.service.record",
            target=locked,
            before={"served": before.served, "domains": sorted(before.domains)},
            after={
                "domain": domain,
                "description": description,
                "agency": agency.code if agency is not None else None,
                "provided_on": provided_on,
                "first_service": not before.served,
            },
            district_code=locked.district_code,
            province_code=locked.province_code,
        )
    household.refresh_from_db()
    return record


def targeting_counts_recount(*, years: list[int] | None = None) -> int:
    """Rebuilds `TargetingCounts` of every rule set (or of `years`) from the
    households, province by province, each in its own transaction; returns
    the rows repaired (0 expected: more means a write bypassed the services).
    The nightly task and `manage.py social_recount` run it; it is also the
    backfill after a bulk load."""
    rule_sets = RuleSet.objects.order_by("year")
    if years is not None:
        rule_sets = rule_sets.filter(year__in=years)
    provinces = list(Province.objects.order_by("code").values_list("code", flat=True))
    repaired = 0
    for rule_set in rule_sets:
        for code in provinces:
            with transaction.atomic():
                repaired += targeting_counts_rebuild(
                    rule_set=rule_set, province_code=code
                )
    return repaired
