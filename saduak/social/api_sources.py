"""Social Match API: Source imports (docs/social.md, "Sources and imports"):
list, detail, upload (multipart) and rollback, by the same services and
selectors as the staff pages."""

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.areas.models import Province
from saduak.core.errors import InvalidInput
from saduak.social.models import SourceImport
from saduak.social.selectors.sources import source_import_get, source_import_list
from saduak.social.services.sources import source_import_file, source_import_rollback

router = Router(tags=["social sources"])


class SourceImportOut(Schema):
    id: UUID = Field(description="The import's public id.")
    kind: str = Field(
        description="welfare_card, social_map, basic_needs, family or case_system."
    )
    year: int = Field(description="Year (B.E.).")
    province: str = Field(description="Province code; empty for the whole country.")
    file_name: str
    file_sha256: str
    layout: str = Field(description="csv, xlsx or fixed.")
    status: str = Field(description="applied, rolled_back or purged.")
    rows_read: int
    rows_imported: int
    rows_superseded: int
    imported_at: datetime
    rolled_back_at: datetime | None
    retain_until: date


def _out(found: SourceImport) -> dict[str, object]:
    return {
        "id": found.public_id,
        "kind": found.kind,
        "year": found.year,
        "province": found.province_id or "",
        "file_name": found.file_name,
        "file_sha256": found.file_sha256,
        "layout": found.layout,
        "status": found.status,
        "rows_read": found.rows_read,
        "rows_imported": found.rows_imported,
        "rows_superseded": found.rows_superseded,
        "imported_at": found.imported_at,
        "rolled_back_at": found.rolled_back_at,
        "retain_until": found.retain_until,
    }


class SourceImportFilter(Schema):
    kind: str = Field("", description="Only this source.", max_length=20)
    year: int | None = Field(
        None, ge=2500, le=2700, description="Only this year (B.E.)."
    )


@router.get("", response=list[SourceImportOut], auth=STAFF_OR_MACHINE)
def source_imports(
    request: HttpRequest, filters: Query[SourceImportFilter]
) -> list[dict[str, object]]:
    """The imports the caller may see (HQ: all; a province's staff: its
    province's and the national ones), newest first, at most 200."""
    found = source_import_list(
        viewer=acting_user(request), kind=filters.kind, year=filters.year
    )[:200]
    return [_out(item) for item in found]


@router.get("/{public_id}", response=SourceImportOut, auth=STAFF_OR_MACHINE)
def source_import_detail(request: HttpRequest, public_id: UUID) -> dict[str, object]:
    """One import (404 outside what the caller may see)."""
    return _out(source_import_get(viewer=acting_user(request), public_id=public_id))


@router.post(
    "",
    response={201: SourceImportOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.SOCIAL_SOURCE_IMPORT},
)
def source_import_upload(
    request: HttpRequest,
    kind: Form[str],
    year: Form[int],  # checked by the service (2500-2700)
    file: File[UploadedFile],
    province: Form[str] = "",
) -> Status:
    """Imports one source file (multipart: `kind`, `year` B.E., `province`
    code or empty for the whole country, `file`). A file with bad rows is
    400 `source-file-refused` with `bad_rows` (line, code, column, reason;
    the first 200) and `bad_rows_total`; a file in another layout 400
    `wrong-layout` with `missing_columns`; the same file again 409
    `duplicate-file`."""
    actor = acting_user(request)
    found_province = None
    if province:
        found_province = Province.objects.filter(code=province).first()
        if found_province is None:
            raise InvalidInput(_("No province has this code."), field="province")
    if file.file is None:
        raise InvalidInput(_("The file is empty."), field="file")
    imported = source_import_file(
        kind=kind,
        year=year,
        province=found_province,
        file_name=file.name or "",
        file=file.file,
        actor=actor,
    )
    return Status(201, _out(imported))


@router.post(
    "/{public_id}/rollback",
    response=SourceImportOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.SOCIAL_SOURCE_IMPORT},
)
def source_import_roll_back(request: HttpRequest, public_id: UUID) -> dict[str, object]:
    """Rolls the import back (409 `newer-import` when a newer import of the
    same source and year covers its area, `not-applied` once rolled back or
    purged)."""
    actor = acting_user(request)
    found = source_import_get(viewer=actor, public_id=public_id)
    return _out(source_import_rollback(source_import=found, actor=actor))
