"""Synthetic Damrongdham complaints for the complaints benchmarks
(bench/complaint_scenarios.py, docs/bench-complaints.md): up to millions of
complaints over every district of the country, the leaf categories, every
channel and state and the last twelve months, with their timelines, written
straight into the tables (COPY on PostgreSQL, bulk INSERTs elsewhere), with
the report rollups each complaint contributes to, added up as it is made by the
app's own contribution functions (`saduak.complaints.report_rollups`:
`report_state` and `_moves`, what the services move and the recount rebuilds
from), so the rollups hold exactly what the app's recount would
(`--recount` runs that recount after the load and reports the rows it had to
repair: 0; bench/tests/test_complaints_generate.py checks it). Reading a
million complaints back to recount them would take several times the load.

Not a service: it writes past complaint_file and the handling services on
purpose (no audit events, no notifications, no per-complaint rollup moves),
which only a bulk load of made-up data may do. What it writes follows the
app's rules, so the pages read it as they would read real complaints: the
holder is the district's office of the category's kind (the Damrongdham
center by default) or the province's office after a take-over, the clock is in
working days of the holder (national holidays and the office's closures), a
complaint past its targets and still open is overdue and escalated as the
escalation job would have left it, the timestamps of the states follow each
other, and the timeline has an event for each step.
"""

import hashlib
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import OperationalError, connection, models, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter
from psycopg.errors import ObjectInUse

from saduak.accounts.models import User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Holiday, Office, Subdistrict
from saduak.areas.working_days import working_days_after, working_days_counted
from saduak.complaints.choices import (
    OPEN_STATUSES,
    RECORDED_CHANNELS,
    Channel,
    ComplaintStatus,
    Escalation,
    EventKind,
    Outcome,
)
from saduak.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintDurations,
    ComplaintEvent,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)
from saduak.complaints.report_rollups import (
    CARRIED_FIELDS,
    STATE_FIELDS,
    _moves,
    report_rollups_recount,
    report_state,
)
from saduak.core.personal_id import with_check_digit
from saduak.core.references import ALPHABET, LENGTH
from saduak.feedback.generator import (
    indexes_restore,
    indexes_set_aside,
    tables_analyse,
)

BANGKOK = ZoneInfo("Asia/Bangkok")
ModelT = TypeVar("ModelT", bound=models.Model)
# Complaints the PostgreSQL load writes per COPY buffer and the SQLite load per
# bulk_create.
BATCH = 20_000
# From this many complaints on, PostgreSQL loads the tables without their
# secondary indexes and constraints and builds them afterwards (as the vote
# generator does: one sorted build per index costs a fraction of keeping each
# index up row by row).
BULK_LOAD_COMPLAINTS = 100_000
CITIZENS = 2000

# How complaints come in (shares).
CHANNEL_SHARES: dict[str, float] = {
    Channel.WEB: 0.30,
    Channel.LINE: 0.30,
    Channel.HOTLINE: 0.17,
    Channel.WALK_IN: 0.08,
    Channel.LETTER: 0.05,
    Channel.REFERRAL: 0.04,
    Channel.OPEN311: 0.06,
}
SIGNED_IN_SHARE = 0.45  # of web, LINE and Open311 complaints
# What becomes of a complaint (given enough time).
CLOSE_OUTCOMES: dict[str, float] = {
    Outcome.RESOLVED: 0.86,
    Outcome.NOT_WITHIN_AUTHORITY: 0.07,
    Outcome.NO_ACTION_POSSIBLE: 0.04,
    Outcome.WITHDRAWN: 0.03,
}
FORWARDED_SHARE = 0.12
TAKEN_OVER_SHARE = 0.03
RATED_SHARE = 0.45
REOPENED_SHARE = 0.03
# Working days taken: most are acknowledged within a day or two, resolutions
# spread over weeks with a long tail (the overdue ones).
ACKNOWLEDGE_DAYS = (0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 6)
AUTO_CLOSE_DAYS = 7
REOPEN_WITHIN_DAYS = 30
# The categories most complaints are about, most first (the others follow in
# an order drawn from the seed).
EVERYDAY = (
    "road-damage",
    "street-lights",
    "garbage",
    "noise",
    "drainage-flooding",
    "water-supply",
    "stray-animals",
    "smoke-odour",
)
WEEKDAY_SHARE = (1.0, 1.0, 1.0, 0.95, 0.9, 0.45, 0.35)

