"""TargetingCounts (social/rollups.py, docs/layout.md 8.4 pattern A): the
statistics at every level equal an independent count of the households after
a mix of decisions through the services, the recount then repairs nothing,
and the two ways of saying what a household contributes agree."""

import itertools
from collections import Counter

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.social import rollups
from saduak.social.choices import SOURCE_BITS, Domain, HouseholdStatus, SourceKind
from saduak.social.models import ServiceRecord, TargetHousehold, TargetingCounts
from saduak.social.selectors import targeting as selectors
from saduak.social.services import targeting as services
from saduak.social.services.targeting import targeting_counts_recount
from saduak.social.tests import targeting_setup as setup

pytestmark = pytest.mark.django_db

SOURCES = list(SourceKind)


def _independent(households, services_given):
    """found/confirmed/removed/selected/served per (area key, dimension),
    counted from the rows in plain Python."""
    counted = Counter()
    domains = {}
    for service in services_given:
        domains.setdefault(service.household_id, set()).add(service.domain)
    for household in households:
        status = household.status
        values = {
            "found": 1,
            "confirmed": int(status in ("confirmed", "selected")),
            "removed": int(status == "removed"),
            "selected": int(status == "selected"),
            "served": int(household.served_at is not None),
        }
        dims = [""] + [
            f"source:{kind}"
            for kind, bit in SOURCE_BITS.items()
            if household.sources & bit
        ]
        for dim in dims:
            for name, value in values.items():
                counted[(household.subdistrict_id, dim, name)] += value
        for domain in domains.get(household.pk, ()):
            counted[(household.subdistrict_id, f"domain:{domain}", "served")] += 1
    return counted


def _level_total(counted, subdistricts, dim, name):
    return sum(counted[(code, dim, name)] for code in subdistricts)


def test_the_statistics_at_each_level_equal_a_count_of_the_households(
    small_map, make_staff
):
    rules = setup.rule_set()
    source_sets = [
        (SourceKind.BASIC_NEEDS,),
        (SourceKind.WELFARE_CARD, SourceKind.BASIC_NEEDS),
        (SourceKind.FAMILY,),
        (SourceKind.SOCIAL_MAP, SourceKind.CASE_SYSTEM),
    ]
    households = []
    for index, code in enumerate(["500101"] * 6 + ["500102"] * 4 + ["500201"] * 5):
        households.append(
            setup.household(
                code, need_score=index % 7, sources=source_sets[index % 4], rules=rules
            )
        )
    households.append(setup.household("100101", rules=rules))
    setup.rebuild(rules)
    chiang_mai = make_staff(Role.SOCIAL_WORKER, "do-5001")
    chom_thong = make_staff(Role.SOCIAL_WORKER, "do-5002")
    forums = {}
    today = timezone.localdate()
    domains = itertools.cycle(list(Domain))
    for index, household in enumerate(households):
        actor = chiang_mai if household.district_code == "5001" else chom_thong
        if household.province_code != "50":
            continue
        forum = forums.get(household.subdistrict_id)
        if forum is None:
            forum = forums[household.subdistrict_id] = setup.forum(
                household.subdistrict_id, rules=rules, recorded_by=actor
            )
        step = index % 5
        if step == 0:
            continue
        if step == 1:
            services.household_remove(
                household=household, forum=forum, reason="มีรายได้พอ", actor=actor
            )
            continue
        services.household_confirm(household=household, forum=forum, actor=actor)
        if step >= 3:
            for _ in range(step - 2):
                services.service_record(
                    household=household,
                    domain=next(domains),
                    description="ให้ความช่วยเหลือ",
                    provided_on=today,
                    actor=actor,
                )
        if step == 4:
            services.household_select(household=household, actor=actor)
        if index == 2:
            services.household_remove(
                household=household, forum=forum, reason="ย้ายออก", actor=actor
            )

    counted = _independent(
        list(TargetHousehold.objects.all()), list(ServiceRecord.objects.all())
    )
    hq = make_staff(Role.HQ_ADMIN, "hq")
    levels = {
        ("country", ""): ["500101", "500102", "500201", "100101"],
        ("province", "50"): ["500101", "500102", "500201"],
        ("province", "10"): ["100101"],
        ("district", "5001"): ["500101", "500102"],
        ("district", "5002"): ["500201"],
        ("subdistrict", "500101"): ["500101"],
        ("subdistrict", "500102"): ["500102"],
    }
    for (level, code), subdistricts in levels.items():
        area = selectors.stats_area_get(viewer=hq, level=level, code=code)
        stats = selectors.targeting_statistics(area=area, rule_set=rules)
        for name in rollups.COUNTERS:
            assert getattr(stats.totals, name) == _level_total(
                counted, subdistricts, "", name
            ), (level, code, name)
        for kind, figures in stats.by_source:
            for name in rollups.COUNTERS:
                assert getattr(figures, name) == _level_total(
                    counted, subdistricts, f"source:{kind.value}", name
                ), (level, code, kind, name)
        for domain, served in stats.by_domain:
            assert served == _level_total(
                counted, subdistricts, f"domain:{domain.value}", "served"
            ), (level, code, domain)
        for child in stats.children:
            child_codes = (
                [sub for sub in subdistricts if sub.startswith(child.code)]
                if level != "district"
                else [child.code]
            )
            assert child.figures.found == _level_total(
                counted, child_codes, "", "found"
            )
    assert counted[("500101", "", "selected")] >= 1
    assert targeting_counts_recount() == 0


def test_the_contribution_and_the_counter_filters_say_the_same(small_map):
    """For every kind of household, what `_contribution` adds to the overall
    and source rows equals what each COUNTER_FILTERS condition matches."""
    rules = setup.rule_set()
    household = setup.household(
        sources=(SourceKind.WELFARE_CARD, SourceKind.FAMILY), rules=rules
    )
    now = timezone.now()
    for status, served in itertools.product(HouseholdStatus.values, (False, True)):
        TargetHousehold.objects.filter(pk=household.pk).update(
            status=status, served_at=now if served else None
        )
        household.refresh_from_db()
        state = rollups.household_state(household, domains=["health"])
        contribution = rollups._contribution(state)
        for name, condition in rollups.COUNTER_FILTERS.items():
            matched = TargetHousehold.objects.filter(condition, pk=household.pk).count()
            assert contribution[""][name] == matched, (status, served, name)
            for kind in ("welfare_card", "family"):
                assert contribution[f"source:{kind}"][name] == matched
        assert "source:basic_needs" not in contribution
        assert contribution["domain:health"] == {"served": 1}
    assert set(rollups.COUNTER_FILTERS) == set(rollups.COUNTERS)


def test_the_recount_repairs_a_wrong_a_lost_and_an_extra_row(small_map, make_staff):
    rules = setup.rule_set()
    setup.household("500101", rules=rules)
    setup.household("500201", rules=rules)
    setup.rebuild(rules)
    TargetingCounts.objects.filter(subdistrict_id="500101", dimension="").update(
        found=5
    )
    TargetingCounts.objects.filter(subdistrict_id="500201", dimension="").delete()
    TargetingCounts.objects.create(
        rule_set=rules,
        subdistrict_id="500102",
        district_code="5001",
        province_code="50",
        dimension="domain:justice",
        served=3,
    )
    assert targeting_counts_recount() == 3
    assert targeting_counts_recount() == 0
    assert not TargetingCounts.objects.filter(subdistrict_id="500102").exists()
