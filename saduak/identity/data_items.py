"""The names people read for each item of personal data a partner or officer used."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DATA_ITEM_LABELS: dict[str, str | Promise] = {
    "sub": _("your digital ID (a code for this partner only)"),
    "name": _("name"),
    "given_name": _("first name"),
    "family_name": _("last name"),
    "birthdate": _("date of birth"),
    "address": _("address"),
    "personal_id": _("personal ID"),
    "identity_match": _("whether your name and date of birth match your ID"),
    "card_status": _("whether your ID card is valid"),
    "account": _("your account details"),
    "eservice_application": _("your e-service application (answers and documents)"),
    "social_welfare": _(
        "your household's welfare, health and income data (Social Match)"
    ),
}


def data_item_label(item: str) -> str:
    return str(DATA_ITEM_LABELS.get(item, item))