PLACES = (
    "หน้าตลาดสด",
    "ซอยข้างวัด",
    "ถนนเข้าหมู่บ้าน",
    "หน้าโรงเรียน",
    "ริมคลองสาธารณะ",
    "ป้ายรถเมล์หน้าที่ว่าการอำเภอ",
    "สะพานข้ามคลอง",
    "ทางแยกหน้าโรงพยาบาล",
)
PROBLEMS = (
    "ไฟฟ้าส่องสว่างดับมาหลายสัปดาห์ กลางคืนมืดมาก เกรงว่าจะเกิดอันตราย",
    "ถนนเป็นหลุมเป็นบ่อ น้ำขังเวลาฝนตก รถจักรยานยนต์ล้มบ่อย",
    "มีการเผาขยะทุกเย็น ควันเข้าบ้าน เด็กและผู้สูงอายุไอ",
    "ร้านค้าวางของรุกล้ำทางเท้า คนเดินต้องลงไปเดินบนถนน",
    "เสียงดังจากสถานบันเทิงถึงตีสองทุกคืน นอนไม่หลับ",
    "ท่อระบายน้ำอุดตัน ส่งกลิ่นเหม็น มียุงชุม",
    "มีการเรียกรับเงินเพื่อให้ได้คิวเร็วขึ้น ไม่เป็นธรรมกับคนที่มารอ",
    "ต้นไม้ล้มขวางทางตั้งแต่พายุเมื่อวาน ยังไม่มีใครมาเก็บ",
    "ขอให้ตรวจสอบการก่อสร้างอาคารที่ไม่มีป้ายขออนุญาต",
    "น้ำประปาไม่ไหลสามวันแล้ว ชาวบ้านต้องซื้อน้ำใช้",
    "สุนัขจรจัดจำนวนมากไล่กัดคนที่เดินผ่าน",
    "ได้รับเงินช่วยเหลือไม่ครบตามที่ประกาศไว้",
)
ASKS = (
    "ขอให้หน่วยงานที่เกี่ยวข้องเข้ามาแก้ไขโดยเร็ว",
    "รบกวนช่วยตรวจสอบและแจ้งผลให้ทราบด้วย",
    "แจ้งผู้ใหญ่บ้านแล้วแต่ยังไม่มีความคืบหน้า",
    "ขอบคุณที่ช่วยดูแลครับ",
    "ขอบคุณค่ะ",
    "",
)
ANSWERS = (
    "ได้ประสานเจ้าหน้าที่เข้าตรวจสอบพื้นที่แล้ว",
    "ดำเนินการแก้ไขเรียบร้อยแล้ว ขอบคุณที่แจ้งเรื่อง",
    "ได้แจ้งผู้ประกอบการให้ปรับปรุงภายในเจ็ดวัน",
)
AGENCIES = (
    "องค์การบริหารส่วนตำบล",
    "การไฟฟ้าส่วนภูมิภาค",
    "การประปาส่วนภูมิภาค",
    "สถานีตำรวจภูธร",
    "แขวงทางหลวงชนบท",
)


# --- The working-day calendar ---------------------------------------------------------


class WorkingDays:
    """`saduak.areas.working_days` with the holidays read once: its own
    arithmetic (`working_days_after`, `working_days_counted`) over each
    office's days off, without a query per complaint."""

    def __init__(self) -> None:
        national: set[date] = set()
        closures: dict[int, set[date]] = defaultdict(set)
        for day, office_id in Holiday.objects.values_list("date", "office_id"):
            if office_id is None:
                national.add(day)
            else:
                closures[office_id].add(day)
        self.national = frozenset(national)
        self._off = {office: self.national | days for office, days in closures.items()}
        self._added: dict[tuple[date, int, int | None], date] = {}
        self._between: dict[tuple[date, date, int | None], int] = {}

    def _key(self, office_id: int) -> int | None:
        # Offices without closures of their own share one answer per day.
        return office_id if office_id in self._off else None

    def add(self, start: date, days: int, office_id: int) -> date:
        key = (start, days, self._key(office_id))
        found = self._added.get(key)
        if found is None:
            off = self._off.get(office_id, self.national)
            found = self._added[key] = working_days_after(start, (days,), off)[0]
        return found

    def between(self, start: date, end: date, office_id: int) -> int:
        key = (start, end, self._key(office_id))
        found = self._between.get(key)
        if found is None:
            off = self._off.get(office_id, self.national)
            found = self._between[key] = working_days_counted(start, end, off)
        return found


# --- What the load is made of ---------------------------------------------------------


@dataclass(frozen=True)
class _Holder:
    office_id: int
    district_code: str
    province_code: str


@dataclass(frozen=True)
class _District:
    code: str
    province_code: str
    weight: float
    subdistricts: tuple[str, ...]
    # The holder by office kind (a category may name another kind than the
    # Damrongdham center), and the province's office for take-overs.
    holders: dict[str, _Holder]
    province_office: _Holder | None


@dataclass(frozen=True)
class _Category:
    id: int
    weight: float
    handling_office_kind: str
    acknowledge_days: int
    resolve_days: int
    hq_escalation_days: int


@dataclass
class GeneratedComplaints:
    complaints: int = 0
    events: int = 0
    districts: int = 0
    categories: int = 0
    first_day: date | None = None
    last_day: date | None = None
    by_status: dict[str, int] = field(default_factory=dict)
    rollup_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    load_seconds: float = 0.0
    index_seconds: float = 0.0
    rollup_seconds: float = 0.0
    tidy_seconds: float = 0.0
    # With recount: the rollup rows the app's recount changed (0: the load's
    # rollups were exact), and how long it took.
    repaired: int | None = None
    recount_seconds: float = 0.0


class NothingToLoad(Exception):
    """The map or the categories are missing."""


