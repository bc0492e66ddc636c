"""A form's document fields: what each accepts (kinds, size, how many files),
read from a service version's form definition."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.core.uploads.sniffing import unknown_kinds

MB = 1024 * 1024


@dataclass(frozen=True)
class DocumentField:
    key: str
    allowed_types: list[str]
    max_bytes: int
    max_files: int | None


def document_field(form: dict[str, Any], field_key: str) -> DocumentField:
    """The file field `field_key` of a form definition (`{"sections": [{"fields":
    [...]}]}`), its size limit capped by ESERVICES_MAX_UPLOAD_MB. InvalidInput
    when the form has no such file field."""
    for section in form.get("sections") or []:
        for field in section.get("fields") or []:
            if field.get("key") == field_key and field.get("type") == "file":
                return _from_definition(field)
    raise InvalidInput(
        _("This form has no document field “%(key)s”.") % {"key": field_key},
        code="unknown-field",
        field="field_key",
    )


def _from_definition(field: dict[str, Any]) -> DocumentField:
    ceiling = float(settings.ESERVICES_MAX_UPLOAD_MB)
    allowed = [str(name) for name in field.get("file_types") or []]
    if unknown_kinds(allowed):
        raise ValueError(f"form field {field['key']!r} allows unknown kinds {allowed}")
    megabytes = min(float(field.get("max_size_mb") or ceiling), ceiling)
    max_files = field.get("max_files")
    return DocumentField(
        key=str(field["key"]),
        allowed_types=allowed,
        max_bytes=int(megabytes * MB),
        max_files=int(max_files) if max_files else None,
    )
