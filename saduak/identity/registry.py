"""The civil registry, behind one small interface with three adapters:

- `http`: the registry's person-lookup service over HTTPS (contract in
  docs/identity.md: GET {CIVIL_REGISTRY_URL}/persons/{personal_id} with a bearer
  token; 200 with the person, 404 when there is none);
- `table`: a local copy in the database, loaded from CSV with
  `manage.py import_registry`;
- `demo`: a fixed set of sample people for the demo and tests.
"""

from dataclasses import dataclass
from datetime import date
from typing import Protocol

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from saduak.core.errors import DomainError
from saduak.identity.models import CardStatus, RegistryPerson


@dataclass(frozen=True)
class RegistryRecord:
    personal_id: str
    first_name: str
    last_name: str
    birth_date: date
    card_expiry: date
    card_status: str = CardStatus.VALID


class RegistryUnavailable(Exception):
    """The registry could not be asked; the officer should try again later."""


class CivilRegistry(Protocol):
    def lookup(self, personal_id: str) -> RegistryRecord | None: ...


class HttpCivilRegistry:
    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.transport = transport

    def lookup(self, personal_id: str) -> RegistryRecord | None:
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.get(
                    f"{self.base_url}/persons/{personal_id}",
                    headers={
                        "Authorization": f"Bearer {self.token}",
                        "Accept": "application/json",
                    },
                )
        except httpx.HTTPError as error:
            raise RegistryUnavailable(str(error)) from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RegistryUnavailable(f"registry answered {response.status_code}")
        try:
            body = response.json()
            return RegistryRecord(
                personal_id=str(body["personal_id"]),
                first_name=str(body["first_name"]),
                last_name=str(body["last_name"]),
                birth_date=date.fromisoformat(body["birth_date"]),
                card_expiry=date.fromisoformat(body["card_expiry"]),
                card_status=str(body.get("card_status", CardStatus.VALID)),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise RegistryUnavailable(f"registry answer unreadable: {error}") from error


class TableCivilRegistry:
    def lookup(self, personal_id: str) -> RegistryRecord | None:
        person = RegistryPerson.objects.filter(personal_id=personal_id).first()
        if person is None:
            return None
        return RegistryRecord(
            person.personal_id,
            person.first_name,
            person.last_name,
            person.birth_date,
            person.card_expiry,
            person.card_status,
        )


# Sample people for the demo: the citizen of `seed_demo`, and people whose cards
# show the refusals an officer will meet.
DEMO_PEOPLE = [
    RegistryRecord(
        "1100000000016", "สมศรี", "ใจดี", date(1985, 3, 14), date(2030, 3, 13)
    ),
    RegistryRecord("1100000000083", "บุญมี", "มีสุข", date(1952, 7, 1), date(2099, 12, 31)),
    RegistryRecord(
        "1100000000091", "กมล", "บัตรหมดอายุ", date(1990, 1, 2), date(2020, 1, 1)
    ),
    RegistryRecord(
        "1100000000105",
        "ชัย",
        "บัตรถูกยกเลิก",
        date(1979, 5, 5),
        date(2031, 5, 4),
        CardStatus.REVOKED,
    ),
]


class DemoCivilRegistry:
    def lookup(self, personal_id: str) -> RegistryRecord | None:
        return next((p for p in DEMO_PEOPLE if p.personal_id == personal_id), None)


def civil_registry() -> CivilRegistry:
    backend = settings.CIVIL_REGISTRY_BACKEND
    if backend == "http":
        if not settings.CIVIL_REGISTRY_URL:
            raise ImproperlyConfigured(
                "CIVIL_REGISTRY_BACKEND is http but CIVIL_REGISTRY_URL is empty."
            )
        return HttpCivilRegistry(
            base_url=settings.CIVIL_REGISTRY_URL, token=settings.CIVIL_REGISTRY_TOKEN
        )
    if backend == "table":
        return TableCivilRegistry()
    if backend == "demo":
        return DemoCivilRegistry()
    raise ImproperlyConfigured(f"Unknown CIVIL_REGISTRY_BACKEND {backend!r}.")


def registry_lookup(personal_id: str) -> RegistryRecord | None:
    """The person the civil registry holds under `personal_id` (None: nobody).
    A registry that cannot be asked is a DomainError `registry-unavailable`
    saying to try again, for pages and the API alike."""
    try:
        return civil_registry().lookup(personal_id)
    except RegistryUnavailable:
        raise DomainError(
            _("The civil registry cannot be reached. Try again in a few minutes."),
            code="registry-unavailable",
        ) from None
