"""HQ's pages of the complaint categories: the tree, one category with its
targets in working days and the office kind that handles it, and its
questions (Open311 attributes). The writes are `services/categories.py`."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.complaints.forms_staff import AttributeForm, CategoryForm
from saduak.complaints.models import CategoryAttribute, ComplaintCategory
from saduak.complaints.services import categories as category_services
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error

CATEGORY_FIELDS = (
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
    "sort_order",
    "is_active",
)
ATTRIBUTE_FIELDS = (
    "code",
    "datatype",
    "required",
    "description_th",
    "description_en",
    "datatype_description_th",
    "datatype_description_en",
    "order",
    "values",
)


def _manager(request: HttpRequest) -> Any:
    user = acting_user(request)
    ensure_may(user, Action.COMPLAINT_CATEGORY_MANAGE)
    return user


def _category(code: str) -> ComplaintCategory:
    found = ComplaintCategory.objects.select_related("parent").filter(code=code).first()
    if found is None:
        raise NotFound(_("There is no category %(code)s.") % {"code": code})
    return found


def _tree() -> list[dict[str, Any]]:
    """The categories, each group followed by its leaves (two levels, as the
    Open311 groups are)."""
    rows = list(ComplaintCategory.objects.order_by("sort_order", "code"))
    children: dict[int | None, list[ComplaintCategory]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    known = {row.pk for row in rows}
    tree = []
    for top in children.get(None, []):
        tree.append({"category": top, "leaves": children.get(top.pk, [])})
    for parent_id, leaves in children.items():
        if parent_id is not None and parent_id not in known:
            tree.extend({"category": leaf, "leaves": []} for leaf in leaves)
    return tree


def _parents(exclude: ComplaintCategory | None) -> list[tuple[str, str]]:
    """Top-level categories a category may sit under (not itself)."""
    rows = ComplaintCategory.objects.filter(parent__isnull=True).order_by(
        "sort_order", "code"
    )
    return [
        (row.code, f"{row.name} ({row.code})")
        for row in rows
        if exclude is None or row.pk != exclude.pk
    ]


@staff_required
@never_cache
def category_list(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return render(request, "complaints/staff/categories.html", {"tree": _tree()})


@staff_required
@never_cache
def category_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Adds a category (no code in the address) or changes one."""
    user = _manager(request)
    category = _category(code) if code else None
    initial: dict[str, Any] = {}
    if category is not None:
        initial = {name: getattr(category, name) for name in CATEGORY_FIELDS}
        initial["parent"] = category.parent.code if category.parent else ""
    else:
        initial["parent"] = request.GET.get("parent", "")
    form = CategoryForm(
        request.POST or None,
        initial=initial,
        parents=_parents(category),
        editing=category is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if (
            category is None
            and ComplaintCategory.objects.filter(code=data["code"]).exists()
        ):
            form.add_error("code", _("A category with this code exists already."))
        else:
            parent = (
                ComplaintCategory.objects.filter(code=data["parent"]).first()
                if data["parent"]
                else None
            )
            try:
                saved = category_services.complaint_category_save(
                    actor=user,
                    parent=parent,
                    **{name: data[name] for name in CATEGORY_FIELDS},
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("The category %(code)s is saved.") % {"code": saved.code},
                )
                return redirect("complaints-staff:category", code=saved.code)
    return render(
        request,
        "complaints/staff/category.html",
        {
            "category": category,
            "form": form,
            "attributes": list(category.attributes.all()) if category else [],
            "attribute_form": AttributeForm(prefix="q"),
        },
        status=400 if form.errors else 200,
    )


def _attribute_page(
    request: HttpRequest,
    category: ComplaintCategory,
    form: AttributeForm,
    attribute: CategoryAttribute | None,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "complaints/staff/attribute.html",
        {"category": category, "form": form, "attribute": attribute},
        status=status,
    )


def _attribute_initial(attribute: CategoryAttribute) -> dict[str, Any]:
    initial = {name: getattr(attribute, name) for name in ATTRIBUTE_FIELDS}
    initial["values"] = "\n".join(
        "|".join(
            [
                str(item.get("key", "")),
                str(item.get("name_th", "")),
                str(item.get("name_en", "")),
            ]
        )
        for item in attribute.values or []
    )
    return initial


def _attribute_rows(category: ComplaintCategory) -> list[dict[str, Any]]:
    return [
        {name: getattr(row, name) for name in ATTRIBUTE_FIELDS}
        for row in category.attributes.all()
    ]


def _save_with(
    user: Any, category: ComplaintCategory, attributes: list[dict[str, Any]]
) -> ComplaintCategory:
    """Saves the category as it is with `attributes` as its questions (the
    service replaces the questions as a whole)."""
    return category_services.complaint_category_save(
        actor=user,
        parent=category.parent,
        attributes=attributes,
        **{name: getattr(category, name) for name in CATEGORY_FIELDS},
    )


def _attribute_save(
    request: HttpRequest,
    category: ComplaintCategory,
    attribute: CategoryAttribute | None,
) -> HttpResponse:
    user = _manager(request)
    form = AttributeForm(request.POST, prefix="q")
    if form.is_valid():
        data = form.cleaned_data
        rows = _attribute_rows(category)
        replaced = attribute.code if attribute else data["code"]
        if attribute is None and any(row["code"] == replaced for row in rows):
            form.add_error("code", _("This category has a question with this code."))
        else:
            row = {name: data[name] for name in ATTRIBUTE_FIELDS}
            rows = [item for item in rows if item["code"] != replaced] + [row]
            rows.sort(key=lambda item: (item["order"], item["code"]))
            try:
                _save_with(user, category, rows)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("The question %(code)s is saved.") % {"code": data["code"]},
                )
                return redirect("complaints-staff:category", code=category.code)
    return _attribute_page(request, category, form, attribute, 400)


@staff_required
@require_POST
def attribute_add(request: HttpRequest, code: str) -> HttpResponse:
    _manager(request)
    return _attribute_save(request, _category(code), None)


def _attribute(category: ComplaintCategory, code: str) -> CategoryAttribute:
    found = category.attributes.filter(code=code).first()
    if found is None:
        raise NotFound(_("There is no question %(code)s.") % {"code": code})
    return found


@staff_required
@never_cache
def attribute_edit(request: HttpRequest, code: str, attribute: str) -> HttpResponse:
    _manager(request)
    category = _category(code)
    found = _attribute(category, attribute)
    if request.method == "POST":
        return _attribute_save(request, category, found)
    form = AttributeForm(prefix="q", initial=_attribute_initial(found))
    return _attribute_page(request, category, form, found, 200)


@staff_required
@require_POST
def attribute_remove(request: HttpRequest, code: str, attribute: str) -> HttpResponse:
    user = _manager(request)
    category = _category(code)
    found = _attribute(category, attribute)
    rows = [row for row in _attribute_rows(category) if row["code"] != found.code]
    try:
        _save_with(user, category, rows)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The question %(code)s is removed.") % {"code": found.code}
        )
    return redirect(reverse("complaints-staff:category", args=[category.code]))
