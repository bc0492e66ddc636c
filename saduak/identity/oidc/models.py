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


class PartnerSignIn(models.Model):
    """One authorization a citizen gave a partner's client: the code issued for it
    and every token issued from that code or refreshed from those tokens. It keeps
    what the ID tokens of the whole family say of the sign-in (the assurance level,
    the time the person signed in, the browser session's `sid`), lets a replayed
    code end every token issued from it (RFC 6749 section 4.1.2), and tells
    back-channel logout which partners the person used in a session."""

    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_sign_ins",
    )
    # The person's session at Saduak when they authorized (identity.SignInSession).
    session = models.ForeignKey(
        "identity.SignInSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_sign_ins",
    )
    assurance_level = models.PositiveSmallIntegerField(default=1)
    auth_time = models.DateTimeField()
    # SHA-256 (hex) of the authorization code: the code itself is never kept.
    code_hash = models.CharField(max_length=64, unique=True)
    code_used_at = models.DateTimeField(null=True, blank=True)
    # The DPoP key (RFC 7638 thumbprint) the code was bound to with `dpop_jkt`.
    dpop_jkt = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when its tokens were ended: a replayed code, a logout.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partner sign-in")
        verbose_name_plural = _("partner sign-ins")
        indexes = [models.Index(fields=["session", "application"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.application_id} at {self.auth_time}"


class AccessTokenBinding(models.Model):
    """What an access token carries beyond django-oauth-toolkit's row: the sign-in
    it was issued from (none for a machine client's token) and, for a
    sender-constrained token, the thumbprint of the DPoP key it is bound to."""

    access_token = models.OneToOneField(
        settings.OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="saduak_binding",
    )
    sign_in = models.ForeignKey(
        PartnerSignIn,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_tokens",
    )
    jkt = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"access token {self.access_token_id}"


class RefreshTokenBinding(models.Model):
    """The same for a refresh token: the sign-in its refreshed ID tokens describe,
    and the DPoP key a public client's refresh token is bound to."""

    refresh_token = models.OneToOneField(
        settings.OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="saduak_binding",
    )
    sign_in = models.ForeignKey(
        PartnerSignIn,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="refresh_tokens",
    )
    jkt = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"refresh token {self.refresh_token_id}"


class PushedAuthorizationRequest(models.Model):
    """An authorization request a client pushed (RFC 9126), found again by the
    `request_uri` the push answered (urn:ietf:params:oauth:request_uri:<reference>).
    It may be opened again while the person signs in; it is used up when a code
    is issued from it, and expires after OIDC_PAR_SECONDS."""

    reference = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
    )
    parameters = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.reference


class SeenJwt(models.Model):
    """A one-time JWT already accepted (a client assertion, a DPoP proof, a
    request object), kept until it expires so a second use is refused
    (replay.py). The unique constraint decides between two requests at once."""

    purpose = models.CharField(max_length=20)
    issuer = models.CharField(max_length=255)
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "issuer", "jti"], name="seen_jwt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.issuer} {self.jti}"


class BackchannelLogoutStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")


class BackchannelLogout(models.Model):
    """A logout token owed to one partner client (OIDC Back-Channel Logout 1.0):
    written in the transaction that ends the person's session, delivered by a
    task after commit and picked up again if that hand-over was lost (the
    outbox rule of docs/layout.md section 8.2)."""

    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sid = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10,
        choices=BackchannelLogoutStatus.choices,
        default=BackchannelLogoutStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"
