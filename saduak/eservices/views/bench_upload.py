"""The baseline of the upload benchmark (bench/eservice_upload_scenarios.py):
receives the same multipart upload as the real endpoint and writes its bytes,
unencrypted and unchecked, to the same private storage. It exists only when
the environment has SADUAK_BENCH_ENDPOINTS=1 (set by the bench runner for its
own server); otherwise it is not routed and answers 404 even if it were."""

import os
import secrets

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

ENV_FLAG = "SADUAK_BENCH_ENDPOINTS"


def bench_endpoints_enabled() -> bool:
    return os.environ.get(ENV_FLAG) == "1"


@csrf_exempt
@require_POST
def bench_upload_plain(request: HttpRequest) -> JsonResponse:
    if not bench_endpoints_enabled():
        raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "no file"}, status=400)
    name = f"bench-plain/{secrets.token_hex(16)}"
    # Wrapped in File so the storage copies the bytes in chunks (as S3 would)
    # rather than renaming Django's temporary file into place.
    stored = default_storage.save(name, File(upload.file, name=name))
    return JsonResponse({"name": stored, "size": upload.size}, status=201)
