"""What the screening tests share: staged rows of the five sources written
straight to the tables (the import is the sources helper's part), a rule set
and HQ, province and district staff."""

import datetime
from typing import Any

from saduak.social.choices import ImportStatus, SourceKind
from saduak.social.models import Rule, RuleSet, SourceImport, StagedPerson
from saduak.social.services import rules as rules_services

SYSTEM = "test"
YEAR = 2569
_ids = iter(range(10**6, 10**7))


def personal_id() -> str:
    from saduak.core.personal_id import with_check_digit

    return with_check_digit(f"1{next(_ids):011d}")


def an_import(
    kind: str = SourceKind.BASIC_NEEDS,
    *,
    year: int = YEAR,
    province_code: str | None = "50",
    status: str = ImportStatus.APPLIED,
) -> SourceImport:
    return SourceImport.objects.create(
        kind=kind,
        year=year,
        province_id=province_code,
        file_name=f"{kind}.csv",
        file_sha256="0" * 64,
        layout="csv",
        status=status,
        retain_until=datetime.date(2030, 1, 1),
    )


def stage(
    source_import: SourceImport,
    pid: str,
    *,
    house: str = "50010000001",
    subdistrict: str = "500101",
    name: str = "สมชาย ทดสอบ",
    **facts: Any,
) -> StagedPerson:
    return StagedPerson.objects.create(
        source_import=source_import,
        kind=source_import.kind,
        year=source_import.year,
        line_number=StagedPerson.objects.filter(source_import=source_import).count()
        + 2,
        personal_id=pid,
        house_code=house,
        full_name=name,
        subdistrict_id=subdistrict,
        district_code=subdistrict[:4],
        province_code=subdistrict[:2],
        **facts,
    )


def rule_set(year: int = YEAR) -> RuleSet:
    return rules_services.rule_set_create(year=year, name_th="เกณฑ์ทดสอบ", actor=SYSTEM)


def rule(
    rules: RuleSet,
    key: str,
    conditions: Any,
    *,
    sources: list[str] | None = None,
    min_agree: int = 1,
    weight: int = 1,
    province: Any = None,
) -> Rule:
    return rules_services.rule_add(
        rule_set=rules,
        key=key,
        label_th=key,
        label_en=key,
        conditions=conditions,
        sources=sources or [kind.value for kind in SourceKind],
        min_agree=min_agree,
        weight=weight,
        province=province,
        actor=SYSTEM,
    )