class AlreadyLoaded(Exception):
    """Complaints are there already and --replace was not given."""


def _districts(rng: random.Random) -> list[_District]:
    offices = Office.objects.filter(is_active=True).exclude(district_id=None)
    by_district: dict[str, dict[str, _Holder]] = defaultdict(dict)
    for office_id, kind, district, province in offices.order_by("code").values_list(
        "pk", "kind", "district_id", "province_id"
    ):
        by_district[district].setdefault(
            kind, _Holder(office_id, district, province or "")
        )
    provincial: dict[str, _Holder] = {}
    for office_id, province, district in (
        Office.objects.filter(kind=OfficeKind.PROVINCIAL_OFFICE, is_active=True)
        .order_by("code")
        .values_list("pk", "province_id", "district_id")
    ):
        provincial.setdefault(province, _Holder(office_id, district or "", province))
    subdistricts: dict[str, list[str]] = defaultdict(list)
    for code, district in (
        Subdistrict.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", "district_id")
    ):
        subdistricts[district].append(code)
    made = []
    for code in sorted(by_district):
        holders = by_district[code]
        centre = holders.get(OfficeKind.DAMRONGDHAM_CENTER)
        if centre is None:
            continue
        made.append(
            _District(
                code=code,
                province_code=centre.province_code,
                # Some districts are much busier (cities), most are quiet.
                weight=rng.lognormvariate(0, 0.8),
                subdistricts=tuple(subdistricts.get(code, ())),
                holders=holders,
                province_office=provincial.get(centre.province_code),
            )
        )
    return made


def _categories(rng: random.Random) -> list[_Category]:
    """The active leaves, a few of them (the everyday ones first: roads,
    lights, rubbish, noise) taking most complaints."""
    parents = set(
        ComplaintCategory.objects.filter(is_active=True)
        .exclude(parent=None)
        .values_list("parent_id", flat=True)
    )
    leaves = (
        ComplaintCategory.objects.filter(is_active=True)
        .exclude(pk__in=parents)
        .order_by("code")
    )
    found = list(
        leaves.values_list(
            "pk",
            "code",
            "handling_office_kind",
            "acknowledge_days",
            "resolve_days",
            "hq_escalation_days",
        )
    )
    rng.shuffle(found)
    found.sort(
        key=lambda row: EVERYDAY.index(row[1]) if row[1] in EVERYDAY else len(EVERYDAY)
    )
    return [
        _Category(pk, 1 / (rank + 1) ** 0.8, kind, ack, res, hq)
        for rank, (pk, _code, kind, ack, res, hq) in enumerate(found)
    ]


def _citizens(seed: int) -> list[int]:
    """Bench citizens some complaints are filed by (signed in with the digital
    ID), made once per seed."""
    base = 700_000_000 + seed * CITIZENS
    users = [
        User(
            personal_id=with_check_digit(f"9{base + n:011d}"[:12]),
            first_name="ผู้ร้อง",
            last_name=f"ทดสอบ{n}",
            password="!",
        )
        for n in range(CITIZENS)
    ]
    User.objects.bulk_create(users, batch_size=1000, ignore_conflicts=True)
    return list(
        User.objects.filter(
            personal_id__in=[user.personal_id for user in users]
        ).values_list("pk", flat=True)
    )


# --- One complaint and its timeline ----------------------------------------------------


def _local(moment: datetime) -> date:
    return moment.astimezone(BANGKOK).date()


def _at(
    day: date, rng: random.Random, start_hour: int = 8, end_hour: int = 17
) -> datetime:
    seconds = rng.randrange(start_hour * 3600, end_hour * 3600)
    return datetime(day.year, day.month, day.day, tzinfo=BANGKOK) + timedelta(
        seconds=seconds
    )


