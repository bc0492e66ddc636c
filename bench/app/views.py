"""The baseline of the upload benchmark (bench/eservice_upload_scenarios.py):
receives the same multipart upload as the real endpoint and writes its bytes,
unencrypted and unchecked, to the same private storage. Routed only by the
bench's URLconf (bench/app/urls.py)."""

import secrets

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


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
