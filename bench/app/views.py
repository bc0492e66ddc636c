"""The baseline of the upload benchmark (bench/eservice_upload_scenarios.py):
receives the same multipart upload as the real endpoint and writes its bytes,
unencrypted and unchecked, to the same private storage. Routed only by the
bench's URLconf (bench/app/urls.py)."""

import dataclasses
import json
import secrets
from uuid import UUID

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saduak.accounts.permissions import acting_user, staff_required


@csrf_exempt
@require_POST
def upload_plain(request: HttpRequest) -> JsonResponse:
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "no file"}, status=400)
    name = f"bench-plain/{secrets.token_hex(16)}"
    # Wrapped in File so the storage copies the bytes in chunks (as S3 would)
    # rather than renaming Django's temporary file into place.
    stored = default_storage.save(name, File(upload.file, name=name))
    return JsonResponse({"name": stored, "size": upload.size}, status=201)


@staff_required
def collection_progress(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """What HQ's follow-up dashboard of a directive reads, as JSON, for the
    dashboard's scenarios (bench/collection_scenarios.py) while the page
    itself is not there: the unit from `?level=&code=` checked against the
    viewer's reach, then the selector `request_progress` (one row per
    province for the country, per district for a province)."""
    from saduak.accounts.units import unit_get
    from saduak.performance.selectors.collection import request_get, request_progress

    viewer = acting_user(request)
    report_request = request_get(user=viewer, public_id=public_id)
    unit = unit_get(
        viewer=viewer,
        level=request.GET.get("level", "country"),
        code=request.GET.get("code", ""),
    )
    progress = request_progress(request=report_request, unit=unit)
    rows = [_plain(row) for row in progress.rows]
    body = {"rows": rows, "total": _plain(progress.total)}
    return HttpResponse(
        json.dumps(body, default=str, ensure_ascii=False),
        content_type="application/json",
    )


def _plain(row: object) -> object:
    """A progress row's fields (a dataclass or any object) as plain values."""
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return {
            field.name: getattr(row, field.name) for field in dataclasses.fields(row)
        }
    return getattr(row, "__dict__", row)
