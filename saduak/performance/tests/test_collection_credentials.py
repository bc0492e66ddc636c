"""The password / secret check: fields that ask for a credential and
answers that give one, in Thai and English; ordinary codes pass."""

import pytest

from saduak.performance.credentials_check import (
    secret_fields,
    secret_values,
    text_asks_for_secret,
    text_looks_like_secret,
)


@pytest.mark.parametrize(
    "text",
    [
        "password",
        "user_password",
        "Passcode",
        "PIN",
        "OTP code",
        "API key",
        "private_key",
        "access token",
        "Secret",
        "รหัสผ่าน",
        "รหัส ผ่าน",
        "พาสเวิร์ด",
        "ชื่อผู้ใช้และรหัส",
        "รหัส OTP",
        "รหัสลับ",
    ],
)
def test_fields_that_ask_for_a_credential(text: str) -> None:
    assert text_asks_for_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "รหัสไปรษณีย์",
        "รหัสสำนักงาน",
        "Office code",
        "Secretary's name",
        "ชื่อผู้ใช้บริการ",
        "Shipping address",
        "Pineapple farms",
        "จำนวนผู้รับบริการ",
    ],
)
def test_ordinary_fields_pass(text: str) -> None:
    assert not text_asks_for_secret(text)


def test_a_table_column_is_checked_too() -> None:
    form = {
        "sections": [
            {
                "key": "s",
                "title": {"th": "ส่วน"},
                "fields": [
                    {
                        "key": "accounts",
                        "type": "table",
                        "label": {"th": "บัญชี"},
                        "columns": [
                            {"key": "name", "type": "text", "label": {"th": "ชื่อ"}},
                            {"key": "code", "type": "text", "label": {"en": "PIN"}},
                        ],
                    },
                    {
                        "key": "x",
                        "type": "text",
                        "label": {"th": "ข้อความ"},
                        "help": {"en": "your password"},
                    },
                ],
            }
        ]
    }
    assert secret_fields(form) == ["accounts.code", "x"]
    assert secret_fields({"sections": "nonsense"}) == []


@pytest.mark.parametrize(
    "text",
    [
        "password: hunter22",
        "Password = s3cret",
        "รหัสผ่าน Abc12345",
        "รหัสผ่านคือ 1234",
        "user: somchai / Abcd1234",
        "token xK9fP2mQ7vL4nR8sT1wY3zA6",  # an invented token shape
        "https://example.org/x?token=abc",
        # Only the first line of a key block, built here: no key is stored.
        "-" * 5 + "BEGIN RSA " + "PRIVATE KEY" + "-" * 5,
    ],
)
def test_answers_that_give_a_credential(text: str) -> None:
    assert text_looks_like_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "ผู้รับบริการ 1,234 คน",
        "3101700012345",
        "โทร 0812345678",
        "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/view",
        "ปรับปรุงห้องน้ำและทางลาดแล้วเสร็จ",
        "The passport office is open",
    ],
)
def test_ordinary_answers_pass(text: str) -> None:
    assert not text_looks_like_secret(text)


def test_secret_values_names_the_fields_walking_tables() -> None:
    answers = {
        "note": "ปกติ",
        "rows": [{"name": "ระบบ", "remark": "pwd: qwerty99"}],
        "n": 5,
    }
    assert secret_values(answers) == ["rows"]
