"""Open311 GeoReport v2 at /open311/v2/ (docs/open311.md): plain views, because
the format is a suffix of the path (`.json`, `.xml`), POST is form-encoded and
errors have the spec's own format. Each view parses, resolves, calls one service
or query, and renders; `open311_view` turns every refusal into the spec's error
list (404 for what does not exist, 403 for the api_key, 400 for the rest)."""

import functools
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from saduak.complaints.choices import Channel
from saduak.complaints.models import Complaint, ComplaintCategory, Open311Key
from saduak.complaints.open311 import records, render
from saduak.complaints.open311.auth import open311_key_check, open311_key_limit
from saduak.complaints.open311.location import (
    PlaceNotFound,
    place_from_address,
    place_from_address_id,
)
from saduak.complaints.open311.params import (
    BadParameters,
    Problems,
    check_jurisdiction,
    filing,
    flag,
    list_query,
)
from saduak.complaints.services.intake import Contact, Where, complaint_file
from saduak.core.errors import (
    DomainError,
    NotFound,
    PermissionDeniedError,
    TooManyRequests,
)
from saduak.core.text import text_faults

View = Callable[..., HttpResponse]

# A service's field, as the partner named it in the POST.
FIELD_NAMES = {
    "where": "location",
    "district": "location",
    "subdistrict": "address_id",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "category": "service_code",
    "contact": "phone",
    "name": "first_name",
}