class _Maker:
    """Makes the rows of one complaint at a time (values in the order of
    `complaint_columns` and `event_columns`)."""

    def __init__(
        self,
        *,
        seed: int,
        end: date,
        days: int,
        districts: list[_District],
        categories: list[_Category],
        citizens: list[int],
        calendar: WorkingDays,
        first_id: int,
        now: datetime,
    ) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.end = end
        self.days = days
        self.districts = districts
        self.district_weights = _cumulative([d.weight for d in districts])
        self.categories = categories
        self.category_weights = _cumulative([c.weight for c in categories])
        self.channels = list(CHANNEL_SHARES)
        self.channel_weights = _cumulative(list(CHANNEL_SHARES.values()))
        self.outcomes = list(CLOSE_OUTCOMES)
        self.outcome_weights = _cumulative(list(CLOSE_OUTCOMES.values()))
        self.citizens = citizens
        self.calendar = calendar
        self.next_id = first_id
        self.now = now
        self.day_weights = _cumulative(
            [
                WEEKDAY_SHARE[(end - timedelta(days=back)).weekday()]
                # Use grows a little over the year.
                * (1 + 0.4 * (days - back) / days)
                for back in range(days)
            ]
        )
        # References: a serial number in the references' alphabet from a start
        # drawn from the seed, so a load does not collide with itself.
        self.serial = random.Random(seed * 7919).randrange(
            len(ALPHABET) ** (LENGTH - 1)
        )
        self.by_status: dict[str, int] = defaultdict(int)

    def _reference(self) -> str:
        self.serial += 1
        number, letters = self.serial, []
        for _position in range(LENGTH):
            number, digit = divmod(number, len(ALPHABET))
            letters.append(ALPHABET[digit])
        return "".join(reversed(letters))

    def make(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        district = self.districts[_pick(rng, self.district_weights)]
        category = self.categories[_pick(rng, self.category_weights)]
        channel = self.channels[_pick(rng, self.channel_weights)]
        back = _pick(rng, self.day_weights)
        received_day = self.end - timedelta(days=back)
        received_at = _at(received_day, rng, 6, 22)
        if received_at > self.now:
            received_at = self.now - timedelta(seconds=rng.randrange(60, 3600))
            received_day = _local(received_at)
        holder = district.holders.get(
            category.handling_office_kind,
            district.holders[OfficeKind.DAMRONGDHAM_CENTER],
        )
        complaint_id = self.next_id
        self.next_id += 1
        signed_in = channel not in RECORDED_CHANNELS and rng.random() < SIGNED_IN_SHARE
        description = (
            f"{rng.choice(PLACES)} {rng.choice(PROBLEMS)} {rng.choice(ASKS)}".strip()
        )
        subdistrict = (
            rng.choice(district.subdistricts)
            if district.subdistricts and rng.random() < 0.85
            else None
        )
        point = rng.random() < 0.5
        row: dict[str, Any] = {
            "id": complaint_id,
            "created_at": received_at,
            "updated_at": received_at,
            "reference": self._reference(),
            "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "tracking_token": f"{rng.getrandbits(256):064x}",
            "category_id": category.id,
            "description": description,
            "attribute_answers": {},
            "happened_on": received_day - timedelta(days=rng.choice((0, 0, 1, 2, 7))),
            "province_id": district.province_code,
            "district_id": district.code,
            "subdistrict_id": subdistrict,
            "latitude": Decimal(f"{rng.uniform(6.0, 20.0):.6f}") if point else None,
            "longitude": Decimal(f"{rng.uniform(98.0, 105.0):.6f}") if point else None,
            "address": "" if subdistrict and rng.random() < 0.7 else rng.choice(PLACES),
            "complainant_id": rng.choice(self.citizens) if signed_in else None,
            "contact_name": "" if signed_in else rng.choice(("", "คุณสมชาย", "คุณมาลี")),
            "contact_phone": ""
            if signed_in or channel == Channel.LINE
            else f"08{rng.randrange(10**8):08d}",
            "contact_email": "",
            "line_user_id": f"U{rng.getrandbits(128):032x}"
            if channel == Channel.LINE and not signed_in
            else "",
            "show_name": rng.random() < 0.2,
            "language": "en" if rng.random() < 0.04 else "th",
            "channel": channel,
            "recorded_by_id": None,
            "referral_agency": rng.choice(AGENCIES)
            if channel == Channel.REFERRAL
            else "",
            "open311_key_id": None,
            "fingerprint": hashlib.sha256(
                b"bench:%d:%d" % (self.seed, complaint_id)
            ).hexdigest(),
            "office_id": holder.office_id,
            "holder_district_code": holder.district_code,
            "holder_province_code": holder.province_code,
            "assigned_to_id": None,
            "status": ComplaintStatus.RECEIVED,
            "outcome": "",
            "forwarded_to": "",
            "escalation": Escalation.NONE,
            "is_overdue": False,
            "received_at": received_at,
            "acknowledged_at": None,
            "resolved_at": None,
            "closed_at": None,
            "escalated_at": None,
            "reopened_at": None,
            "reopen_count": 0,
            "rating": None,
            "rating_comment": "",
            "rated_at": None,
            "merged_into_id": None,
        }
        self._clock(row, category, holder, received_day)
        events = self._history(row, category, district, holder, received_day)
        self.by_status[row["status"]] += 1
        return row, events

    def _clock(
        self, row: dict[str, Any], category: _Category, holder: _Holder, start: date
    ) -> None:
        """The targets from `start` (receipt, or a reopening) in working days of
        the holder, as complaint_file sets them."""
        add = self.calendar.add
        row["acknowledge_due"] = add(start, category.acknowledge_days, holder.office_id)
        row["resolve_due"] = add(start, category.resolve_days, holder.office_id)
        row["hq_escalation_due"] = add(
            row["resolve_due"], category.hq_escalation_days, holder.office_id
        )

    def _history(
        self,
        row: dict[str, Any],
        category: _Category,
        district: _District,
        holder: _Holder,
        received_day: date,
    ) -> list[dict[str, Any]]:
        """Plays the complaint forward from its receipt until now: each step
        happens at a drawn time, and stops when that time is still to come."""
        rng, now = self.rng, self.now
        events: list[dict[str, Any]] = []
        office = holder.office_id

        def event(kind: str, at: datetime, status: str, **extra: Any) -> None:
            events.append(
                {
                    "complaint_id": row["id"],
                    "at": at,
                    "kind": kind,
                    "actor_label": extra.pop("actor_label", ""),
                    "is_public": extra.pop("is_public", True),
                    "text": extra.pop("text", ""),
                    "from_office_id": extra.pop("from_office_id", None),
                    "to_office_id": extra.pop("to_office_id", None),
                    "status_after": status,
                    "data": extra.pop("data", {}),
                }
            )
            row["updated_at"] = max(row["updated_at"], at)

        filed = (
            EventKind.RECORDED
            if row["channel"] in RECORDED_CHANNELS
            else EventKind.FILED
        )
        event(
            filed,
            row["received_at"],
            ComplaintStatus.RECEIVED,
            actor_label="complainant" if filed == EventKind.FILED else "",
        )
        # The steps, in working days after receipt.
        ack_days = rng.choice(ACKNOWLEDGE_DAYS)
        # Resolution around the category's target, a fifth late, some very late.
        target = max(category.resolve_days, ack_days + 1)
        resolve_days = max(
            ack_days + 1,
            round(target * rng.choice((0.2, 0.35, 0.5, 0.6, 0.75, 0.9, 1.0, 1.3, 2.2))),
        )
        calendar = self.calendar
        ack_at = _at(calendar.add(received_day, ack_days, office), rng)
        ack_at = max(ack_at, row["received_at"] + timedelta(minutes=5))
        resolve_at = _at(calendar.add(received_day, resolve_days, office), rng)
        resolve_at = max(resolve_at, ack_at + timedelta(hours=1))
        # A complaint closed without being resolved (not within authority,
        # withdrawn, no action possible) ends at about the resolution's time.
        outcome = self.outcomes[_pick(rng, self.outcome_weights)]
        steps_done = True
        if ack_at <= now and outcome != Outcome.WITHDRAWN:
            row["acknowledged_at"] = ack_at
            row["status"] = ComplaintStatus.ACCEPTED
            event(EventKind.ACCEPTED, ack_at, ComplaintStatus.ACCEPTED)
            started = ack_at + timedelta(minutes=rng.randrange(10, 600))
            if started <= now:
                row["status"] = ComplaintStatus.IN_PROGRESS
                event(EventKind.STARTED, started, ComplaintStatus.IN_PROGRESS)
                if rng.random() < FORWARDED_SHARE:
                    agency = rng.choice(AGENCIES)
                    forwarded = started + (resolve_at - started) * 0.3
                    answered = started + (resolve_at - started) * 0.8
                    if forwarded <= now:
                        row["status"] = ComplaintStatus.FORWARDED
                        row["forwarded_to"] = agency
                        event(
                            EventKind.FORWARDED,
                            forwarded,
                            ComplaintStatus.FORWARDED,
                            text=f"ส่งเรื่องให้{agency}พิจารณา",
                            data={"agency": agency},
                        )
                    if answered <= now and row["status"] == ComplaintStatus.FORWARDED:
                        row["status"] = ComplaintStatus.IN_PROGRESS
                        event(
                            EventKind.AGENCY_ANSWER,
                            answered,
                            ComplaintStatus.IN_PROGRESS,
                            text=f"{agency}แจ้งว่าได้ดำเนินการแล้ว",
                            is_public=rng.random() < 0.7,
                        )
            else:
                steps_done = False
        else:
            steps_done = False
        closing = outcome != Outcome.RESOLVED
        if steps_done and resolve_at <= now and not closing:
            if row["status"] == ComplaintStatus.FORWARDED:
                row["status"] = ComplaintStatus.IN_PROGRESS
                event(
                    EventKind.AGENCY_ANSWER,
                    resolve_at - timedelta(minutes=30),
                    ComplaintStatus.IN_PROGRESS,
                    text="หน่วยงานแจ้งผลแล้ว",
                )
            row["resolved_at"] = resolve_at
            row["status"] = ComplaintStatus.RESOLVED
            event(
                EventKind.RESOLVED,
                resolve_at,
                ComplaintStatus.RESOLVED,
                text=rng.choice(ANSWERS),
            )
            closed_at = resolve_at + timedelta(
                days=AUTO_CLOSE_DAYS
                if rng.random() < 0.6
                else rng.randrange(0, AUTO_CLOSE_DAYS),
                minutes=rng.randrange(1, 600),
            )
            if closed_at <= now:
                self._close(row, event, closed_at, Outcome.RESOLVED)
                rated_at = closed_at + timedelta(hours=rng.randrange(1, 72))
                if rng.random() < RATED_SHARE and rated_at <= now:
                    row["rating"] = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5))
                    row["rated_at"] = rated_at
                    event(EventKind.RATED, rated_at, ComplaintStatus.CLOSED)
                reopened_at = closed_at + timedelta(
                    days=rng.randrange(1, REOPEN_WITHIN_DAYS), hours=rng.randrange(24)
                )
                if rng.random() < REOPENED_SHARE and reopened_at <= now:
                    self._reopen(row, event, reopened_at, category, holder)
        elif closing:
            # Closed by an officer with another outcome, or withdrawn by the
            # complainant, some way before the resolution would have come.
            closed_at = max(
                row["received_at"] + (resolve_at - row["received_at"]) * 0.6,
                row["updated_at"] + timedelta(minutes=rng.randrange(30, 600)),
            )
            if (outcome == Outcome.WITHDRAWN or steps_done) and closed_at <= now:
                self._close(row, event, closed_at, outcome)
        if row["status"] in OPEN_STATUSES:
            self._escalate(row, event, district, holder)
        events.sort(key=lambda made: made["at"])
        return events

    def _close(
        self,
        row: dict[str, Any],
        event: Callable[..., None],
        at: datetime,
        outcome: str,
    ) -> None:
        row["status"] = ComplaintStatus.CLOSED
        row["outcome"] = outcome
        row["closed_at"] = at
        event(
            EventKind.CLOSED,
            at,
            ComplaintStatus.CLOSED,
            actor_label="complainant" if outcome == Outcome.WITHDRAWN else "",
            data={"outcome": str(outcome)},
        )

    def _reopen(
        self,
        row: dict[str, Any],
        event: Callable[..., None],
        at: datetime,
        category: _Category,
        holder: _Holder,
    ) -> None:
        """The complainant reopens (as complaint_reopen does): not closed nor
        resolved any more, the resolve clock restarts from the reopen date
        with the category's resolve days, escalation reset."""
        row["status"] = ComplaintStatus.REOPENED
        row["outcome"] = ""
        row["closed_at"] = None
        row["resolved_at"] = None
        row["reopened_at"] = at
        row["reopen_count"] = 1
        day = _local(at)
        row["resolve_due"] = self.calendar.add(
            day, category.resolve_days, holder.office_id
        )
        row["hq_escalation_due"] = self.calendar.add(
            row["resolve_due"], category.hq_escalation_days, holder.office_id
        )
        event(
            EventKind.REOPENED,
            at,
            ComplaintStatus.REOPENED,
            actor_label="complainant",
            text="ปัญหากลับมาอีกครั้ง",
        )

    def _escalate(
        self,
        row: dict[str, Any],
        event: Callable[..., None],
        district: _District,
        holder: _Holder,
    ) -> None:
        """What the escalation job has done to an open complaint by now: past
        acknowledge_due unacknowledged or past resolve_due, overdue and told
        the province; past hq_escalation_due, HQ too. Some escalated ones the
        province took over."""
        rng, today = self.rng, _local(self.now)
        late_since = None
        if row["acknowledged_at"] is None and today > row["acknowledge_due"]:
            late_since = row["acknowledge_due"] + timedelta(days=1)
        if today > row["resolve_due"]:
            late_since = min(
                late_since or date.max, row["resolve_due"] + timedelta(days=1)
            )
        if late_since is None:
            return
        row["is_overdue"] = True
        row["escalation"] = Escalation.PROVINCE
        escalated_at = max(_at(late_since, rng, 0, 1), row["updated_at"])
        row["escalated_at"] = escalated_at
        event(
            EventKind.ESCALATED,
            escalated_at,
            row["status"],
            is_public=False,
            actor_label="system",
            data={"level": int(Escalation.PROVINCE)},
        )
        if today > row["hq_escalation_due"]:
            row["escalation"] = Escalation.HQ
            hq_at = max(
                _at(row["hq_escalation_due"] + timedelta(days=1), rng, 0, 1),
                escalated_at,
            )
            row["escalated_at"] = hq_at
            event(
                EventKind.ESCALATED,
                hq_at,
                row["status"],
                is_public=False,
                actor_label="system",
                data={"level": int(Escalation.HQ)},
            )
        province = district.province_office
        if province is not None and rng.random() < TAKEN_OVER_SHARE * 8:
            taken_at = row["escalated_at"] + timedelta(hours=rng.randrange(1, 48))
            if taken_at <= self.now:
                row["office_id"] = province.office_id
                row["holder_district_code"] = province.district_code
                row["holder_province_code"] = province.province_code
                event(
                    EventKind.TAKEN_OVER,
                    taken_at,
                    row["status"],
                    is_public=False,
                    from_office_id=holder.office_id,
                    to_office_id=province.office_id,
                    text="จังหวัดรับเรื่องไว้ดำเนินการเอง",
                )


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, running = sum(weights), 0.0
    made = []
    for weight in weights:
        running += weight / total
        made.append(running)
    made[-1] = 1.0
    return made


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    """The index drawn from cumulative shares (bisect, without the import)."""
    target = rng.random()
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] < target:
            low = middle + 1
        else:
            high = middle
    return low


