from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from saduak.accounts.lockout import lockout_lift
from saduak.core.personal_id import clean_personal_id, mask_personal_id


class Command(BaseCommand):
    help = (
        "Ends the sign-in lockout of one personal ID before its 15 minutes are up, "
        "e.g. `signin_unlock 1100000000016`. Audited as accounts.lockout.lift."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("personal_id")

    def handle(self, *args: object, **options: str) -> None:
        try:
            personal_id = clean_personal_id(options["personal_id"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        lockout_lift(personal_id=personal_id, actor="command:signin_unlock")
        self.stdout.write(f"Sign-in for {mask_personal_id(personal_id)} is open again.")
