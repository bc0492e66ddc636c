import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from oauth2_provider.models import Application

from saduak.audit.models import AuditEvent
from saduak.identity.tests.oidc_helpers import REDIRECT_URI, make_partner

pytestmark = pytest.mark.django_db


def printed(capsys) -> dict[str, str]:
    out = capsys.readouterr().out
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_oidc_client_create_prints_the_client_id_and_secret_once(capsys):
    partner = make_partner()
    call_command(
        "oidc_client_create",
        "--partner-id",
        str(partner.pk),
        "--redirect-uri",
        REDIRECT_URI,
        "--confidential",
    )
    values = printed(capsys)
    application = Application.objects.get(client_id=values["client_id"])
    assert application.partner_client.partner == partner
    assert application.redirect_uris == REDIRECT_URI
    assert check_password(values["client_secret"], application.client_secret)
    event = AuditEvent.objects.get(action="identity.oidc.client.create")
    assert event.actor_label == "command:oidc_client_create"


def test_oidc_client_create_makes_a_public_client_without_a_secret(capsys):
    partner = make_partner()
    call_command(
        "oidc_client_create",
        "--partner-id",
        str(partner.pk),
        "--redirect-uri",
        REDIRECT_URI,
    )
    values = printed(capsys)
    assert "client_secret" not in values
    assert Application.objects.get().client_type == Application.CLIENT_PUBLIC


def test_oidc_client_create_makes_a_machine_client_for_identity_checks(capsys):
    partner = make_partner(may_check_identity=True)
    call_command(
        "oidc_client_create", "--partner-id", str(partner.pk), "--client-credentials"
    )
    assert "client_secret" in printed(capsys)
    assert (
        Application.objects.get().authorization_grant_type
        == Application.GRANT_CLIENT_CREDENTIALS
    )


@pytest.mark.parametrize(
    "arguments",
    [
        ["--partner-id", "999999", "--redirect-uri", REDIRECT_URI],
        ["--redirect-uri", "http://agency.example.go.th/callback"],
        [],
    ],
)
def test_oidc_client_create_refuses_an_unknown_partner_or_a_bad_redirect_uri(
    arguments,
):
    partner = make_partner()
    if "--partner-id" not in arguments:
        arguments = ["--partner-id", str(partner.pk), *arguments]
    with pytest.raises(CommandError):
        call_command("oidc_client_create", *arguments)
    assert not Application.objects.exists()
