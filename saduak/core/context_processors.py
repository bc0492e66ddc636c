from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, object]:
    """The other language's address of this very page, for the switch in the header."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    other = "en" if current == "th" else "th"
    return {
        "current_language": current,
        "other_language": other,
        "other_language_label": "English" if other == "en" else "ไทย",
        "other_language_url": translate_url(request.get_full_path(), other),
        "department_name": settings.DEPARTMENT_NAME_TH
        if current == "th"
        else settings.DEPARTMENT_NAME_EN,
    }
