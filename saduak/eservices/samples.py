"""A complete set of answers to the built-in low-income subsidy's form, for the
demo's applications and for tests that need a case to work on."""

from typing import Any

from saduak.accounts.models import User


def sample_answers(applicant: User) -> dict[str, Any]:
    """Every required answer of the low-income subsidy, for `applicant`."""
    return {
        "full_name": applicant.full_name,
        "personal_id": applicant.personal_id,
        "birth_date": "1980-05-01",
        "phone": applicant.phone or "0812345678",
        "address": {
            "line": "12 หมู่ 3",
            "province": "50",
            "district": "5001",
            "subdistrict": "500101",
            "postal_code": "50200",
        },
        "household_size": 4,
        "monthly_income": "2500.00",
        "income_source": "wage",
        "dependants": ["elderly"],
        "housing": "rent",
        "has_welfare_card": "yes",
        "reason": "รายได้ไม่พอเลี้ยงครอบครัว",
        "requested_amount": "3000.00",
        "bank_account": {"bank": "006", "number": "1234567890"},
        "declaration": True,
    }
