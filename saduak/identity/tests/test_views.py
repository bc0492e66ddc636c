import re

import pytest

from saduak.accounts.models import User
from saduak.identity.models import EnrolmentCode, SignInSession

from .conftest import SOMSRI

pytestmark = pytest.mark.django_db
PASSWORD = "ทุ่งนาเขียวขจี 2569"


def card_post(office):
    return {
        "office": office.pk,
        "personal_id": SOMSRI.personal_id,
        "first_name": SOMSRI.first_name,
        "last_name": SOMSRI.last_name,
        "birth_date": SOMSRI.birth_date.isoformat(),
        "card_expiry": SOMSRI.card_expiry.isoformat(),
    }


def issue_through_page(client_for, officer, office):
    page = client_for(officer).post("/staff/enrol/", card_post(office)).content.decode()
    return re.search(r"/enrol/([A-Za-z0-9_-]{20,})/", page).group(1), page


def test_the_officer_page_shows_a_qr_code_for_the_enrolment_link(
    client_for, officer, registry_office
):
    raw, page = issue_through_page(client_for, officer, registry_office)
    assert 'src="data:image/svg+xml' in page
    assert EnrolmentCode.objects.count() == 1


def test_a_mismatch_is_shown_to_the_officer_and_no_code_is_made(
    client_for, officer, registry_office
):
    data = card_post(registry_office) | {"first_name": "สมหญิง"}
    response = client_for(officer).post("/en/staff/enrol/", data)
    assert response.status_code == 400
    assert "differ from the civil registry: first name" in response.content.decode()
    assert not EnrolmentCode.objects.exists()


