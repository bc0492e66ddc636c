"""Changes made in the Django admin are audit events like any other change."""

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from saduak.audit.services import audit_record
from saduak.core.personal_id import mask_personal_id


def _plain(value: Any, *, mask: bool = False) -> Any:
    """A form value as something JSON can hold: related objects by key; a personal
    ID (`mask`) by its last digits only, as everywhere in the audit log."""
    if mask and isinstance(value, str):
        return mask_personal_id(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        return [_plain(item) for item in value]
    return value


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes `admin.<model>.add|change|delete` with the changed fields. Password
    fields are never recorded. `office_attribute` names the attribute holding the
    office the row belongs to, so the event is seen by that office's staff."""

    office_attribute: str | None = None

    def _office_of(self, obj: models.Model) -> Any:
        if self.office_attribute is None:
            return None
        return (
            obj
            if self.office_attribute == "self"
            else getattr(obj, self.office_attribute)
        )

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:
        names = [name for name in form.changed_data if "password" not in name]
        before = (
            {
                name: _plain(form.initial.get(name), mask=name == "personal_id")
                for name in names
            }
            if change
            else None
        )
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
                target=obj,
                before=before,
                after={
                    name: _plain(
                        form.cleaned_data.get(name), mask=name == "personal_id"
                    )
                    for name in names
                },
                office=self._office_of(obj),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.delete",
                target=obj,
                office=self._office_of(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
