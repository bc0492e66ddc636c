"""Append-only, hash-chained audit events.

A service writes an event as a plain row inside its own transaction (no sequence, no
hashes: "unsealed"). The sequencer (sequencer.py) later numbers the committed events
in commit order and chains them: each sealed event stores the hash of the one before
it and a hash of its own content (including its sequence number), so an edit, a
deletion or a reordering breaks the chain where it happened. The database refuses
UPDATE and DELETE on the table except that one sealing update (triggers, guard.py);
the chain and the signed checkpoints catch whoever gets past that.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    # Null until the sequencer seals the event; `id` is taken at insert time and
    # says nothing about commit order.
    sequence = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    office_id = models.BigIntegerField(
        _("office"), null=True, blank=True, db_index=True
    )
    district_code = models.CharField(max_length=4, blank=True, db_index=True)
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # What the sequencer looks for on every run: small, whatever the table.
            models.Index(
                fields=["id"],
                condition=models.Q(sequence__isnull=True),
                name="audit_event_unsealed",
            ),
        ]

    def __str__(self) -> str:
        number = f"#{self.sequence}" if self.sequence is not None else f"({self.pk})"
        return f"{number} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")

    @property
    def sealed(self) -> bool:
        return self.sequence is not None


class AuditChainHead(models.Model):
    """One row: the last sealed sequence number and hash. Only the sequencer writes
    it (one sequencer at a time, sequencer.py); services never touch it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash[:12]}"
