"""Importing the five sources (docs/social.md, "Sources and imports"): a file of
one source for one year (B.E.), for the whole country (HQ) or one province,
applied whole or not at all; rolled back; its rows deleted after the
retention period.

The import streams the file into a temporary table and checks and writes it
with set-based SQL (sql.py): no object and no check per row in Python."""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.accounts import matrix
from saduak.accounts.matrix import Action
from saduak.areas.models import Province
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.core.uploads.store import clean_file_name
from saduak.social import sql
from saduak.social.choices import ImportStatus, SourceKind
from saduak.social.layouts import Layout, layout_of
from saduak.social.models import SourceImport, StagedPerson
from saduak.social.source_files import file_scan, source_file_open
from saduak.social.subdistrict_names import SubdistrictMatcher

MAX_REPORTED = 200
YEARS = (2500, 2700)

# What each problem code of sql.py means, for the refusal report.
PROBLEMS: dict[str, Any] = {
    "width": gettext_lazy("The line's width is not the layout's."),
    "pid-missing": gettext_lazy("The personal ID is empty."),
    "pid-format": gettext_lazy("The personal ID is not 13 digits."),
    "pid-invalid": gettext_lazy("A personal ID does not start with 0 or 9."),
    "pid-check-digit": gettext_lazy(
        "The personal ID's last digit (check digit) does not match."
    ),
    "house-missing": gettext_lazy("The house code is empty."),
    "house-too-long": gettext_lazy("The house code is longer than 20 characters."),
    "subdistrict-missing": gettext_lazy("The row gives no subdistrict code or name."),
    "subdistrict-unknown": gettext_lazy("No subdistrict has this code."),
    "subdistrict-abolished": gettext_lazy("This subdistrict has been abolished."),
    "subdistrict-outside": gettext_lazy(
        "This subdistrict is outside the import's province."
    ),
    "subdistrict-name-unknown": gettext_lazy(
        "No subdistrict of the province has this name."
    ),
    "subdistrict-name-ambiguous": gettext_lazy(
        "Several subdistricts have this name: add the district or the code."
    ),
    "subdistrict-name-likely": gettext_lazy(
        "No subdistrict has exactly this name; these are spelt closely."
    ),
    "district-name-unknown": gettext_lazy("No district of the province has this name."),
    "name-too-long": gettext_lazy("The name is longer than 200 characters."),
    "boolean": gettext_lazy("%(column)s: not yes or no (ใช่/ไม่ใช่, Y/N, 1/0)."),
    "integer": gettext_lazy("%(column)s: not a number."),
    "too-large": gettext_lazy("%(column)s: too large."),
    "housing": gettext_lazy("%(column)s: not one of the housing values."),
    "duplicate": gettext_lazy("The same person as line %(line)s."),
}


@dataclass(frozen=True)
class RowProblem:
    """One bad row of a refused file."""

    line: int
    code: str
    column: str = ""
    hint: str = ""
    first_line: int = 0

    @property
    def message(self) -> str:
        text = str(PROBLEMS.get(self.code, self.code))
        if "%(" in text:
            text = text % {"column": self.column, "line": self.first_line}
        return f"{text} {self.hint}".strip()

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "code": self.code,
            "column": self.column,
            "reason": self.message,
        }


class SourceFileRefused(InvalidInput):
    """A file with bad rows: nothing of it was imported. `problems` are the
    first MAX_REPORTED by line, `total` how many were found."""

    code = "source-file-refused"

    def __init__(self, problems: list[RowProblem], total: int) -> None:
        message = _(
            "The file was not imported: %(count)s rows have a problem. Correct them"
            " and upload the whole file again."
        ) % {"count": f"{total:,}"}
        super().__init__(
            message,
            field="file",
            extra={
                "bad_rows": [problem.as_dict() for problem in problems],
                "bad_rows_total": total,
            },
        )
        self.problems = problems
        self.total = total


def _ensure_may(actor: Any, province_code: str) -> None:
    if province_code:
        matrix.ensure_may(
            actor, Action.SOCIAL_SOURCE_IMPORT, province_code=province_code
        )
        return
    if not matrix.action_reach(actor, Action.SOCIAL_SOURCE_IMPORT).everything:
        raise PermissionDeniedError(
            _("Only HQ imports a source for the whole country.")
        )


def retention_days(kind: str) -> int:
    return int(
        settings.SOCIAL_SOURCE_RETENTION_DAYS_BY_KIND.get(
            kind, settings.SOCIAL_SOURCE_RETENTION_DAYS
        )
    )


