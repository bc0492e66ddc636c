"""Browser tests drive Debian's Chromium through Playwright. Where Chromium is absent
they skip, unless SADUAK_REQUIRE_BROWSER is set (as .ci/run does): then a missing
browser is an error."""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SADUAK_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM
# between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("SADUAK_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required here but {CHROMIUM} does not exist.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium: object, live_server: object) -> Iterator[object]:
    """A phone-sized page on the live server. axe-core is injected by tests, so the
    page's Content-Security-Policy is bypassed for the test runner only."""
    context = chromium.new_context(  # type: ignore[attr-defined]
        viewport=PHONE,
        base_url=live_server.url,  # type: ignore[attr-defined]
        bypass_csp=True,
        locale="th-TH",
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(chromium: object, live_server: object) -> Iterator[Any]:
    """Makes pages on the live server, each in a context of its own (`options` as
    for Playwright's new_context), and closes them all when the test ends: a page
    left open keeps polling the server while the next test runs."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("base_url", live_server.url)  # type: ignore[attr-defined]
        options.setdefault("bypass_csp", True)
        context = chromium.new_context(**options)  # type: ignore[attr-defined]
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page: object, name: str) -> None:
    """Runs axe-core (WCAG 2.1 A and AA rules) on the page, saves a screenshot, and
    fails on any violation."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async () => await axe.run(document, "
        "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:3],
        }
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
