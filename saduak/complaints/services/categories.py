"""HQ's category tree: groups (no parent) and the categories in them, with
their targets in working days, the kind of office that handles them and the
questions they ask (Open311 attributes)."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.areas.choices import OfficeKind
from saduak.audit.services import audit_record
from saduak.complaints.choices import AttributeDatatype
from saduak.complaints.models import CategoryAttribute, ComplaintCategory
from saduak.core.errors import InvalidInput

NATIONAL_TREE = Path(__file__).resolve().parent.parent / "data" / "categories.json"
# Kinds of office that handle complaints of a district.
HANDLING_KINDS = frozenset(
    {
        OfficeKind.DAMRONGDHAM_CENTER,
        OfficeKind.DISTRICT_OFFICE,
        OfficeKind.DISTRICT_REGISTRY,
    }
)
LIST_TYPES = frozenset(
    {AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST}
)
FIELDS = [
    "parent",
    "name_th",
    "name_en",
    "description_th",
    "description_en",
    "keywords",
    "handling_office_kind",
    "acknowledge_days",
    "resolve_days",
    "hq_escalation_days",
    "sort_order",
    "is_active",
]


def _days(value: int, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            _("Give a whole number of working days from %(low)s to %(high)s.")
            % {"low": low, "high": high},
            field=field,
        )
    return value


def _attributes(given: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    seen: set[str] = set()
    for order, item in enumerate(given):
        code = slugify(str(item.get("code", "")))[:40]
        if not code or code in seen:
            raise InvalidInput(
                _("Each question needs its own code."), field="attributes"
            )
        seen.add(code)
        datatype = str(item.get("datatype", ""))
        if datatype not in AttributeDatatype.values:
            raise InvalidInput(
                _("“%(type)s” is not a type of question.") % {"type": datatype},
                field="attributes",
            )
        values = list(item.get("values") or [])
        if datatype in LIST_TYPES and not values:
            raise InvalidInput(
                _("A question with choices needs at least one choice."),
                field="attributes",
            )
        description_th = str(item.get("description_th", "")).strip()
        if not description_th:
            raise InvalidInput(
                _("Each question needs its Thai text."), field="attributes"
            )
        cleaned.append(
            {
                "code": code,
                "datatype": datatype,
                "required": bool(item.get("required", False)),
                "description_th": description_th[:300],
                "description_en": str(item.get("description_en", "")).strip()[:300],
                "datatype_description_th": str(
                    item.get("datatype_description_th", "")
                ).strip()[:300],
                "datatype_description_en": str(
                    item.get("datatype_description_en", "")
                ).strip()[:300],
                "order": int(item.get("order", order)),
                "values": [
                    {
                        "key": str(value["key"]),
                        "name_th": str(value.get("name_th", value["key"])),
                        "name_en": str(value.get("name_en", "")),
                    }
                    for value in values
                ]
                if datatype in LIST_TYPES
                else [],
            }
        )
    return cleaned


def complaint_category_save(
    *,
    actor: Actor,
    code: str,
    name_th: str,
    name_en: str = "",
    parent: ComplaintCategory | None = None,
    description_th: str = "",
    description_en: str = "",
    keywords: str = "",
    handling_office_kind: str = OfficeKind.DAMRONGDHAM_CENTER,
    acknowledge_days: int = 1,
    resolve_days: int = 15,
    hq_escalation_days: int = 15,
    sort_order: int = 0,
    is_active: bool = True,
    attributes: Sequence[Mapping[str, Any]] | None = None,
) -> ComplaintCategory:
    """Adds the category `code`, or changes it. A group has no parent; a
    category's parent is a group (two levels). `attributes` (when given)
    replaces its questions. Permission: COMPLAINT_CATEGORY_MANAGE (HQ).
    Locks the category. Audited as "complaint_category.save" with the fields
    before and after. Complaints already filed keep their targets (their
    dates are set when filed)."""
    ensure_may(actor, Action.COMPLAINT_CATEGORY_MANAGE)
    slug = slugify(code or "")[:40]
    if not slug or slug != code:
        raise InvalidInput(
            _("A code is lower-case letters, digits and dashes, such as road-damage."),
            field="code",
        )
    acknowledge = _days(acknowledge_days, "acknowledge_days", 0, 30)
    resolve = _days(resolve_days, "resolve_days", 1, 365)
    values: dict[str, Any] = {
        "parent": parent,
        "name_th": (name_th or "").strip(),
        "name_en": (name_en or "").strip(),
        "description_th": (description_th or "").strip(),
        "description_en": (description_en or "").strip(),
        "keywords": (keywords or "").strip()[:300],
        "handling_office_kind": handling_office_kind,
        "acknowledge_days": acknowledge,
        "resolve_days": resolve,
        "hq_escalation_days": _days(hq_escalation_days, "hq_escalation_days", 1, 365),
        "sort_order": sort_order,
        "is_active": bool(is_active),
    }
    if not values["name_th"] or len(values["name_th"]) > 150:
        raise InvalidInput(
            _("Give the Thai name (up to 150 characters)."), field="name_th"
        )
    if len(values["name_en"]) > 150:
        raise InvalidInput(
            _("The English name is up to 150 characters."), field="name_en"
        )
    if handling_office_kind not in HANDLING_KINDS:
        raise InvalidInput(
            _(
                "Complaints are handled by a district's Damrongdham center, district "
                "office or registry office."
            ),
            field="handling_office_kind",
        )
    if acknowledge > resolve:
        raise InvalidInput(
            _("The target to acknowledge cannot be later than the target to resolve."),
            field="acknowledge_days",
        )
    if parent is not None and parent.parent_id is not None:
        raise InvalidInput(
            _("A category belongs to a group, and a group to no other."), field="parent"
        )
    cleaned_attributes = _attributes(attributes) if attributes is not None else None
    with transaction.atomic():
        category = (
            ComplaintCategory.objects.select_for_update().filter(code=slug).first()
        )
        if (
            category is not None
            and parent is not None
            and (parent.pk == category.pk or category.children.exists())
        ):
            raise InvalidInput(
                _("A group with categories in it cannot be put in another group."),
                field="parent",
            )
        before = (
            {name: _plain(getattr(category, name)) for name in FIELDS}
            if category is not None
            else None
        )
        if category is None:
            category = ComplaintCategory.objects.create(code=slug, **values)
        else:
            for name, value in values.items():
                setattr(category, name, value)
            category.save(update_fields=[*FIELDS, "updated_at"])
        after: dict[str, Any] = {
            name: _plain(getattr(category, name)) for name in FIELDS
        }
        if cleaned_attributes is not None:
            _replace_attributes(category, cleaned_attributes)
            after["attributes"] = [item["code"] for item in cleaned_attributes]
        audit_record(
            actor=actor,
            action="complaint_category.save",
            target=category,
            before=before,
            after=after,
        )
    return category


def _plain(value: Any) -> Any:
    if isinstance(value, ComplaintCategory):
        return value.code
    return value


def _replace_attributes(
    category: ComplaintCategory, attributes: list[dict[str, Any]]
) -> None:
    keep = [item["code"] for item in attributes]
    category.attributes.exclude(code__in=keep).delete()
    for item in attributes:
        CategoryAttribute.objects.update_or_create(
            category=category, code=item["code"], defaults=item
        )


@dataclass(frozen=True)
class LoadResult:
    groups: int
    categories: int


def complaint_categories_load(*, actor: Actor, path: Path | None = None) -> LoadResult:
    """Loads the national starter tree (data/categories.json, or `path`)
    through `complaint_category_save`, group by group: adds what is missing
    and brings the rest in line with the file (run again, it changes
    nothing but writes its audit events). Permission:
    COMPLAINT_CATEGORY_MANAGE (HQ; the command `load_complaint_categories`
    acts as the system)."""
    ensure_may(actor, Action.COMPLAINT_CATEGORY_MANAGE)
    tree = json.loads((path or NATIONAL_TREE).read_text(encoding="utf-8"))
    groups = categories = 0
    with transaction.atomic():
        for group_order, group in enumerate(tree["groups"]):
            leaves = group.get("categories", [])
            parent = complaint_category_save(
                actor=actor,
                **_entry(group, group_order),
            )
            groups += 1
            for order, leaf in enumerate(leaves):
                complaint_category_save(
                    actor=actor, parent=parent, **_entry(leaf, order)
                )
                categories += 1
    return LoadResult(groups, categories)


def _entry(item: Mapping[str, Any], order: int) -> dict[str, Any]:
    fields = {
        key: value
        for key, value in item.items()
        if key
        in {
            "code",
            "name_th",
            "name_en",
            "description_th",
            "description_en",
            "keywords",
            "handling_office_kind",
            "acknowledge_days",
            "resolve_days",
            "hq_escalation_days",
            "attributes",
        }
    }
    fields.setdefault("sort_order", (order + 1) * 10)
    return fields
