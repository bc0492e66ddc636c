"""Tests against the production stack (deploy/stack.py): `make stack-test`.

Every test here is marked `stack` and left out of the plain suite (pyproject's
addopts). The session fixture `stack` is a started Stack; `make stack-test` starts it
first, and the fixture starts it itself when it is not running. Without the stack's
programs (nginx, PgBouncer, PostgreSQL 15, Redis, root to run PostgreSQL as its own
user) the tests skip, except with SADUAK_REQUIRE_STACK=1 (CI), where they fail.
"""

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.stack import COMPONENTS, PG_BIN, Stack

from .support import SignedIn, form_token, https_client

STACK_DIR = Path(__file__).parent
DEMO_PASSWORD = "saduak-demo"
# Demo accounts (saduak/demo/management/commands/seed_demo.py).
CITIZEN = "1100000000016"
DISTRICT_ADMIN = "1100000000059"
COUNTER_OFFICER = "1100000000067"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Marked before `-m "not stack"` deselects: a test file added here without its
    # own mark is still kept out of the plain suite.
    for item in items:
        if STACK_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.stack)


def _missing() -> str:
    needs = ["nginx", "pgbouncer", "redis-server", "openssl", "runuser"]
    absent = [name for name in needs if shutil.which(name) is None]
    if not (PG_BIN / "initdb").exists():
        absent.append(str(PG_BIN / "initdb"))
    if os.geteuid() != 0:
        absent.append("root (PostgreSQL runs as the postgres user)")
    return ", ".join(absent)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """The started stack. Started here if it is not running (and then stopped at
    the end); left running if `make stack-test` or a person started it."""
    missing = _missing()
    if missing:
        message = f"the stack cannot run here: missing {missing}"
        if os.environ.get("SADUAK_REQUIRE_STACK") == "1":
            pytest.fail(message)
        pytest.skip(message)
    running = Stack()
    started_here = not running.component_running("nginx")
    if all(running.component_running(name) for name in COMPONENTS):
        running.wait_healthy()
    else:
        running.start()
    yield running
    if started_here:
        running.stop()


def sign_in(
    stack: Stack, personal_id: str, *, http: httpx.Client | None = None
) -> SignedIn:
    """Signs a demo account in through nginx as a browser does: the password form,
    then, for staff, the authenticator code (`manage.py demo_code`)."""
    http = http or https_client(stack)
    page = http.get("/en/accounts/login/")
    assert page.status_code == 200, page.text[:300]
    answer = http.post(
        "/en/accounts/login/",
        data={
            "csrfmiddlewaretoken": form_token(page.text),
            "username": personal_id,
            "password": DEMO_PASSWORD,
        },
    )
    assert answer.status_code == 302, answer.text[:500]
    if "second-factor" in answer.headers["location"]:
        page = http.get(answer.headers["location"])
        token = form_token(page.text)
        # A code is accepted once: wait for the next one if this one was used.
        code = stack.manage("demo_code", personal_id).stdout.strip()
        answer = http.post(
            answer.headers["location"],
            data={"csrfmiddlewaretoken": token, "token": code},
        )
        if answer.status_code != 302:
            time.sleep(30)
            code = stack.manage("demo_code", personal_id).stdout.strip()
            answer = http.post(
                "/en/accounts/login/second-factor/",
                data={"csrfmiddlewaretoken": token, "token": code},
            )
        assert answer.status_code == 302, answer.text[:500]
        assert "second-factor" not in answer.headers["location"]
    return SignedIn(http=http, personal_id=personal_id)


@pytest.fixture(scope="session")
def citizen(stack) -> Iterator[SignedIn]:
    signed_in = sign_in(stack, CITIZEN)
    yield signed_in
    signed_in.http.close()


@pytest.fixture(scope="session")
def counter_officer(stack) -> Iterator[SignedIn]:
    signed_in = sign_in(stack, COUNTER_OFFICER)
    yield signed_in
    signed_in.http.close()
