"""Digital ID enrolment: the civil registry's records (a local copy importable from
CSV), one-time enrolment codes an officer issues at a registry office, the versioned
terms a citizen accepts, and the sessions a person has signed in with."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saduak.core.models import BilingualNameMixin, TimeStampedModel
from saduak.core.personal_id import validate_personal_id


class CardStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class RegistryPerson(TimeStampedModel):
    """A person as the civil registry knows them, for the local-table adapter."""

    personal_id = models.CharField(
        _("personal ID"), max_length=13, unique=True, validators=[validate_personal_id]
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    card_expiry = models.DateField(_("card expiry"))
    card_status = models.CharField(
        _("card status"),
        max_length=10,
        choices=CardStatus.choices,
        default=CardStatus.VALID,
    )

    class Meta:
        verbose_name = _("registry record")
        verbose_name_plural = _("registry records")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


def hash_code(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class EnrolmentCode(models.Model):
    """A one-time code behind the QR an officer shows. Only its hash is kept; it is
    bound to one person, valid for ENROLMENT_CODE_MINUTES and used at most once (a
    conditional update consumes it)."""

    code_hash = models.CharField(max_length=64, unique=True)
    personal_id = models.CharField(_("personal ID"), max_length=13)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")
        indexes = [models.Index(fields=["personal_id", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.personal_id[-4:]} @ {self.issued_at:%Y-%m-%d %H:%M}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class TermsVersion(models.Model):
    """A published version of the terms of use and privacy notice. Published versions
    are not edited: a change is a new version."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text_th = models.TextField(_("Thai text"))
    text_en = models.TextField(_("English text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.version


class TermsAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="terms_acceptances",
    )
    terms = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")

    def __str__(self) -> str:
        return f"{self.terms} {self.accepted_at:%Y-%m-%d}"


class SignInSession(models.Model):
    """One signed-in session, so a person can see where they are signed in and end
    it. `assurance_level` is 1 for a password alone, 2 with a second factor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_in_sessions",
    )
    session_key = models.CharField(max_length=64, unique=True)
    # In addresses instead of the sequential id, which would tell how many there
    # are and let anyone guess the next.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assurance_level = models.PositiveSmallIntegerField(default=1)
    user_agent = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in session")
        verbose_name_plural = _("sign-in sessions")
        indexes = [
            models.Index(
                fields=["user", "started_at"],
                condition=Q(ended_at__isnull=True),
                name="signin_active_by_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"


class PartnerKind(models.TextChoices):
    AGENCY = "agency", _("Government agency")
    BANK = "bank", _("Bank")
    OTHER = "other", _("Other organisation")


class Partner(BilingualNameMixin, TimeStampedModel):
    """An agency or company that relies on the digital ID. HQ registers it with what
    it may ask for and why; its OAuth clients (oauth2_provider applications) are
    linked through PartnerClient."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PartnerKind.choices)
    purpose_th = models.TextField(_("purpose (Thai)"))
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    allowed_scopes = models.CharField(
        _("allowed scopes"),
        max_length=200,
        default="openid profile",
        help_text=_("Space-separated: openid profile birthdate address personal_id"),
    )
    requires_second_factor = models.BooleanField(
        _("requires a second factor"), default=False
    )
    may_check_identity = models.BooleanField(
        _("may use the identity check API"), default=False
    )
    identity_checks_per_day = models.PositiveIntegerField(
        _("identity checks per day"), default=10_000
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name_th

    @property
    def scopes(self) -> set[str]:
        return set(self.allowed_scopes.split())


class ClientAuthMethod(models.TextChoices):
    CLIENT_SECRET_BASIC = "client_secret_basic", _("Shared secret (being retired)")
    CLIENT_SECRET_POST = (
        "client_secret_post",
        _("Shared secret in the body (being retired)"),
    )
    PRIVATE_KEY_JWT = "private_key_jwt", _("Signed with the client's private key")
    NONE = "none", _("Public client (PKCE only)")


class IdTokenSigningAlg(models.TextChoices):
    RS256 = "RS256", "RS256"
    ES256 = "ES256", "ES256"


class IdTokenEncryptionAlg(models.TextChoices):
    RSA_OAEP_256 = "RSA-OAEP-256", "RSA-OAEP-256"
    ECDH_ES_A256KW = "ECDH-ES+A256KW", "ECDH-ES+A256KW"


class IdTokenEncryptionEnc(models.TextChoices):
    A256GCM = "A256GCM", "A256GCM"
    A128CBC_HS256 = "A128CBC-HS256", "A128CBC-HS256"


class PartnerClient(models.Model):
    """Ties an OAuth client (oauth2_provider's Application) to its partner."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="clients"
    )
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_client",
    )
    # How the client proves itself at the token, PAR, revocation and
    # introspection endpoints. A shared secret may be sent either way
    # (client_secret_basic or client_secret_post); private_key_jwt signs a client
    # assertion with a key of `jwks` or `jwks_uri`; none is a public client (PKCE).
    token_endpoint_auth_method = models.CharField(
        _("client authentication"),
        max_length=30,
        choices=ClientAuthMethod.choices,
        default=ClientAuthMethod.CLIENT_SECRET_BASIC,
    )
    # The client's public keys (a JWK Set): for private_key_jwt and signed
    # request objects ("use": "sig"), and for encrypting its ID tokens ("enc").
    jwks = models.JSONField(_("public keys (JWKS)"), default=dict, blank=True)
    jwks_uri = models.URLField(_("public keys address (JWKS URI)"), blank=True)
    id_token_signed_response_alg = models.CharField(
        _("ID token signing algorithm"),
        max_length=10,
        choices=IdTokenSigningAlg.choices,
        default=IdTokenSigningAlg.RS256,
    )
    # Empty: ID tokens are signed only. Otherwise encrypted to the client's
    # "enc" key after signing (a nested JWT).
    id_token_encrypted_response_alg = models.CharField(
        _("ID token encryption algorithm"),
        max_length=30,
        choices=IdTokenEncryptionAlg.choices,
        blank=True,
    )
    id_token_encrypted_response_enc = models.CharField(
        _("ID token content encryption"),
        max_length=30,
        choices=IdTokenEncryptionEnc.choices,
        blank=True,
    )
    require_pushed_authorization_requests = models.BooleanField(
        _("requires pushed authorization requests (PAR)"), default=False
    )
    require_signed_request_object = models.BooleanField(
        _("requires signed request objects (JAR)"), default=False
    )
    dpop_bound_access_tokens = models.BooleanField(
        _("requires DPoP-bound tokens"), default=False
    )
    backchannel_logout_uri = models.URLField(
        _("back-channel logout address"), max_length=500, blank=True
    )
    backchannel_logout_session_required = models.BooleanField(
        _("back-channel logout needs sid"), default=True
    )
    # A resource server of the partner: may introspect (RFC 7662) tokens issued
    # to the partner's own clients.
    may_introspect = models.BooleanField(_("may introspect tokens"), default=False)

    class Meta:
        verbose_name = _("partner client")
        verbose_name_plural = _("partner clients")

    def __str__(self) -> str:
        return f"{self.partner} / {self.application_id}"


class AccessorKind(models.TextChoices):
    PARTNER = "partner", _("Partner agency")
    STAFF = "staff", _("Department staff")


class AccessChannel(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-in with the digital ID")
    IDENTITY_CHECK = "identity_check", _("Identity check")
    USERINFO = "userinfo", _("Data released to the partner")
    STAFF_VIEW = "staff_view", _("Staff looked at your record")


class DataAccess(models.Model):
    """One use of a citizen's data by a partner or a member of staff: what the
    citizen reads on "who used my data". Written by the service that released or
    showed the data, in the same transaction. An identity check about a person
    without a digital ID has no citizen: it is still a use that the partner's
    statistics and quota count."""

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_accesses",
        db_index=False,  # the (citizen, occurred_at) index serves
    )
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    accessor_kind = models.CharField(max_length=10, choices=AccessorKind.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accesses",
        db_index=False,  # the (partner, occurred_at) index serves
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Every identity check writes a row: no index that no read uses.
        db_index=False,
    )
    office = models.ForeignKey(
        "areas.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Every identity check writes a row: no index that no read uses.
        db_index=False,
    )
    channel = models.CharField(max_length=20, choices=AccessChannel.choices)
    data_items = models.JSONField(default=list)
    purpose = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("data access")
        verbose_name_plural = _("data accesses")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["citizen", "-occurred_at"]),
            models.Index(fields=["partner", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="data_access_has_accessor",
                condition=Q(accessor_kind="partner", partner__isnull=False)
                | Q(accessor_kind="staff", staff_user__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.channel} {self.occurred_at:%Y-%m-%d}"

    @property
    def data_labels(self) -> list[str]:
        from saduak.identity.data_items import data_item_label

        return [data_item_label(item) for item in self.data_items]


class PartnerUsageDaily(models.Model):
    """Uses of citizens' data per partner, day and channel: a fact table recounted
    from the access log by `partner_usage_rollup` (every few minutes for today, once
    more after midnight for yesterday), so HQ's statistics never scan the log."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    channel = models.CharField(max_length=20, choices=AccessChannel.choices)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("partner usage per day")
        verbose_name_plural = _("partner usage per day")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "day", "channel"], name="partner_usage_daily_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day} {self.channel} {self.count}"


class Passkey(models.Model):
    """A passkey (WebAuthn credential) a person registered as a second factor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    credential_id = models.CharField(max_length=512, unique=True)  # base64url
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")

    def __str__(self) -> str:
        return self.name
