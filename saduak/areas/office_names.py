"""The offices every province and district has, with their codes and names.

Bangkok's districts are เขต, not อำเภอ: geothai already writes their Thai names with
the prefix, and their offices are named without อำเภอ.
"""

from dataclasses import dataclass

from django.conf import settings

from saduak.areas.choices import OfficeKind

BANGKOK = "10"


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    kind: str
    name_th: str
    name_en: str


def headquarters_spec() -> OfficeSpec:
    return OfficeSpec(
        "hq",
        OfficeKind.HEADQUARTERS,
        f"{settings.DEPARTMENT_NAME_TH} ส่วนกลาง",
        f"{settings.DEPARTMENT_NAME_EN} Headquarters",
    )


def provincial_office_spec(code: str, name_th: str, name_en: str) -> OfficeSpec:
    thai = (
        "ที่ทำการปกครองกรุงเทพมหานคร" if code == BANGKOK else f"ที่ทำการปกครองจังหวัด{name_th}"
    )
    return OfficeSpec(
        f"pao-{code}",
        OfficeKind.PROVINCIAL_OFFICE,
        thai,
        f"{name_en} Provincial Administration Office",
    )


def district_office_specs(code: str, name_th: str, name_en: str) -> list[OfficeSpec]:
    in_bangkok = code.startswith(BANGKOK)
    amphoe = "" if in_bangkok else "อำเภอ"
    return [
        OfficeSpec(
            f"do-{code}",
            OfficeKind.DISTRICT_OFFICE,
            f"สำนักงาน{name_th}" if in_bangkok else f"ที่ว่าการอำเภอ{name_th}",
            f"{name_en} District Office",
        ),
        OfficeSpec(
            f"reg-{code}",
            OfficeKind.DISTRICT_REGISTRY,
            f"สำนักทะเบียน{amphoe}{name_th}",
            f"{name_en} District Registry Office",
        ),
        OfficeSpec(
            f"ddc-{code}",
            OfficeKind.DAMRONGDHAM_CENTER,
            f"ศูนย์ดำรงธรรม{amphoe}{name_th}",
            f"{name_en} District Damrongdham Center",
        ),
    ]


# Counters a new office starts with; the district edits them afterwards.
DEFAULT_COUNTERS: dict[str, int] = {
    OfficeKind.DISTRICT_REGISTRY: 3,
    OfficeKind.DISTRICT_OFFICE: 1,
    OfficeKind.DAMRONGDHAM_CENTER: 1,
    OfficeKind.PROVINCIAL_OFFICE: 1,
}
