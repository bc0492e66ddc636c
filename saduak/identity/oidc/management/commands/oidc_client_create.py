from typing import Any

from django.core.management.base import BaseCommand, CommandError

from saduak.core.errors import InvalidInput
from saduak.identity.models import Partner
from saduak.identity.oidc.services import partner_client_create


class Command(BaseCommand):
    help = (
        "Registers an OAuth client for a partner and prints its client ID and, for a "
        "confidential client, its secret: once, since only a hash is kept."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--partner-id", type=int, required=True)
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="Where the partner receives the code (https); repeat for more",
        )
        parser.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            help="Where the partner may send people after signing out",
        )
        parser.add_argument(
            "--confidential",
            action="store_true",
            help="A server-side client that keeps a secret (otherwise public, PKCE only)",
        )
        parser.add_argument(
            "--client-credentials",
            action="store_true",
            help="A machine client for the identity check API (no redirect URI)",
        )
        parser.add_argument("--name", default="", help="A name HQ recognises")

    def handle(self, *args: object, **options: Any) -> None:
        try:
            partner = Partner.objects.get(pk=options["partner_id"])
        except Partner.DoesNotExist:
            raise CommandError(f"No partner {options['partner_id']}.") from None
        try:
            application, secret = partner_client_create(
                partner=partner,
                redirect_uris=list(options["redirect_uri"]),
                post_logout_redirect_uris=list(options["post_logout_redirect_uri"]),
                confidential=bool(options["confidential"]),
                machine=bool(options["client_credentials"]),
                name=str(options["name"]),
                actor="command:oidc_client_create",
            )
        except InvalidInput as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"client_id={application.client_id}")
        if secret is not None:
            self.stdout.write(f"client_secret={secret}")
            self.stderr.write(
                "Give the secret to the partner now; it is not shown again."
            )
