from datetime import date

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saduak.identity.models import RegistryPerson
from saduak.identity.registry import (
    HttpCivilRegistry,
    RegistryUnavailable,
    TableCivilRegistry,
)

pytestmark = pytest.mark.django_db

CSV = """personal_id,first_name,last_name,birth_date,card_expiry,card_status
1-1000-00000-01-6,สมศรี,ใจดี,1985-03-14,2030-03-13,valid
1100000000083,บุญมี,มีสุข,1952-07-01,2099-12-31,
"""


def test_the_registry_loads_from_csv_and_a_second_load_updates(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_registry", str(path))
    path.write_text(CSV.replace("2030-03-13", "2031-03-13"), encoding="utf-8")
    call_command("import_registry", str(path))
    record = TableCivilRegistry().lookup("1100000000016")
    assert record.card_expiry == date(2031, 3, 13)
    assert RegistryPerson.objects.count() == 2


def test_one_bad_row_stops_the_load_and_names_the_row(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(
        CSV + "1100000000017,ก,ข,1990-01-01,2030-01-01,valid\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="4"):
        call_command("import_registry", str(path))
    assert not RegistryPerson.objects.exists()


def test_a_row_with_a_nul_character_stops_the_load_and_names_the_row(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(CSV.replace("บุญมี", "บุญ\x00มี"), encoding="utf-8")
    with pytest.raises(CommandError, match="3.*U\\+0000"):
        call_command("import_registry", str(path))
    assert not RegistryPerson.objects.exists()


def registry_answering(status, body=None):
    def handler(request):
        assert request.headers["Authorization"] == "Bearer secret"
        assert request.url.path == "/v1/persons/1100000000016"
        return httpx.Response(status, json=body)

    return HttpCivilRegistry(
        base_url="https://registry.example/v1",
        token="secret",
        transport=httpx.MockTransport(handler),
    )


def test_the_http_registry_reads_a_person():
    record = registry_answering(
        200,
        {
            "personal_id": "1100000000016",
            "first_name": "สมศรี",
            "last_name": "ใจดี",
            "birth_date": "1985-03-14",
            "card_expiry": "2030-03-13",
            "card_status": "valid",
        },
    ).lookup("1100000000016")
    assert (record.first_name, record.birth_date) == ("สมศรี", date(1985, 3, 14))


def test_the_http_registry_says_none_for_404_and_unavailable_for_errors():
    assert registry_answering(404).lookup("1100000000016") is None
    with pytest.raises(RegistryUnavailable):
        registry_answering(503).lookup("1100000000016")
    with pytest.raises(RegistryUnavailable):
        registry_answering(200, {"unexpected": True}).lookup("1100000000016")


def test_a_registry_that_cannot_be_asked_is_a_refusal_saying_to_try_again(
    monkeypatch,
):
    from saduak.core.errors import DomainError
    from saduak.identity import registry

    monkeypatch.setattr(registry, "civil_registry", lambda: registry_answering(503))
    with pytest.raises(DomainError) as refused:
        registry.registry_lookup("1100000000016")
    assert refused.value.code == "registry-unavailable"


def test_a_registry_without_a_token_is_asked_without_an_authorization_header():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(404)

    registry = HttpCivilRegistry(
        base_url="https://registry.example/v1",
        token="",
        transport=httpx.MockTransport(handler),
    )
    assert registry.lookup("1100000000016") is None
    [request] = seen
    assert "Authorization" not in request.headers
