from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from saduak.accounts.models import User
from saduak.accounts.services import api_token_create
from saduak.core.personal_id import clean_personal_id


class Command(BaseCommand):
    help = "Makes an API bearer token for a user and prints it once; only its hash is kept."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("personal_id", help="The user's 13-digit personal ID")
        parser.add_argument("--name", required=True, help="What the token is for")

    def handle(self, *args: object, **options: str) -> None:
        try:
            user = User.objects.get(
                personal_id=clean_personal_id(options["personal_id"])
            )
        except (ValidationError, User.DoesNotExist) as error:
            raise CommandError(f"No user with that personal ID ({error}).") from None
        _, raw = api_token_create(
            user=user, name=options["name"], actor="command:api_token_create"
        )
        self.stdout.write(raw)
