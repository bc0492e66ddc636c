"""Text that a service definition carries in both languages: {"th": ..., "en": ...}.
Thai is required; English falls back to Thai."""

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput


def in_language(value: Any, language: str | None = None) -> str:
    """The text for `language` (default: the active one); a plain string as is."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    language = language or translation.get_language() or "th"
    if language.startswith("en") and value.get("en"):
        return str(value["en"])
    return str(value.get("th") or value.get("en") or "")


def clean_text(value: Any, *, where: str, required: bool = True) -> dict[str, str]:
    """A bilingual text from a definition, trimmed; Thai required unless not
    `required`."""
    if isinstance(value, str):
        value = {"th": value}
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise InvalidInput(
            _("%(where)s must be a text in Thai and English.") % {"where": where}
        )
    cleaned = {
        language: str(value.get(language) or "").strip() for language in ("th", "en")
    }
    if required and not cleaned["th"]:
        raise InvalidInput(_("%(where)s needs a Thai text.") % {"where": where})
    return cleaned
