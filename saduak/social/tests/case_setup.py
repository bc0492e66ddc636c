"""Records the case management tests share: a selected household of
subdistrict 500101 (district 5001, province 50) with two people staged by a
source, the agency list, and the district's social worker."""

from datetime import date
from itertools import count
from typing import Any

from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import staff_role_grant
from saduak.areas.models import Office
from saduak.social.agencies import agencies_load
from saduak.social.choices import HouseholdStatus, SourceKind
from saduak.social.models import (
    Agency,
    Case,
    RuleSet,
    SourceImport,
    StagedPerson,
    TargetHousehold,
)
from saduak.social.services import cases

YEAR = 2569
_house = count(1)


def rule_set() -> RuleSet:
    found, _created = RuleSet.objects.get_or_create(
        year=YEAR, defaults={"name_th": "เกณฑ์ 2569"}
    )
    return found


def household(
    *,
    status: str = HouseholdStatus.SELECTED,
    subdistrict: str = "500101",
    people: list[str] = (),  # type: ignore[assignment]
) -> TargetHousehold:
    """A household (its people staged by a social-map import)."""
    agencies_load(Agency)
    house_code = f"50010{next(_house):06d}"
    made = TargetHousehold.objects.create(
        rule_set=rule_set(),
        house_code=house_code,
        subdistrict_id=subdistrict,
        district_code=subdistrict[:4],
        province_code=subdistrict[:2],
        need_score=5,
        status=status,
    )
    if people:
        source = SourceImport.objects.create(
            kind=SourceKind.SOCIAL_MAP,
            year=YEAR,
            province_id=subdistrict[:2],
            file_name="map.csv",
            file_sha256="0" * 64,
            layout="csv",
            retain_until=date(2600, 1, 1),
        )
        for line, personal_id in enumerate(people, start=2):
            StagedPerson.objects.create(
                source_import=source,
                kind=SourceKind.SOCIAL_MAP,
                year=YEAR,
                line_number=line,
                personal_id=personal_id,
                house_code=house_code,
                full_name=f"คนที่ {line}",
                subdistrict_id=subdistrict,
                district_code=subdistrict[:4],
                province_code=subdistrict[:2],
            )
    return made


def staff(make_user: Any, role: Role, office_code: str) -> User:
    user: User = make_user()
    staff_role_grant(
        user=user, role=role, office=Office.objects.get(code=office_code), actor="test"
    )
    return user


def opened(
    worker: User, *, frequency: str = "monthly", home: TargetHousehold | None = None
) -> Case:
    return cases.case_open(
        household=home or household(),
        case_worker=worker,
        follow_up_frequency=frequency,
        actor=worker,
    )


def today() -> date:
    return timezone.localdate()
