"""Role x action scenarios for Social Match's sources services: a province 50
import and its rollback, by every role seated in district 5001."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.areas.models import Province
from saduak.social.models import SourceImport, StagedPerson
from saduak.social.services.sources import (
    source_import,
    source_import_file,
    source_import_rollback,
)
from saduak.social.tests.test_services_sources import row, welfare_csv

OFFICE = "do-5001"
API = "/api/v1/social/sources"


def _map(request: Any) -> None:
    request.getfixturevalue("small_map")


def _import(actor: Any, n: int = 1) -> SourceImport:
    return source_import(
        kind="welfare_card",
        year=2569,
        province=Province.objects.get(code="50"),
        file_name="w.csv",
        content=welfare_csv([row(n)]),
        actor=actor,
    )


def _imported(request: Any) -> SourceImport:
    _map(request)
    return _import("test")


def _import_streamed(actor: Any) -> SourceImport:
    return source_import_file(
        kind="welfare_card",
        year=2569,
        province=Province.objects.get(code="50"),
        file_name="w.csv",
        file=io.BytesIO(welfare_csv([row(3)])),
        actor=actor,
    )


def _upload(actor: Any, request: Any) -> Any:
    client = request.getfixturevalue("client_for")(actor)
    return client.post(
        API,
        {
            "kind": "welfare_card",
            "year": "2569",
            "province": "50",
            "file": SimpleUploadedFile("w.csv", welfare_csv([row(4)])),
        },
    )


def _state(ctx: Any) -> Any:
    return (
        list(SourceImport.objects.values_list("pk", "status")),
        StagedPerson.objects.count(),
    )


SCENARIOS = [
    Scenario(
        Action.SOCIAL_SOURCE_IMPORT,
        "source_import",
        OFFICE,
        _map,
        lambda actor, ctx, r: _import(actor, 2),
        _state,
    ),
    Scenario(
        Action.SOCIAL_SOURCE_IMPORT,
        "source_import_rollback",
        OFFICE,
        _imported,
        lambda actor, ctx, r: source_import_rollback(source_import=ctx, actor=actor),
        _state,
    ),
    Scenario(
        Action.SOCIAL_SOURCE_IMPORT,
        "source_import_file",
        OFFICE,
        _map,
        lambda actor, ctx, r: _import_streamed(actor),
        _state,
    ),
    Scenario(
        Action.SOCIAL_SOURCE_IMPORT,
        f"POST {API}",
        OFFICE,
        _map,
        lambda actor, ctx, r: _upload(actor, r),
        _state,
    ),
    Scenario(
        Action.SOCIAL_SOURCE_IMPORT,
        f"POST {API}/{{public_id}}/rollback",
        OFFICE,
        _imported,
        lambda actor, ctx, r: api_call(
            r, actor, "post", f"{API}/{ctx.public_id}/rollback"
        ),
        _state,
    ),
]
