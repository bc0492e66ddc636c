"""Queue Online under load: 1,000 people racing for one slot of 50 seats, booking
sustained on distinct slots, a surge at five times the booking capacity that the
waiting room sheds, and the recovery after it."""

import json
from typing import Any

from bench.loadgen import LoadResult, RequestSpec
from bench.scenarios import Prepared, Scenario, SetupContext, register

BOOKINGS = "/api/v1/appointments/bookings"
OFFICE = "reg-5001"
RACE_CLIENTS = 1000
RACE_SEATS = 50
PEOPLE = 12_000
TOKEN_SEED = "sdk_bench"

# Runs with `manage.py shell -c` on the bench database: PEOPLE citizens with API
# tokens derived from TOKEN_SEED (so none travel on the command line), and for one
# service at OFFICE `count` slots of `capacity` seats from tomorrow, a minute
# apart. Prints the slot ids as JSON.
SETUP_SCRIPT = """
import json
from datetime import datetime, time, timedelta
from django.utils import timezone
from saduak.accounts.models import ApiToken, User, hash_token
from saduak.appointments.models import OfficeService, Service, Slot
from saduak.appointments.services.catalogue import services_load_national
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit

given = json.loads(PARAMETERS)
services_load_national(actor="bench")
if not User.objects.filter(personal_id=with_check_digit("500000000000")).exists():
    users = User.objects.bulk_create(
        [User(personal_id=with_check_digit(f"5{n:011d}"), first_name="ทดสอบ",
              last_name=f"คนที่ {n}", password="!") for n in range(given["people"])],
        batch_size=2000,
    )
    users = list(User.objects.filter(personal_id__startswith="5").order_by("personal_id"))
    ApiToken.objects.bulk_create(
        [ApiToken(user=user, name="bench", key_prefix="sdk_bench",
                  key_hash=hash_token(f"{given['seed']}{n:06d}"))
         for n, user in enumerate(users)],
        batch_size=2000,
    )
office = Office.objects.get(code=given["office"])
offered, _ = OfficeService.objects.update_or_create(
    office=office, service=Service.objects.get(code=given["service"]),
    defaults={"days_ahead": 180, "min_notice_hours": 0, "online": True},
)
zone = timezone.get_current_timezone()
start = datetime.combine(timezone.localdate() + timedelta(days=1), time(8, 0), tzinfo=zone)
slots = Slot.objects.bulk_create(
    [Slot(office_service=offered, office=office,
          starts_at=start + timedelta(minutes=n),
          ends_at=start + timedelta(minutes=n + 5), capacity=given["capacity"])
     for n in range(given["count"])],
    batch_size=2000,
)
made = Slot.objects.filter(office_service=offered).order_by("starts_at")
print(json.dumps([slot.pk for slot in made]))
"""

COUNT_SCRIPT = """
import json
from saduak.appointments.models import Booking, Slot
slot = Slot.objects.get(pk=SLOT)
print(json.dumps({"booked": slot.booked, "bookings": Booking.objects.filter(slot=slot).count()}))
"""


def _slots(context: SetupContext, service: str, count: int, capacity: int) -> list[int]:
    parameters = {
        "people": PEOPLE,
        "seed": TOKEN_SEED,
        "office": OFFICE,
        "service": service,
        "count": count,
        "capacity": capacity,
    }
    script = f"PARAMETERS = {json.dumps(json.dumps(parameters))}\n{SETUP_SCRIPT}"
    output = context.manage(
        "shell", "--no-startup", "--no-imports", "-c", script, timeout=600
    )
    slots = json.loads(output.strip().splitlines()[-1])
    assert isinstance(slots, list) and len(slots) == count, output[-500:]
    return slots


def _booking(slot: int, person: int) -> RequestSpec:
    return RequestSpec(
        BOOKINGS,
        method="POST",
        body=json.dumps({"slot": slot}).encode(),
        content_type="application/json",
        headers=(("Authorization", f"Bearer {TOKEN_SEED}{person:06d}"),),
        expect_status=201,
    )


def _statuses(load: LoadResult) -> dict[str, int]:
    return {str(status): count for status, count in sorted(load.statuses.items())}


