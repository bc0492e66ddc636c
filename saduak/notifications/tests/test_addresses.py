import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.notifications.addresses import clean_address
from saduak.notifications.choices import NotificationChannel

LINE_ID = "U" + "0123456789abcdef" * 2


@pytest.mark.parametrize(
    "raw",
    ["0812345678", "081-234-5678", "081 234 5678", "+66812345678", "66812345678"],
)
def test_a_thai_mobile_number_is_stored_as_ten_digits(raw):
    assert clean_address(channel=NotificationChannel.SMS, address=raw) == "0812345678"


@pytest.mark.parametrize("prefix", ["06", "08", "09"])
def test_each_mobile_prefix_is_accepted(prefix):
    number = f"{prefix}12345678"

    assert clean_address(channel=NotificationChannel.SMS, address=number) == number


@pytest.mark.parametrize(
    "raw", ["021234567", "0212345678", "081234567", "08123456789", "08x2345678", ""]
)
def test_a_number_that_is_not_a_thai_mobile_is_refused_with_an_example(raw):
    with pytest.raises(InvalidInput) as error:
        clean_address(channel=NotificationChannel.SMS, address=raw)

    assert error.value.code == "invalid-address"
    assert error.value.field == "address"
    assert "0812345678" in str(error.value.message)


def test_an_e_mail_address_is_checked():
    assert (
        clean_address(channel=NotificationChannel.EMAIL, address=" a@example.org ")
        == "a@example.org"
    )
    with translation.override("en"), pytest.raises(InvalidInput) as error:
        clean_address(channel=NotificationChannel.EMAIL, address="a@")

    assert str(error.value.message) == "“a@” is not an e-mail address."


def test_a_line_user_id_is_u_and_32_lowercase_hex_characters():
    assert clean_address(channel=NotificationChannel.LINE, address=LINE_ID) == LINE_ID
    for wrong in [LINE_ID.upper(), LINE_ID[:-1], "C" + LINE_ID[1:], LINE_ID + "0"]:
        with translation.override("en"), pytest.raises(InvalidInput) as error:
            clean_address(channel=NotificationChannel.LINE, address=wrong)
        assert "is not a LINE user ID" in str(error.value.message)


def test_the_refusal_is_in_thai_for_thai_readers():
    with translation.override("th"), pytest.raises(InvalidInput) as error:
        clean_address(channel=NotificationChannel.SMS, address="021234567")

    assert str(error.value.message) == (
        "“021234567” ไม่ใช่หมายเลขโทรศัพท์มือถือไทย "
        "กรอกตัวเลข 10 หลักที่ขึ้นต้นด้วย 06, 08 หรือ 09 เช่น 0812345678"
    )


def test_an_unknown_channel_is_refused():
    with pytest.raises(InvalidInput) as error:
        clean_address(channel="fax", address="021234567")

    assert error.value.code == "invalid-channel"
