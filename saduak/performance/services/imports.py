"""Importing a result's breakdown table from an XLSX or CSV file, in two
steps: read (parse, match each name to the map, keep the rows with their
status as a pending `BreakdownImport`), then confirm (a person's choice for
each likely match; the whole table applied through `breakdown_save`, all or
nothing) or discard.

The file itself is not stored: its rows as read and its SHA-256 are
(performance/tables.py says why)."""

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from saduak.accounts.matrix import Actor
from saduak.accounts.models import User
from saduak.core.errors import Conflict, InvalidInput
from saduak.performance.choices import BreakdownLevel, ImportStatus, ResultOrigin
from saduak.performance.import_rows import RowReader, columns_find
from saduak.performance.models import BreakdownImport, BreakdownRow, KpiResult
from saduak.performance.services.common import (
    framework_audit,
    kpi_ensure_may_record,
    result_open,
)
from saduak.performance.services.results import BreakdownInput, breakdown_save
from saduak.performance.tables import table_read

FILE_FIELD = "file"


def _lines(rows: list[dict[str, Any]]) -> str:
    return ", ".join(str(row["line"]) for row in rows)


@transaction.atomic
def breakdown_import_read(
    *, actor: Actor, result: KpiResult, upload: UploadedFile
) -> BreakdownImport:
    """Reads `upload` (XLSX or CSV, tables.py's limits), finds its columns,
    matches each row's unit to the map and checks its figures, and keeps the
    rows as a pending import of `result`'s breakdown (the result is created
    when new). Nothing of the breakdown changes yet.

    Preconditions: the actor may record the KPI's result (its owner or
    collector, or KPI_RESULT_RECORD over the framework's unit); the KPI has
    a breakdown; the framework is published and the round open (`Conflict`
    when locked). A file that cannot be read, or has no header row with the
    unit's and the figures' columns, is `InvalidInput` on "file".
    Audit: breakdown.import.read (file name, SHA-256, rows by status)."""
    kpi = result.kpi
    framework = kpi.component.framework
    kpi_ensure_may_record(actor, kpi, framework)
    if not kpi.breakdown_level:
        raise InvalidInput(
            pgettext("breakdown import", "This KPI has no breakdown table."),
            field=FILE_FIELD,
        )
    stored, _round = result_open(actor=actor, result=result)
    table = table_read(upload, field=FILE_FIELD)
    columns = columns_find(table, kpi)
    rows = RowReader(kpi, framework).rows(table, columns)
    if not rows:
        raise InvalidInput(
            _("The file has a header row but no rows under it."),
            code="file-empty",
            field=FILE_FIELD,
        )
    imported = BreakdownImport.objects.create(
        result=stored,
        file_name=table.file_name,
        file_sha256=table.sha256,
        rows=rows,
        uploaded_by=actor if isinstance(actor, User) else None,
        uploaded_at=timezone.now(),
    )
    framework_audit(
        actor=actor,
        action="breakdown.import.read",
        framework=framework,
        target=imported,
        after={
            "result": stored.pk,
            "file_name": table.file_name,
            "sha256": table.sha256,
            "kind": table.kind,
            "encoding": table.encoding,
            "rows": status_counts(rows),
        },
    )
    return imported


def status_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def _pending(imported: BreakdownImport) -> BreakdownImport:
    fresh = (
        BreakdownImport.objects.select_for_update()
        .select_related("result__kpi__component__framework", "result__round")
        .get(pk=imported.pk)
    )
    if fresh.status != ImportStatus.PENDING:
        raise Conflict(
            _("This import has already been %(status)s.")
            % {"status": fresh.get_status_display().lower()}
        )
    return fresh


def _refuse_blocking(rows: list[dict[str, Any]]) -> None:
    """Refuses (`InvalidInput` on "rows") while any row is unknown,
    ambiguous or bad, naming the lines of each kind."""
    messages = []
    unknown = [row for row in rows if row["status"] == "unknown"]
    ambiguous = [row for row in rows if row["status"] == "ambiguous"]
    bad = [row for row in rows if row["status"] == "bad"]
    if unknown:
        messages.append(
            ngettext(
                "The unit of line %(lines)s is not on the map.",
                "The units of lines %(lines)s are not on the map.",
                len(unknown),
            )
            % {"lines": _lines(unknown)}
        )
    if ambiguous:
        messages.append(
            ngettext(
                "The name on line %(lines)s fits several units: add a province"
                " column or the code.",
                "The names on lines %(lines)s fit several units: add a province"
                " column or the codes.",
                len(ambiguous),
            )
            % {"lines": _lines(ambiguous)}
        )
    if bad:
        messages.append(
            ngettext(
                "Line %(lines)s has a problem with its figures or its unit.",
                "Lines %(lines)s have problems with their figures or units.",
                len(bad),
            )
            % {"lines": _lines(bad)}
        )
    if messages:
        raise InvalidInput(
            " ".join(messages)
            + " "
            + _("Correct the file and upload it again; nothing was saved."),
            code="import-not-ready",
            field="rows",
        )


