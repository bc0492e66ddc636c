"""Demo accounts for trying Saduak on the embedded setup. Never run in production."""

import contextlib
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import staff_role_grant, user_create
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit

DEMO_PASSWORD = "saduak-demo"

# (first twelve digits, first name, last name, role, office code, English description)
DEMO_PEOPLE = [
    ("110000000001", "สมศรี", "ใจดี", None, None, "citizen"),
    ("110000000002", "ประเสริฐ", "ส่วนกลาง", Role.HQ_ADMIN, "hq", "HQ administrator"),
    ("110000000003", "วิไล", "ตรวจสอบ", Role.AUDITOR, "hq", "auditor (read-only)"),
    (
        "110000000004",
        "สมชาย",
        "เชียงใหม่",
        Role.PROVINCIAL_STAFF,
        "pao-50",
        "provincial staff, Chiang Mai",
    ),
    (
        "110000000005",
        "อารี",
        "เมืองเชียงใหม่",
        Role.DISTRICT_ADMIN,
        "do-5001",
        "district admin, Mueang Chiang Mai",
    ),
    (
        "110000000006",
        "มานะ",
        "ทะเบียน",
        Role.COUNTER_OFFICER,
        "reg-5001",
        "counter officer, Mueang Chiang Mai registry",
    ),
    (
        "110000000007",
        "ปรีชา",
        "จอมทอง",
        Role.DISTRICT_ADMIN,
        "do-5002",
        "district admin, Chom Thong",
    ),
    (
        "110000000008",
        "กานดา",
        "บริการออนไลน์",
        Role.ESERVICE_ADMIN,
        "hq",
        "e-service administrator (builder)",
    ),
    (
        "110000000009",
        "บุญมี",
        "การเงิน",
        Role.FINANCE_OFFICER,
        "pao-50",
        "finance officer, Chiang Mai",
    ),
    (
        "110000000010",
        "จันทร์เพ็ญ",
        "สวัสดิการ",
        Role.COUNTER_OFFICER,
        "do-5001",
        "counter officer, Mueang Chiang Mai district office (e-services)",
    ),
    (
        "110000000022",
        "สุนีย์",
        "สังคมสงเคราะห์",
        Role.SOCIAL_WORKER,
        "do-5001",
        "social worker (Social Match), Mueang Chiang Mai",
    ),
]


# The staff accounts' positions (ตำแหน่ง), printed where they sign or certify.
DEMO_POSITIONS = {
    "110000000002": "ผู้อำนวยการส่วนติดตามและประเมินผล",
    "110000000004": "เจ้าพนักงานปกครองชำนาญงาน",
    "110000000005": "ปลัดอำเภอ (หัวหน้าฝ่ายบริหารงานปกครอง)",
    "110000000006": "เจ้าพนักงานปกครองปฏิบัติงาน",
    "110000000007": "ปลัดอำเภอ",
    "110000000010": "เจ้าพนักงานปกครองปฏิบัติงาน",
    "110000000022": "นักสังคมสงเคราะห์ปฏิบัติการ",
}

# Synthetic votes spread over every district office (saduak/feedback/generator.py).
DEMO_HAPPINESS_VOTES = 30_000
DEMO_SEED = 2569
# Votes of fiscal years 2567-2569 (2023-10-01 to 2026-09-30), which the demo's
# KPIs computed from the happiness votes read (saduak/performance/demo.py).
DEMO_HISTORY_VOTES = 20_000
DEMO_HISTORY_END = date(2026, 9, 30)
DEMO_HISTORY_DAYS = (DEMO_HISTORY_END - date(2023, 10, 1)).days + 1
DEMO_HISTORY_SEED = 2567


