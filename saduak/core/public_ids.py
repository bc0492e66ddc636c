"""Random public ids for records that are addressed in URLs (docs/layout.md:
no sequential ids in URLs), and the migration step that gives rows that
existed before the column each their own."""

import uuid
from collections.abc import Callable, Iterable
from typing import Any

BATCH = 2000


def fill_public_ids(
    app_label: str, model_names: Iterable[str], field: str = "public_id"
) -> Callable[[Any, Any], None]:
    """A RunPython function: gives every row of the models whose `field` is still
    empty a UUID of its own, in batches (a column default would give them all
    the same one)."""
    names = tuple(model_names)

    def fill(apps: Any, schema_editor: Any) -> None:
        for name in names:
            model = apps.get_model(app_label, name)
            while rows := list(
                model.objects.filter(**{f"{field}__isnull": True}).only("pk")[:BATCH]
            ):
                for row in rows:
                    setattr(row, field, uuid.uuid4())
                model.objects.bulk_update(rows, [field])

    return fill