# --- The race ---------------------------------------------------------------------
def race_setup(context: SetupContext) -> Prepared:
    (slot,) = _slots(context, "id-card-first", 1, RACE_SEATS)

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        stored = json.loads(
            context.manage("shell", "-c", f"SLOT = {slot}\n{COUNT_SCRIPT}")
            .strip()
            .splitlines()[-1]
        )
        server_errors = sum(n for s, n in load.statuses.items() if s >= 500 or s == 0)
        return {
            "answers": _statuses(load),
            "stored": stored,
            "exactly_the_seats": load.statuses[201] == RACE_SEATS == stored["bookings"]
            and stored["booked"] == RACE_SEATS
            and load.statuses[409] == RACE_CLIENTS - RACE_SEATS
            and server_errors == 0,
        }

    return Prepared(
        requests=[_booking(slot, person) for person in range(RACE_CLIENTS)],
        once=True,
        concurrency=RACE_CLIENTS,
        timeout_s=120,
        warmup_s=0,
        duration_s=120,
        verify=verify,
    )


# --- Sustained booking ------------------------------------------------------------
SUSTAINED_PEOPLE = range(1000, 7000)


def sustained_setup(context: SetupContext) -> Prepared:
    slots = _slots(context, "id-card-renewal", len(SUSTAINED_PEOPLE), 1)

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        return {"answers": _statuses(load)}

    return Prepared(
        requests=[
            _booking(slot, person)
            for slot, person in zip(slots, SUSTAINED_PEOPLE, strict=True)
        ],
        once=True,
        verify=verify,
    )


# --- The surge and the recovery -----------------------------------------------------
SURGE_FACTOR = 5
ADMIT_SHARE = 0.8
SURGE_PEOPLE = range(7000, 12_000)


def _capacity(context: SetupContext) -> float:
    measured = context.results.get("booking")
    return float(measured.rps) if measured is not None and measured.rps else 100.0


def surge_setup(context: SetupContext) -> Prepared:
    capacity = _capacity(context)
    # The waiting room admits a little less than the server can book, so that
    # workers stay free to answer the rest at once instead of queueing them.
    context.manage("admission_rate", str(max(1, int(ADMIT_SHARE * capacity))))
    slots = _slots(context, "id-card-replacement", len(SURGE_PEOPLE), 1)

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        shed = load.statuses[503] + load.statuses[429]
        admitted = sum(load.statuses.values()) - shed
        failed = sum(
            n for s, n in load.statuses.items() if (s >= 500 and s != 503) or s == 0
        )
        return {
            "capacity_req_s": round(capacity, 1),
            "offered_req_s": round(SURGE_FACTOR * capacity, 1),
            "answers": _statuses(load),
            "admitted": admitted,
            "shed": shed,
            "shed_without_retry_after": load.shed_without_retry_after,
            "errors_among_admitted": round(failed / admitted, 4) if admitted else None,
        }

    return Prepared(
        requests=[
            _booking(slot, person)
            for slot, person in zip(slots, SURGE_PEOPLE, strict=True)
        ],
        once=True,
        concurrency=256,
        rate_per_s=SURGE_FACTOR * capacity,
        warmup_s=0,
        duration_s=10,
        verify=verify,
    )


RECOVERY_PEOPLE = range(0, 1000)


def recovery_setup(context: SetupContext) -> Prepared:
    capacity = _capacity(context)
    slots = _slots(context, "house-move-in", len(RECOVERY_PEOPLE), 1)

    def verify(context: SetupContext, load: LoadResult) -> dict[str, Any]:
        context.manage("admission_rate", "--reset")
        # The first second from which every answer was admitted and correct.
        bad_seconds = {
            int(at)
            for at, status, _ in load.samples
            if status in (0, 429, 503) or status >= 500
        }
        recovered = max(bad_seconds) + 1 if bad_seconds else 0
        return {"answers": _statuses(load), "recovered_after_s": recovered}

    return Prepared(
        requests=[
            _booking(slot, person)
            for slot, person in zip(slots, RECOVERY_PEOPLE, strict=True)
        ],
        once=True,
        concurrency=32,
        rate_per_s=capacity / 2,
        warmup_s=0,
        duration_s=20,
        keep_samples=True,
        verify=verify,
    )


register(
    Scenario(
        name="booking_race",
        paths=lambda: [BOOKINGS],
        setup=race_setup,
        description=f"{RACE_CLIENTS} people at once for one slot of {RACE_SEATS} seats",
    )
)
register(
    Scenario(
        name="booking",
        paths=lambda: [BOOKINGS],
        setup=sustained_setup,
        description="bookings on distinct slots by distinct people (POST, API token)",
    )
)
register(
    Scenario(
        name="booking_surge",
        paths=lambda: [BOOKINGS],
        setup=surge_setup,
        description=f"{SURGE_FACTOR}x the measured booking capacity, waiting room on",
    )
)
register(
    Scenario(
        name="booking_recovery",
        paths=lambda: [BOOKINGS],
        setup=recovery_setup,
        description="half the booking capacity right after the surge",
    )
)
