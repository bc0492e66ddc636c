"""Reading GeoReport v2 parameters. Each reader collects every problem it finds
(the spec's error answer is a list) and raises `BadParameters` with all of them,
each naming its parameter."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.complaints.models import DESCRIPTION_MAX_LENGTH

# The spec's default volume: 90 days or 1,000 requests, whichever is less.
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
MAX_PAGE = 100_000
MAX_IDS = 1000

W3C_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
W3C_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)
REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,16}$")
SERVICE_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")


class BadParameters(Exception):
    """Parameters the spec's 400 (or 404) answer lists: (status, [(code, text)])."""

    def __init__(self, problems: list[tuple[str, str]], status: int = 400) -> None:
        super().__init__("; ".join(text for _name, text in problems))
        self.problems = problems
        self.status = status


@dataclass
class Problems:
    found: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, text: str) -> None:
        self.found.append((name, f"{name}: {text}"))

    def raise_any(self) -> None:
        if self.found:
            raise BadParameters(self.found)


def single(data: QueryDict, name: str, problems: Problems) -> str:
    """A parameter given at most once ("" when absent or empty: the spec's
    optional arguments)."""
    values = data.getlist(name)
    if len(values) > 1 and len(set(values)) > 1:
        problems.add(name, _("give it once."))
    return (values[0] if values else "").strip()


def flag(data: QueryDict, name: str, problems: Problems) -> bool:
    value = single(data, name, problems).lower()
    if value in ("", "false"):
        return False
    if value == "true":
        return True
    problems.add(name, _("is true or false."))
    return False


def check_jurisdiction(data: QueryDict) -> None:
    """jurisdiction_id is optional (we serve one jurisdiction); when given it must
    be ours: 404 as the spec says for one that is not found."""
    problems = Problems()
    given = single(data, "jurisdiction_id", problems)
    problems.raise_any()
    if given and given != settings.OPEN311_JURISDICTION_ID:
        raise BadParameters(
            [
                (
                    "jurisdiction_id",
                    _(
                        "jurisdiction_id: %(given)s is not served here; this endpoint "
                        "serves %(ours)s."
                    )
                    % {"given": given, "ours": settings.OPEN311_JURISDICTION_ID},
                )
            ],
            status=404,
        )


def _parse_moment(value: str) -> datetime | None:
    """A W3C-DTF date (local midnight) or date-time with its zone; None if not."""
    tz = timezone.get_current_timezone()
    try:
        if match := W3C_DATE.match(value):
            numbers = [int(part) for part in match.groups()]
            return timezone.make_aware(datetime(numbers[0], numbers[1], numbers[2]), tz)
        match = W3C_DATETIME.match(value)
        if not match:
            return None
        year, month, day_, hour, minute, second, fraction, zone = match.groups()
        if zone is None:
            return None
        text = f"{year}-{month}-{day_}T{hour}:{minute}:{second or '00'}{fraction or ''}"
        text += "+00:00" if zone == "Z" else zone
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def moment(data: QueryDict, name: str, problems: Problems) -> datetime | None:
    value = single(data, name, problems)
    if not value:
        return None
    parsed = _parse_moment(value)
    if parsed is None:
        problems.add(
            name,
            _(
                "%(value)s is not a W3C date-time with its time zone, such as "
                "2026-01-31T00:00:00+07:00 or 2026-01-31T00:00:00Z (or a date, "
                "2026-01-31)."
            )
            % {"value": value[:40]},
        )
    return parsed


def whole_number(
    data: QueryDict, name: str, problems: Problems, *, low: int, high: int
) -> int | None:
    value = single(data, name, problems)
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        problems.add(
            name,
            _("is a whole number from %(low)s to %(high)s.")
            % {"low": low, "high": high},
        )
        return None
    return int(value)


def comma_list(data: QueryDict, name: str) -> list[str]:
    """A comma-delimited parameter, which may also be given several times."""
    items: list[str] = []
    for value in data.getlist(name):
        items.extend(part.strip() for part in value.split(",") if part.strip())
    return list(dict.fromkeys(items))


