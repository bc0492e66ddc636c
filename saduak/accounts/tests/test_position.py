"""A staff member's own official position (User.position), set on their
account page and recorded where they certify a report or sign a letter."""

import pytest
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import user_position_set
from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


def _th(name: str) -> str:
    with translation.override("th"):
        return reverse(name)


def test_a_staff_member_sets_their_own_position_and_it_is_audited(make_staff):
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    user_position_set(actor=staff, position="  ปลัดจังหวัด   เชียงใหม่ ")
    staff.refresh_from_db()
    assert staff.position == "ปลัดจังหวัด เชียงใหม่"
    event = AuditEvent.objects.get(action="user.position")
    assert event.target_id == str(staff.pk)
    assert event.actor_id == staff.pk
    assert event.before == {"position": ""}
    assert event.after == {"position": "ปลัดจังหวัด เชียงใหม่"}


def test_setting_the_same_position_again_writes_no_event(make_staff):
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    user_position_set(actor=staff, position="ปลัดจังหวัดเชียงใหม่")
    user_position_set(actor=staff, position="ปลัดจังหวัดเชียงใหม่")
    assert AuditEvent.objects.filter(action="user.position").count() == 1


def test_a_citizen_has_no_position_to_set(citizen):
    with pytest.raises(PermissionDeniedError):
        user_position_set(actor=citizen, position="ปลัดจังหวัด")
    citizen.refresh_from_db()
    assert citizen.position == ""
    assert not AuditEvent.objects.filter(action="user.position").exists()


def test_a_too_long_position_is_refused_and_nothing_changes(make_staff):
    staff = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    with pytest.raises(InvalidInput) as caught:
        user_position_set(actor=staff, position="ก" * 201)
    assert caught.value.field == "position"
    assert User.objects.get(pk=staff.pk).position == ""
    assert not AuditEvent.objects.filter(action="user.position").exists()


def test_the_account_page_shows_staff_the_position_form_and_saves_it(
    make_staff, client_for
):
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(staff)
    page = client.get(_th("identity:account"))
    assert page.status_code == 200
    assert (
        'action="/account/position/"' in page.content.decode()
        or _th("identity:position") in page.content.decode()
    )
    response = client.post(_th("identity:position"), {"position": "ปลัดจังหวัดเชียงใหม่"})
    assert response.status_code == 302
    assert response["Location"].endswith("#position")
    assert User.objects.get(pk=staff.pk).position == "ปลัดจังหวัดเชียงใหม่"
    assert AuditEvent.objects.filter(action="user.position").count() == 1


def test_the_position_form_returns_to_a_local_page_only(make_staff, client_for):
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(staff)
    back = client.post(_th("identity:position"), {"position": "ปลัด", "next": "/staff/"})
    assert back["Location"] == "/staff/"
    away = client.post(
        _th("identity:position"),
        {"position": "ปลัดจังหวัด", "next": "https://evil.example/"},
    )
    assert away["Location"].endswith(_th("identity:account") + "#position")


def test_a_too_long_position_is_shown_again_with_the_reason(make_staff, client_for):
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    response = client_for(staff).post(
        "/en" + _th("identity:position"), {"position": "ก" * 201}
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert User.objects.get(pk=staff.pk).position == ""


def test_a_citizen_sees_no_position_form_and_cannot_post_one(citizen, client_for):
    client = client_for(citizen)
    page = client.get(_th("identity:account"))
    assert _th("identity:position") not in page.content.decode()
    assert client.post(_th("identity:position"), {"position": "x"}).status_code == 403
    assert User.objects.get(pk=citizen.pk).position == ""
