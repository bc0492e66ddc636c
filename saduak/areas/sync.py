"""Bringing the database's map and offices in line with geothai.

Idempotent: a second run changes nothing. New areas are created, renamed ones updated,
areas no longer in the data are marked inactive (never deleted, because records still
point at them). Every district gets its three offices and every province its
provincial administration office.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from django.conf import settings
from django.db import models, transaction

from saduak.areas import geography
from saduak.areas.cache import bump_map_version
from saduak.areas.geography import AreaRow
from saduak.areas.models import (
    Counter,
    District,
    Office,
    OpeningHours,
    Province,
    Subdistrict,
)
from saduak.areas.office_names import (
    DEFAULT_COUNTERS,
    OfficeSpec,
    district_office_specs,
    headquarters_spec,
    provincial_office_spec,
)
from saduak.areas.search import search_key
from saduak.audit.services import audit_record


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0


@dataclass
class SyncReport:
    data_version: str
    levels: dict[str, LevelCounts] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(
            c.created or c.updated or c.deactivated for c in self.levels.values()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "data_version": self.data_version,
            **{level: vars(counts) for level, counts in self.levels.items()},
        }


LEVEL_MODELS: list[tuple[str, type[models.Model], str | None]] = [
    ("province", Province, None),
    ("district", District, "province_id"),
    ("subdistrict", Subdistrict, "district_id"),
]


def _wanted_values(row: AreaRow, parent_field: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name_th": row.name_th,
        "name_en": row.name_en,
        "is_active": row.is_active,
        "abolished_on": row.abolished_on,
        "search_key": search_key(row.name_th, row.name_en),
    }
    if parent_field:
        values[parent_field] = row.parent_code
    if row.level == "subdistrict":
        values["postal_codes"] = row.postal_codes
    return values


def _sync_level(
    model: type[models.Model], rows: list[AreaRow], parent_field: str | None
) -> LevelCounts:
    counts = LevelCounts()
    existing = model.objects.in_bulk()  # type: ignore[attr-defined]
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    seen: set[str] = set()
    for row in rows:
        seen.add(row.code)
        wanted = _wanted_values(row, parent_field)
        current = existing.get(row.code)
        if current is None:
            to_create.append(model(code=row.code, **wanted))
            counts.created += 1
            continue
        differs = [
            name for name, value in wanted.items() if getattr(current, name) != value
        ]
        if not differs:
            counts.unchanged += 1
            continue
        for name in differs:
            setattr(current, name, wanted[name])
        changed_fields.update(differs)
        to_update.append(current)
        if "is_active" in differs and not wanted["is_active"]:
            counts.deactivated += 1
        else:
            counts.updated += 1
    for code, current in existing.items():
        if code not in seen and current.is_active:
            current.is_active = False
            changed_fields.add("is_active")
            to_update.append(current)
            counts.deactivated += 1
    model.objects.bulk_create(to_create, batch_size=1000)  # type: ignore[attr-defined]
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=1000)  # type: ignore[attr-defined]
    return counts


def _office_specs() -> list[tuple[OfficeSpec, str | None, str | None, bool]]:
    """(spec, province code, district code, active) for every office the map implies."""
    specs: list[tuple[OfficeSpec, str | None, str | None, bool]] = [
        (headquarters_spec(), None, None, True)
    ]
    for province in Province.objects.all():
        specs.append(
            (
                provincial_office_spec(
                    province.code, province.name_th, province.name_en
                ),
                province.code,
                None,
                province.is_active,
            )
        )
    for district in District.objects.all():
        for spec in district_office_specs(
            district.code, district.name_th, district.name_en
        ):
            specs.append(
                (spec, district.province_id, district.code, district.is_active)
            )
    return specs


def _sync_offices() -> LevelCounts:
    counts = LevelCounts()
    existing = {office.code: office for office in Office.objects.all()}
    created: list[Office] = []
    to_update: list[Office] = []
    for spec, province_code, district_code, active in _office_specs():
        office = existing.get(spec.code)
        if office is None:
            if not active:
                continue
            office = Office(
                code=spec.code,
                kind=spec.kind,
                name_th=spec.name_th,
                name_en=spec.name_en,
                search_key=search_key(spec.name_th, spec.name_en),
                province_id=province_code,
                district_id=district_code,
            )
            created.append(office)
            existing[spec.code] = office
            counts.created += 1
            continue
        wanted: dict[str, Any] = {
            "name_th": spec.name_th,
            "name_en": spec.name_en,
            "search_key": search_key(spec.name_th, spec.name_en),
        }
        if not active:
            wanted["is_active"] = False
        differs = {k: v for k, v in wanted.items() if getattr(office, k) != v}
        if differs:
            for name, value in differs.items():
                setattr(office, name, value)
            to_update.append(office)
            if differs.get("is_active") is False:
                counts.deactivated += 1
            else:
                counts.updated += 1
        else:
            counts.unchanged += 1
    Office.objects.bulk_create(created, batch_size=1000)
    if to_update:
        Office.objects.bulk_update(
            to_update,
            ["name_th", "name_en", "search_key", "is_active"],
            batch_size=1000,
        )
    if created:
        _link_parents()
        _give_defaults([office.code for office in created])
    return counts


def _link_parents() -> None:
    """District-level offices report to their provincial office, which reports to
    headquarters."""
    pk_by_code = dict(Office.objects.values_list("code", "pk"))
    headquarters_pk = pk_by_code[headquarters_spec().code]
    orphans = list(
        Office.objects.filter(parent__isnull=True).exclude(pk=headquarters_pk)
    )
    for office in orphans:
        if office.district_id is None:
            office.parent_id = headquarters_pk
        else:
            office.parent_id = pk_by_code.get(f"pao-{office.province_id}")
    Office.objects.bulk_update(orphans, ["parent"], batch_size=1000)


def _give_defaults(codes: Iterable[str]) -> None:
    """Opening hours Monday to Friday and default counters for new offices."""
    opens, closes = (time.fromisoformat(t) for t in settings.DEFAULT_OPENING_HOURS)
    hours: list[OpeningHours] = []
    counters: list[Counter] = []
    for office in Office.objects.filter(code__in=list(codes)).only("pk", "kind"):
        hours.extend(
            OpeningHours(office_id=office.pk, weekday=day, opens=opens, closes=closes)
            for day in range(5)
        )
        counters.extend(
            Counter(
                office_id=office.pk,
                number=number,
                label_th=f"ช่องบริการ {number}",
                label_en=f"Counter {number}",
            )
            for number in range(1, DEFAULT_COUNTERS.get(office.kind, 0) + 1)
        )
    OpeningHours.objects.bulk_create(hours, batch_size=2000)
    Counter.objects.bulk_create(counters, batch_size=2000)


def areas_sync(*, actor: Any, rows: list[AreaRow] | None = None) -> SyncReport:
    """Loads provinces, districts and subdistricts (with abolished ones, inactive) and
    the offices they imply. `rows` replaces the geothai data (tests use it).

    Runs in one transaction; writes one audit event `areas.sync` with the counts when
    anything changed.
    """
    if rows is None:
        rows = geography.current_rows() + geography.abolished_rows()
    report = SyncReport(data_version=geography.data_version())
    with transaction.atomic():
        for level, model, parent_field in LEVEL_MODELS:
            level_rows = [row for row in rows if row.level == level]
            report.levels[level] = _sync_level(model, level_rows, parent_field)
        report.levels["office"] = _sync_offices()
        if report.changed:
            audit_record(actor=actor, action="areas.sync", after=report.as_dict())
            transaction.on_commit(bump_map_version, robust=True)
    return report