def _chosen_codes(
    rows: list[dict[str, Any]], choices: dict[int, str]
) -> dict[int, str]:
    """Each data row's unit code: its exact match, or for a likely match the
    candidate the person chose. Refused (on "rows") when a likely match has
    no choice, was rejected, or names a code that was not offered."""
    codes: dict[int, str] = {}
    unchosen, rejected = [], []
    for row in rows:
        if row["status"] == "total":
            continue
        match = row["match"]
        if row["status"] == "exact":
            codes[row["line"]] = match["code"]
            continue
        chosen = (choices.get(row["line"]) or "").strip()
        offered = {candidate["code"] for candidate in match["candidates"]}
        if row["line"] not in choices:
            unchosen.append(row)
        elif chosen not in offered:
            rejected.append(row)
        else:
            codes[row["line"]] = chosen
    if unchosen:
        raise InvalidInput(
            _("Confirm or reject the likely match of lines %(lines)s.")
            % {"lines": _lines(unchosen)},
            code="import-not-ready",
            field="rows",
        )
    if rejected:
        raise InvalidInput(
            _(
                "The likely match of lines %(lines)s was rejected: correct the"
                " names in the file and upload it again. Nothing was saved."
            )
            % {"lines": _lines(rejected)},
            code="import-not-ready",
            field="rows",
        )
    return codes


def _refuse_repeats(
    rows: list[dict[str, Any]], codes: dict[int, str], level: str
) -> None:
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["line"] not in codes:
            continue
        label = row["name"].strip().lower() if level == BreakdownLevel.FACILITY else ""
        key = (codes[row["line"]], label)
        if key in first:
            raise InvalidInput(
                _("Line %(line)s names the same unit as line %(first)s.")
                % {"line": row["line"], "first": first[key]},
                code="import-duplicate",
                field="rows",
            )
        first[key] = row["line"]


def breakdown_inputs(
    rows: list[dict[str, Any]], codes: dict[int, str], level: str
) -> list[BreakdownInput]:
    """The rows to save, with each unit's code in the place its level needs."""
    inputs = []
    for row in rows:
        if row["line"] not in codes:
            continue
        code = codes[row["line"]]
        numerator = Decimal(row["numerator_value"])
        denominator = (
            Decimal(row["denominator_value"])
            if row["denominator_value"] is not None
            else None
        )
        units: dict[str, dict[str, Any]] = {
            BreakdownLevel.PROVINCE: {"province_code": code},
            BreakdownLevel.DISTRICT: {"district_code": code},
            BreakdownLevel.OFFICE: {"office_code": code},
            BreakdownLevel.FACILITY: {
                "district_code": code or None,
                "label": row["name"].strip(),
            },
        }
        unit = units[level]
        inputs.append(
            BreakdownInput(numerator=numerator, denominator=denominator, **unit)
        )
    return inputs


@transaction.atomic
def breakdown_import_confirm(
    *, actor: Actor, imported: BreakdownImport, choices: dict[int, str]
) -> list[BreakdownRow]:
    """Applies a pending import: each likely match takes the candidate
    chosen in `choices` (row line -> code), and the whole table replaces the
    result's breakdown through `breakdown_save` (origin imported: the rows
    must add up to the result's figures; a result without figures takes
    their sums). All or nothing.

    Refused (`InvalidInput` on "rows", nothing saved) while any row is
    unknown, ambiguous or bad, a likely match is unconfirmed or rejected, or
    two rows name one unit; `Conflict` when the import was already applied
    or discarded or the round is locked. Permission: as recording the result.
    Audit: breakdown.import.confirm (the choices) and breakdown_save's
    breakdown.import (the table)."""
    kpi = imported.result.kpi
    kpi_ensure_may_record(actor, kpi, kpi.component.framework)
    imported = _pending(imported)
    result = imported.result
    kpi = result.kpi
    framework = kpi.component.framework
    rows: list[dict[str, Any]] = imported.rows
    _refuse_blocking(rows)
    codes = _chosen_codes(rows, choices)
    _refuse_repeats(rows, codes, kpi.breakdown_level)
    applied = [row for row in rows if row["line"] in codes]
    try:
        saved = breakdown_save(
            actor=actor,
            result=result,
            rows=breakdown_inputs(applied, codes, kpi.breakdown_level),
            origin=ResultOrigin.IMPORTED,
        )
    except InvalidInput as error:
        index = error.extra.get("index")
        if index is None:
            raise
        raise InvalidInput(
            _("%(message)s (line %(line)s of the file)")
            % {"message": error.message, "line": applied[index]["line"]},
            code=error.code,
            field="rows",
        ) from error
    for row in rows:
        if row["line"] in codes and row["status"] == "likely":
            row["chosen"] = codes[row["line"]]
    imported.rows = rows
    imported.status = ImportStatus.APPLIED
    imported.decided_at = timezone.now()
    imported.save(update_fields=["rows", "status", "decided_at"])
    framework_audit(
        actor=actor,
        action="breakdown.import.confirm",
        framework=framework,
        target=imported,
        after={
            "result": result.pk,
            "sha256": imported.file_sha256,
            "rows": len(saved),
            "chosen": {
                str(line): code
                for line, code in codes.items()
                if any(r["line"] == line and r["status"] == "likely" for r in rows)
            },
        },
    )
    return saved


@transaction.atomic
def breakdown_import_discard(*, actor: Actor, imported: BreakdownImport) -> None:
    """Discards a pending import; the breakdown is not touched. Allowed in a
    locked round too (nothing of the result changes). `Conflict` when it
    was already applied or discarded. Permission: as recording the result.
    Audit: breakdown.import.discard."""
    kpi = imported.result.kpi
    kpi_ensure_may_record(actor, kpi, kpi.component.framework)
    imported = _pending(imported)
    kpi = imported.result.kpi
    framework = kpi.component.framework
    imported.status = ImportStatus.DISCARDED
    imported.decided_at = timezone.now()
    imported.save(update_fields=["status", "decided_at"])
    framework_audit(
        actor=actor,
        action="breakdown.import.discard",
        framework=framework,
        target=imported,
        after={"result": imported.result_id, "sha256": imported.file_sha256},
    )