# --- The rollups ------------------------------------------------------------------------


ROLLUP_MODELS: tuple[type[models.Model], ...] = (
    ComplaintReportCounts,
    ComplaintDurations,
    ComplaintOpenCounts,
)


class _Rollups:
    """The rollup rows of the complaints made so far: each complaint's moves
    (the app's `report_state` and `_moves`, with the working days taken from
    the calendar read once), added up by row."""

    def __init__(self, calendar: WorkingDays) -> None:
        self.calendar = calendar
        self.rows: dict[type[models.Model], dict[Any, dict[str, Any]]] = {
            model: {} for model in ROLLUP_MODELS
        }

    def _days_taken(self, office_id: int, start: date, end: date) -> int:
        return self.calendar.between(start, end, office_id)

    def add(self, complaint: dict[str, Any]) -> None:
        # report_state reads the complaint's fields by name, as a model's.
        fields = SimpleNamespace(**{name: complaint[name] for name in STATE_FIELDS})
        state = report_state(fields, self._days_taken)  # type: ignore[arg-type]
        for move in _moves(state, 1):
            rows = self.rows[move.model]
            row = rows.get(move.key)
            if row is None:
                row = rows[move.key] = dict(move.carried)
            for name, delta in move.deltas.items():
                row[name] = row.get(name, 0) + delta

    def tables(
        self,
    ) -> Iterator[tuple[type[models.Model], list[str], list[tuple[Any, ...]]]]:
        """Each rollup's columns and rows, ready to write."""
        for model, rows in self.rows.items():
            if not rows:
                continue
            attnames = {f.attname: str(f.column) for f in model._meta.concrete_fields}
            defaults = _defaults(model)
            first_key, first_row = next(iter(rows.items()))
            names = [name for name, _value in first_key]
            values = sorted({*first_row, *CARRIED_FIELDS} - set(names))
            filled = [name for name in attnames if name not in {"id", *names, *values}]
            made = [
                (
                    *(value for _name, value in key),
                    *(row.get(name, 0) for name in values),
                    *(defaults[attnames[name]] for name in filled),
                )
                for key, row in rows.items()
            ]
            yield model, [attnames[n] for n in (*names, *values, *filled)], made


