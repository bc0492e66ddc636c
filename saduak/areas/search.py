"""Name search in Thai and English. Names are kept in geothai's normal form (lower
case, no spaces, dots or hyphens, no leading "อำเภอ", "จังหวัด", "อ." ...), and a query
is put in the same form, so "อ.เมือง เชียงใหม่", "Mueang Chiang Mai" and
"mueangchiangmai" all find the same district."""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from geothai import normalize

SEPARATOR = "|"


def search_key(name_th: str, name_en: str) -> str:
    return f"{normalize(name_th)}{SEPARATOR}{normalize(name_en or '')}"


def normal_query(query: str) -> str:
    return normalize(query or "").replace(SEPARATOR, "")


def filter_by_name(queryset: QuerySet, query: str) -> QuerySet:
    """Rows whose Thai or English name contains the query; names that start with it
    first."""
    term = normal_query(query)
    if not term:
        return queryset
    starts = Q(search_key__startswith=term) | Q(search_key__contains=SEPARATOR + term)
    return (
        queryset.filter(search_key__contains=term)
        .annotate(
            name_starts=Case(
                When(starts, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by(
            "-name_starts", *queryset.query.order_by or queryset.model._meta.ordering
        )
    )
