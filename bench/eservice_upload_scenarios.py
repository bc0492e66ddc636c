"""E-service documents under load: 50 clients at once each uploading a 10 MB
file. `eservice-upload-plain` is the baseline, the same server receiving the
same multipart upload and writing its bytes unencrypted to the same private
storage; `eservice-upload` is the real API endpoint (type check, scan when
configured, streaming AES-GCM encryption, row, timeline and audit event).

Targets (docs/eservices-documents.md): the server's peak memory grows by less
than 100 MB over idle, and the encrypted throughput is at least half of the
plain one."""

import json
import os
import secrets
import uuid
from typing import Any

import psutil

from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register
from bench.server import HOST, MemorySampler, tree_rss
from bench.stats import MB
from saduak.core.uploads.sample_files import one_page_pdf

PLAIN = "eservice-upload-plain"
ENCRYPTED = "eservice-upload"
PLAIN_PATH = "/bench/upload-plain/"  # bench/app/urls.py, bench-only
UPLOAD_PATH = "/api/v1/eservices/applications/{reference}/attachments"
CLIENTS = 50
FILE_BYTES = 10 * MB
FIELD_KEY = "evidence"
MEMORY_GROWTH_LIMIT_MB = 100
THROUGHPUT_SHARE_TARGET = 0.5
# With 50 clients on a few workers an upload waits seconds in the queue, so a
# short window would count mostly the tail; these runs are longer.
WARMUP_S = 5.0
DURATION_S = 20.0

# Run with `manage.py shell -c`: one citizen with an API token, a published
# service whose form has one PDF field of 20 MB, and one draft application per
# client at one district office. Prints the references as JSON.
SETUP_SCRIPT = """
import json
from django.utils import timezone
from saduak.accounts.models import ApiToken, User, hash_token
from saduak.areas.choices import DISTRICT_LEVEL_KINDS
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit
from saduak.eservices.models import Application, Service, ServiceVersion

given = json.loads(PARAMETERS)
user, _ = User.objects.get_or_create(
    personal_id=with_check_digit("611111111111"),
    defaults={"first_name": "ทดสอบ", "last_name": "อัปโหลด", "password": "!"},
)
ApiToken.objects.get_or_create(
    key_hash=hash_token(given["token"]),
    defaults={"user": user, "name": "bench uploads", "key_prefix": "sdk_upload"},
)
service, _ = Service.objects.get_or_create(
    code="bench-upload",
    defaults={"name_th": "ทดสอบอัปโหลด", "bureau_th": "ทดสอบ", "is_active": True},
)
form = {"sections": [{"key": "documents", "title": {"th": "เอกสาร"}, "fields": [
    {"key": given["field"], "type": "file", "label": {"th": "เอกสาร"},
     "required": True, "file_types": ["pdf"], "max_size_mb": 20},
]}]}
version, _ = ServiceVersion.objects.get_or_create(
    service=service, number=1,
    defaults={"status": "published", "form": form, "published_at": timezone.now()},
)
office = (
    Office.objects.filter(kind__in=DISTRICT_LEVEL_KINDS, is_active=True)
    .exclude(district_id=None).order_by("code").first()
)
references = []
for n in range(given["count"]):
    reference = f"BU{given['seed']}{n:04d}"
    Application.objects.create(
        reference=reference, version=version, service=service, applicant=user,
        office=office, district_code=office.district_id or "",
        province_code=office.province_id or "", status="draft",
    )
    references.append(reference)
print(json.dumps(references))
"""

COUNT_SCRIPT = """
import json
from django.db.models import Sum
from saduak.audit.models import AuditEvent
from saduak.eservices.models import Attachment
rows = Attachment.objects.filter(application__reference__startswith=PREFIX)
print(json.dumps({
    "attachments": rows.count(),
    "bytes": rows.aggregate(total=Sum("size"))["total"] or 0,
    "audit_events": AuditEvent.objects.filter(action="eservices.attachment.add").count(),
}))
"""


