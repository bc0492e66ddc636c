"""Households as a screening run leaves them, for the targeting tests: a rule
set, source rows, person matches and target households in the small map's
subdistricts, with their counts rebuilt (the screening service is another
part's; these rows are what it writes)."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Subdistrict
from saduak.core.personal_id import with_check_digit
from saduak.social.choices import SOURCE_BITS, Domain, SourceKind
from saduak.social.models import (
    Agency,
    CommunityForum,
    PersonMatch,
    Rule,
    RuleSet,
    SourceImport,
    StagedPerson,
    TargetHousehold,
)
from saduak.social.rollups import targeting_counts_rebuild

YEAR = 2569
_serial = iter(range(1, 10**6))


def personal_id() -> str:
    return with_check_digit(f"1{next(_serial) + 500_000:011d}")


def rule_set(year: int = YEAR) -> RuleSet:
    found, _created = RuleSet.objects.get_or_create(
        year=year, defaults={"name_th": f"เกณฑ์ปี {year}", "name_en": f"Rules {year}"}
    )
    return found


def rule(rules: RuleSet, key: str, weight: int = 3, domain: str = "") -> Rule:
    found, _created = Rule.objects.get_or_create(
        rule_set=rules,
        key=key,
        province=None,
        defaults={
            "label_th": f"เกณฑ์ {key}",
            "label_en": f"Rule {key}",
            "conditions": [[{"field": "monthly_income", "op": "lt", "value": 3000}]],
            "sources": [SourceKind.BASIC_NEEDS, SourceKind.WELFARE_CARD],
            "weight": weight,
            "domain": domain or Domain.WORK_INCOME,
        },
    )
    return found


def source_import(kind: str, year: int = YEAR) -> SourceImport:
    found = SourceImport.objects.filter(kind=kind, year=year).first()
    if found is None:
        found = SourceImport.objects.create(
            kind=kind,
            year=year,
            file_name=f"{kind}.csv",
            file_sha256="0" * 64,
            layout="csv",
            retain_until=date.today() + timedelta(days=365),
        )
    return found


def household(
    subdistrict_code: str = "500101",
    *,
    need_score: int = 5,
    sources: tuple[str, ...] = (SourceKind.BASIC_NEEDS,),
    people: int = 1,
    house_code: str | None = None,
    rules: RuleSet | None = None,
    incomes: tuple[int | None, ...] = (),
) -> TargetHousehold:
    """A household screening found, with `people` source rows per source and
    a match of the income rule for its first person."""
    rules = rules or rule_set()
    subdistrict = Subdistrict.objects.select_related("district").get(
        code=subdistrict_code
    )
    district = subdistrict.district
    code = house_code or f"{subdistrict_code}{next(_serial):08d}"
    mask = 0
    for kind in sources:
        mask |= SOURCE_BITS[kind]
    people_ids = [personal_id() for _ in range(people)]
    for index, kind in enumerate(sources):
        for number, pid in enumerate(people_ids):
            income = incomes[index] if index < len(incomes) else 1500
            StagedPerson.objects.create(
                source_import=source_import(kind, rules.year),
                kind=kind,
                year=rules.year,
                line_number=number + 2,
                personal_id=pid,
                house_code=code,
                full_name=f"นาย ทดสอบ {number}",
                subdistrict=subdistrict,
                district_code=district.code,
                province_code=district.province_id,
                monthly_income=income,
            )
    PersonMatch.objects.create(
        rule_set=rules,
        rule=rule(rules, "low_income"),
        personal_id=people_ids[0],
        house_code=code,
        subdistrict=subdistrict,
        district_code=district.code,
        province_code=district.province_id,
        sources=mask,
    )
    return TargetHousehold.objects.create(
        rule_set=rules,
        house_code=code,
        subdistrict=subdistrict,
        district_code=district.code,
        province_code=district.province_id,
        need_score=need_score,
        rules_met=1,
        people_found=1,
        sources=mask,
    )


def rebuild(rules: RuleSet | None = None) -> int:
    """The counts as a screening run leaves them."""
    return targeting_counts_rebuild(rule_set=rules or rule_set(), province_code=None)


def forum(
    subdistrict_code: str = "500101",
    *,
    rules: RuleSet | None = None,
    recorded_by: User,
    held_on: date | None = None,
) -> CommunityForum:
    subdistrict = Subdistrict.objects.select_related("district").get(
        code=subdistrict_code
    )
    return CommunityForum.objects.create(
        rule_set=rules or rule_set(),
        subdistrict=subdistrict,
        district_code=subdistrict.district_id,
        province_code=subdistrict.district.province_id,
        held_on=held_on or timezone.localdate(),
        minutes="ที่ประชุมรับรองรายชื่อครัวเรือน",
        recorded_by=recorded_by,
    )


def agency(code: str = "pmj", active: bool = True) -> Agency:
    found, _created = Agency.objects.get_or_create(
        code=code,
        defaults={
            "name_th": "ศูนย์พัฒนาสังคม",
            "name_en": "Social development centre",
            "is_active": active,
        },
    )
    return found


def worker(request_or_make_staff: Any, office: str = "do-5001") -> User:
    make_staff = (
        request_or_make_staff.getfixturevalue("make_staff")
        if hasattr(request_or_make_staff, "getfixturevalue")
        else request_or_make_staff
    )
    user: User = make_staff(Role.SOCIAL_WORKER, office)
    return user
