"""Damrongdham complaints under load (docs/bench-complaints.md):

- the Open311 GeoReport v2 list (`GET /open311/v2/requests.json`) with the
  spec's filters (service_code + status + a date range) and with none (the
  spec's default: the last 90 days, at most 1,000), and the district
  dashboard (`/staff/complaints/reports/?level=district&code=...`), each
  with a thousand and with a million complaints loaded (target: the big
  load's median within 2x of the small one's);
- filing over the API (`POST /open311/v2/requests.json` with a partner's
  key) and submitting an e-service application over the API, as fast as the
  server answers (`complaint_file`, `eservice_submit`) and at a fixed arrival
  rate beside ping (`*_paced`), all in the same run.

The loads come from `manage.py complaints_generate` (bench/app/), run by the
first scenario that needs a load of its size; the scenarios of one size must
run together, the small one first (the default order does):

    .venv/bin/python -m bench.run --db postgres --pg-db saduak_bench15 \\
        --scenarios "$(.venv/bin/python -m bench.complaint_scenarios)"
"""

import json
import os
import random
import secrets
import urllib.request
from collections.abc import Callable
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register
from bench.stats import percentile

BANGKOK = ZoneInfo("Asia/Bangkok")
REQUESTS_PATH = "/open311/v2/requests.json"
DASHBOARD_PATH = "/staff/complaints/reports/"
SUBMIT_PATH = "/api/v1/eservices/applications/{reference}/submit"

SMALL_LOAD = 1000
# BENCH_COMPLAINTS=200000 for a quicker run; a million takes minutes to load.
BIG_LOAD = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
LOAD_TIMEOUT_S = 3600
GROWTH_LIMIT = 2.0
# The fixed arrival rate of the paced scenarios (requests a second, all
# clients together): below what filing and submitting manage as fast as
# they can on the 2-core machine, so that the server keeps up and the
# latencies compare the work, not a queue.
PACED_RATE = float(os.environ.get("BENCH_COMPLAINTS_RATE", "20"))
PACED_CLIENTS = 16
PACED_DURATION_S = 20.0
PACED_WARMUP_S = 2.0
# Single-use requests made for the unpaced write scenarios: more than the
# fastest of them sends in warm-up + duration.
WRITES_AS_FAST = 6000
DRAFTS_PER_CITIZEN = 20
DASHBOARD_DISTRICTS = 24
LIST_WINDOWS = 12

# Kept from one scenario to the next of this run (the runner is one process).
_state: dict[str, Any] = {"loaded": None}
_latencies: dict[str, list[float]] = {}


# --- Shell scripts run on the bench database (`manage.py shell -c`) ----------------

# The leaf categories by how many complaints they hold, the districts that
# hold the most, and how many complaints there are.
CATALOGUE_SCRIPT = """
import json
from django.db.models import Count
from saduak.complaints.models import Complaint, ComplaintCategory
given = json.loads(PARAMETERS)
parents = set(
    ComplaintCategory.objects.exclude(parent=None).values_list("parent_id", flat=True)
)
leaves = list(
    ComplaintCategory.objects.filter(is_active=True).exclude(pk__in=parents)
    .annotate(n=Count("complaints")).order_by("-n", "code")
    .values_list("code", flat=True)
)
districts = list(
    Complaint.objects.exclude(holder_district_code="")
    .values("holder_district_code").annotate(n=Count("id"))
    .order_by("-n", "holder_district_code")
    .values_list("holder_district_code", flat=True)[: given["districts"]]
)
print(json.dumps({"categories": leaves, "districts": districts,
                  "complaints": Complaint.objects.count()}))
"""

