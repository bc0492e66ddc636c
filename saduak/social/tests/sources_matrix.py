"""Role x action scenarios for Social Match's sources services: a province 50
import and its rollback, by every role seated in district 5001."""

from typing import Any

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario
from saduak.areas.models import Province
from saduak.social.models import SourceImport, StagedPerson
from saduak.social.services.sources import source_import, source_import_rollback
from saduak.social.tests.test_services_sources import row, welfare_csv

OFFICE = "do-5001"


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
]
