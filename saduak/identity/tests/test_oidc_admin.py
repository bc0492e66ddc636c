import pytest

from saduak.audit.models import AuditEvent
from saduak.identity.models import Partner
from saduak.identity.oidc.services import oidc_consent_grant
from saduak.identity.tests.oidc_helpers import make_client, make_partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/identity/partner/",
        "/admin/identity/partnerclient/",
        "/admin/oidc/partnerconsent/",
        "/admin/oauth2_provider/application/",
    ],
)
def test_hq_sees_partners_their_clients_and_consents_in_the_admin(
    admin_client, citizen, path
):
    partner = make_partner()
    make_client(partner)
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid"])
    assert admin_client.get(path).status_code == 200


def test_a_partner_registered_in_the_admin_is_audited(admin_client):
    response = admin_client.post(
        "/admin/identity/partner/add/",
        {
            "name_th": "กรมการจัดหางาน",
            "name_en": "Department of Employment",
            "kind": "agency",
            "purpose_th": "ยืนยันตัวตน",
            "purpose_en": "",
            "allowed_scopes": "openid profile",
            "identity_checks_per_day": "100",
            "is_active": "on",
            "clients-TOTAL_FORMS": "0",
            "clients-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    partner = Partner.objects.get()
    assert AuditEvent.objects.get(action="admin.partner.add").target_id == str(
        partner.pk
    )


def test_citizens_consents_cannot_be_changed_in_the_admin(admin_client, citizen):
    consent = oidc_consent_grant(
        user=citizen, partner=make_partner(), scopes=["openid"]
    )
    assert (
        admin_client.post(
            f"/admin/oidc/partnerconsent/{consent.pk}/change/", {}
        ).status_code
        == 403
    )