def test_a_citizen_enrols_on_the_phone_in_two_steps(
    client, client_for, officer, registry_office
):
    raw, _ = issue_through_page(client_for, officer, registry_office)

    assert client.get(f"/enrol/{raw}/").status_code == 200
    step1 = client.post(
        f"/enrol/{raw}/",
        {
            "personal_id": SOMSRI.personal_id,
            "accept_terms": "on",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert step1["Location"] == f"/enrol/{raw}/confirm/"
    assert PASSWORD not in str(dict(client.session))
    done = client.post(f"/enrol/{raw}/confirm/", {"password": PASSWORD})

    assert done["Location"] == "/enrol/done/"
    assert User.objects.get(personal_id=SOMSRI.personal_id).check_password(PASSWORD)
    assert client.get(f"/enrol/{raw}/").status_code == 410


@pytest.mark.parametrize(
    "password1,password2,field,words",
    [
        ("long enough phrase", "long enough phrase!", "password2", "differ"),
        ("short", "short", "password1", "short"),
        ("password123", "password123", "password1", "common"),
        ("1100000000016", "1100000000016", "password1", "personal ID"),
    ],
)
def test_a_bad_password_is_refused_saying_which_and_nothing_is_saved(
    client, client_for, officer, registry_office, password1, password2, field, words
):
    raw, _ = issue_through_page(client_for, officer, registry_office)
    response = client.post(
        f"/en/enrol/{raw}/",
        {
            "personal_id": SOMSRI.personal_id,
            "accept_terms": "on",
            "password1": password1,
            "password2": password2,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert words in " ".join(errors[field])
    assert not User.objects.filter(personal_id=SOMSRI.personal_id).exists()
    assert EnrolmentCode.objects.get().used_at is None


def test_the_terms_must_be_accepted(client, client_for, officer, registry_office):
    raw, _ = issue_through_page(client_for, officer, registry_office)
    response = client.post(
        f"/enrol/{raw}/",
        {
            "personal_id": SOMSRI.personal_id,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert "accept_terms" in response.context["form"].errors


def test_a_wrong_confirmation_does_not_enrol(
    client, client_for, officer, registry_office
):
    raw, _ = issue_through_page(client_for, officer, registry_office)
    client.post(
        f"/enrol/{raw}/",
        {
            "personal_id": SOMSRI.personal_id,
            "accept_terms": "on",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    response = client.post(f"/enrol/{raw}/confirm/", {"password": "something else"})
    assert response.status_code == 400
    assert not User.objects.filter(personal_id=SOMSRI.personal_id).exists()


def test_an_unknown_code_says_where_to_get_a_new_one(client):
    response = client.get("/en/enrol/not-a-real-code-at-all-000000/")
    assert response.status_code == 410
    assert "registry office" in response.content.decode()


def test_signing_in_records_the_session_which_the_person_can_end(client, citizen):
    client.post(
        "/accounts/login/",
        {"username": citizen.personal_id, "password": "correct horse battery"},
    )
    other = SignInSession.objects.create(
        user=citizen, session_key="elsewhere", user_agent="old phone"
    )
    mine = SignInSession.objects.get(
        user=citizen, session_key=client.session.session_key
    )
    assert mine.assurance_level == 1

    page = client.get("/en/account/sessions/").content.decode()
    assert "old phone" in page and "this device" in page
    client.post(f"/account/sessions/{other.public_id}/end/")

    other.refresh_from_db()
    assert other.ended_at is not None
    assert client.get("/account/sessions/").status_code == 200


def test_a_person_cannot_end_someone_elses_session(client_for, citizen, make_user):
    stranger_session = SignInSession.objects.create(
        user=make_user(), session_key="theirs"
    )
    client_for(citizen).post(f"/account/sessions/{stranger_session.public_id}/end/")
    stranger_session.refresh_from_db()
    assert stranger_session.ended_at is None


def test_five_wrong_passwords_pause_sign_in_without_saying_whether_the_id_exists(
    client, citizen
):
    for _ in range(5):
        client.post(
            "/accounts/login/", {"username": citizen.personal_id, "password": "wrong"}
        )
    locked = client.post(
        "/accounts/login/",
        {"username": citizen.personal_id, "password": "correct horse battery"},
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    for _ in range(5):
        client.post(
            "/accounts/login/", {"username": "1100000000083", "password": "wrong"}
        )
    unknown = client.post(
        "/accounts/login/", {"username": "1100000000083", "password": "wrong"}
    )
    assert unknown.status_code == 429
    assert unknown.content.decode().replace(
        "1100000000083", ""
    ) == locked.content.decode().replace(citizen.personal_id, "")


def test_a_counter_app_issues_an_enrolment_code_through_the_api(
    client_for, officer, registry_office
):
    response = client_for(officer).post(
        "/api/v1/identity/enrolment-codes",
        {
            "office_code": "reg-5001",
            "personal_id": SOMSRI.personal_id,
            "first_name": SOMSRI.first_name,
            "last_name": SOMSRI.last_name,
            "birth_date": SOMSRI.birth_date.isoformat(),
            "card_expiry": SOMSRI.card_expiry.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert "/enrol/" in response.json()["url"]


def test_an_expired_card_is_a_400_through_the_api_too(
    client_for, officer, registry_office
):
    response = client_for(officer).post(
        "/api/v1/identity/enrolment-codes",
        {
            "office_code": "reg-5001",
            "personal_id": SOMSRI.personal_id,
            "first_name": SOMSRI.first_name,
            "last_name": SOMSRI.last_name,
            "birth_date": SOMSRI.birth_date.isoformat(),
            "card_expiry": "2020-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "card_expiry"


def test_sessions_are_listed_and_ended_through_the_api(client_for, citizen):
    other = SignInSession.objects.create(
        user=citizen, session_key="k2", user_agent="tablet"
    )
    client = client_for(citizen)
    assert [
        s["user_agent"] for s in client.get("/api/v1/identity/sessions").json()
    ] == ["tablet"]
    assert (
        client.delete(f"/api/v1/identity/sessions/{other.public_id}").status_code == 204
    )
    assert client.get("/api/v1/identity/sessions").json() == []


def test_the_json_copy_is_in_the_api(client_for, citizen):
    body = client_for(citizen).get("/api/v1/identity/my-data").json()
    assert body["account"]["first_name"] == citizen.first_name


def test_sessions_are_ended_by_their_public_id_never_by_a_sequential_one(
    client_for, citizen
):
    other = SignInSession.objects.create(user=citizen, session_key="k9")
    client = client_for(citizen)
    assert client.post(f"/account/sessions/{other.pk}/end/").status_code == 404
    assert client.delete(f"/api/v1/identity/sessions/{other.pk}").status_code in (
        400,
        404,
    )
    other.refresh_from_db()
    assert other.ended_at is None
    assert client.post(f"/account/sessions/{other.public_id}/end/").status_code == 302
    other.refresh_from_db()
    assert other.ended_at is not None


def test_the_api_lists_sessions_by_their_public_id(client_for, citizen):
    other = SignInSession.objects.create(user=citizen, session_key="k8")
    listed = client_for(citizen).get("/api/v1/identity/sessions").json()
    assert [row["id"] for row in listed] == [str(other.public_id)]
