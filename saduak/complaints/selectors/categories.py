"""Reading the category tree: the forms' choices, Open311's service list."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from saduak.complaints.models import CategoryAttribute, ComplaintCategory
from saduak.core.errors import NotFound


def complaint_category_groups(
    *, active_only: bool = True
) -> QuerySet[ComplaintCategory]:
    """The groups in order, each with `leaves` (its categories in order, with
    their questions) prefetched."""
    leaves = ComplaintCategory.objects.order_by("sort_order", "code").prefetch_related(
        Prefetch(
            "attributes", queryset=CategoryAttribute.objects.order_by("order", "code")
        )
    )
    groups = ComplaintCategory.objects.filter(parent__isnull=True)
    if active_only:
        leaves = leaves.filter(is_active=True)
        groups = groups.filter(is_active=True)
    return groups.order_by("sort_order", "code").prefetch_related(
        Prefetch("children", queryset=leaves, to_attr="leaves")
    )


def complaint_categories(*, active_only: bool = True) -> QuerySet[ComplaintCategory]:
    """The categories a complaint can be filed under (leaves), in the tree's
    order, with their group and questions."""
    queryset = ComplaintCategory.objects.filter(parent__isnull=False)
    if active_only:
        queryset = queryset.filter(is_active=True, parent__is_active=True)
    return (
        queryset.select_related("parent")
        .prefetch_related(
            Prefetch(
                "attributes",
                queryset=CategoryAttribute.objects.order_by("order", "code"),
            )
        )
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


def complaint_category_get(*, code: str, active_only: bool = True) -> ComplaintCategory:
    """The category (a leaf) with `code`; NotFound naming the code otherwise."""
    found = complaint_categories(active_only=active_only).filter(code=code).first()
    if found is None:
        raise NotFound(
            _("There is no complaint category “%(code)s”.") % {"code": code[:40]}
        )
    return found