# --- Writing ---------------------------------------------------------------------------


def _columns(model: type[models.Model]) -> list[str]:
    return [str(field.column) for field in model._meta.concrete_fields]


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    """Values of columns the generator does not set (columns a later migration
    adds, say): the field's default."""
    made: dict[str, Any] = {}
    for model_field in model._meta.concrete_fields:
        if model_field.has_default():
            made[str(model_field.column)] = model_field.get_default()
        elif model_field.null:
            made[str(model_field.column)] = None
    return made


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(
    made: Iterator[tuple[dict[str, Any], list[dict[str, Any]]]],
    complaint_columns: list[str],
    event_columns: list[str],
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    complaint_defaults = _defaults(Complaint)
    event_defaults = _defaults(ComplaintEvent)
    complaints: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    for complaint, its_events in made:
        values = {**complaint_defaults, **complaint}
        complaints.append(tuple(values[column] for column in complaint_columns))
        for one in its_events:
            values = {**event_defaults, **one}
            events.append(tuple(values.get(column) for column in event_columns))
        if len(complaints) >= BATCH:
            yield complaints, events
            complaints, events = [], []
    if complaints:
        yield complaints, events


def _copy(
    batches: Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]],
    complaint_columns: list[str],
    event_columns: list[str],
) -> None:
    """COPY FROM STDIN (psycopg adapts each value), a batch of complaints and
    then their events at a time, on the Django connection in its transaction."""
    quote = connection.ops.quote_name
    json_columns = {
        model_field.column
        for model in (Complaint, ComplaintEvent)
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.JSONField)
    }
    complaint_json = [n for n, c in enumerate(complaint_columns) if c in json_columns]
    event_json = [n for n, c in enumerate(event_columns) if c in json_columns]
    connection.ensure_connection()
    raw = connection.connection
    complaint_sql = (
        f"COPY {_table(Complaint)} "
        f"({', '.join(quote(c) for c in complaint_columns)}) FROM STDIN"
    )
    event_sql = (
        f"COPY {_table(ComplaintEvent)} "
        f"({', '.join(quote(c) for c in event_columns)}) FROM STDIN"
    )
    for complaints, events in batches:
        with raw.cursor() as cursor:
            # The writer sends from a thread of its own while rows are made.
            with cursor.copy(complaint_sql, writer=QueuedLibpqWriter(cursor)) as copy:
                for values in complaints:
                    copy.write_row(_with_json(values, complaint_json))
            with cursor.copy(event_sql, writer=QueuedLibpqWriter(cursor)) as copy:
                for values in events:
                    copy.write_row(_with_json(values, event_json))


