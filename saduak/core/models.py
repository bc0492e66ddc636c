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


class IdempotencyRecord(models.Model):
    """The first answer to a POST that carried an Idempotency-Key, so that the same
    POST sent again (a retry after a timeout, a double tap) gets the same answer
    instead of doing the work twice. Keys belong to the credential that sent them
    (session or bearer token). An answer not yet known is `status` 0."""

    owner = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    body = models.BinaryField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.status}"
