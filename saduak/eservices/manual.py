"""The citizen's manual of a service version. The Licensing Facilitation Act
B.E. 2558 obliges every service to publish one: the steps, the processing time,
the documents required, the fees and where to complain. `manual_clean` checks
and normalises the JSON stored in `ServiceVersion.manual`."""

from typing import Any

from django.utils.translation import gettext as _

from saduak.core.bilingual import clean_text
from saduak.core.errors import InvalidInput

MAX_PROCESSING_DAYS = 365
MAX_ITEMS = 40


def _texts(value: Any, *, where: str, field: str) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(
            _("%(where)s must be a list.") % {"where": where}, field=field
        )
    if len(value) > MAX_ITEMS:
        raise InvalidInput(
            _("%(where)s: at most %(count)s entries.")
            % {"where": where, "count": MAX_ITEMS},
            field=field,
        )
    items = []
    for position, raw in enumerate(value, start=1):
        label = _("%(where)s, entry %(number)s") % {"where": where, "number": position}
        try:
            items.append(clean_text(raw, where=label))
        except InvalidInput as error:
            error.field = field
            raise
    return items


def _text(
    manual: dict[str, Any], key: str, where: str, *, required: bool
) -> dict[str, str]:
    try:
        return clean_text(manual.get(key), where=where, required=required)
    except InvalidInput as error:
        error.field = key
        raise


def manual_clean(manual: Any, *, complete: bool = True) -> dict[str, Any]:
    """The manual checked and trimmed. `complete` (the check before publishing)
    also requires the parts the law names: steps, processing days, documents,
    fees and where to complain. A draft may lack them but never holds a
    malformed part. InvalidInput names the part (`field`) that is wrong."""
    if manual is None:
        manual = {}
    if not isinstance(manual, dict):
        raise InvalidInput(
            _("The citizen's manual is not valid."), code="manual-invalid"
        )
    cleaned: dict[str, Any] = {
        "eligibility": _text(manual, "eligibility", _("Who may apply"), required=False),
        "steps": _texts(manual.get("steps"), where=_("Steps"), field="steps"),
    }
    raw_days = manual.get("processing_days")
    if raw_days in (None, ""):
        days = None
    elif isinstance(raw_days, bool):
        days = -1
    else:
        try:
            days = int(raw_days)
        except (TypeError, ValueError):
            days = -1
    if days is not None and not 1 <= days <= MAX_PROCESSING_DAYS:
        raise InvalidInput(
            _("The processing time is a number of working days from 1 to %(most)s.")
            % {"most": MAX_PROCESSING_DAYS},
            field="processing_days",
            code="manual-invalid",
        )
    cleaned["processing_days"] = days
    cleaned["documents"] = _texts(
        manual.get("documents"), where=_("Documents"), field="documents"
    )
    cleaned["fees"] = _text(manual, "fees", _("Fees"), required=False)
    cleaned["amount"] = _text(
        manual, "amount", _("Amount of the benefit"), required=False
    )
    cleaned["legal_basis"] = _text(
        manual, "legal_basis", _("Legal basis"), required=False
    )
    cleaned["complaints"] = _text(
        manual, "complaints", _("Where to complain"), required=False
    )
    if complete:
        _check_complete(cleaned)
    if cleaned["processing_days"] is None:
        del cleaned["processing_days"]
    return cleaned


def _check_complete(cleaned: dict[str, Any]) -> None:
    missing = [
        (key, message)
        for key, message in (
            ("steps", _("Write the steps the applicant goes through.")),
            ("processing_days", _("Give the processing time in working days.")),
            (
                "documents",
                _("List the documents the applicant needs (at least the ID card)."),
            ),
            ("fees", _("Say what the service costs (or that it is free).")),
            ("complaints", _("Say where the applicant can complain.")),
        )
        if not cleaned.get(key)
        or (isinstance(cleaned[key], dict) and not cleaned[key]["th"])
    ]
    if missing:
        key, message = missing[0]
        raise InvalidInput(
            _("The citizen's manual is not complete: %(problem)s")
            % {"problem": message},
            field=key,
            code="manual-incomplete",
            extra={"missing": [item for item, _message in missing]},
        )
