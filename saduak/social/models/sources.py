"""Files imported from the five sources, and their rows staged per person."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saduak.social.choices import FileLayout, Housing, ImportStatus, SourceKind


class SourceImport(models.Model):
    """One file of one source for one year (B.E.), covering the whole country
    (`province` empty, imported by HQ) or one province. It is applied whole or
    not at all. A newer applied import of the same source and year supersedes
    the older one's rows in the area it covers (`StagedPerson.superseded_by`);
    rolling the newer one back restores them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    layout = models.CharField(_("layout"), max_length=8, choices=FileLayout.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ImportStatus.choices,
        default=ImportStatus.APPLIED,
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_superseded = models.PositiveIntegerField(_("older rows superseded"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)
    # Staged rows are deleted once this day has passed (sources_purge_expired).
    retain_until = models.DateField(_("keep the rows until"))

    class Meta:
        verbose_name = _("source import")
        verbose_name_plural = _("source imports")
        ordering = ["-imported_at"]
        indexes = [models.Index(fields=["kind", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.province_id or 'TH'} {self.file_name}"


class StagedPerson(models.Model):
    """What one source says about one person: the facts it gives (empty when
    it says nothing) and the rest of its row in `extra`. Sources may disagree
    about a person; each keeps its own row."""

    # The import writes millions of rows with one INSERT ... SELECT (sql.py)
    # that sets these two from its own checks (the import row made in the same
    # transaction; the subdistrict joined to the map, which is never deleted):
    # a database foreign key would add a deferred check per row at commit,
    # 2-3 s of a 200,000-row import's 12-20 s on PostgreSQL. Django still
    # cascades and protects as declared.
    source_import = models.ForeignKey(
        SourceImport,
        on_delete=models.CASCADE,
        related_name="people",
        db_index=False,  # the (source_import, personal_id) constraint serves
        db_constraint=False,
    )
    # Copied from the import so that screening filters one table.
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    year = models.PositiveSmallIntegerField()
    line_number = models.PositiveIntegerField()
    personal_id = models.CharField(max_length=13)
    house_code = models.CharField(_("house code"), max_length=20)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    subdistrict = models.ForeignKey(
        "areas.Subdistrict",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    district_code = models.CharField(max_length=4)
    province_code = models.CharField(max_length=2)
    # Set on millions of rows by one UPDATE when a newer import supersedes
    # them: no per-row check at commit either (see source_import).
    superseded_by = models.ForeignKey(
        SourceImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    monthly_income = models.PositiveIntegerField(null=True, blank=True)
    health_problem = models.BooleanField(null=True, blank=True)
    newborn = models.BooleanField(null=True, blank=True)
    disabled = models.BooleanField(null=True, blank=True)
    elderly = models.BooleanField(null=True, blank=True)
    chronically_ill = models.BooleanField(null=True, blank=True)
    housing = models.CharField(max_length=12, choices=Housing.choices, blank=True)
    has_welfare_card = models.BooleanField(null=True, blank=True)
    welfare_access = models.BooleanField(null=True, blank=True)
    lacks_health = models.BooleanField(null=True, blank=True)
    lacks_living = models.BooleanField(null=True, blank=True)
    lacks_education = models.BooleanField(null=True, blank=True)
    lacks_income = models.BooleanField(null=True, blank=True)
    lacks_access = models.BooleanField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("staged person")
        verbose_name_plural = _("staged people")
        indexes = [
            models.Index(fields=["personal_id"]),
            models.Index(fields=["house_code"]),
            models.Index(
                fields=["year", "province_code"],
                name="social_staged_current",
                condition=Q(superseded_by__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_import", "personal_id"],
                name="social_staged_one_row_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.personal_id[:1]}…"