def _problems_of(
    layout: Layout, found: list[tuple[int, str, str]], duplicates: list[tuple[int, int]]
) -> list[RowProblem]:
    problems = []
    for line, code, hint in found:
        kind, _sep, target = code.partition(":")
        column = layout.column(target) if target else None
        problems.append(RowProblem(line, kind, column.label if column else "", hint))
    problems += [
        RowProblem(line, "duplicate", first_line=first) for line, first in duplicates
    ]
    problems.sort(key=lambda problem: problem.line)
    return problems[:MAX_REPORTED]


def source_import(
    *,
    kind: str,
    year: int,
    province: Province | None,
    file_name: str,
    content: bytes,
    actor: Any,
) -> SourceImport:
    """Imports `content` (the whole file in memory); see source_import_file."""
    return source_import_file(
        kind=kind,
        year=year,
        province=province,
        file_name=file_name,
        file=io.BytesIO(content),
        actor=actor,
    )


def source_import_file(
    *,
    kind: str,
    year: int,
    province: Province | None,
    file_name: str,
    file: IO[bytes],
    actor: Any,
) -> SourceImport:
    """Imports one file of source `kind` for `year` (B.E.) over `province` (the
    whole country when None), streamed from `file` (a seekable binary file:
    an upload, or a file on disk for a national file of hundreds of MB).

    Preconditions: `social.source_import` over the province (a national
    import: HQ's reach of everything). The same file (same SHA-256, source,
    year and area) still applied is refused (Conflict). A file not in the
    source's layout is refused naming the missing columns; a file with any
    bad row (personal ID, subdistrict, value, the same person twice) is
    refused whole with the first rows by line and the total
    (SourceFileRefused); nothing is written.

    Effect: the rows become StagedPerson rows of a new SourceImport; the
    older current rows of the same source and year in the area (every
    province for a national import) are superseded by it. Holds an
    advisory lock on the source and year (sql.import_lock) meanwhile.
    Side effects: audit `social.source.import` (counts and hash, no
    personal IDs)."""
    if kind not in SourceKind.values:
        raise InvalidInput(_("Choose one of the five sources."), field="kind")
    if not YEARS[0] <= int(year) <= YEARS[1]:
        raise InvalidInput(
            _("The year is a Buddhist Era year, such as 2569."), field="year"
        )
    province_code = province.code if province is not None else ""
    _ensure_may(actor, province_code)
    layout = layout_of(kind)
    scan = file_scan(file)
    with transaction.atomic():
        sql.import_lock(kind, year)
        if SourceImport.objects.filter(
            kind=kind,
            year=year,
            province=province,
            file_sha256=scan.sha256,
            status=ImportStatus.APPLIED,
        ).exists():
            raise Conflict(
                _("This very file is already imported for this source, year and area."),
                code="duplicate-file",
            )
        opened = source_file_open(file, layout, scan)
        # Every column of the layout (those the file lacks stay empty).
        sql.load_table_create([column.target for column in layout.columns])
        try:
            return _apply(
                opened.rows,
                opened.targets,
                layout=layout,
                layout_name=opened.layout,
                kind=kind,
                year=year,
                province=province,
                file_name=file_name,
                sha256=scan.sha256,
                actor=actor,
            )
        finally:
            if not sql.loads_with_copy():
                sql.load_table_drop()


def _apply(
    rows: Any,
    targets: list[str],
    *,
    layout: Layout,
    layout_name: str,
    kind: str,
    year: int,
    province: Province | None,
    file_name: str,
    sha256: str,
    actor: Any,
) -> SourceImport:
    province_code = province.code if province is not None else ""
    sql.load_rows(["line", "width", *targets], rows)
    names_given = "subdistrict_name" in targets
    # The expressions read every column of the layout (those the file lacks
    # are empty); the names are joined only when the file gives them.
    targets = [
        column.target
        for column in layout.columns
        if names_given or column.target not in ("subdistrict_name", "district_name")
    ]
    rows_read = sql.load_count()
    if not rows_read:
        raise InvalidInput(_("The file has no rows under its header."), field="file")
    if "subdistrict_name" in targets:
        matcher = SubdistrictMatcher(province_code)
        sql.names_table_fill(
            (name, district, *matcher.match(name, district))
            for name, district in sql.load_names()
        )
    found, total = sql.load_problems(layout, targets, province_code, MAX_REPORTED)
    duplicates, duplicate_total = sql.load_duplicates(MAX_REPORTED)
    if total or duplicate_total:
        raise SourceFileRefused(
            _problems_of(layout, found, duplicates), total + duplicate_total
        )
    imported = SourceImport.objects.create(
        kind=kind,
        year=year,
        province=province,
        file_name=clean_file_name(file_name),
        file_sha256=sha256,
        layout=layout_name,
        rows_read=rows_read,
        imported_by=actor if getattr(actor, "pk", None) else None,
        retain_until=timezone.localdate() + timedelta(days=retention_days(kind)),
    )
    imported.rows_imported = sql.staged_insert(
        layout, targets, source_import_id=imported.pk, kind=kind, year=year
    )
    older = StagedPerson.objects.filter(
        kind=kind, year=year, superseded_by__isnull=True
    ).exclude(source_import=imported)
    if province_code:
        older = older.filter(province_code=province_code)
    imported.rows_superseded = older.update(superseded_by=imported)
    imported.save(update_fields=["rows_imported", "rows_superseded"])
    audit_record(
        actor=actor,
        action="social.source.import",
        target=imported,
        after={
            "kind": kind,
            "year": year,
            "province": province_code,
            "file_name": imported.file_name,
            "sha256": sha256,
            "layout": layout_name,
            "rows_read": rows_read,
            "rows_imported": imported.rows_imported,
            "rows_superseded": imported.rows_superseded,
        },
        province_code=province_code,
    )
    return imported


