"""The officer queue of e-service applications with 100 and with 100,000 open
applications loaded (target: the big one answers within 2x of the small one's
time). Both measure the same page: a signed-in counter officer's intake queue
of one district office, which holds a full page of cases (30) in the small
load and 2,000 in the big one (100,000 over 50 offices and four stages, the
measured office's intake made realistically large). The page is keyset-paged
on the partial index `eservice_app_queue` and counts are bounded, so its cost
should follow the page, not the table.

Run them in this order on a fresh database (`--scenarios
eservice-queue-100,eservice-queue-100k`): the small one refuses to measure a
table that already holds the big load."""

import json
from typing import Any

from bench.loadgen import LoadResult
from bench.scenarios import Prepared, Scenario, SetupContext, register

OFFICE = "do-1001"
STAGE = "intake"
QUEUE_PATH = f"/en/staff/eservices/offices/{OFFICE}/?stage={STAGE}"
LOADS = {
    "eservice-queue-100": {"count": 100, "focus": 30},
    "eservice-queue-100k": {"count": 100_000, "focus": 2_000},
}

# A counter officer of the measured office, signed in: prints the session key.
OFFICER_SCRIPT = """
import json
import time
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import staff_role_grant
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit
from saduak.identity.step_up import PASSED_AT_KEY

given = json.loads(PARAMETERS)
personal_id = with_check_digit("799999999991")
user = User.objects.filter(personal_id=personal_id).first()
if user is None:
    user = User.objects.create_user(
        personal_id, None, first_name="เจ้าหน้าที่", last_name="ทดสอบโหลด"
    )
    staff_role_grant(
        user=user, role=Role.COUNTER_OFFICER,
        office=Office.objects.get(code=given["office"]), actor="bench",
    )
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
# A backend the settings list: Django signs out a session whose backend they do not
# (with ModelBackend every request was sent to sign in, 302).
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
# Production asks staff for a second factor: this session has passed one.
session[PASSED_AT_KEY] = time.time()
session.create()
print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "key": session.session_key}))
"""

COUNT_SCRIPT = """
import json
from saduak.eservices.models import Application
given = json.loads(PARAMETERS)
print(json.dumps({
    "open": Application.objects.filter(status__in=["in_progress", "returned"]).count(),
    "at_stage": Application.objects.filter(
        office__code=given["office"], stage=given["stage"],
        status__in=["in_progress", "returned"],
    ).count(),
}))
"""


def _shell(context: SetupContext, script: str, parameters: Any) -> Any:
    script = f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{script}"
    output = context.manage("shell", "--no-startup", "--no-imports", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


def _setup(name: str) -> Any:
    load = LOADS[name]

    def setup(context: SetupContext) -> Prepared:
        where = {"office": OFFICE, "stage": STAGE}
        before = _shell(context, COUNT_SCRIPT, where)
        wanted = load["count"]
        if before["open"] > wanted:
            raise RuntimeError(
                f"{name}: the table already holds {before['open']} open "
                f"applications; run it before the bigger load, on a fresh database"
            )
        context.manage(
            "eservices_generate_applications",
            "--count",
            str(wanted - before["open"]),
            "--offices",
            "50",
            "--focus-office",
            OFFICE,
            "--focus-stage",
            STAGE,
            "--focus-count",
            str(max(0, load["focus"] - before["at_stage"])),
            timeout=1800,
        )
        loaded = _shell(context, COUNT_SCRIPT, where)
        signed_in = _shell(context, OFFICER_SCRIPT, where)

        def verify(context: SetupContext, result: LoadResult) -> dict[str, Any]:
            return {
                "open_applications": loaded["open"],
                "at_measured_stage": loaded["at_stage"],
                "answers": {
                    str(status): count
                    for status, count in sorted(result.statuses.items())
                },
                "all_200": set(result.statuses) == {200},
            }

        return Prepared(
            headers={"Cookie": f"{signed_in['cookie']}={signed_in['key']}"},
            verify=verify,
        )

    return setup


for _name in LOADS:
    register(
        Scenario(
            name=_name,
            paths=lambda: [QUEUE_PATH],
            setup=_setup(_name),
            description=f"officer queue page, {LOADS[_name]['count']:,} open "
            "e-service applications loaded",
        )
    )
