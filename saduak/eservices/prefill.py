"""Zero Copy: what the digital ID already knows is filled in for the
applicant, so that nobody types (or photocopies) it again."""

import logging
from typing import Any

from saduak.accounts.models import User
from saduak.forms_engine.answers import answers_clean
from saduak.forms_engine.definition import FormDefinition
from saduak.identity.registry import RegistryUnavailable, civil_registry

logger = logging.getLogger(__name__)


def _birth_date(user: User) -> str:
    try:
        record = civil_registry().lookup(user.personal_id)
    except RegistryUnavailable:
        logger.warning("civil registry unavailable for prefill")
        return ""
    return record.birth_date.isoformat() if record is not None else ""


def prefill_answers(form: FormDefinition, user: User) -> dict[str, Any]:
    """Answers for the fields with a `prefill`, from the user's account and
    (birth date) the civil registry. A value the field would refuse (an old
    phone number, an unreachable registry) is left out for the applicant to
    give."""
    wanted = [item for item in form.fields if item.prefill]
    if not wanted:
        return {}
    known: dict[str, str] = {
        "personal_id": user.personal_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
    }
    if any(item.prefill == "birth_date" for item in wanted):
        known["birth_date"] = _birth_date(user)
    raw = {item.key: known.get(item.prefill, "") for item in wanted}
    values, _errors = answers_clean(form, raw, fields=wanted)
    return {key: value for key, value in values.items() if value is not None}
