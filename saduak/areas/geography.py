"""Reading the map of Thailand from the `geothai` package: current areas and the ones
DOPA abolished, as plain rows ready to compare with the database."""

from dataclasses import dataclass
from datetime import date

import geothai
from geothai.abolished import abolished_areas


@dataclass(frozen=True)
class AreaRow:
    level: str  # "province", "district" or "subdistrict"
    code: str
    name_th: str
    name_en: str
    parent_code: str | None
    postal_codes: str = ""
    abolished_on: date | None = None

    @property
    def is_active(self) -> bool:
        return self.abolished_on is None


def current_rows() -> list[AreaRow]:
    rows: list[AreaRow] = []
    for province in geothai.provinces():
        rows.append(
            AreaRow("province", province.code, province.name_th, province.name_en, None)
        )
        for district in geothai.districts(province.code):
            rows.append(
                AreaRow(
                    "district",
                    district.code,
                    district.name_th,
                    district.name_en,
                    province.code,
                )
            )
            for sub in geothai.subdistricts(district.code):
                rows.append(
                    AreaRow(
                        "subdistrict",
                        sub.code,
                        sub.name_th,
                        sub.name_en,
                        district.code,
                        " ".join(sub.postal_codes),
                    )
                )
    return rows


def abolished_rows() -> list[AreaRow]:
    return [
        AreaRow(
            area.level,
            area.code,
            area.name_th,
            area.name_en or "",
            area.parent_code,
            abolished_on=date.fromisoformat(area.abolished_on),
        )
        for area in abolished_areas()
        if area.level in ("district", "subdistrict")
    ]


def data_version() -> str:
    return str(geothai.DATA_VERSION)
