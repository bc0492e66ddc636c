"""What a citizen agreed to share with each partner."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartnerConsent(models.Model):
    """A citizen's agreement that a partner may receive the data of `scopes`
    (space-separated, sorted). At most one is in force per citizen and partner; a
    later agreement to more data widens it. Revoking it ends the partner's tokens
    for the citizen; the row stays as the record of what was agreed and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_consents",
    )
    partner = models.ForeignKey(
        "identity.Partner", on_delete=models.CASCADE, related_name="consents"
    )
    # In the withdraw address instead of the sequential id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scopes = models.CharField(_("data shared"), max_length=200)
    granted_at = models.DateTimeField(_("agreed"), default=timezone.now)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to share with a partner")
        verbose_name_plural = _("consents to share with partners")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partner"],
                condition=Q(revoked_at__isnull=True),
                name="partner_consent_one_in_force",
            )
        ]
        indexes = [models.Index(fields=["user", "-granted_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.partner_id}: {self.scopes}"

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())