# An HQ administrator signed in (second factor passed): prints the cookie.
STAFF_SCRIPT = """
import json
import time
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import staff_role_grant
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit
from saduak.identity.step_up import PASSED_AT_KEY

personal_id = with_check_digit("799999999915")
user = User.objects.filter(personal_id=personal_id).first()
if user is None:
    user = User.objects.create_user(
        personal_id, None, first_name="ผู้ดูแล", last_name="ทดสอบโหลด"
    )
    staff_role_grant(
        user=user, role=Role.HQ_ADMIN,
        office=Office.objects.get(kind=OfficeKind.HEADQUARTERS), actor="bench",
    )
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[PASSED_AT_KEY] = time.time()
session.create()
print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "key": session.session_key}))
"""

# A partner agency with an Open311 key, issued through the service HQ's page
# uses (the bench as a system actor); prints the key, the leaf categories and subdistrict codes
# (`address_id`) to file under.
PARTNER_SCRIPT = """
import json
from saduak.areas.models import Subdistrict
from saduak.complaints.models import ComplaintCategory
from saduak.complaints.services.keys import open311_key_issue
from saduak.identity.models import Partner, PartnerKind

partner, _ = Partner.objects.get_or_create(
    name_th="หน่วยงานทดสอบร้องเรียน",
    defaults={"name_en": "Bench complaints partner", "kind": PartnerKind.AGENCY,
              "purpose_th": "ทดสอบประสิทธิภาพ"},
)
_key, raw = open311_key_issue(actor="bench", partner=partner, name="bench")
if not ComplaintCategory.objects.exists():  # no load before: the national tree
    from django.core.management import call_command
    call_command("load_complaint_categories")
parents = set(
    ComplaintCategory.objects.exclude(parent=None).values_list("parent_id", flat=True)
)
# Each leaf with answers to its required questions (the first choice of a list).
categories = []
for category in (
    ComplaintCategory.objects.filter(is_active=True).exclude(pk__in=parents)
    .prefetch_related("attributes").order_by("code")
):
    answers = {}
    for attribute in category.attributes.all():
        if not attribute.required:
            continue
        if attribute.values:
            answers[attribute.code] = attribute.values[0]["key"]
        elif attribute.datatype == "number":
            answers[attribute.code] = "1"
        elif attribute.datatype == "datetime":
            answers[attribute.code] = "2026-12-01T09:00:00+07:00"
        else:
            answers[attribute.code] = "ทดสอบ"
    categories.append([category.code, answers])
subdistricts = list(
    Subdistrict.objects.filter(is_active=True).order_by("code")
    .values_list("code", flat=True)
)
print(json.dumps({"key": raw, "categories": categories, "subdistricts": subdistricts}))
"""

# How many complaints the partner's key filed, and how many events and audit
# events the filing wrote.
FILED_SCRIPT = """
import json
from saduak.audit.models import AuditEvent
from saduak.complaints.models import Complaint
given = json.loads(PARAMETERS)
filed = Complaint.objects.filter(description__startswith=given["marker"])
print(json.dumps({
    "complaints": filed.count(),
    "distinct_references": filed.values("reference").distinct().count(),
    "audit_events": AuditEvent.objects.filter(action="complaint.file").count(),
}))
"""

