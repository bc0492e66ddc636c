import pytest

pytestmark = pytest.mark.django_db


def test_a_person_signs_in_with_personal_id_and_password(client, citizen):
    response = client.post(
        "/accounts/login/",
        {"username": citizen.personal_id, "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_an_id_typed_with_dashes_signs_in_too(client, citizen):
    pid = citizen.personal_id
    typed = f"{pid[0]}-{pid[1:5]}-{pid[5:10]}-{pid[10:12]}-{pid[12]}"
    response = client.post(
        "/accounts/login/", {"username": typed, "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_a_malformed_id_is_named_as_such(client, citizen):
    page = client.post(
        "/accounts/login/", {"username": "12345", "password": "x"}
    ).content.decode()
    assert "13" in page and "error-summary" in page


def test_a_wrong_password_gets_the_same_message_as_an_unknown_id(client, citizen):
    wrong_password = client.post(
        "/accounts/login/", {"username": citizen.personal_id, "password": "nope"}
    )
    unknown = client.post(
        "/accounts/login/", {"username": "1100000000016", "password": "nope"}
    )
    message = "เลขประจำตัวประชาชนหรือรหัสผ่านไม่ถูกต้อง"
    english = "The personal ID or the password is not right"
    for response in (wrong_password, unknown):
        text = response.content.decode()
        assert message in text or english in text
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client_for, citizen):
    client = client_for(citizen)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
