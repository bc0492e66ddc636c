import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from saduak.core.personal_id import (
    clean_personal_id,
    mask_personal_id,
    with_check_digit,
)

VALID = "1100000000016"


def reason(raw):
    with pytest.raises(ValidationError) as caught:
        clean_personal_id(raw)
    return caught.value.code, caught.value.messages[0]


def test_a_valid_id_is_returned_as_thirteen_digits():
    assert clean_personal_id(VALID) == VALID


def test_dashes_spaces_and_thai_digits_are_accepted():
    assert clean_personal_id("1-1000-00000-01-6") == VALID
    assert clean_personal_id(" ๑๑๐๐๐๐๐๐๐๐๐๑๖ ") == VALID


def test_a_short_id_is_refused_with_its_length():
    code, message = reason("110000000001")
    assert code == "wrong_length"
    assert "12" in message


def test_letters_are_refused_as_letters():
    assert reason("11000000000AB")[0] == "not_digits"


def test_a_wrong_check_digit_is_refused_as_such():
    assert reason("1100000000017")[0] == "bad_check_digit"


def test_an_empty_id_is_asked_for():
    assert reason("")[0] == "required"


def test_masking_shows_only_the_last_digits():
    assert mask_personal_id(VALID) == "x-xxxx-xxxxx-01-6"


@given(st.from_regex(r"[1-8][0-9]{11}", fullmatch=True))
def test_completing_twelve_digits_always_gives_a_valid_id(first_twelve):
    assert clean_personal_id(with_check_digit(first_twelve)) == with_check_digit(
        first_twelve
    )