class Command(BaseCommand):
    help = "Creates demo accounts (all with the same demo password) and prints them."

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEBUG or getattr(settings, "DEMO_SEED_ALLOWED", False)):
            raise CommandError("Demo accounts are for the local demo only.")
        if not Office.objects.filter(code="hq").exists():
            raise CommandError("Load the map first: manage.py load_areas")
        rows = []
        with transaction.atomic():
            for twelve, first, last, role, office_code, description in DEMO_PEOPLE:
                personal_id = with_check_digit(twelve)
                user = User.objects.filter(personal_id=personal_id).first()
                position = DEMO_POSITIONS.get(twelve, "")
                if user is None:
                    user = user_create(
                        personal_id=personal_id,
                        first_name=first,
                        last_name=last,
                        password=DEMO_PASSWORD,
                        actor="command:seed_demo",
                        position=position,
                    )
                elif position and not user.position:
                    user.position = position
                    user.save(update_fields=["position"])
                if role is not None:
                    office = Office.objects.get(code=office_code)
                    staff_role_grant(
                        user=user, role=role, office=office, actor="command:seed_demo"
                    )
                    if role == Role.HQ_ADMIN and not user.is_superuser:
                        user.is_staff = user.is_superuser = True
                        user.save(update_fields=["is_staff", "is_superuser"])
                rows.append((personal_id, f"{first} {last}", description))
        from saduak.appointments.demo import seed_demo_appointments

        hq = User.objects.get(personal_id=with_check_digit(DEMO_PEOPLE[1][0]))
        offices = seed_demo_appointments(hq=hq)
        from saduak.feedback.generator import AlreadyLoaded, votes_generate

        # Four months of happiness votes, so the public pages have figures.
        with contextlib.suppress(AlreadyLoaded):
            votes_generate(votes=DEMO_HAPPINESS_VOTES, days=120, seed=DEMO_SEED)
        with contextlib.suppress(AlreadyLoaded):
            votes_generate(
                votes=DEMO_HISTORY_VOTES,
                days=DEMO_HISTORY_DAYS,
                end=DEMO_HISTORY_END,
                seed=DEMO_HISTORY_SEED,
            )
        from saduak.eservices.demo import seed_demo_eservices

        def demo_person(twelve: str) -> User:
            return User.objects.get(personal_id=with_check_digit(twelve))

        applications = seed_demo_eservices(
            citizen=demo_person(DEMO_PEOPLE[0][0]),
            officer=demo_person("110000000010"),
            district_admin=demo_person("110000000005"),
        )
        from saduak.complaints.demo import complaints_seed_demo

        complaints = complaints_seed_demo(
            citizen=demo_person(DEMO_PEOPLE[0][0]),
            officer=demo_person("110000000005"),
            province=demo_person("110000000004"),
        )
        from saduak.performance.demo import performance_seed_demo

        frameworks = performance_seed_demo(
            hq=hq,
            province=demo_person("110000000004"),
            district=demo_person("110000000005"),
            chom_thong=demo_person("110000000007"),
        )
        from saduak.social.demo import social_seed_demo

        social = social_seed_demo(
            hq=hq,
            province_staff=demo_person("110000000004"),
            worker=demo_person("110000000022"),
        )
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for personal_id, name, description in rows:
            self.stdout.write(f"  {personal_id}  {name:<24} {description}")
        self._print_second_factors()
        self.stdout.write("")
        self.stdout.write("Offices taking bookings, with their kiosk and display:")
        for line in offices:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Amphoe Sang Suk (happiness vote):")
        self.stdout.write("  national ranking     /happiness/")
        self.stdout.write(
            "  vote page (QR code)  /v/reg-1001/   poster /v/reg-1001/poster.pdf"
        )
        self.stdout.write("  staff                /staff/happiness/")
        self.stdout.write("")
        self.stdout.write("E-services (subsidies online):")
        self.stdout.write("  catalogue            /eservices/")
        self.stdout.write("  officers' queue      /staff/eservices/")
        self.stdout.write("  builder              /staff/eservices/builder/")
        self.stdout.write("  payments             /staff/eservices/payments/")
        for line in applications:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Damrongdham complaints (the demo citizen's and others):")
        for line in complaints:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            "KPI frameworks, PMQA, directives and the GECC round "
            "(staff: /staff/performance/; inbox /staff/performance/inbox/):"
        )
        for line in frameworks:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Social Match (targeting and case management):")
        for line in social:
            self.stdout.write(line)
        self.stdout.write("")

    def _print_second_factors(self) -> None:
        """Staff sign in with a second factor (STAFF_SECOND_FACTOR_REQUIRED):
        each demo staff account has an authenticator key and recovery codes."""
        from saduak.identity.demo import demo_second_factor_seed

        staff = [
            User.objects.get(personal_id=with_check_digit(person[0]))
            for person in DEMO_PEOPLE
            if person[3] is not None
        ]
        with transaction.atomic():
            factors = [demo_second_factor_seed(user) for user in staff]
        self.stdout.write("")
        required = "on" if settings.STAFF_SECOND_FACTOR_REQUIRED else "off"
        self.stdout.write(
            f"Staff second factor (STAFF_SECOND_FACTOR_REQUIRED is {required}): "
            "after the password, type the code of an authenticator app set up "
            "with the key below, or `.venv/bin/python manage.py demo_code "
            "<personal ID>`, or one of the recovery codes (each works once)."
        )
        for factor in factors:
            self.stdout.write(
                f"  {factor.user.personal_id}  key {factor.key_base32}  "
                f"recovery {' '.join(factor.recovery_codes)}"
            )
            self.stdout.write(f"      {factor.otpauth_uri}")
