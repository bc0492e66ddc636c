"""Zero Copy: the digital ID's data filled in, the birth date from the civil
registry, and nothing invented when the registry cannot answer."""

from collections.abc import Callable
from typing import Any

import pytest

from saduak.accounts.models import User
from saduak.eservices.builtins import BUILTIN_SERVICES
from saduak.eservices.prefill import prefill_answers
from saduak.forms_engine.definition import form_from_definition
from saduak.identity import registry

FORM = form_from_definition(BUILTIN_SERVICES[0]["form"])


@pytest.fixture
def somsri(db: None) -> User:
    # The demo registry's sample citizen.
    return User.objects.create_user(
        "1100000000016",
        "correct horse battery",
        first_name="สมศรี",
        last_name="ใจดี",
        phone="0812345678",
        email="somsri@example.com",
    )


def test_what_the_digital_id_knows_is_filled_in(somsri: User) -> None:
    assert prefill_answers(FORM, somsri) == {
        "full_name": "สมศรี ใจดี",
        "personal_id": "1100000000016",
        "birth_date": "1985-03-14",
        "phone": "0812345678",
        "email": "somsri@example.com",
    }


def test_names_fill_first_and_last_name_fields(somsri: User) -> None:
    form = form_from_definition(
        {
            "sections": [
                {
                    "key": "who",
                    "title": "ผู้ยื่น",
                    "fields": [
                        {
                            "key": "given",
                            "type": "text",
                            "label": "ชื่อ",
                            "prefill": "first_name",
                        },
                        {
                            "key": "family",
                            "type": "text",
                            "label": "สกุล",
                            "prefill": "last_name",
                        },
                        {"key": "note", "type": "text", "label": "หมายเหตุ"},
                    ],
                }
            ]
        }
    )
    assert prefill_answers(form, somsri) == {"given": "สมศรี", "family": "ใจดี"}


def test_a_person_the_registry_does_not_know_gets_no_birth_date(
    make_user: Callable[..., User],
) -> None:
    person = make_user(phone="")
    answers = prefill_answers(FORM, person)
    assert "birth_date" not in answers
    assert "phone" not in answers  # nothing known: left for the applicant
    assert answers["personal_id"] == person.personal_id


def test_an_unreachable_registry_leaves_the_birth_date_for_the_applicant(
    somsri: User, monkeypatch: Any
) -> None:
    class Down:
        def lookup(self, personal_id: str) -> None:
            raise registry.RegistryUnavailable("timeout")

    monkeypatch.setattr("saduak.eservices.prefill.civil_registry", lambda: Down())
    answers = prefill_answers(FORM, somsri)
    assert "birth_date" not in answers
    assert answers["full_name"] == "สมศรี ใจดี"


def test_a_value_the_field_would_refuse_is_left_out(somsri: User) -> None:
    somsri.email = "not an address"
    assert "email" not in prefill_answers(FORM, somsri)