# Citizens with an API token each (one for every DRAFTS_PER_CITIZEN drafts:
# the API admits 30 requests a minute per person), a published one-question
# e-service and `count` complete drafts at one district office: prints the
# references with their citizen's token.
DRAFTS_SCRIPT = """
import json
from django.utils import timezone
from saduak.accounts.models import ApiToken, User, hash_token
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.models import Application, Service, ServiceVersion

given = json.loads(PARAMETERS)
people = (given["count"] + given["per"] - 1) // given["per"]
base = int(given["seed"], 16) * 10000
users = User.objects.bulk_create([
    User(personal_id=with_check_digit(f"6{base + n:011d}"), first_name="ผู้ยื่น",
         last_name=f"ทดสอบ{n}", password="!")
    for n in range(people)
])
tokens = [f"{given['token']}{n:05d}" for n in range(people)]
ApiToken.objects.bulk_create([
    ApiToken(user=user, name="bench submit", key_hash=hash_token(token),
             key_prefix=token[:10])
    for user, token in zip(users, tokens)
])
service, _ = Service.objects.get_or_create(
    code="bench-submit",
    defaults={"name_th": "ทดสอบยื่นคำขอ", "bureau_th": "ทดสอบ", "is_active": True},
)
form = {"sections": [{"key": "request", "title": {"th": "คำขอ"}, "fields": [
    {"key": "subject", "type": "text", "label": {"th": "เรื่อง"}, "required": True},
]}]}
# The workflow of a built-in service (intake, fact check, committee, ...).
builtin_services_install()
workflow = (
    ServiceVersion.objects.filter(status="published").exclude(service=service)
    .order_by("service__code").values_list("workflow", flat=True).first()
)
version, _ = ServiceVersion.objects.get_or_create(
    service=service, number=1,
    defaults={"status": "published", "form": form, "workflow": workflow,
              "published_at": timezone.now()},
)
office = Office.objects.filter(
    kind=OfficeKind.DISTRICT_OFFICE, is_active=True
).exclude(district_id=None).order_by("code").first()
made = [
    (f"BS{given['seed']}{n:05d}", n // given["per"]) for n in range(given["count"])
]
Application.objects.bulk_create(
    [
        Application(
            reference=reference, version=version, service=service,
            applicant=users[person], office=office,
            district_code=office.district_id or "",
            province_code=office.province_id or "", status="draft",
            answers={"subject": "ขอรับการช่วยเหลือ"},
        )
        for reference, person in made
    ],
    batch_size=1000,
)
print(json.dumps([[reference, tokens[person]] for reference, person in made]))
"""

SUBMITTED_SCRIPT = """
import json
from saduak.eservices.models import Application
given = json.loads(PARAMETERS)
mine = Application.objects.filter(reference__startswith=given["prefix"])
print(json.dumps({"submitted": mine.exclude(status="draft").count()}))
"""

CHECKPOINT_SCRIPT = """
from django.db import DatabaseError, connection
if connection.vendor == "postgresql":
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as error:
        print(f"no checkpoint: {error}")
"""


