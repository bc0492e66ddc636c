"""One user model for citizens and staff. Everyone is keyed by the 13-digit personal
ID; staff are users with StaffRole rows, each scoped to the office they work for."""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saduak.accounts.choices import Language, Role
from saduak.core.models import TimeStampedModel
from saduak.core.personal_id import (
    clean_personal_id,
    mask_personal_id,
    validate_personal_id,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, personal_id: str, password: str | None = None, **fields: object
    ) -> "User":
        user = self.model(personal_id=clean_personal_id(personal_id), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, personal_id: str, password: str | None = None, **fields: object
    ) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(personal_id, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    personal_id = models.CharField(
        _("personal ID"),
        max_length=13,
        unique=True,
        validators=[validate_personal_id],
        help_text=_("The 13-digit number on the Thai ID card."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(
        _("mobile phone"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^0[689]\d{8}$",
                _("Enter a Thai mobile number: 10 digits starting with 06, 08 or 09."),
            )
        ],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # A staff member's official position (ตำแหน่ง), printed where they sign
    # or certify (a directive, a certified report).
    # The database keeps the default too, so rows written by an older model
    # (a migration test's historical state) still insert.
    position = models.CharField(
        _("position"), max_length=200, blank=True, default="", db_default=""
    )
    line_user_id = models.CharField(
        _("LINE user ID"), max_length=64, unique=True, null=True, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.THAI,
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the Django admin"),
        default=False,
        help_text=_("Reference data (areas, holidays) is edited in the admin site."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "personal_id"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or mask_personal_id(self.personal_id)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def masked_personal_id(self) -> str:
        return mask_personal_id(self.personal_id)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name


class StaffRole(TimeStampedModel):
    """A role held at an office. The office sets the reach: a counter officer acts in
    that office, a district administrator in the office's district, provincial staff
    in its province, HQ administrators and auditors everywhere."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="staff_roles"
    )
    is_active = models.BooleanField(_("active"), default=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "office"], name="staff_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.office}"


TOKEN_PREFIX = "sdk_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A bearer token for a machine acting as a user. Only the hash is stored; the
    token is shown once when made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def generate_key() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > now
        )
