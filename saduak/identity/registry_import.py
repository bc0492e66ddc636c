"""Loading the local copy of the civil registry from CSV (for CIVIL_REGISTRY_BACKEND
"table"). All or nothing: one bad row stops the load and names the row."""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput
from saduak.core.personal_id import clean_personal_id
from saduak.core.text import text_faults
from saduak.identity.models import CardStatus, RegistryPerson

COLUMNS = [
    "personal_id",
    "first_name",
    "last_name",
    "birth_date",
    "card_expiry",
    "card_status",
]


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int


def _row_values(number: int, row: dict[str, str]) -> dict[str, Any]:
    # A NUL character: PostgreSQL cannot store it.
    fault = next(text_faults(row), None)
    if fault:
        raise InvalidInput(
            _("Row %(row)d: %(reason)s") % {"row": number, "reason": fault[1]}
        )
    try:
        values: dict[str, Any] = {
            "personal_id": clean_personal_id(row.get("personal_id", "")),
            "first_name": row["first_name"].strip(),
            "last_name": row["last_name"].strip(),
            "birth_date": date.fromisoformat(row["birth_date"].strip()),
            "card_expiry": date.fromisoformat(row["card_expiry"].strip()),
            "card_status": (row.get("card_status") or CardStatus.VALID).strip(),
        }
    except ValidationError as error:
        raise InvalidInput(
            _("Row %(row)d: %(reason)s") % {"row": number, "reason": error.messages[0]}
        ) from None
    except (KeyError, ValueError, AttributeError) as error:
        raise InvalidInput(
            _("Row %(row)d is not readable (%(reason)s). Columns: %(columns)s.")
            % {"row": number, "reason": error, "columns": ", ".join(COLUMNS)}
        ) from None
    if not values["first_name"] or not values["last_name"]:
        raise InvalidInput(_("Row %(row)d has no name.") % {"row": number})
    if values["card_status"] not in CardStatus.values:
        raise InvalidInput(
            _("Row %(row)d has an unknown card status.") % {"row": number}
        )
    return values


def registry_import(*, lines: Iterable[str], actor: Any) -> ImportReport:
    """Creates or updates registry records from CSV lines with a header row. Audited
    as `identity.registry.import` with the counts."""
    rows = [
        _row_values(number, row)
        for number, row in enumerate(csv.DictReader(lines), start=2)
    ]
    with transaction.atomic():
        existing = RegistryPerson.objects.in_bulk(
            [row["personal_id"] for row in rows], field_name="personal_id"
        )
        created = updated = 0
        for values in rows:
            person = existing.get(values["personal_id"])
            if person is None:
                RegistryPerson.objects.create(**values)
                created += 1
            elif any(getattr(person, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(person, key, value)
                person.save()
                updated += 1
        audit_record(
            actor=actor,
            action="identity.registry.import",
            after={"created": created, "updated": updated},
        )
    return ImportReport(created, updated)
