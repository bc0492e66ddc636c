import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/areas/province/",
        "/admin/areas/district/?q=chom",
        "/admin/areas/subdistrict/",
        "/admin/areas/office/?q=reg-5001",
        "/admin/areas/holiday/",
        "/admin/accounts/user/",
        "/admin/accounts/apitoken/",
        "/admin/audit/auditevent/",
    ],
)
def test_the_admin_lists_reference_data(admin_client, small_map, path):
    assert admin_client.get(path).status_code == 200


def test_areas_cannot_be_edited_in_the_admin_because_the_next_load_would_undo_it(
    admin_client, small_map
):
    assert (
        admin_client.post("/admin/areas/district/5001/change/", {}).status_code == 403
    )
    assert admin_client.get("/admin/areas/district/add/").status_code == 403


def test_an_office_changed_in_the_admin_is_audited_for_its_district(
    admin_client, small_map
):
    from saduak.areas.models import Office
    from saduak.audit.models import AuditEvent

    office = Office.objects.get(code="reg-5001")
    response = admin_client.post(
        f"/admin/areas/office/{office.pk}/change/",
        {
            "name_th": office.name_th,
            "name_en": office.name_en,
            "phone": "053 999 999",
            "email": "",
            "address_th": "",
            "address_en": "",
            "is_active": "on",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
            "counters-TOTAL_FORMS": "0",
            "counters-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.office.change")
    assert event.after == {"phone": "053 999 999"}
    assert event.district_code == "5001"


def test_the_grant_role_command_checks_the_office_and_audits(
    small_map, citizen, capsys
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from saduak.audit.models import AuditEvent

    with pytest.raises(CommandError):
        call_command("grant_role", citizen.personal_id, "hq_admin", "do-5001")
    call_command("grant_role", citizen.personal_id, "district_admin", "do-5001")
    assert citizen.staff_roles.get().role == "district_admin"
    assert AuditEvent.objects.filter(action="staff_role.grant").count() == 1