def open311_view(*methods: str) -> Callable[[View], View]:
    """The envelope of every endpoint: the language from Accept-Language (Thai
    unless it prefers English, as the API does), the method, the jurisdiction,
    text that cannot be stored, and every refusal in the spec's error format."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            language = translation.get_language_from_request(request, check_path=False)
            with translation.override(language):
                return _answer(view, methods, request, fmt, **kwargs)

        return wrapped

    return decorate


def _answer(
    view: View, methods: tuple[str, ...], request: HttpRequest, fmt: str, **kwargs: Any
) -> HttpResponse:
    if request.method not in methods:
        return render.errors(
            fmt,
            400,
            [
                (
                    405,
                    _("%(method)s is not allowed here; use %(allowed)s.")
                    % {"method": request.method, "allowed": ", ".join(methods)},
                )
            ],
            headers={"Allow": ", ".join(methods)},
        )
    data = request.POST if request.method == "POST" else request.GET
    faults = list(text_faults({key: data.getlist(key) for key in data}))
    if faults:
        return render.errors(
            fmt,
            400,
            [(400, f"{name.split('.')[0]}: {reason}") for name, reason in faults],
        )
    try:
        check_jurisdiction(data)
        return view(request, fmt, **kwargs)
    except BadParameters as error:
        return render.errors(
            fmt, error.status, [(error.status, text) for _n, text in error.problems]
        )
    except PlaceNotFound as error:
        return render.errors(fmt, 400, [(400, str(error))])
    except TooManyRequests as error:
        retry = str(error.extra.get("retry_after", 1))
        return render.errors(
            fmt, 400, [(429, str(error.message))], headers={"Retry-After": retry}
        )
    except (NotFound, PermissionDeniedError) as error:
        return render.errors(fmt, error.status, [(error.status, str(error.message))])
    except DomainError as error:
        return render.errors(fmt, 400, [(400, _described(error))])


def _described(error: DomainError) -> str:
    if error.field:
        name = FIELD_NAMES.get(error.field, error.field)
        return f"{name}: {error.message}"
    return str(error.message)


def _viewer(request: HttpRequest) -> Open311Key | None:
    """A partner may pass its api_key on a GET to see its own requests whole."""
    raw = request.GET.get("api_key", "")
    return open311_key_check(raw) if raw else None


def _extensions(request: HttpRequest) -> bool:
    problems = Problems()
    data = request.POST if request.method == "POST" else request.GET
    wanted = flag(data, "extensions", problems)
    problems.raise_any()
    return wanted


# --- discovery and services ---------------------------------------------------


@open311_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = settings.SITE_URL + "/open311/v2"
    data = {
        "changeset": settings.OPEN311_CHANGESET,
        "contact": _(
            "Department of Provincial Administration, Damrongdham Center: %(email)s"
        )
        % {"email": settings.OPEN311_CONTACT_EMAIL},
        "key_service": _(
            "Government agencies ask the Damrongdham Center at HQ for an api_key "
            "(%(email)s); reading needs no key."
        )
        % {"email": settings.OPEN311_CONTACT_EMAIL},
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": settings.OPEN311_CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.answer(fmt, "discovery", data)


@open311_view("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    extensions = _extensions(request)
    items = [
        records.service_record(category, extensions=extensions)
        for category in records.services_queryset()
    ]
    return render.answer(fmt, "services", items)


@open311_view("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    extensions = _extensions(request)
    category = records.service_get(code)
    if category is None:
        raise NotFound(_("service_code %(code)s was not found.") % {"code": code})
    return render.answer(
        fmt,
        "service_definition",
        records.definition_record(category, extensions=extensions),
    )


# --- requests -----------------------------------------------------------------


@open311_view("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _file(request, fmt)
    return _list(request, fmt)


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests: newest first, at most 1,000 (page_size), in one query on the
    index (received_at) or (category, received_at), whatever the table's size."""
    query = list_query(request.GET)
    viewer = _viewer(request)
    complaints = records.requests_queryset()
    if query.ids:
        complaints = complaints.filter(reference__in=query.ids)
        rows = list(complaints.order_by("-received_at", "-id")[: len(query.ids)])
    else:
        assert query.start is not None and query.end is not None
        complaints = complaints.filter(
            received_at__gte=query.start, received_at__lte=query.end
        )
        if query.service_codes:
            # By id, so that one service reads the (category, received_at) index
            # in order.
            category_ids = list(
                ComplaintCategory.objects.filter(
                    code__in=query.service_codes
                ).values_list("id", flat=True)
            )
            complaints = complaints.filter(category_id__in=category_ids)
        if len(query.statuses) == 1:
            wanted = (
                records.CLOSED_STATUSES
                if query.statuses[0] == "closed"
                else records.OPEN_STATUSES
            )
            complaints = complaints.filter(status__in=wanted)
        offset = (query.page - 1) * query.page_size
        rows = list(
            complaints.order_by("-received_at", "-id")[
                offset : offset + query.page_size
            ]
        )
    writer = records.RequestWriter(viewer=viewer, extensions=query.extensions)
    items = [writer.record(row) for row in rows]
    response = render.answer(fmt, "service_requests", items)
    if not query.ids and len(rows) == query.page_size:
        following = request.GET.copy()
        following["page"] = str(query.page + 1)
        response["Link"] = (
            f'<{request.path}?{urlencode(following, doseq=True)}>; rel="next"'
        )
    return response


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST requests: the key first (403), then the form (400 listing every
    problem), the service (404), the place (400), then `complaint_file`, which
    validates the rest, stores the complaint once (a double tap within a minute
    returns the first) and tells the complainant."""
    key = open311_key_check(request.POST.get("api_key", ""))
    open311_key_limit(key)
    extensions = _extensions(request)
    sent = filing(request.POST)
    category = records.service_get(sent.service_code)
    if category is None:
        raise NotFound(
            _("service_code %(code)s was not found (see services.json).")
            % {"code": sent.service_code}
        )
    if sent.address_id:
        place = place_from_address_id(sent.address_id)
    else:
        place = place_from_address(sent.address_string)
    name = " ".join(part for part in (sent.first_name, sent.last_name) if part)
    complaint = complaint_file(
        citizen=None,
        category=category,
        description=sent.description,
        where=Where(
            district=place.district,
            subdistrict=place.subdistrict,
            latitude=sent.lat,
            longitude=sent.long,
            address=sent.address_string,
        ),
        contact=Contact(name=name, phone=sent.phone, email=sent.email),
        channel=Channel.OPEN311,
        attribute_answers=sent.attributes,
        language=translation.get_language() or "th",
        open311_key=key,
    )
    item: dict[str, Any] = {
        "service_request_id": complaint.reference,
        "service_notice": records.service_notice(category),
        "account_id": sent.account_id or None,
    }
    if extensions:
        item["request_token"] = str(complaint.public_id)
    return render.answer(fmt, "service_requests", [item])


@open311_view("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    extensions = _extensions(request)
    viewer = _viewer(request)
    complaint = records.requests_queryset().filter(reference=request_id).first()
    if complaint is None:
        raise NotFound(_("There is no request %(id)s.") % {"id": request_id})
    return render.answer(
        fmt,
        "service_requests",
        [records.RequestWriter(viewer=viewer, extensions=extensions).record(complaint)],
    )


@open311_view("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Every request has a token (its public id, `request_token` in the
    extensions); ours are realtime, so a token always has its request id."""
    try:
        public_id = uuid.UUID(token)
    except ValueError:
        public_id = None
    found = (
        Complaint.objects.filter(public_id=public_id)
        .values_list("reference", flat=True)
        .first()
        if public_id
        else None
    )
    if found is None:
        raise NotFound(_("There is no token %(token)s.") % {"token": token[:40]})
    return render.answer(
        fmt, "service_requests", [{"service_request_id": found, "token": token}]
    )


def refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """What middleware refusing a request before the view answers here
    (saduak/core/responders.py): text that cannot be stored, an Idempotency-Key
    reused with another body (422) or still running (409). The spec knows 400,
    403 and 404: the HTTP status is 400 and the error's code is ours."""
    fmt = render.JSON if request.path.endswith(".json") else render.XML
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return render.errors(
            fmt, 400 if status not in (403, 404) else status, [(status, message)]
        )


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /open311/v2/: 404 in the spec's format (XML unless
    the path ends in .json)."""
    fmt = render.JSON if path.endswith(".json") else render.XML
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return render.errors(
            fmt,
            404,
            [
                (
                    404,
                    _(
                        "There is no such resource. The endpoints are discovery, "
                        "services, services/{code}, requests, requests/{id} and "
                        "tokens/{token}, each ending in .json or .xml."
                    ),
                )
            ],
        )
