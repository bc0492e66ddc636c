"""What Saduak leans on inside django-oauth-toolkit (DOT) that is not its public
interface: the private validator methods PartnerValidator overrides or calls,
the token view's undocumented `authorization_flow_token_response`, and the DOT
methods that decide whether those overrides are reached at all.

Each is pinned by its signature and a fingerprint of its source in the DOT
version range pyproject.toml declares. When DOT changes any of them, these tests
fail: read the new DOT code, adjust the override (validators.py, views.py) and
only then update the table. The behaviour each override exists for is tested
in test_oidc_validators.py, test_oidc_views.py and below."""

import hashlib
import inspect
import re
import textwrap
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views.base import TokenView
from oauthlib.oauth2 import RequestValidator

from saduak.identity.oidc.server import REMOVED_GRANTS, PartnerServer
from saduak.identity.oidc.validators import PartnerValidator
from saduak.identity.oidc.views import PartnerTokenView
from saduak.identity.tests.oidc_helpers import make_client, make_partner

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"
DISTRIBUTION = "django-oauth-toolkit"

# (class, method): (signature without annotations, sha256 of its source, first
# 16 hex digits). "override": PartnerValidator/PartnerTokenView replaces it;
# "called": Saduak's code calls it; "caller": DOT code that calls an override
# (if it stopped calling it, the override would silently do nothing).
PINNED: dict[tuple[type, str], tuple[str, str, str]] = {
    (OAuth2Validator, "_load_application"): (
        "override",
        "(self, client_id, request)",
        "089de8275d15ceae",
    ),
    (OAuth2Validator, "_check_secret"): (
        "override",
        "(self, provided_secret, stored_secret)",
        "64faaf8a77345019",
    ),
    (OAuth2Validator, "_check_and_set_request_resource"): (
        "override",
        "(self, request)",
        "906ccc57ab8941fe",
    ),
    (OAuth2Validator, "_create_access_token"): (
        "override",
        "(self, expires, request, token, source_refresh_token=None)",
        "d78bdb8bcd81d41b",
    ),
    (OAuth2Validator, "_create_refresh_token"): (
        "override",
        "(self, request, refresh_token_code, access_token, previous_refresh_token)",
        "e2911d09adcff86e",
    ),
    (OAuth2Validator, "_get_key_for_token"): (
        "override",
        "(self, token)",
        "6cb571366ef88e64",
    ),
    (OAuth2Validator, "_set_token_value"): (
        "called",
        "(self, token_instance, raw_token)",
        "a71b4eb1fd487b7b",
    ),
    (OAuth2Validator, "_validate_resource_uris"): (
        "called",
        "(self, request, resources)",
        "ed3649f306abf866",
    ),
    (OAuth2Validator, "_get_client_by_audience"): (
        "called",
        "(self, audience)",
        "3b6f6be0c6ba2dce",
    ),
    (OAuth2Validator, "_save_bearer_token"): (
        "caller",
        "(self, token, request, *args, **kwargs)",
        "3da56aeab009c1be",
    ),
    (OAuth2Validator, "_load_id_token"): (
        "caller",
        "(self, token)",
        "14cb8734a16a540f",
    ),
    (OAuth2Validator, "_authenticate_basic_auth"): (
        "caller",
        "(self, request)",
        "e6eea5c638812dc5",
    ),
    (OAuth2Validator, "_authenticate_request_body"): (
        "caller",
        "(self, request)",
        "a9f720aaef0e4e65",
    ),
    (OAuth2Validator, "save_authorization_code"): (
        "caller",
        "(self, client_id, code, request, *args, **kwargs)",
        "d78a8b850f1850f9",
    ),
    (TokenView, "authorization_flow_token_response"): (
        "override",
        "(self, request, *args, **kwargs)",
        "df39653f39d61323",
    ),
    (TokenView, "post"): (
        "caller",
        "(self, request, *args, **kwargs)",
        "aa38638a471e6d9e",
    ),
}


def bare_signature(function: Any) -> str:
    signature = inspect.signature(function)
    return str(
        signature.replace(
            parameters=[
                parameter.replace(annotation=inspect.Parameter.empty)
                for parameter in signature.parameters.values()
            ],
            return_annotation=inspect.Signature.empty,
        )
    )


