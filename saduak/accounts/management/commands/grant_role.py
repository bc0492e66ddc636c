from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import staff_role_grant
from saduak.areas.models import Office
from saduak.core.errors import DomainError
from saduak.core.personal_id import clean_personal_id


class Command(BaseCommand):
    help = (
        "Gives a user a staff role at an office, e.g. "
        "`grant_role 1100000000024 hq_admin hq`. Audited as staff_role.grant."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("personal_id")
        parser.add_argument("role", choices=[role.value for role in Role])
        parser.add_argument("office_code", help="e.g. hq, pao-50, do-5001, reg-5001")

    def handle(self, *args: object, **options: str) -> None:
        try:
            user = User.objects.get(
                personal_id=clean_personal_id(options["personal_id"])
            )
            office = Office.objects.get(code=options["office_code"])
            staff_role_grant(
                user=user,
                role=Role(options["role"]),
                office=office,
                actor="command:grant_role",
            )
        except (ValidationError, User.DoesNotExist, Office.DoesNotExist) as error:
            raise CommandError(str(error)) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"{user} is now {Role(options['role']).label} at {office}.")
