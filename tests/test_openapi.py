"""The API's published contract. A change to the OpenAPI schema must be deliberate:
refresh docs/openapi.json with `UPDATE_OPENAPI_SNAPSHOT=1 pytest tests/test_openapi.py`
and review the diff."""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from config.api import api
from config.wsgi import application

SNAPSHOT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def current_schema() -> dict:
    # The prefix ends with "/" as the served schema's does: without it ninja glues
    # a nested router's paths to the prefix ("/api/v1social/cases").
    return json.loads(
        json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), ensure_ascii=False)
    )


def test_the_openapi_schema_matches_the_published_snapshot():
    schema = current_schema()
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(
            json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        )
    assert schema == json.loads(SNAPSHOT.read_text())


def test_the_interactive_docs_are_served(client):
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Saduak API"


schema = schemathesis.openapi.from_dict(current_schema()).include(method="GET")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_read_endpoint_answers_a_server_error_whatever_it_is_sent(
    case, small_map, connections_kept
):
    response = case.call(app=application)
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith(
            "application/problem+json"
        ), (
            response.status_code,
            case.formatted_path,
            case.query,
            case.headers,
        )