def _copy_table(
    model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    quote = connection.ops.quote_name
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        statement = (
            f"COPY {_table(model)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        )
        with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
            for values in rows:
                copy.write_row(values)


def _with_json(values: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    if not positions:
        return values
    changed = list(values)
    for position in positions:
        changed[position] = json.dumps(changed[position], ensure_ascii=False)
    return tuple(changed)


def _insert(
    batches: Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]],
    complaint_columns: list[str],
    event_columns: list[str],
) -> None:
    """bulk_create in batches (SQLite, for the tests)."""
    for complaints, events in batches:
        Complaint.objects.bulk_create(
            [_instance(Complaint, complaint_columns, values) for values in complaints],
            batch_size=500,
        )
        ComplaintEvent.objects.bulk_create(
            [_instance(ComplaintEvent, event_columns, values) for values in events],
            batch_size=500,
        )


def _instance(
    model: type[ModelT], columns: list[str], values: tuple[Any, ...]
) -> ModelT:
    attnames = {f.column: f.attname for f in model._meta.concrete_fields}
    return model(**{attnames[c]: v for c, v in zip(columns, values, strict=True)})


def _empty() -> None:
    """Every complaint, its timeline and documents, and the rollups."""
    tables = [
        _table(model)
        for model in (
            ComplaintAttachment,
            ComplaintEvent,
            ComplaintReportCounts,
            ComplaintDurations,
            ComplaintOpenCounts,
            Complaint,
        )
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE is instant where DELETE of millions of rows is not.
            try:
                with transaction.atomic():
                    cursor.execute(f"TRUNCATE {', '.join(tables)}")
                return
            except OperationalError as error:
                # Rows written earlier in the caller's transaction (a test's)
                # wait for their deferred key checks, which TRUNCATE may not skip.
                if not isinstance(error.__cause__, ObjectInUse):
                    raise
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def _sequence_past(model: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {_table(model)}), 0) + 1, false)",
            [table],
        )


