"""Answers that say where money is paid. Changing one is a sensitive action:
whoever changes it (the applicant, or staff recording for a citizen) gives their
second factor again if the last one is older than STEP_UP_SECONDS
(identity.step_up), so a stolen session cannot redirect a subsidy."""

from typing import Any

from saduak.forms_engine.form import FormDefinition, Section

PAYOUT_FIELD_TYPE = "bank_account"


def section_asks_payout_account(section: Section) -> bool:
    return any(item.type == PAYOUT_FIELD_TYPE for item in section.fields)


def changes_payout_account(
    form: FormDefinition, answers: dict[str, Any], values: dict[str, Any]
) -> bool:
    """Whether saving `values` over `answers` changes a payout account (setting
    one for the first time included)."""
    return any(
        (item := form.by_key.get(key)) is not None
        and item.type == PAYOUT_FIELD_TYPE
        and value != answers.get(key)
        for key, value in values.items()
    )
