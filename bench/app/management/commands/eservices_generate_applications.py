"""Loads many open applications straight into the table, for the officer-queue
benchmark (bench/eservice_queue_scenarios.py). Not for production data: it
bypasses the services (no events, visits or audit trail), which is what makes
100,000 rows take seconds; so it ships only with the bench app, present when
DJANGO_SETTINGS_MODULE is bench.app.settings.

    DJANGO_SETTINGS_MODULE=bench.app.settings manage.py \\
        eservices_generate_applications --count 100000 --offices 50 \\
        --focus-office do-1001 --focus-stage intake --focus-count 2000
"""

import random
import secrets
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit
from saduak.core.references import ALPHABET, LENGTH
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.choices import ApplicationStatus, VersionStatus
from saduak.eservices.models import Application, ServiceVersion
from saduak.eservices.versions import workflow_of

BATCH = 5000
APPLICANTS = 1000
WORKING_STAGES = ("intake", "fact_check", "committee", "payment")


class Command(BaseCommand):
    help = "Bulk-load open e-service applications (benchmarks only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--offices", type=int, default=50)
        parser.add_argument("--focus-office", default="")
        parser.add_argument("--focus-stage", default="intake")
        parser.add_argument("--focus-count", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        count, focus_count = options["count"], options["focus_count"]
        if count < 1 or focus_count > count:
            raise CommandError("--count must be positive and at least --focus-count.")
        builtin_services_install()
        versions = list(
            ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("service")
            .order_by("service__code")
        )
        if not versions:
            raise CommandError("No published e-service: run migrate first.")
        offices = list(
            Office.objects.filter(
                kind=OfficeKind.DISTRICT_OFFICE, is_active=True
            ).order_by("code")[: options["offices"]]
        )
        focus = None
        if options["focus_office"]:
            focus = Office.objects.filter(code=options["focus_office"]).first()
            if focus is None:
                raise CommandError(f"No office {options['focus_office']!r}.")
            offices = [focus, *[office for office in offices if office.pk != focus.pk]]
        if not offices:
            raise CommandError("No district office: run load_areas first.")
        for version in versions:
            codes = {stage.code for stage in workflow_of(version).stages}
            if options["focus_stage"] not in codes:
                raise CommandError(f"No stage {options['focus_stage']!r}.")
        picks = random.Random(options["seed"])
        applicants = self._applicants(picks)
        # References: a serial number in the references' alphabet from a start
        # drawn afresh each run (not from the seed: a second load would reuse
        # the first one's), so a load never collides with itself.
        self.serial = secrets.randbelow(len(ALPHABET) ** (LENGTH - 1))
        made = 0
        while made < count:
            size = min(BATCH, count - made)
            rows = [
                self._row(
                    picks,
                    versions,
                    offices,
                    applicants,
                    focus if made + n < focus_count else None,
                    options["focus_stage"],
                )
                for n in range(size)
            ]
            with transaction.atomic():
                Application.objects.bulk_create(
                    rows, batch_size=1000, ignore_conflicts=True
                )
            made += size
        self.stdout.write(str(made))

    def _applicants(self, picks: random.Random) -> list[User]:
        base = picks.randrange(10**9, 9 * 10**9)
        users = [
            User(
                personal_id=with_check_digit(f"8{base + n:011d}"[:12]),
                first_name="ผู้ยื่น",
                last_name=f"ทดสอบ{n}",
            )
            for n in range(APPLICANTS)
        ]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users, batch_size=1000, ignore_conflicts=True)
        return list(
            User.objects.filter(
                personal_id__in=[user.personal_id for user in users]
            ).only("pk")
        )

    def _reference(self) -> str:
        self.serial += 1
        number, letters = self.serial, []
        for _position in range(LENGTH):
            number, digit = divmod(number, len(ALPHABET))
            letters.append(ALPHABET[digit])
        return "".join(reversed(letters))

    def _row(
        self,
        picks: random.Random,
        versions: list[ServiceVersion],
        offices: list[Office],
        applicants: list[User],
        focus: Office | None,
        focus_stage: str,
    ) -> Application:
        version = picks.choice(versions)
        office = focus or picks.choice(offices)
        stage = focus_stage if focus else picks.choice(WORKING_STAGES)
        now = timezone.now()
        entered = now - timedelta(days=picks.randrange(0, 30))
        status = (
            ApplicationStatus.RETURNED
            if picks.random() < 0.05
            else ApplicationStatus.IN_PROGRESS
        )
        return Application(
            reference=self._reference(),
            version=version,
            service=version.service,
            applicant=picks.choice(applicants),
            office=office,
            district_code=office.district_id or "",
            province_code=office.province_id or "",
            status=status,
            stage=stage,
            stage_entered_at=entered,
            stage_due_on=None
            if status == ApplicationStatus.RETURNED
            else timezone.localdate(entered) + timedelta(days=picks.randrange(1, 15)),
            submitted_at=entered,
            answers={"full_name": "ผู้ยื่น ทดสอบ", "requested_amount": "3000.00"},
        )
