"""The list of agencies a plan step names and a case is referred to
(`data/agencies.json`: code, Thai and English names). Loaded by the data
migration `0002_agencies` and by `manage.py load_social_agencies`, both
through `agencies_load`, which is idempotent: an agency already there keeps
its code and whether it is active, and takes the file's names."""

import json
from pathlib import Path
from typing import Any

AGENCIES_FILE = Path(__file__).resolve().parent / "data" / "agencies.json"


def agencies_from_file(path: Path = AGENCIES_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        rows: list[dict[str, str]] = json.load(handle)
    return rows


def agencies_load(agency_model: Any, rows: list[dict[str, str]] | None = None) -> int:
    """Adds the agencies of the file (or `rows`) that are missing and renames
    those already there; returns how many were added. `agency_model` is the
    Agency model (the historical one in a migration)."""
    if rows is None:
        rows = agencies_from_file()
    existing = {agency.code: agency for agency in agency_model.objects.all()}
    added = 0
    for row in rows:
        names = {"name_th": row["name_th"], "name_en": row.get("name_en", "")}
        agency = existing.get(row["code"])
        if agency is None:
            agency_model.objects.create(code=row["code"], **names)
            added += 1
        elif (agency.name_th, agency.name_en) != (names["name_th"], names["name_en"]):
            agency.name_th, agency.name_en = names["name_th"], names["name_en"]
            agency.save(update_fields=["name_th", "name_en"])
    return added
