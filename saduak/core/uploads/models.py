"""The row every encrypted upload has, whatever it belongs to."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.core.uploads.antivirus import ScanStatus


class EncryptedFile(models.Model):
    """An uploaded file stored encrypted under a random name (`storage_name`)
    with its own data key, kept here wrapped by a master key (`wrapped_key`,
    `master_key_id`). Nothing about it is publicly addressable: the
    concrete model adds what it belongs to, and its app's view checks who may
    download it. Filled from `store.StoredFile.fields()`; opened with
    `store.encrypted_file_open`."""

    # The key in addresses and the API: never the sequential id, which would
    # tell how many there are and let one guess another's.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, unique=True)
    wrapped_key = models.BinaryField()
    master_key_id = models.CharField(max_length=40)
    scan_status = models.CharField(
        max_length=16, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