def complaints_generate(
    *,
    count: int,
    days: int = 365,
    end: date | None = None,
    seed: int = 1,
    replace: bool = False,
    recount: bool = False,
) -> GeneratedComplaints:
    """Writes `count` complaints received over the `days` days up to `end`
    (today) with their timelines, and adds what they contribute to the
    rollups. With `replace`, every complaint and rollup row is deleted first
    (without it there must be none). With `recount`, the app's recount runs after the load and
    `repaired` says how many rollup rows it changed."""
    if count < 0 or days < 1:
        raise ValueError("count must be 0 or more and days 1 or more")
    began = time.monotonic()
    now = timezone.now()
    end = end or timezone.localdate(now)
    rng = random.Random(seed)
    districts = _districts(rng)
    if not districts:
        raise NothingToLoad("No district has a Damrongdham center: run load_areas.")
    categories = _categories(rng)
    if not categories:
        raise NothingToLoad(
            "No active complaint category: run load_complaint_categories."
        )
    calendar = WorkingDays()
    citizens = _citizens(seed)
    made = GeneratedComplaints(
        districts=len(districts),
        categories=len(categories),
        first_day=end - timedelta(days=days - 1),
        last_day=end,
    )
    complaint_columns = _columns(Complaint)
    event_columns = [c for c in _columns(ComplaintEvent) if c != "id"]
    postgres = connection.vendor == "postgresql"
    written: list[type[models.Model]] = [Complaint, ComplaintEvent, *ROLLUP_MODELS]
    tables = [_table(model) for model in written]
    rollups = _Rollups(calendar)
    with transaction.atomic():
        if replace:
            _empty()
        if count and Complaint.objects.exists():
            raise AlreadyLoaded(
                "There are complaints already: use --replace (the load's rollup "
                "rows would collide with theirs)."
            )
        bulk = postgres and count >= BULK_LOAD_COMPLAINTS
        first_id = (
            Complaint.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ) + 1
        maker = _Maker(
            seed=seed,
            end=end,
            days=days,
            districts=districts,
            categories=categories,
            citizens=citizens,
            calendar=calendar,
            first_id=first_id,
            # A load ending in the past is seen from the end of its last day.
            now=min(
                now,
                datetime.combine(end + timedelta(days=1), datetime.min.time(), BANGKOK),
            ),
        )
        restore = indexes_set_aside(tables) if bulk else []
        started = time.monotonic()
        events = 0

        def produce() -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
            nonlocal events
            for _number in range(count):
                row, its_events = maker.make()
                rollups.add(row)
                events += len(its_events)
                yield row, its_events

        batches = _rows(produce(), complaint_columns, event_columns)
        if postgres:
            _copy(batches, complaint_columns, event_columns)
        else:
            _insert(batches, complaint_columns, event_columns)
        made.load_seconds = time.monotonic() - started
        started = time.monotonic()
        for model, columns, rows in rollups.tables():
            if postgres:
                _copy_table(model, columns, rows)
            else:
                model._default_manager.bulk_create(
                    [_instance(model, columns, values) for values in rows],
                    batch_size=500,
                )
            made.rollup_rows[model.__name__] = len(rows)
        made.rollup_seconds = time.monotonic() - started
        started = time.monotonic()
        if restore:
            indexes_restore(restore)
        _sequence_past(Complaint)
        made.index_seconds = time.monotonic() - started
    made.complaints = count
    made.events = events
    made.by_status = {str(k): v for k, v in sorted(maker.by_status.items())}
    started = time.monotonic()
    loaded: tuple[type[models.Model], ...] = (Complaint, ComplaintEvent, *ROLLUP_MODELS)
    tables_analyse([_table(model) for model in loaded])
    made.tidy_seconds = time.monotonic() - started
    if recount:
        started = time.monotonic()
        made.repaired = report_rollups_recount()
        made.recount_seconds = time.monotonic() - started
    made.seconds = time.monotonic() - began
    return made
