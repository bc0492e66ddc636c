from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE = 100_000


def paginate(
    request: HttpRequest, queryset: QuerySet, *, per_page: int = PAGE_SIZE
) -> Page:
    """The requested page; a missing, malformed or too-large page number gives the
    nearest real page instead of an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class ApiPagination(PageNumberPagination):
    """Page-number pagination for the API with bounds, so an absurd page number is a
    400 naming the parameter rather than a database error."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=settings.API_MAX_PAGE_SIZE)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            page_size=settings.API_PAGE_SIZE,
            max_page_size=settings.API_MAX_PAGE_SIZE,
            **kwargs,
        )
