from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def in_current_language(thai: str, english: str) -> str:
    """Chooses the English text on English pages when there is one, else the Thai."""
    from django.utils.translation import get_language

    language = get_language() or "th"
    return english if language.startswith("en") and english else thai


class BilingualNameMixin:
    """For models with name_th and name_en: `.name` follows the page's language."""

    name_th: str
    name_en: str

    @property
    def name(self) -> str:
        return in_current_language(self.name_th, self.name_en)