@dataclass(frozen=True)
class ListQuery:
    """GET requests: what to list."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = MAX_REQUESTS
    extensions: bool = False


def list_query(data: QueryDict) -> ListQuery:
    """The spec's filters with its defaults: service_request_id overrides every
    other argument; without dates, the most recent 90 days; a range may not span
    more than 90 days; 1,000 requests at most. `page`/`page_size` are the common
    extension (wiki.open311.org/GeoReport_v2/Extensions)."""
    problems = Problems()
    extensions = flag(data, "extensions", problems)
    page = whole_number(data, "page", problems, low=1, high=MAX_PAGE) or 1
    page_size = (
        whole_number(data, "page_size", problems, low=1, high=MAX_REQUESTS)
        or MAX_REQUESTS
    )
    ids = comma_list(data, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS:
            problems.add(
                "service_request_id",
                _("at most %(count)s ids at once.") % {"count": MAX_IDS},
            )
        for bad in [value for value in ids if not REFERENCE.match(value)][:5]:
            problems.add(
                "service_request_id",
                _("%(value)s is not a request id.") % {"value": bad[:40]},
            )
        problems.raise_any()
        return ListQuery(ids=tuple(ids), extensions=extensions)
    codes = comma_list(data, "service_code")
    for bad in [code for code in codes if not SERVICE_CODE.match(code)][:5]:
        problems.add(
            "service_code", _("%(value)s is not a service code.") % {"value": bad[:40]}
        )
    statuses = [value.lower() for value in comma_list(data, "status")]
    for bad in [value for value in statuses if value not in ("open", "closed")]:
        problems.add(
            "status", _("%(value)s is not open or closed.") % {"value": bad[:40]}
        )
    start = moment(data, "start_date", problems)
    end = moment(data, "end_date", problems)
    problems.raise_any()
    span = timedelta(days=DEFAULT_DAYS)
    if start is None and end is None:
        end = timezone.now()
        start = end - span
    elif start is None:
        assert end is not None
        start = end - span
    elif end is None:
        end = start + span
    if start > end:
        problems.add("start_date", _("is after end_date."))
    elif end - start > span:
        problems.add(
            "end_date",
            _("a range may not span more than %(days)s days.") % {"days": DEFAULT_DAYS},
        )
    problems.raise_any()
    return ListQuery(
        service_codes=tuple(codes),
        statuses=tuple(dict.fromkeys(statuses)),
        start=start,
        end=end,
        page=page,
        page_size=page_size,
        extensions=extensions,
    )


@dataclass(frozen=True)
class Filing:
    """POST requests: the request as sent, checked for form (not yet for meaning:
    the service code, the place and the answers are resolved by the view)."""

    service_code: str
    description: str
    lat: Decimal | None
    long: Decimal | None
    address_string: str
    address_id: str
    attributes: dict[str, Any]
    email: str
    phone: str
    first_name: str
    last_name: str
    account_id: str
    device_id: str
    media_url: str


ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
THAILAND_LAT = (Decimal("5.5"), Decimal("20.5"))
THAILAND_LONG = (Decimal("97.3"), Decimal("105.7"))


def filing(data: QueryDict) -> Filing:
    problems = Problems()
    service_code = single(data, "service_code", problems)
    if not service_code:
        problems.add("service_code", _("is required (see services.json)."))
    description = single(data, "description", problems)
    if not description:
        problems.add("description", _("is required: say what happened."))
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        problems.add(
            "description",
            _("is %(length)s characters long; the limit is 4,000.")
            % {"length": f"{len(description):,}"},
        )
    lat = _coordinate(data, "lat", THAILAND_LAT, problems)
    long = _coordinate(data, "long", THAILAND_LONG, problems)
    if (lat is None) != (long is None) and not problems.found:
        problems.add("lat", _("lat and long are sent together."))
    address_string = single(data, "address_string", problems)
    if len(address_string) > 300:
        problems.add("address_string", _("is longer than 300 characters."))
    address_id = single(data, "address_id", problems)
    if address_id and not re.fullmatch(r"\d{6}", address_id):
        problems.add(
            "address_id",
            _("is the 6-digit code of the subdistrict (DOPA geocode, e.g. 500101)."),
        )
    if not address_id and not address_string:
        if lat is None:
            problems.add(
                "location",
                _(
                    "a location is required: address_id (the subdistrict's 6-digit "
                    "code) or an address_string naming the subdistrict and district."
                ),
            )
        else:
            problems.add(
                "location",
                _(
                    "lat/long alone cannot be placed in a district: also send address_id "
                    "(the subdistrict's 6-digit code) or an address_string naming the "
                    "subdistrict and district."
                ),
            )
    attributes: dict[str, Any] = {}
    for name in data:
        match = ATTRIBUTE.match(name)
        if not match:
            continue
        code, many = match.groups()
        values = [value for value in data.getlist(name) if value != ""]
        if many:
            attributes.setdefault(code, [])
            if isinstance(attributes[code], list):
                attributes[code].extend(values)
        elif values:
            if len(set(values)) > 1:
                problems.add(f"attribute[{code}]", _("give it once."))
            attributes[code] = values[0]
    email = single(data, "email", problems)
    phone = single(data, "phone", problems)
    first_name = single(data, "first_name", problems)
    last_name = single(data, "last_name", problems)
    if len(f"{first_name} {last_name}") > 200:
        problems.add(
            "first_name", _("first_name and last_name are 200 characters at most.")
        )
    account_id = single(data, "account_id", problems)[:100]
    device_id = single(data, "device_id", problems)[:100]
    media_url = single(data, "media_url", problems)
    if media_url:
        parts = urlsplit(media_url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or len(media_url) > 1000
        ):
            problems.add(
                "media_url",
                _("is an http or https address (1,000 characters at most)."),
            )
    problems.raise_any()
    return Filing(
        service_code=service_code,
        description=description,
        lat=lat,
        long=long,
        address_string=address_string,
        address_id=address_id,
        attributes=attributes,
        email=email,
        phone=phone,
        first_name=first_name,
        last_name=last_name,
        account_id=account_id,
        device_id=device_id,
        media_url=media_url,
    )


def _coordinate(
    data: QueryDict, name: str, bounds: tuple[Decimal, Decimal], problems: Problems
) -> Decimal | None:
    value = single(data, name, problems)
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problems.add(name, _("%(value)s is not a number.") % {"value": value[:40]})
        return None
    if not bounds[0] <= number <= bounds[1]:
        problems.add(
            name,
            _("%(value)s is outside Thailand (%(low)s to %(high)s).")
            % {"value": value[:40], "low": bounds[0], "high": bounds[1]},
        )
        return None
    return number.quantize(Decimal("0.000001"))
