import pytest
from django import forms

from saduak.notifications.fields import ThaiMobileField


@pytest.mark.parametrize("typed", ["081 234 5678", "081-234-5678", "+66 81 234 5678"])
def test_a_mobile_number_is_taken_as_people_type_it(typed):
    assert ThaiMobileField().clean(typed) == "0812345678"


@pytest.mark.parametrize("typed", ["053123456", "0212345678", "12345"])
def test_a_landline_or_a_short_number_is_refused(typed):
    with pytest.raises(forms.ValidationError):
        ThaiMobileField().clean(typed)


def test_an_optional_number_may_be_left_empty():
    assert ThaiMobileField(required=False).clean("") == ""