def _shell(context: SetupContext, script: str) -> Any:
    output = context.manage("shell", "--no-startup", "--no-imports", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


def upload_body(boundary: str) -> bytes:
    """A multipart body with the field key and a 10 MB one-page PDF whose
    page holds random bytes (incompressible, like scans); it is a whole PDF
    because uploads are decoded before they are stored."""
    content = one_page_pdf(os.urandom(FILE_BYTES - 400))
    return b"".join(
        [
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="field_key"\r\n\r\n',
            FIELD_KEY.encode(),
            f"\r\n--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="file"; filename="scan.pdf"\r\n',
            b"Content-Type: application/pdf\r\n\r\n",
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )


def gunicorn_master(base_url: str) -> int:
    """The pid of the gunicorn master serving `base_url` (its workers share the
    command line; the master is the one whose parent is not one of them)."""
    bind = f"--bind={HOST}:{base_url.rsplit(':', 1)[1]}"
    found = {
        process.pid: process
        for process in psutil.process_iter(["cmdline"])
        if bind in (process.info.get("cmdline") or [])
    }
    for pid, process in found.items():
        if process.ppid() not in found:
            return pid
    raise RuntimeError(f"no gunicorn serving {base_url}")


def _settle_disk() -> None:
    """Flush dirty pages before a scenario: the files the previous scenario wrote
    (gigabytes) would otherwise be written back during this one and throttle its
    writes, making whichever scenario runs second look slower."""
    os.sync()


class _Memory:
    """Idle memory right before the load, and the peak during it (sampled from
    setup to verify, so the runner's own sampler is not needed)."""

    def __init__(self, base_url: str) -> None:
        pid = gunicorn_master(base_url)
        self.idle = tree_rss(pid)
        self.sampler = MemorySampler(pid, interval_s=0.05).__enter__()

    def stop(self) -> dict[str, float]:
        self.sampler.__exit__(None, None, None)
        growth = (self.sampler.peak - self.idle) / MB
        return {
            "idle_rss_mb": round(self.idle / MB, 1),
            "peak_rss_mb": round(self.sampler.peak / MB, 1),
            "peak_growth_mb": round(growth, 1),
            "memory_target_met": growth < MEMORY_GROWTH_LIMIT_MB,
        }


def _throughput(load: LoadResult) -> float:
    return round(len(load.latencies_ms) * FILE_BYTES / MB / load.elapsed_s, 1)


def _statuses(load: LoadResult) -> dict[str, int]:
    return {str(status): count for status, count in sorted(load.statuses.items())}


def plain_setup(context: SetupContext) -> Prepared:
    boundary = uuid.uuid4().hex
    request = RequestSpec(
        PLAIN_PATH,
        method="POST",
        body=upload_body(boundary),
        content_type=f"multipart/form-data; boundary={boundary}",
        expect_status=201,
    )
    _settle_disk()
    memory = _Memory(context.base_url)

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        return {
            **memory.stop(),
            "answers": _statuses(load),
            "throughput_mb_s": _throughput(load),
        }

    return Prepared(
        requests=[request],
        concurrency=CLIENTS,
        timeout_s=120,
        warmup_s=WARMUP_S,
        duration_s=DURATION_S,
        verify=verify,
    )


def encrypted_setup(context: SetupContext) -> Prepared:
    token = "sdk_upload_" + secrets.token_urlsafe(24)
    seed = secrets.token_hex(3)
    parameters = {"token": token, "count": CLIENTS, "field": FIELD_KEY, "seed": seed}
    script = f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{SETUP_SCRIPT}"
    references = _shell(context, script)
    boundary = uuid.uuid4().hex
    body = upload_body(boundary)  # one object shared by every request
    _settle_disk()
    memory = _Memory(context.base_url)

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        checks: dict[str, Any] = {
            **memory.stop(),
            "answers": _statuses(load),
            "throughput_mb_s": _throughput(load),
        }
        plain = context.results.get(PLAIN)
        if plain is not None and plain.rps:
            share = (len(load.latencies_ms) / load.elapsed_s) / plain.rps
            checks["throughput_vs_plain"] = round(share, 3)
            checks["throughput_target_met"] = share >= THROUGHPUT_SHARE_TARGET
        stored = _shell(context, f"PREFIX = {json.dumps('BU' + seed)}\n{COUNT_SCRIPT}")
        checks["stored_attachments"] = stored["attachments"]
        # Uploads answered in the warm-up are stored too, so at least as many.
        checks["stored_at_least_201s"] = stored["attachments"] >= load.statuses[201]
        return checks

    return Prepared(
        headers={"Authorization": f"Bearer {token}"},
        requests=[
            RequestSpec(
                UPLOAD_PATH.format(reference=reference),
                method="POST",
                body=body,
                content_type=f"multipart/form-data; boundary={boundary}",
                expect_status=201,
            )
            for reference in references
        ],
        concurrency=CLIENTS,
        timeout_s=120,
        warmup_s=WARMUP_S,
        duration_s=DURATION_S,
        verify=verify,
    )


register(
    Scenario(
        name=PLAIN,
        paths=lambda: [PLAIN_PATH],
        setup=plain_setup,
        description="baseline: 50 clients each POST a 10 MB multipart file that "
        "is written unencrypted to the private storage",
    )
)
register(
    Scenario(
        name=ENCRYPTED,
        paths=lambda: [UPLOAD_PATH],
        setup=encrypted_setup,
        description="50 clients each upload a 10 MB document through the API: "
        "type check, streaming AES-GCM encryption, row and audit event",
    )
)