def _newer_overlapping(source: SourceImport) -> bool:
    newer = SourceImport.objects.filter(
        kind=source.kind,
        year=source.year,
        status=ImportStatus.APPLIED,
        pk__gt=source.pk,
    )
    if source.province_id:
        newer = newer.filter(Q(province__isnull=True) | Q(province=source.province_id))
    return newer.exists()


def source_import_rollback(*, source_import: SourceImport, actor: Any) -> SourceImport:
    """Rolls an applied import back: its rows are deleted and the rows it
    superseded are current again.

    Preconditions: `social.source_import` over its area; it is applied
    (Conflict once rolled back or purged) and no newer applied import of the
    same source and year covers its area (Conflict: roll that one back
    first). Locks the import row and the source and year.
    Side effects: audit `social.source.rollback` with the counts."""
    province_code = source_import.province_id or ""
    _ensure_may(actor, province_code)
    with transaction.atomic():
        sql.import_lock(source_import.kind, source_import.year)
        locked = SourceImport.objects.select_for_update().get(pk=source_import.pk)
        if locked.status != ImportStatus.APPLIED:
            raise Conflict(
                _("This import is no longer applied: it cannot be rolled back."),
                code="not-applied",
            )
        if _newer_overlapping(locked):
            raise Conflict(
                _(
                    "A newer import of this source and year covers this area: roll that"
                    " one back first."
                ),
                code="newer-import",
            )
        restored = StagedPerson.objects.filter(superseded_by=locked).update(
            superseded_by=None
        )
        deleted, _counts = StagedPerson.objects.filter(source_import=locked).delete()
        locked.status = ImportStatus.ROLLED_BACK
        locked.rolled_back_by = actor if getattr(actor, "pk", None) else None
        locked.rolled_back_at = timezone.now()
        locked.save(update_fields=["status", "rolled_back_by", "rolled_back_at"])
        audit_record(
            actor=actor,
            action="social.source.rollback",
            target=locked,
            before={"status": ImportStatus.APPLIED},
            after={
                "status": locked.status,
                "rows_deleted": deleted,
                "rows_restored": restored,
            },
            province_code=province_code,
        )
    return locked


def sources_purge_expired(
    *, today: date | None = None, actor: Any = "task:social_purge"
) -> int:
    """Deletes the staged rows of every applied import whose retention period
    has passed (`retain_until` before `today`); the import stays, `purged`,
    with its counts. Returns how many imports were purged. Each in its own
    transaction, the import row locked. Side effects: audit
    `social.source.purge` per import (the number of rows deleted)."""
    today = today or timezone.localdate()
    expired = SourceImport.objects.filter(
        status=ImportStatus.APPLIED, retain_until__lt=today
    ).values_list("pk", flat=True)
    purged = 0
    for pk in list(expired):
        with transaction.atomic():
            locked = SourceImport.objects.select_for_update().get(pk=pk)
            if locked.status != ImportStatus.APPLIED or locked.retain_until >= today:
                continue
            deleted, _counts = StagedPerson.objects.filter(
                source_import=locked
            ).delete()
            locked.status = ImportStatus.PURGED
            locked.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="social.source.purge",
                target=locked,
                before={"status": ImportStatus.APPLIED},
                after={"status": locked.status, "rows_deleted": deleted},
                province_code=locked.province_id or "",
            )
            purged += 1
    return purged