def source_fingerprint(function: Any) -> str:
    source = textwrap.dedent(inspect.getsource(function))
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def declared_range() -> tuple[tuple[int, ...], tuple[int, ...]]:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    (requirement,) = [d for d in dependencies if d.startswith(DISTRIBUTION)]
    found = re.fullmatch(
        rf"{DISTRIBUTION}>=([0-9.]+),<([0-9.]+)", requirement.replace(" ", "")
    )
    assert found, f"{requirement!r}: declare the range as >=X.Y.Z,<X.Y"
    return _numbers(found[1]), _numbers(found[2])


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


@pytest.mark.parametrize(
    ("owner", "name"), list(PINNED), ids=[f"{o.__name__}.{n}" for o, n in PINNED]
)
def test_the_dot_code_we_lean_on_is_what_it_was(owner, name):
    role, signature, fingerprint = PINNED[(owner, name)]
    function = getattr(owner, name, None)
    assert function is not None, f"{owner.__name__}.{name} is gone ({role})"
    assert bare_signature(function) == signature, f"{name}: its signature changed"
    assert source_fingerprint(function) == fingerprint, (
        f"{owner.__name__}.{name} ({role}) changed in django-oauth-toolkit "
        f"{version(DISTRIBUTION)}: read it, adjust Saduak's code, update PINNED"
    )


def test_the_installed_dot_is_in_the_declared_one_minor_range():
    low, high = declared_range()
    installed = _numbers(version(DISTRIBUTION))
    assert low <= installed < high
    # One minor series: the next minor release needs a new look at PINNED.
    assert high == (low[0], low[1] + 1)


def test_every_private_override_is_pinned():
    pinned = {name for (_owner, name), (role, *_rest) in PINNED.items()}
    overrides = [
        name
        for name in vars(PartnerValidator)
        if name.startswith("_")
        and not name.startswith("__")
        and (hasattr(OAuth2Validator, name) or hasattr(RequestValidator, name))
    ]
    assert overrides, "PartnerValidator overrides nothing private?"
    assert set(overrides) <= pinned
    view_overrides = {
        name
        for name in vars(PartnerTokenView)
        if not name.startswith("__") and hasattr(TokenView, name)
    }
    assert view_overrides <= pinned


def test_every_pinned_override_is_still_overridden():
    """A row for an override Saduak no longer has would pin DOT for nothing."""
    ours = {**vars(PartnerValidator), **vars(PartnerTokenView)}
    for (_owner, name), (role, *_rest) in PINNED.items():
        if role == "override":
            assert name in ours, f"{name} is pinned but no longer overridden"


def test_the_callers_still_call_the_overrides():
    """Read from DOT's source: if DOT stopped calling a private method it would
    skip Saduak's override without any error."""
    calls = {
        "_save_bearer_token": (
            "_check_and_set_request_resource",
            "_create_access_token",
            "_create_refresh_token",
        ),
        "_load_id_token": ("_get_key_for_token",),
        "_authenticate_basic_auth": ("_load_application", "_check_secret"),
        "_authenticate_request_body": ("_load_application", "_check_secret"),
        "validate_client_id": ("_load_application",),
        "authenticate_client_id": ("_load_application",),
    }
    for caller, callees in calls.items():
        source = inspect.getsource(getattr(OAuth2Validator, caller))
        for callee in callees:
            assert f"self.{callee}(" in source, f"{caller} no longer calls {callee}"
    assert "self.authorization_flow_token_response(" in inspect.getsource(
        TokenView.post
    )


# --- Behaviour of the public replacements -------------------------------------------
def test_the_token_server_has_no_password_grant():
    server = PartnerServer(PartnerValidator())
    assert not set(REMOVED_GRANTS) & set(server.grant_types)
    assert {"authorization_code", "client_credentials", "refresh_token"} <= set(
        server.grant_types
    )
    assert server.default_grant_type == "authorization_code"


@pytest.mark.django_db
def test_a_password_grant_is_unsupported_before_any_password_is_checked(
    client, citizen, monkeypatch
):
    application, secret = make_client(make_partner())
    checked: list[str] = []
    monkeypatch.setattr(
        PartnerValidator,
        "validate_user",
        lambda self, username, *args, **kwargs: checked.append(username),
    )
    response = client.post(
        "/o/token/",
        {
            "grant_type": "password",
            "username": citizen.personal_id,
            "password": "anything",
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert checked == []
