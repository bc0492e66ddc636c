import pytest
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action, action_reach
from saduak.accounts.models import ApiToken, User
from saduak.accounts.scoping import read_reach
from saduak.accounts.services import api_token_create, staff_role_grant, user_create
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


def test_a_citizen_is_created_with_a_valid_personal_id_and_audited(db):
    user = user_create(
        personal_id="1-1000-00000-01-6",
        first_name="สมศรี",
        last_name="ใจดี",
        password="x" * 12,
        actor="test",
    )
    assert user.personal_id == "1100000000016"
    assert user.preferred_language == "th"
    assert AuditEvent.objects.get(action="user.create").target_id == str(user.pk)


@pytest.mark.parametrize(
    "personal_id,words",
    [
        ("11000000000", "13"),
        ("110000000001A", "digits"),
        ("1100000000017", "check digit"),
    ],
)
def test_an_invalid_personal_id_is_refused_saying_what_is_wrong(db, personal_id, words):
    with translation.override("en"):
        with pytest.raises(InvalidInput) as caught:
            user_create(
                personal_id=personal_id,
                first_name="a",
                last_name="b",
                password=None,
                actor="test",
            )
        assert words in str(caught.value.message)
    assert caught.value.field == "personal_id"
    assert not User.objects.exists()


def test_a_second_account_for_the_same_person_is_a_conflict(db):
    user_create(
        personal_id="1100000000016",
        first_name="a",
        last_name="b",
        password=None,
        actor="test",
    )
    with pytest.raises(Conflict):
        user_create(
            personal_id="1100000000016",
            first_name="c",
            last_name="d",
            password=None,
            actor="test",
        )
    assert User.objects.count() == 1
    assert AuditEvent.objects.filter(action="user.create").count() == 1


def test_a_role_must_be_held_at_the_right_kind_of_office(small_map, citizen):
    with pytest.raises(InvalidInput):
        staff_role_grant(
            user=citizen,
            role=Role.DISTRICT_ADMIN,
            office=Office.objects.get(code="pao-50"),
            actor="test",
        )
    with pytest.raises(InvalidInput):
        staff_role_grant(
            user=citizen,
            role=Role.HQ_ADMIN,
            office=Office.objects.get(code="do-5001"),
            actor="test",
        )
    assert not citizen.staff_roles.exists()


def test_each_role_reaches_what_its_office_covers(make_staff):
    counter = read_reach(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    district = read_reach(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    province = read_reach(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    auditor = make_staff(Role.AUDITOR, "hq")

    assert counter.offices == {Office.objects.get(code="reg-5001").pk}
    assert district.districts == {"5001"}
    assert province.provinces == {"50"}
    assert read_reach(auditor).everything
    assert action_reach(auditor, Action.OFFICE_UPDATE_CONTACT).is_empty


def test_a_withdrawn_role_reaches_nothing(make_staff):
    user = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    user.staff_roles.update(is_active=False)
    fresh = User.objects.get(pk=user.pk)
    assert read_reach(fresh).is_empty


def test_an_api_token_is_stored_only_as_a_hash(citizen):
    record, raw = api_token_create(user=citizen, name="script", actor="test")
    assert raw.startswith("sdk_") and len(raw) > 40
    assert raw not in str(ApiToken.objects.filter(pk=record.pk).values().get())


def test_the_token_command_prints_a_token_that_signs_in(citizen, client, capsys):
    from django.core.management import call_command

    call_command("api_token_create", citizen.personal_id, name="cron")
    token = capsys.readouterr().out.strip()
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role, seat",
    [
        (Role.DISTRICT_ADMIN, "do-5001"),
        (Role.PROVINCIAL_STAFF, "pao-50"),
        (Role.AUDITOR, "hq"),
    ],
)
def test_only_hq_gives_staff_roles(make_staff, citizen, role, seat):
    actor = make_staff(role, seat)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        staff_role_grant(
            user=citizen,
            role=Role.COUNTER_OFFICER,
            office=Office.objects.get(code="reg-5001"),
            actor=actor,
        )
    assert not citizen.staff_roles.exists()
    assert AuditEvent.objects.count() == before
    hq = make_staff(Role.HQ_ADMIN, "hq")
    staff_role_grant(
        user=citizen,
        role=Role.COUNTER_OFFICER,
        office=Office.objects.get(code="reg-5001"),
        actor=hq,
    )
    assert AuditEvent.objects.filter(action="staff_role.grant", actor_id=hq.pk).exists()


def test_a_district_admin_cannot_make_an_api_token_even_for_themselves(make_staff):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    with pytest.raises(PermissionDeniedError):
        api_token_create(user=admin, name="script", actor=admin)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.create").exists()


def test_a_kiosk_is_no_system_actor_for_the_matrix(small_map):
    from saduak.accounts.matrix import ensure_may, may

    office = Office.objects.get(code="reg-5001")
    assert may("command:load_areas", Action.OFFICE_UPDATE_CONTACT, office=office)
    assert not may("kiosk:reg-5001", Action.OFFICE_UPDATE_CONTACT, office=office)
    assert action_reach("kiosk:reg-5001", Action.TICKET_ISSUE).is_empty
    with pytest.raises(PermissionDeniedError):
        ensure_may("kiosk:reg-5001", Action.TICKET_CALL_NEXT, office=office)