def _shell(context: SetupContext, script: str, parameters: Any = None) -> Any:
    if parameters is not None:
        script = f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{script}"
    output = context.manage("shell", "--no-startup", "--no-imports", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


def _statuses(load: LoadResult) -> dict[str, int]:
    return {str(status): count for status, count in sorted(load.statuses.items())}


def _today() -> date:
    return datetime.now(BANGKOK).date()


# --- The loads ------------------------------------------------------------------------


def _ensure_loaded(context: SetupContext, count: int) -> str:
    """Loads `count` complaints (replacing any) unless this run has already."""
    if _state["loaded"] == count:
        return str(_state["report"])
    output = context.manage(
        "complaints_generate",
        f"--count={count}",
        f"--end={_today().isoformat()}",
        "--replace",
        timeout=LOAD_TIMEOUT_S,
    )
    report = output.strip().splitlines()[-1] if output.strip() else ""
    print(f"[bench] complaints_generate: {report}", flush=True)
    # The load's writes are flushed now, not by a checkpoint while measuring.
    context.manage("shell", "--no-startup", "--no-imports", "-c", CHECKPOINT_SCRIPT)
    _state.update(loaded=count, report=report)
    return report


def _size(count: int) -> str:
    return f"{count // 1_000_000}m" if count >= 1_000_000 else f"{count // 1000}k"


def growth_checks(small: list[float], big: list[float]) -> dict[str, Any]:
    """The big load's latency over the small one's, by median and by mean."""
    p50_ratio = percentile(sorted(big), 50) / percentile(sorted(small), 50)
    return {
        "p50_ratio_to_1k": round(p50_ratio, 3),
        "mean_ratio_to_1k": round(fmean(big) / fmean(small), 3),
        f"within_{GROWTH_LIMIT:g}x": p50_ratio <= GROWTH_LIMIT,
    }


def filtered_list_paths(categories: list[str], end: date) -> list[str]:
    """The spec's filters together: one service code, a status and a date
    range (30 days, within the spec's 90), for the busiest categories, both
    statuses and windows over the last year. The same list for both loads."""
    picks = random.Random(15)
    paths = []
    for code in categories[:8]:
        for status in ("open", "closed"):
            for window in range(LIST_WINDOWS):
                last = end - timedelta(days=30 * window)
                first = last - timedelta(days=29)
                query = {
                    "service_code": code,
                    "status": status,
                    "start_date": f"{first.isoformat()}T00:00:00+07:00",
                    "end_date": f"{last.isoformat()}T23:59:59+07:00",
                }
                paths.append(f"{REQUESTS_PATH}?{urlencode(query)}")
    picks.shuffle(paths)
    return paths


def paged_list_paths(categories: list[str], end: date) -> list[str]:
    """The same filters with an answer of one size at both loads: the three
    busiest categories together (the spec's comma list), closed, 90-day
    ranges over the last year, and the paging extension's `page_size=20`
    (the small load has more than 20 such requests in every range). What
    remains to grow with the table is the query."""
    codes = ",".join(categories[:3])
    paths = []
    for window in range(LIST_WINDOWS):
        last = end - timedelta(days=25 * window)
        first = last - timedelta(days=89)
        query = {
            "service_code": codes,
            "status": "closed",
            "start_date": f"{first.isoformat()}T00:00:00+07:00",
            "end_date": f"{last.isoformat()}T23:59:59+07:00",
            "page_size": "20",
        }
        paths.append(f"{REQUESTS_PATH}?{urlencode(query)}")
    return paths


def answer_sizes(base_url: str, paths: list[str], limit: int = 40) -> dict[str, Any]:
    """How many requests the first `limit` lists answer with (one GET each,
    after the measurement): the mean, the smallest and the largest."""
    counts = []
    for path in paths[:limit]:
        with urllib.request.urlopen(base_url + path, timeout=60) as reply:
            counts.append(len(json.loads(reply.read())))
    return {
        "rows_mean": round(fmean(counts), 1) if counts else 0,
        "rows_min": min(counts, default=0),
        "rows_max": max(counts, default=0),
    }


def _growth_setup(
    name: str, count: int, kind: str, small_name: str
) -> Callable[[SetupContext], Prepared]:
    def setup(context: SetupContext) -> Prepared:
        report = _ensure_loaded(context, count)
        found = _shell(context, CATALOGUE_SCRIPT, {"districts": DASHBOARD_DISTRICTS})
        _state.setdefault("categories", found["categories"])
        headers: dict[str, str] = {}
        if kind == "filtered":
            paths = filtered_list_paths(_state["categories"], _today())
        elif kind == "page":
            paths = paged_list_paths(_state["categories"], _today())
        elif kind == "all":
            paths = [REQUESTS_PATH]
        else:
            # The same districts at both sizes: the busiest of the small load.
            districts = _state.setdefault("districts", found["districts"])
            paths = [
                f"{DASHBOARD_PATH}?{urlencode({'level': 'district', 'code': code})}"
                for code in districts
            ]
            signed_in = _shell(context, STAFF_SCRIPT)
            headers["Cookie"] = f"{signed_in['cookie']}={signed_in['key']}"

        def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
            _latencies[name] = list(load.latencies_ms)
            answered = sum(load.statuses.values())
            checks: dict[str, Any] = {
                "complaints_loaded": found["complaints"],
                "generator": report,
                "distinct_paths": len(paths),
                "answers": _statuses(load),
                "p50_ms": round(percentile(sorted(load.latencies_ms), 50), 1)
                if load.latencies_ms
                else None,
                "mean_body_bytes": round(load.body_bytes / answered) if answered else 0,
            }
            if kind != "dashboard":
                checks.update(answer_sizes(context.base_url, paths))
            small = _latencies.get(small_name)
            if name != small_name and small and load.latencies_ms:
                checks.update(growth_checks(small, list(load.latencies_ms)))
            return checks

        return Prepared(
            headers=headers,
            requests=[RequestSpec(path, expect_status=200) for path in paths],
            verify=verify,
        )

    return setup


GROWTH_KINDS = {
    "open311_list_filtered": (
        "filtered",
        "Open311 GET requests.json with service_code + status + a 30-day range",
    ),
    "open311_list_page": (
        "page",
        "Open311 GET requests.json, three service codes + closed + a 90-day "
        "range, 20 a page (extension): the same answer size at both loads",
    ),
    "open311_list_all": (
        "all",
        "Open311 GET requests.json without filters (last 90 days, at most 1,000)",
    ),
    "complaints_dashboard": (
        "dashboard",
        "district dashboard (HQ admin), the busiest districts in turn",
    ),
}
GROWTH_SCENARIOS: list[str] = []
for _count in (SMALL_LOAD, BIG_LOAD):
    for _kind_name, (_kind, _what) in GROWTH_KINDS.items():
        _name = f"{_kind_name}_{_size(_count)}"
        GROWTH_SCENARIOS.append(_name)
        register(
            Scenario(
                name=_name,
                paths=lambda: [REQUESTS_PATH],
                setup=_growth_setup(
                    _name, _count, _kind, f"{_kind_name}_{_size(SMALL_LOAD)}"
                ),
                description=f"{_what}; {_count:,} complaints loaded",
            )
        )


# --- Filing over the API, submitting an e-service application -------------------------


def file_body(
    *,
    key: str,
    code: str,
    subdistrict: str,
    marker: str,
    number: int,
    answers: dict[str, str] | None = None,
) -> bytes:
    """One Open311 POST as a partner's system sends it, with the spec's fields:
    a point, the subdistrict's code as `address_id` (the app places a request
    by it: it has no polygons), an address, what happened (new text each
    time, so no two are one double tap), a name and a phone, and the
    answers to the category's required questions (`attribute[code]`)."""
    picks = random.Random(number)
    attributes = {
        f"attribute[{code}]": value for code, value in (answers or {}).items()
    }
    return urlencode(
        {
            **attributes,
            "api_key": key,
            "service_code": code,
            "lat": f"{picks.uniform(13.5, 14.2):.6f}",
            "long": f"{picks.uniform(100.3, 100.9):.6f}",
            "address_id": subdistrict,
            "address_string": f"ซอย {number % 97 + 1} ถนนสุขุมวิท",
            "description": f"{marker} {number:07d} ไฟฟ้าส่องสว่างดับหน้าซอย "
            "กลางคืนมืดมาก ขอให้เข้ามาซ่อมด้วย",
            "first_name": "สมชาย",
            "phone": f"08{picks.randrange(10**8):08d}",
        }
    ).encode()


def _file_setup(
    paced: bool,
) -> Callable[[SetupContext], Prepared]:
    def setup(context: SetupContext) -> Prepared:
        partner = _shell(context, PARTNER_SCRIPT)
        marker = f"bench{secrets.token_hex(4)}"
        count = (
            round(PACED_RATE * (PACED_WARMUP_S + PACED_DURATION_S)) + 50
            if paced
            else WRITES_AS_FAST
        )
        categories, places = partner["categories"], partner["subdistricts"]
        requests = [
            RequestSpec(
                REQUESTS_PATH,
                method="POST",
                body=file_body(
                    key=partner["key"],
                    code=categories[number % len(categories)][0],
                    answers=categories[number % len(categories)][1],
                    subdistrict=places[number * 7919 % len(places)],
                    marker=marker,
                    number=number,
                ),
                content_type="application/x-www-form-urlencoded",
                expect_status=200,
            )
            for number in range(count)
        ]

        def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
            stored = _shell(context, FILED_SCRIPT, {"marker": marker})
            return {
                "answers": _statuses(load),
                **stored,
                # Every 200 (warm-up included) stored exactly once.
                "stored_at_least_200s": stored["complaints"] >= load.statuses[200] > 0,
                **_pace_checks(load, paced),
            }

        return Prepared(requests=requests, once=True, verify=verify, **_pace(paced))

    return setup


def _submit_setup(paced: bool) -> Callable[[SetupContext], Prepared]:
    def setup(context: SetupContext) -> Prepared:
        token = "sdk_submit_" + secrets.token_urlsafe(24)
        seed = f"{secrets.randbelow(0xFFFF) + 1:04X}"
        count = (
            round(PACED_RATE * (PACED_WARMUP_S + PACED_DURATION_S)) + 50
            if paced
            else WRITES_AS_FAST
        )
        drafts = _shell(
            context,
            DRAFTS_SCRIPT,
            {"token": token, "seed": seed, "count": count, "per": DRAFTS_PER_CITIZEN},
        )

        def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
            stored = _shell(context, SUBMITTED_SCRIPT, {"prefix": f"BS{seed}"})
            return {
                "answers": _statuses(load),
                **stored,
                "submitted_at_least_200s": stored["submitted"]
                >= load.statuses[200]
                > 0,
                **_pace_checks(load, paced),
            }

        return Prepared(
            requests=[
                RequestSpec(
                    SUBMIT_PATH.format(reference=reference),
                    method="POST",
                    headers=(("Authorization", f"Bearer {token}"),),
                    expect_status=200,
                )
                for reference, token in drafts
            ],
            once=True,
            verify=verify,
            **_pace(paced),
        )

    return setup


def _ping_paced_setup(context: SetupContext) -> Prepared:
    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        return {"answers": _statuses(load), **_pace_checks(load, True)}

    return Prepared(verify=verify, **_pace(True))


def _pace(paced: bool) -> dict[str, Any]:
    if not paced:
        return {}
    return {
        "rate_per_s": PACED_RATE,
        "concurrency": PACED_CLIENTS,
        "duration_s": PACED_DURATION_S,
        "warmup_s": PACED_WARMUP_S,
    }


def _pace_checks(load: LoadResult, paced: bool) -> dict[str, Any]:
    if not paced:
        return {}
    answered = len(load.latencies_ms) / load.elapsed_s if load.elapsed_s else 0.0
    return {
        "offered_per_s": PACED_RATE,
        "answered_2xx_per_s": round(answered, 1),
        "kept_up": answered >= 0.95 * PACED_RATE,
    }


WRITE_SCENARIOS = [
    "complaint_file",
    "eservice_submit",
    "ping_paced",
    "complaint_file_paced",
    "eservice_submit_paced",
]
register(
    Scenario(
        name="complaint_file",
        paths=lambda: [REQUESTS_PATH],
        setup=_file_setup(paced=False),
        description="Open311 POST requests.json with a partner's key, as fast as "
        "answered (each request once)",
    )
)
register(
    Scenario(
        name="eservice_submit",
        paths=lambda: [SUBMIT_PATH],
        setup=_submit_setup(paced=False),
        description="e-service application submitted over the API (a complete "
        "draft each), as fast as answered",
    )
)
register(
    Scenario(
        name="ping_paced",
        paths=lambda: ["/healthz/ping"],
        setup=_ping_paced_setup,
        description=f"ping at the paced scenarios' fixed rate ({PACED_RATE:g}/s)",
    )
)
register(
    Scenario(
        name="complaint_file_paced",
        paths=lambda: [REQUESTS_PATH],
        setup=_file_setup(paced=True),
        description=f"Open311 filing at a fixed arrival rate ({PACED_RATE:g}/s)",
    )
)
register(
    Scenario(
        name="eservice_submit_paced",
        paths=lambda: [SUBMIT_PATH],
        setup=_submit_setup(paced=True),
        description=f"e-service submission at a fixed arrival rate ({PACED_RATE:g}/s)",
    )
)

# The growth pairs first (each size's load once), then the writes, on the big load.
ALL = [*GROWTH_SCENARIOS, *WRITE_SCENARIOS]

if __name__ == "__main__":
    print(",".join(ALL))
